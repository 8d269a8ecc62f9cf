package dev.mailkit.core.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.InvalidConfigurationException;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.registry.ProviderRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The offline settings check against the built-in registry and the standard ports; no network. */
class SettingsCheckTest {

    private static final ProviderRegistry REGISTRY = ProviderRegistry.defaults();

    private static List<Finding> check(Protocol p, String host, int port, Security s) {
        return SettingsCheck.check(REGISTRY, p, ServerEndpoint.of(host, port, s));
    }

    @Test
    void imapHostUsedForSending_isAnError_naming_theSmtpServer() {
        assertThat(check(Protocol.SMTP, "imap.gmail.com", 993, Security.SSL_TLS)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.evidence()).contains("imap.gmail.com is Gmail's IMAP server (receiving)");
            assertThat(f.fix()).isEqualTo("use smtp.gmail.com:465 SSL_TLS for SMTP");
        });
    }

    @Test
    void smtpHostUsedForReceiving_isAnError_naming_theImapServer() {
        assertThat(check(Protocol.IMAP, "smtp-mail.outlook.com", 587, Security.STARTTLS)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.evidence()).contains("SMTP server (sending)");
            assertThat(f.fix()).isEqualTo("use outlook.office365.com:993 SSL_TLS for IMAP");
        });
        assertThat(check(Protocol.IMAP, "smtp.qq.com", 465, Security.SSL_TLS)).singleElement()
                .satisfies(f -> assertThat(f.fix()).contains("imap.qq.com:993"));
    }

    @Test
    void knownHost_wrongSecurityForItsPort_isAnError() {
        assertThat(check(Protocol.SMTP, "smtp.gmail.com", 465, Security.STARTTLS)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.evidence()).isEqualTo("Gmail speaks SSL_TLS on port 465, not STARTTLS");
            assertThat(f.fix()).isEqualTo("use smtp.gmail.com:465 SSL_TLS");
        });
        assertThat(check(Protocol.SMTP, "smtp.office365.com", 587, Security.SSL_TLS)).extracting(Finding::severity)
                .containsExactly(Severity.ERROR);
    }

    @Test
    void knownHost_plaintext_isAWarning() {
        assertThat(check(Protocol.IMAP, "imap.gmail.com", 993, Security.PLAIN)).singleElement()
                .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.WARNING));
    }

    @Test
    void settingsAsTheRegistryListsThem_areFine() {
        assertThat(check(Protocol.SMTP, "smtp.gmail.com", 587, Security.STARTTLS)).isEmpty();
        assertThat(check(Protocol.SMTP, "SMTP.GMAIL.COM", 465, Security.SSL_TLS)).isEmpty();
        assertThat(check(Protocol.IMAP, "outlook.office365.com", 993, Security.SSL_TLS)).isEmpty();
    }

    @Test
    void unknownHost_standardPortWithTheWrongSecurity_isAnError() {
        assertThat(check(Protocol.SMTP, "mail.example.org", 465, Security.STARTTLS)).singleElement()
                .satisfies(f -> assertThat(f.fix()).isEqualTo("use Security.SSL_TLS on port 465, or STARTTLS on port 587"));
        assertThat(check(Protocol.SMTP, "mail.example.org", 587, Security.SSL_TLS)).extracting(Finding::severity)
                .containsExactly(Severity.ERROR);
        assertThat(check(Protocol.IMAP, "mail.example.org", 993, Security.STARTTLS)).extracting(Finding::severity)
                .containsExactly(Severity.ERROR);
        assertThat(check(Protocol.IMAP, "mail.example.org", 143, Security.SSL_TLS)).extracting(Finding::severity)
                .containsExactly(Severity.ERROR);
        assertThat(check(Protocol.SMTP, "mail.example.org", 2525, Security.STARTTLS)).isEmpty();
        assertThat(check(Protocol.SMTP, "mail.example.org", 465, Security.SSL_TLS)).isEmpty();
    }

    @Test
    void failOnError_throwsTheTypedConfigurationError_withTheFix() {
        List<Finding> f = check(Protocol.SMTP, "imap.gmail.com", 993, Security.SSL_TLS);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SettingsCheck.failOnError(f, "SmtpSender"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("SmtpSender: imap.gmail.com is Gmail's IMAP server (receiving), not its SMTP server (sending):"
                        + " use smtp.gmail.com:465 SSL_TLS for SMTP");
    }

    @Test
    void aServerOnThisMachine_isNotTakenForTheProviderOfALocalBridge() {
        // Proton Mail Bridge listens on 127.0.0.1:1025; a test server on 127.0.0.1:2525 is not Proton's.
        assertThat(check(Protocol.SMTP, "127.0.0.1", 2525, Security.PLAIN)).isEmpty();
        assertThat(check(Protocol.IMAP, "localhost", 3143, Security.PLAIN)).isEmpty();
        // the port conventions still hold on loopback
        assertThat(check(Protocol.SMTP, "127.0.0.1", 465, Security.STARTTLS))
                .singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.ERROR));
    }
}
