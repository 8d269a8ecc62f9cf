package dev.mailkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.MailkitException;
import dev.mailkit.core.Security;
import dev.mailkit.smtp.testing.FakeSmtpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Drives retries, refusals and failed logins with recognisable secrets, then reads everything logged
 * (debug level, to the file set in the build) and every exception text: no secret may appear.
 */
class SecretsNeverLoggedTest {

    private static final String PASSWORD = "S3cr3t-Pa55word-xyz";
    private static final String TOKEN = "ya29.T0ken-Value-abc";

    @Test
    void passwordsAndTokens_neverReachLogsOrExceptions() throws Exception {
        StringBuilder texts = new StringBuilder();
        try (FakeSmtpServer server = new FakeSmtpServer()) {
            server.dataReply(n -> n % 2 == 1 ? "451 4.3.0 try again" : "250 ok");
            ConnectionOptions plain = ConnectionOptions.builder().allowPlaintext().build();
            RetryPolicy fast = RetryPolicy.builder().initialBackoff(Duration.ofMillis(5)).build();
            try (SmtpSender s = SmtpSender.builder().endpoint("127.0.0.1", server.port(), Security.PLAIN).options(plain)
                    .credentials(Credentials.password("user", PASSWORD)).retryPolicy(fast).build()) {
                s.send(Email.builder().from("a@example.com").to("b@example.com").text("x").build());
                texts.append(s);
            }
            try (SmtpSender s = SmtpSender.builder().endpoint("127.0.0.1", server.port(), Security.PLAIN).options(plain)
                    .credentials(Credentials.oauth2("user@example.com", () -> TOKEN)).retryPolicy(fast).build()) {
                s.send(Email.builder().from("a@example.com").to("b@example.com").text("x").build());
                texts.append(s);
            }
            server.authReply("535 5.7.8 Authentication credentials invalid");
            try (SmtpSender s = SmtpSender.builder().endpoint("127.0.0.1", server.port(), Security.PLAIN).options(plain)
                    .credentials(Credentials.password("user", PASSWORD)).build()) {
                MailkitException e = (MailkitException) org.assertj.core.api.Assertions.catchThrowable(
                        () -> s.send(Email.builder().from("a@example.com").to("b@example.com").text("x").build()));
                assertThat(e).isNotNull();
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                texts.append(trace);
            }
        }
        // a DKIM key: signing with it, printing its settings, a PEM cut short
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        java.security.PrivateKey key = g.generateKeyPair().getPrivate();
        String keyBase64 = java.util.Base64.getEncoder().encodeToString(key.getEncoded());
        Dkim dkim = Dkim.of("example.com", "s1", key);
        texts.append(dkim);
        try (FakeSmtpServer server = new FakeSmtpServer();
             SmtpSender s = SmtpSender.builder().endpoint("127.0.0.1", server.port(), Security.PLAIN)
                     .options(ConnectionOptions.builder().allowPlaintext().build())
                     .credentials(Credentials.password("user", PASSWORD)).dkim(dkim).build()) {
            s.send(Email.builder().from("a@example.org").to("b@example.com").text("x").build()); // unaligned: warned
            assertThat(server.messages().get(0)).startsWith("DKIM-Signature:");
        }
        String pem = "-----BEGIN PRIVATE KEY-----\n" + keyBase64.substring(0, 200) + "\n-----END PRIVATE KEY-----\n";
        texts.append(org.assertj.core.api.Assertions.catchThrowable(() -> Dkim.fromPem("example.com", "s", pem)));
        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/mailkit-test.log"));
        String logged = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(logged).as("the debug log captured the retries").contains("retrying");
        String base64Password = java.util.Base64.getEncoder().encodeToString(("\0user\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertThat(logged).as("the unaligned From was warned about").contains("DMARC needs the two domains aligned");
        for (String secret : new String[] {PASSWORD, TOKEN, base64Password, keyBase64.substring(60, 120)}) {
            assertThat(logged).doesNotContain(secret);
            assertThat(texts.toString()).doesNotContain(secret);
        }
        assertThat(texts.toString()).as("the sender's toString was checked").contains("Credentials[username=user");
    }
}
