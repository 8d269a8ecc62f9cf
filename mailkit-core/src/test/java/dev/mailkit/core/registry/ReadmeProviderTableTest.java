package dev.mailkit.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ServerEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's provider table is generated from the built-in data; this test fails when they drift.
 * Regenerate with {@code mvn -pl mailkit-core test -Dtest=ReadmeProviderTableTest -Dmailkit.updateReadme=true}.
 */
class ReadmeProviderTableTest {

    private static final String BEGIN = "<!-- providers:begin (generated from providers.xml by ReadmeProviderTableTest) -->";
    private static final String END = "<!-- providers:end -->";

    static String table() {
        StringBuilder b = new StringBuilder();
        java.util.List<ProviderSettings> all = ProviderRegistry.builder().addBuiltIns().build().all();
        b.append(all.size()).append(" providers, ").append(all.stream().mapToInt(p -> p.domains().size()).sum())
                .append(" domains. Source: *page* = the provider's help page, *ISPDB* = Thunderbird's ISPDB,"
                        + " *other* = a dated secondary source (see each entry's `<source>`).\n\n");
        b.append("| id | provider | domains | IMAP | SMTP | login | source |\n");
        b.append("|---|---|---|---|---|---|---|\n");
        for (ProviderSettings p : all) {
            String domains = p.isSendingService() ? "sending service" : p.domains().isEmpty() ? "(by MX)"
                    : p.domains().stream().limit(2).collect(Collectors.joining(", "))
                    + (p.domains().size() > 2 ? " +" + (p.domains().size() - 2) : "");
            String login = p.authMethods().stream().map(ReadmeProviderTableTest::abbreviation).collect(Collectors.joining(" "))
                    + (p.imapIdRequired() ? ", IMAP ID" : "");
            String source = p.dataSources().stream().map(d -> d.isIspdb() ? "ISPDB"
                            : p.documentation().map(u -> u.toString().equals(d.reference())).orElse(false)
                            || !d.reference().contains("provider-db") ? "page" : "other")
                    .distinct().collect(Collectors.joining(", "));
            b.append("| `").append(p.id()).append("` | ").append(p.displayName().replace("|", "\\|")).append(" | ")
                    .append(domains).append(" | ").append(p.imap().isEmpty() ? "—" : compact(p.imap().get(0))).append(" | ")
                    .append(compact(p.smtp().get(0))).append(" | ").append(login).append(" | ").append(source).append(" |\n");
        }
        return b.toString();
    }

    private static String compact(ServerEndpoint e) {
        return e.host() + ":" + e.port() + (e.security() == dev.mailkit.core.Security.STARTTLS ? " STARTTLS" : "");
    }

    private static String abbreviation(dev.mailkit.core.AuthMethod m) {
        return switch (m) {
            case PASSWORD -> "password";
            case APP_PASSWORD -> "app-password";
            case AUTHORIZATION_CODE -> "auth-code";
            case OAUTH2 -> "OAuth2";
        };
    }

    @Test
    void readmeTable_matchesBuiltInData() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int start = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertThat(start).as("README.md has the marker " + BEGIN).isGreaterThanOrEqualTo(0);
        assertThat(end).as("README.md has the marker " + END).isGreaterThan(start);
        String current = text.substring(start + BEGIN.length(), end).strip() + "\n";
        String expected = table();
        if (Boolean.getBoolean("mailkit.updateReadme") && !current.equals(expected)) {
            Files.writeString(readme, text.substring(0, start + BEGIN.length()) + "\n" + expected + text.substring(end),
                    StandardCharsets.UTF_8);
            current = expected;
        }
        assertThat(current).as("README provider table; regenerate with "
                + "mvn -pl mailkit-core test -Dtest=ReadmeProviderTableTest -Dmailkit.updateReadme=true").isEqualTo(expected);
    }
}
