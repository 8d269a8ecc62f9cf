package dev.mailkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.testing.ManInTheMiddle;
import dev.mailkit.core.testing.ScriptedServer;
import dev.mailkit.core.testing.TestCertificates;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS that must be refused before any credential leaves the client: an expired certificate, STARTTLS
 * removed by a man in the middle (who records every byte the client sends), and a server that only
 * speaks TLS 1.1 (in a JVM whose own settings would allow it, so the refusal is mailkit's).
 */
class TlsRefusalTest {

    private static final String PASSWORD = "s3cret-pw";

    @Test
    void expiredCertificate_isRefused_evenWhenTrustedExplicitly() throws Exception {
        AtomicInteger bytesReceived = new AtomicInteger();
        try (SSLServerSocket ss = (SSLServerSocket) TestCertificates.expiredServerContext().getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!ss.isClosed()) {
                    try (SSLSocket s = (SSLSocket) ss.accept()) {
                        s.getOutputStream().write("220 expired\r\n".getBytes(StandardCharsets.US_ASCII));
                        InputStream in = s.getInputStream();
                        while (in.read() >= 0) {
                            bytesReceived.incrementAndGet();
                        }
                    } catch (Exception e) {
                        // the client refused the handshake
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            ConnectionOptions trusting = ConnectionOptions.builder().trustCertificates(TestCertificates.expiredLocalhostPem()).build();
            for (Protocol protocol : List.of(Protocol.SMTP, Protocol.IMAP)) {
                MailSession s = MailSession.builder(protocol, ServerEndpoint.of("localhost", ss.getLocalPort(), Security.SSL_TLS))
                        .credentials(Credentials.password("alice", PASSWORD)).options(trusting).build();
                assertThatThrownBy(protocol == Protocol.SMTP ? s::connectTransport : s::connectStore)
                        .isInstanceOfSatisfying(TlsException.class,
                                e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.CERTIFICATE_EXPIRED))
                        .hasMessageNotContaining(PASSWORD);
            }
        }
        assertThat(bytesReceived.get()).as("no application byte reached the server").isZero();
    }

    @Test
    void starttlsStrippedByAManInTheMiddle_isRefused_andNoCredentialCrossesTheWire() throws Exception {
        try (ScriptedServer smtp = new ScriptedServer("220 real ESMTP", line -> {
            String l = line.toUpperCase();
            if (l.startsWith("EHLO")) {
                return "250-real\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n";
            }
            return l.startsWith("QUIT") ? "221 bye\r\n" : "250 ok\r\n";
        });
             ManInTheMiddle mitm = new ManInTheMiddle(smtp.port(), line -> line.contains("STARTTLS") ? null : line)) {
            MailSession s = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("127.0.0.1", mitm.port(), Security.STARTTLS))
                    .credentials(Credentials.password("alice", PASSWORD)).build();
            assertThatThrownBy(s::connectTransport).isInstanceOfSatisfying(TlsException.class,
                    e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.STARTTLS_NOT_OFFERED));
            String sent = waitFor(mitm, "EHLO");
            assertThat(sent).doesNotContainIgnoringCase("AUTH").doesNotContain(PASSWORD)
                    .doesNotContain(Base64.getEncoder().encodeToString(("\0alice\0" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                    .doesNotContainIgnoringCase("MAIL FROM");
        }
        try (ScriptedServer imap = new ScriptedServer("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready", line -> {
            String tag = line.split(" ")[0];
            if (line.toUpperCase().contains("CAPABILITY")) {
                return "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n" + tag + " OK done\r\n";
            }
            return line.toUpperCase().contains("LOGOUT") ? "* BYE\r\n" + tag + " OK bye\r\n" : tag + " OK\r\n";
        });
             ManInTheMiddle mitm = new ManInTheMiddle(imap.port(),
                     line -> line.replace(" STARTTLS", "").replace(" LOGINDISABLED", " AUTH=PLAIN"))) {
            MailSession s = MailSession.builder(Protocol.IMAP, ServerEndpoint.of("127.0.0.1", mitm.port(), Security.STARTTLS))
                    .credentials(Credentials.password("alice", PASSWORD)).build();
            assertThatThrownBy(s::connectStore).isInstanceOfSatisfying(TlsException.class,
                    e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.STARTTLS_NOT_OFFERED))
                    .hasMessageNotContaining(PASSWORD);
            // The rewritten greeting already lists the capabilities: the client may give up without a word.
            assertThat(mitm.connections()).isEqualTo(1);
            assertThat(mitm.fromClient()).doesNotContainIgnoringCase("LOGIN ").doesNotContainIgnoringCase("AUTHENTICATE")
                    .doesNotContain(PASSWORD);
        }
    }

    /** What the client sent, once it includes {@code expected} (the proxy copies on its own thread). */
    private static String waitFor(ManInTheMiddle mitm, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!mitm.fromClient().toUpperCase().contains(expected) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(mitm.fromClient()).containsIgnoringCase(expected);
        return mitm.fromClient();
    }

    @Test
    void tls11OnlyServer_isRefused_evenWhereTheJvmWouldAllowIt(@TempDir Path dir) throws Exception {
        Path security = dir.resolve("allow-old-tls.security");
        Files.writeString(security, "jdk.tls.disabledAlgorithms=SSLv3, RC4, DES, MD5withRSA, DH keySize < 1024, "
                + "EC keySize < 224, 3DES_EDE_CBC, anon, NULL\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.security.properties=" + security, "-cp", System.getProperty("java.class.path"),
                OldTlsProbe.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as(out).contains("CONTROL OK TLSv1.1").contains("REFUSED PROTOCOL_VERSION")
                .doesNotContain("CONNECTED");
    }
}
