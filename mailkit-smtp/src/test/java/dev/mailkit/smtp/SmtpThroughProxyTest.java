package dev.mailkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.ProxyException;
import dev.mailkit.core.ProxySettings;
import dev.mailkit.core.Security;
import dev.mailkit.core.testing.TestCertificates;
import dev.mailkit.core.testing.TestProxy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SmtpSender} through real proxies on loopback (Dante, SOCKS5; Tinyproxy, HTTP CONNECT) to GreenMail,
 * plain and over implicit TLS; a proxy's refusal is not retried, an unreachable proxy is; the proxy's
 * password reaches no log line and no exception.
 */
class SmtpThroughProxyTest {

    private static final String PROXY_PASSWORD = "Pr0xy-Pa55-smtp";
    private static Path pem;
    private GreenMail greenMail;

    @BeforeAll
    static void certificates() {
        pem = TestCertificates.localhostPem();
    }

    @BeforeEach
    void start() {
        greenMail = new GreenMail(new ServerSetup[] {
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS)});
        greenMail.start();
        greenMail.setUser("alice@localhost", "alice", "alice-pw");
    }

    @AfterEach
    void stop() {
        greenMail.stop();
    }

    private SmtpSender.Builder sender(Security security, ProxySettings proxy) {
        int port = security == Security.SSL_TLS ? greenMail.getSmtps().getPort() : greenMail.getSmtp().getPort();
        return SmtpSender.builder().endpoint("localhost", port, security)
                .credentials(Credentials.password("alice", "alice-pw"))
                .options(ConnectionOptions.builder().trustCertificates(pem).allowPlaintext().proxy(proxy).build())
                .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(10)).build());
    }

    private static Email email(String subject) {
        return Email.builder().from("alice@localhost").to("bob@localhost").subject(subject).text("hello").build();
    }

    @Test
    void sends_throughSocks5AndHttpConnect_plainAndOverTls() throws Exception {
        try (TestProxy dante = TestProxy.dante(); TestProxy tinyproxy = TestProxy.tinyproxy()) {
            for (TestProxy proxy : List.of(dante, tinyproxy)) {
                for (Security security : List.of(Security.PLAIN, Security.SSL_TLS)) {
                    try (SmtpSender s = sender(security, proxy.settings()).poolSize(2).build()) {
                        List<SendOutcome> outcomes = s.sendAll(List.of(email(proxy.settings().type() + " " + security + " 1"),
                                email(proxy.settings().type() + " " + security + " 2")));
                        assertThat(outcomes).hasSize(2).allSatisfy(o -> assertThat(o.isSuccess()).as(o.toString()).isTrue());
                    }
                }
            }
            assertThat(dante.log()).contains("tcp/connect");
            assertThat(tinyproxy.log()).contains("CONNECT");
        }
        assertThat(greenMail.getReceivedMessages()).hasSize(8);
    }

    @Test
    void aProxyRefusal_isNotRetried_anUnreachableProxyIs_andTheProxyPasswordIsNeverLogged() throws Exception {
        StringBuilder texts = new StringBuilder();
        try (TestProxy guarded = TestProxy.tinyproxy("carol", PROXY_PASSWORD, List.of())) {
            ProxySettings wrong = guarded.settings().withCredentials("carol", "x" + PROXY_PASSWORD);
            try (SmtpSender s = sender(Security.SSL_TLS, wrong).build()) {
                Throwable e = catchThrowable(() -> s.send(email("refused")));
                assertThat(e).isInstanceOfSatisfying(ProxyException.class, p -> {
                    assertThat(p.reason()).isEqualTo(ProxyException.Reason.AUTHENTICATION_FAILED);
                    assertThat(p.attempts()).as("a refused proxy login is not retried").isEqualTo(1);
                });
                texts.append(trace(e)).append(s);
            }
            try (SmtpSender s = sender(Security.SSL_TLS, guarded.settings().withCredentials("carol", PROXY_PASSWORD)).build()) {
                s.send(email("with the proxy's login"));
                texts.append(s);
            }
            texts.append(guarded.log());
        }
        try (TestProxy strict = TestProxy.tinyproxy(null, null, List.of(443)); SmtpSender s = sender(Security.PLAIN,
                strict.settings()).build()) {
            Throwable e = catchThrowable(() -> s.send(email("not allowed")));
            assertThat(e).isInstanceOfSatisfying(ProxyException.class, p -> {
                assertThat(p.reason()).isEqualTo(ProxyException.Reason.REFUSED);
                assertThat(p.attempts()).as("a rule of the proxy is not retried").isEqualTo(1);
            });
        }
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        try (SmtpSender s = sender(Security.PLAIN, ProxySettings.http("127.0.0.1", closed)
                .withCredentials("carol", PROXY_PASSWORD)).build()) {
            Throwable e = catchThrowable(() -> s.send(email("unreachable")));
            assertThat(e).isInstanceOfSatisfying(ProxyException.class, p -> {
                assertThat(p.reason()).isEqualTo(ProxyException.Reason.UNREACHABLE);
                assertThat(p.attempts()).as("an unreachable proxy is retried").isGreaterThan(1);
            }).hasMessageContaining("127.0.0.1:" + closed);
            texts.append(trace(e));
        }
        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        String logged = Files.readString(Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/mailkit-test.log")),
                StandardCharsets.UTF_8);
        for (String secret : List.of(PROXY_PASSWORD, base64("carol:" + PROXY_PASSWORD), base64("carol:x" + PROXY_PASSWORD))) {
            assertThat(logged).doesNotContain(secret);
            assertThat(texts.toString()).doesNotContain(secret);
        }
        assertThat(texts.toString()).contains("carol@127.0.0.1");
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String trace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
