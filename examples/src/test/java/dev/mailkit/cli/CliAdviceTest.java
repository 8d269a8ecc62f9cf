package dev.mailkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mailkit.core.AuthMethod;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.ProviderNotFoundException;
import dev.mailkit.core.Security;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.smtp.SmtpSender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's own advice, produced by the library (not copied here), read as the CLI prints it: no API
 * name is left, and the CLI's option is there instead.
 */
class CliAdviceTest {

    private static final Pattern API_WORDS = Pattern.compile("\\w\\(\\)|\\w\\((?!s\\))\\w+\\)|\\bSecurity\\.[A-Z]|ConnectionOptions"
            + "|Credentials\\.|ProviderRegistry|ServerEndpoint|SmtpSender|ImapSynchronizer|OAuth2\\.Builder");

    @TempDir
    Path dir;

    @Test
    void everyProvidersLoginAdvice_namesTheCliInstead() {
        List<String> hints = new ArrayList<>();
        for (ProviderSettings p : ProviderRegistry.defaults().all()) {
            for (AuthMethod m : AuthMethod.values()) {
                hints.add(p.authenticationHint(m));
            }
        }
        assertThat(hints).as("the library's hints name the API").anyMatch(h -> API_WORDS.matcher(h).find());
        for (String h : hints) {
            assertThat(CliAdvice.of(h)).as(h).doesNotContainPattern(API_WORDS);
        }
        String outlook = CliAdvice.of(ProviderRegistry.defaults().byId("outlook").orElseThrow()
                .authenticationHint(AuthMethod.PASSWORD));
        assertThat(outlook).contains("run 'mailkit login EMAIL', then use --oauth2");
    }

    @Test
    void theBuildersRefusals_nameTheOptions() {
        List<String> messages = new ArrayList<>();
        messages.add(new ProviderNotFoundException("nowhere.invalid").getMessage());
        Credentials c = Credentials.password("me", "pw");
        messages.add(message(() -> SmtpSender.builder().endpoint("smtp.example.com", 465, Security.STARTTLS).credentials(c).build()));
        messages.add(message(() -> SmtpSender.builder().endpoint("smtp.example.com", 587, Security.SSL_TLS).credentials(c).build()));
        messages.add(message(() -> SmtpSender.builder().endpoint("smtp.example.com", 2525, Security.PLAIN).credentials(c).build()));
        messages.add(message(() -> ImapSynchronizer.builder().endpoint("imap.example.com", 993, Security.STARTTLS)
                .credentials(c).maildir(dir).build()));
        messages.add(message(() -> ImapSynchronizer.builder().endpoint("imap.example.com", 143, Security.SSL_TLS)
                .credentials(c).maildir(dir).build()));
        for (String m : messages) {
            assertThat(m).as("the library's message names the API").containsPattern(API_WORDS);
            assertThat(CliAdvice.of(m)).as(m).doesNotContainPattern(API_WORDS);
        }
        assertThat(CliAdvice.of(messages.get(0))).contains("'mailkit providers list'").contains("--host, --port and --security");
        assertThat(CliAdvice.of(messages.get(1))).startsWith("SMTP: ").contains("--security tls on port 465")
                .contains("or --security starttls on port 587");
        assertThat(CliAdvice.of(messages.get(3))).contains("--security tls or starttls");
    }

    @Test
    void theCliHalfOfAnApiAndCliAdvice_isKept() {
        assertThat(CliAdvice.of("If the server is right, sync once with allowMassDeletion() (CLI: --allow-mass-deletion);"
                + " to download a folder again instead, forget it with forgetFolder(name) (CLI: --forget-folder NAME)"))
                .isEqualTo("If the server is right, sync once with --allow-mass-deletion; to download a folder again"
                        + " instead, forget it with --forget-folder NAME");
        assertThat(CliAdvice.of("the server's reply did not end within 30 s (ConnectionOptions.replyTimeout)"))
                .isEqualTo("the server's reply did not end within 30 s");
        assertThat(CliAdvice.of("nothing to change here")).isEqualTo("nothing to change here");
    }

    private static String message(Runnable r) {
        Throwable t = catchThrowable(r::run);
        assertThat(t).isNotNull();
        return t.getMessage();
    }
}
