package dev.mailkit.smtp;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.InvalidConfigurationException;
import dev.mailkit.smtp.testing.FakeSmtpServer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DKIM settings, the bulk-sender fields of an Email, and what reaches the server. */
class DkimTest {

    private static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return g.generateKeyPair();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    @Test
    void theAlgorithmFollowsTheKey_andToStringNamesNoKey() throws Exception {
        KeyPair r = rsa(2048);
        Dkim d = Dkim.of("Example.COM.", "s1", r.getPrivate());
        assertThat(d.algorithm()).isEqualTo(Dkim.Algorithm.RSA_SHA256);
        assertThat(d.domain()).isEqualTo("example.com");
        assertThat(d.recordName()).isEqualTo("s1._domainkey.example.com");
        String encoded = Base64.getEncoder().encodeToString(r.getPrivate().getEncoded());
        assertThat(d.toString()).isEqualTo("Dkim[domain=example.com, selector=s1, algorithm=rsa-sha256]")
                .doesNotContain(encoded.substring(40, 80));
        KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertThat(Dkim.of("example.com", "e1", ed.getPrivate()).algorithm()).isEqualTo(Dkim.Algorithm.ED25519_SHA256);
        assertThatThrownBy(() -> SmtpSender.builder().dkim("example.com", "bad selector", ed.getPrivate()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("selector");
    }

    @Test
    void badSettingsAreRefusedWithTheirReason() throws Exception {
        KeyPair r = rsa(2048);
        assertThatThrownBy(() -> Dkim.of("exa mple.com", "s", r.getPrivate()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("DKIM domain");
        assertThatThrownBy(() -> Dkim.of("example.com", "s_1;", r.getPrivate()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("DKIM selector");
        KeyPair small = rsa(768);
        assertThatThrownBy(() -> Dkim.of("example.com", "s", small.getPrivate()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("768 bits");
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        assertThatThrownBy(() -> Dkim.of("example.com", "s", ec.generateKeyPair().getPrivate()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("RSA or Ed25519");
        Dkim d = Dkim.of("example.com", "s", r.getPrivate());
        assertThatThrownBy(() -> d.headers("Subject", "Bcc")).isInstanceOf(InvalidConfigurationException.class);
        assertThat(d.headers("subject", "From").signedHeaders()).containsExactly("From", "subject");
    }

    @Test
    void pemKeysAreRead_pkcs8RsaAndEd25519_andPkcs1Rsa(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        KeyPair r = rsa(2048);
        assertThat(Dkim.fromPem("example.com", "s", pem("PRIVATE KEY", r.getPrivate().getEncoded())).privateKey())
                .isEqualTo(r.getPrivate());
        KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertThat(Dkim.fromPem("example.com", "s", pem("PRIVATE KEY", ed.getPrivate().getEncoded())).algorithm())
                .isEqualTo(Dkim.Algorithm.ED25519_SHA256);
        // PKCS#1 as openssl writes it with -traditional (opendkim-genkey's older form)
        Path key = dir.resolve("k.pem");
        Process p = new ProcessBuilder("openssl", "genrsa", "-traditional", "-out", key.toString(), "2048")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() == 0) {
            assertThat(Files.readString(key)).contains("BEGIN RSA PRIVATE KEY");
            assertThat(Dkim.fromPemFile("example.com", "s", key).algorithm()).isEqualTo(Dkim.Algorithm.RSA_SHA256);
        } else {
            assertThat(System.getenv("CI")).as("openssl is needed for the PKCS#1 case").isNull();
        }
        assertThatThrownBy(() -> Dkim.fromPem("example.com", "s", "not a key"))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("no PEM private key");
        assertThatThrownBy(() -> Dkim.fromPem("example.com", "s", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAA==\n"))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("encrypted");
        assertThatThrownBy(() -> Dkim.fromPemFile("example.com", "s", dir.resolve("missing.pem")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("missing.pem");
    }

    @Test
    void listUnsubscribeFeedbackIdAndEnvelopeFrom_areCheckedAndWritten() throws Exception {
        Email.Builder b = Email.builder().from("news@example.com").to("bob@example.org").subject("s").text("t");
        assertThatThrownBy(() -> b.listUnsubscribe("http://example.com/u")).isInstanceOf(InvalidEmailException.class)
                .hasMessageContaining("https");
        assertThatThrownBy(() -> b.listUnsubscribe("https://example.com/u>\r\nBcc: x@evil.example"))
                .isInstanceOf(InvalidEmailException.class);
        assertThatThrownBy(() -> b.listUnsubscribe("https:relative")).isInstanceOf(InvalidEmailException.class);
        assertThatThrownBy(() -> b.listUnsubscribe("https://example.com/u", "not an address"))
                .isInstanceOf(InvalidEmailException.class);
        assertThatThrownBy(() -> b.feedbackId("a b")).isInstanceOf(InvalidEmailException.class);
        assertThatThrownBy(() -> b.envelopeFrom("nope")).isInstanceOf(InvalidEmailException.class);
        Email e = b.listUnsubscribe("https://example.com/u?id=1", "unsub@example.com").feedbackId("c1:news:acme")
                .envelopeFrom("bounces+1@example.com").build();
        assertThat(e.headers()).containsEntry("List-Unsubscribe", "<https://example.com/u?id=1>, <mailto:unsub@example.com>")
                .containsEntry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click").containsEntry("Feedback-ID", "c1:news:acme");
        assertThat(e.envelopeFrom()).contains("bounces+1@example.com");
        assertThat(e.toBuilder().build().envelopeFrom()).contains("bounces+1@example.com");

        for (boolean pipelining : new boolean[] {true, false}) {
            try (FakeSmtpServer server = pipelining ? new FakeSmtpServer().pipelining() : new FakeSmtpServer();
                 SmtpSender sender = SmtpSender.builder().endpoint("127.0.0.1", server.port(), dev.mailkit.core.Security.PLAIN)
                         .options(ConnectionOptions.builder().allowPlaintext().readTimeout(Duration.ofSeconds(5)).build())
                         .credentials(Credentials.password("user", "pw-123")).poolSize(1).build()) {
                sender.sendAll(List.of(e, Email.builder().from("news@example.com").to("al@example.org").subject("s")
                        .text("t").build()), o -> assertThat(o.failure()).isEmpty());
                assertThat(server.commandsStartingWith("MAIL FROM")).as("pipelining %s", pipelining)
                        .containsExactly("MAIL FROM:<bounces+1@example.com>", "MAIL FROM:<news@example.com>");
                assertThat(server.messages().get(0)).contains("List-Unsubscribe: <https://example.com/u?id=1>,")
                        .contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click").contains("Feedback-ID: c1:news:acme");
            }
        }
    }
}
