package dev.mailkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.core.testing.ScriptedServer;
import dev.mailkit.core.testing.TestCertificates;
import jakarta.mail.Message;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The session factory's safe defaults, proven against GreenMail and scripted servers on loopback. */
class MailSessionTest {

    private static Path trustedPem;
    private GreenMail greenMail;

    @BeforeAll
    static void certificates() {
        trustedPem = TestCertificates.localhostPem();
    }

    @BeforeEach
    void start() {
        greenMail = new GreenMail(new ServerSetup[] {
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAPS)});
        greenMail.start();
        greenMail.setUser("alice@localhost", "alice", "s3cret-pw");
    }

    @AfterEach
    void stop() {
        greenMail.stop();
    }

    private int smtpPort() {
        return greenMail.getSmtp().getPort();
    }

    private int smtpsPort() {
        return greenMail.getSmtps().getPort();
    }

    private static ConnectionOptions trusting() {
        return ConnectionOptions.builder().trustCertificates(trustedPem).build();
    }

    @Test
    void starttlsRequired_serverWithoutStarttls_isRefused() {
        MailSession s = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("127.0.0.1", smtpPort(), Security.STARTTLS))
                .credentials(Credentials.password("alice", "s3cret-pw")).build();
        assertThatThrownBy(s::connectTransport).isInstanceOfSatisfying(TlsException.class,
                e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.STARTTLS_NOT_OFFERED))
                .hasMessageNotContaining("s3cret-pw");
    }

    @Test
    void starttlsRequired_noCredentialIsSentToAServerWithoutStarttls() throws Exception {
        try (ScriptedServer smtp = new ScriptedServer("220 scripted ESMTP", line -> {
            String l = line.toUpperCase();
            if (l.startsWith("EHLO")) {
                return "250-scripted\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n";
            }
            return l.startsWith("QUIT") ? "221 bye\r\n" : "250 ok\r\n";
        }); ScriptedServer imap = new ScriptedServer("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready", line -> {
            String tag = line.split(" ")[0];
            if (line.toUpperCase().contains("CAPABILITY")) {
                return "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + " OK done\r\n";
            }
            return line.toUpperCase().contains("LOGOUT") ? "* BYE\r\n" + tag + " OK bye\r\n" : tag + " OK\r\n";
        })) {
            Credentials creds = Credentials.password("alice", "s3cret-pw");
            assertThatThrownBy(MailSession.builder(Protocol.SMTP, ServerEndpoint.of("127.0.0.1", smtp.port(), Security.STARTTLS))
                    .credentials(creds).build()::connectTransport).isInstanceOf(TlsException.class);
            assertThatThrownBy(MailSession.builder(Protocol.IMAP, ServerEndpoint.of("127.0.0.1", imap.port(), Security.STARTTLS))
                    .credentials(creds).build()::connectStore).isInstanceOf(TlsException.class);
            assertThat(smtp.received()).anyMatch(l -> l.startsWith("EHLO [127.0.0.1]"))
                    .noneMatch(l -> l.toUpperCase().startsWith("AUTH")).noneMatch(l -> l.contains("s3cret"));
            assertThat(imap.received())
                    .noneMatch(l -> l.toUpperCase().contains("LOGIN") || l.toUpperCase().contains("AUTHENTICATE"));
        }
    }

    @Test
    void selfSignedCertificate_isRefusedByDefault() {
        MailSession s = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("localhost", smtpsPort(), Security.SSL_TLS))
                .credentials(Credentials.password("alice", "s3cret-pw")).build();
        assertThatThrownBy(s::connectTransport).isInstanceOfSatisfying(TlsException.class,
                e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.UNTRUSTED_CERTIFICATE))
                .hasMessageContaining("trustCertificates");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void selfSignedCertificate_explicitlyTrusted_sendsMail() throws Exception {
        MailSession s = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("localhost", smtpsPort(), Security.SSL_TLS))
                .credentials(Credentials.password("alice", "s3cret-pw")).options(trusting()).build();
        try (Transport t = s.connectTransport()) {
            MimeMessage m = new MimeMessage(s.session());
            m.setFrom(new InternetAddress("alice@localhost"));
            m.setRecipients(Message.RecipientType.TO, "bob@localhost");
            m.setSubject("over TLS");
            m.setText("hello");
            t.sendMessage(m, m.getAllRecipients());
        }
        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        assertThat(greenMail.getReceivedMessages()[0].getSubject()).isEqualTo("over TLS");
    }

    @Test
    void toBuilder_keepsTheTrustedCertificates() {
        ConnectionOptions derived = trusting().toBuilder().readTimeout(Duration.ofSeconds(5)).build();
        assertThat(derived.readTimeout()).isEqualTo(Duration.ofSeconds(5));
        MailSession s = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("localhost", smtpsPort(), Security.SSL_TLS))
                .credentials(Credentials.password("alice", "s3cret-pw")).options(derived).build();
        try (Transport t = s.connectTransport()) {
            assertThat(t.isConnected()).isTrue();
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void trustedCertificate_forAnotherHostName_isRefused() {
        // The certificate names only "localhost"; connecting by IP must fail host-name verification.
        MailSession s = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("127.0.0.1", smtpsPort(), Security.SSL_TLS))
                .credentials(Credentials.password("alice", "s3cret-pw")).options(trusting()).build();
        assertThatThrownBy(s::connectTransport).isInstanceOfSatisfying(TlsException.class,
                e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.HOSTNAME_MISMATCH));
    }

    @Test
    void imaps_trusted_connects() throws Exception {
        MailSession s = MailSession.builder(Protocol.IMAP, ServerEndpoint.of("localhost", greenMail.getImaps().getPort(), Security.SSL_TLS))
                .credentials(Credentials.password("alice", "s3cret-pw")).options(trusting()).build();
        Store store = s.connectStore();
        try {
            assertThat(store.isConnected()).isTrue();
            assertThat(store.getFolder("INBOX").exists()).isTrue();
        } finally {
            store.close();
        }
    }

    @Test
    void wrongPassword_isAuthenticationErrorWithReplyAndProviderHint_neverThePassword() {
        ProviderSettings provider = ProviderRegistry.defaults().byId("gmail").orElseThrow();
        MailSession s = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("localhost", smtpsPort(), Security.SSL_TLS))
                .credentials(Credentials.password("alice", "wrong-pw-123")).options(trusting()).provider(provider).build();
        assertThatThrownBy(s::connectTransport).isInstanceOfSatisfying(AuthenticationException.class, e -> {
            assertThat(e.serverReply()).hasValueSatisfying(r -> assertThat(r).contains("535"));
            assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).contains("app password"));
            assertThat(e.endpoint()).contains(s.endpoint());
        }).hasMessageNotContaining("wrong-pw-123");
    }

    @Test
    void oauth2_asksTheTokenProviderOnEveryConnection() {
        greenMail.setUser("carol@localhost", "carol", "token-current");
        AtomicInteger calls = new AtomicInteger();
        MailSession s = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("localhost", smtpsPort(), Security.SSL_TLS))
                .credentials(Credentials.oauth2("carol", () -> {
                    calls.incrementAndGet();
                    return "token-current";
                })).options(trusting()).build();
        for (int i = 0; i < 2; i++) {
            try (Transport t = s.connectTransport()) {
                assertThat(t.isConnected()).isTrue();
            } catch (jakarta.mail.MessagingException e) {
                throw new AssertionError(e);
            }
        }
        assertThat(calls).hasValue(2);
        MailSession expired = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("localhost", smtpsPort(), Security.SSL_TLS))
                .credentials(Credentials.oauth2("carol", () -> "token-expired")).options(trusting()).build();
        assertThatThrownBy(expired::connectTransport).isInstanceOf(AuthenticationException.class)
                .hasMessageNotContaining("token-expired");
    }

    @Test
    void plaintextEndpoint_needsExplicitOptIn() throws Exception {
        ServerEndpoint plain = ServerEndpoint.of("127.0.0.1", smtpPort(), Security.PLAIN);
        assertThatThrownBy(() -> MailSession.builder(Protocol.SMTP, plain).build())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("allowPlaintext");
        MailSession s = MailSession.builder(Protocol.SMTP, plain)
                .options(ConnectionOptions.builder().allowPlaintext().build()).build();
        try (Transport t = s.connectTransport()) {
            assertThat(t.isConnected()).isTrue();
        }
    }

    @Test
    void silentServer_timesOutWithTypedError() throws Exception {
        try (ScriptedServer silent = new ScriptedServer(null, line -> null)) {
            MailSession s = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("127.0.0.1", silent.port(), Security.STARTTLS))
                    .options(ConnectionOptions.builder().readTimeout(Duration.ofMillis(300)).build()).build();
            assertThatThrownBy(s::connectTransport).isInstanceOfSatisfying(ConnectionTimeoutException.class,
                    e -> assertThat(e.timeout()).contains(Duration.ofMillis(300)));
        }
    }

    @Test
    void closedPort_isConnectionError() throws Exception {
        int port;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        MailSession s = MailSession.builder(Protocol.IMAP, ServerEndpoint.of("127.0.0.1", port, Security.SSL_TLS))
                .credentials(Credentials.password("alice", "pw")).build();
        assertThatThrownBy(s::connectStore).isInstanceOf(ConnectionException.class)
                .isNotInstanceOf(ConnectionTimeoutException.class).hasMessageContaining("127.0.0.1:" + port);
    }

    @Test
    void implicitTlsAgainstPlainServer_isHandshakeFailure() {
        MailSession s = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("127.0.0.1", smtpPort(), Security.SSL_TLS))
                .options(ConnectionOptions.builder().readTimeout(Duration.ofSeconds(5)).build()).build();
        assertThatThrownBy(s::connectTransport).isInstanceOfSatisfying(TlsException.class,
                e -> assertThat(e.reason()).isIn(TlsException.Reason.HANDSHAKE_FAILED));
    }

    @Test
    void sessionProperties_areSafe() {
        MailSession s = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("smtp.example.com", 587, Security.STARTTLS))
                .credentials(Credentials.oauth2("me@example.com", () -> "t")).build();
        var p = s.session().getProperties();
        assertThat(p.getProperty("mail.smtp.starttls.required")).isEqualTo("true");
        assertThat(p.getProperty("mail.smtp.ssl.checkserveridentity")).isEqualTo("true");
        assertThat(p.getProperty("mail.smtp.ssl.protocols")).isEqualTo("TLSv1.3 TLSv1.2");
        assertThat(p.getProperty("mail.smtp.connectiontimeout")).isEqualTo("15000");
        assertThat(p.getProperty("mail.smtp.timeout")).isEqualTo("60000");
        assertThat(p.getProperty("mail.smtp.writetimeout")).isEqualTo("60000");
        assertThat(p.getProperty("mail.smtp.localhost")).isEqualTo("[127.0.0.1]");
        assertThat(p.getProperty("mail.smtp.auth.mechanisms")).isEqualTo("XOAUTH2");
        assertThat(s.toString()).doesNotContain("password");
    }

    @Test
    void connectionOptions_rejectBadValues() {
        assertThatThrownBy(() -> ConnectionOptions.builder().readTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readTimeout");
        assertThatThrownBy(() -> ConnectionOptions.builder().localHostName("has space"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConnectionOptions.builder().trustCertificates(Path.of("/no/such/file.pem")).build())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("/no/such/file.pem");
    }
}
