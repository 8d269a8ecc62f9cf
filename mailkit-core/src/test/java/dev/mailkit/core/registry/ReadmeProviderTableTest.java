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
        b.append("| id | provider | domains | IMAP | SMTP | login |\n");
        b.append("|---|---|---|---|---|---|\n");
        for (ProviderSettings p : ProviderRegistry.builder().addBuiltIns().build().all()) {
            String domains = p.domains().isEmpty() ? "(found by MX)"
                    : p.domains().stream().limit(3).collect(Collectors.joining(", "))
                    + (p.domains().size() > 3 ? " +" + (p.domains().size() - 3) : "");
            String login = p.authMethods().stream().map(Enum::name).collect(Collectors.joining(", "))
                    + (p.imapIdRequired() ? "; IMAP ID" : "")
                    + (p.enableInWebSettings().isPresent() ? "; enable in web settings" : "");
            b.append("| `").append(p.id()).append("` | ").append(p.displayName().replace("|", "\\|")).append(" | ")
                    .append(domains).append(" | ").append(p.imap().get(0)).append(" | ")
                    .append(p.smtp().stream().map(ServerEndpoint::toString).collect(Collectors.joining("<br>")))
                    .append(" | ").append(login).append(" |\n");
        }
        return b.toString();
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
