package dev.mailkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.DeadlineExceededException.Deadline;
import dev.mailkit.core.diagnostics.Finding;
import dev.mailkit.core.diagnostics.MailDiagnostics;
import dev.mailkit.core.diagnostics.Severity;
import dev.mailkit.core.testing.StartTlsServer;
import dev.mailkit.core.testing.StreamingServer;
import dev.mailkit.core.testing.TestCertificates;
import dev.mailkit.core.testing.TestProxy;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SMTP and IMAP through real proxies on loopback, started by the test with their own configuration: Dante
 * (SOCKS5) and Tinyproxy (HTTP CONNECT), to GreenMail and to a STARTTLS server, in every security mode,
 * with the response bounds, the deadlines and host-name verification still in force; and the proxies'
 * refusals as typed errors. Skipped without the proxies installed, failing instead when {@code CI} is set.
 */
class RealProxyTest {

    private static final String PROXY_PASSWORD = "Pr0xy-s3cret-pw";
    private static Path trustedPem;
    private static TestProxy dante;
    private static TestProxy tinyproxy;
    private GreenMail greenMail;

    @BeforeAll
    static void proxies() throws Exception {
        trustedPem = TestCertificates.localhostPem();
        dante = TestProxy.dante();
        tinyproxy = TestProxy.tinyproxy();
    }

    @AfterAll
    static void stopProxies() throws Exception {
        if (dante != null) {
            dante.close();
        }
        if (tinyproxy != null) {
            tinyproxy.close();
        }
    }

    @BeforeEach
    void start() {
        greenMail = new GreenMail(new ServerSetup[] {
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAPS)});
        greenMail.start();
        greenMail.setUser("alice@localhost", "alice", "s3cret-pw");
    }

    @AfterEach
    void stop() {
        greenMail.stop();
    }

    private static List<TestProxy> both() {
        return List.of(dante, tinyproxy);
    }

    private static ConnectionOptions.Builder through(ProxySettings proxy) {
        return ConnectionOptions.builder().trustCertificates(trustedPem).allowPlaintext().proxy(proxy)
                .connectTimeout(Duration.ofSeconds(10));
    }

    private static MailSession session(Protocol protocol, ServerEndpoint endpoint, ConnectionOptions options) {
        return MailSession.builder(protocol, endpoint).credentials(Credentials.password("alice", "s3cret-pw"))
                .options(options).build();
    }

    private void send(MailSession s, String subject) throws Exception {
        try (Transport t = s.connectTransport()) {
            MimeMessage m = new MimeMessage(s.session());
            m.setFrom(new InternetAddress("alice@localhost"));
            m.setRecipients(Message.RecipientType.TO, "alice@localhost");
            m.setSubject(subject);
            m.setText("through a proxy");
            t.sendMessage(m, m.getAllRecipients());
        }
    }

    private static int inboxCount(MailSession s) throws Exception {
        try (Store store = s.connectStore()) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                return inbox.getMessageCount();
            } finally {
                inbox.close(false);
            }
        }
    }

    @Test
    void smtpAndImap_plainAndImplicitTls_throughSocks5AndHttpConnect() throws Exception {
        int sent = 0;
        for (TestProxy proxy : both()) {
            ConnectionOptions options = through(proxy.settings()).build();
            send(session(Protocol.SMTP, ServerEndpoint.of("localhost", greenMail.getSmtp().getPort(), Security.PLAIN),
                    options), "plain via " + proxy.settings().type());
            send(session(Protocol.SMTP, ServerEndpoint.of("localhost", greenMail.getSmtps().getPort(), Security.SSL_TLS),
                    options), "tls via " + proxy.settings().type());
            sent += 2;
            assertThat(greenMail.getReceivedMessages()).hasSize(sent);
            assertThat(inboxCount(session(Protocol.IMAP, ServerEndpoint.of("localhost", greenMail.getImap().getPort(),
                    Security.PLAIN), options))).isEqualTo(sent);
            assertThat(inboxCount(session(Protocol.IMAP, ServerEndpoint.of("localhost", greenMail.getImaps().getPort(),
                    Security.SSL_TLS), options))).isEqualTo(sent);
        }
        assertThat(dante.log()).contains("pass(1): tcp/connect");
        assertThat(tinyproxy.log()).contains("CONNECT").contains("localhost");
    }

    @Test
    void implicitTls_throughAProxy_checksTheMailServersName_notTheProxys() throws Exception {
        for (TestProxy proxy : both()) {
            // the certificate names localhost only: asked for by address, the server is refused
            ConnectionOptions options = through(proxy.settings()).build();
            for (Protocol protocol : List.of(Protocol.SMTP, Protocol.IMAP)) {
                int port = protocol == Protocol.SMTP ? greenMail.getSmtps().getPort() : greenMail.getImaps().getPort();
                MailSession s = session(protocol, ServerEndpoint.of("127.0.0.1", port, Security.SSL_TLS), options);
                Throwable e = catchThrowable(protocol == Protocol.SMTP ? s::connectTransport : s::connectStore);
                assertThat(e).as(proxy.settings() + " " + protocol).isInstanceOfSatisfying(TlsException.class,
                        t -> assertThat(t.reason()).isEqualTo(TlsException.Reason.HOSTNAME_MISMATCH));
            }
            // and not trusted without the certificate
            MailSession untrusted = session(Protocol.SMTP, ServerEndpoint.of("localhost", greenMail.getSmtps().getPort(),
                    Security.SSL_TLS), ConnectionOptions.builder().proxy(proxy.settings()).build());
            assertThat(catchThrowable(untrusted::connectTransport)).isInstanceOfSatisfying(TlsException.class,
                    t -> assertThat(t.reason()).isEqualTo(TlsException.Reason.UNTRUSTED_CERTIFICATE));
        }
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void starttls_throughAProxy_checksTheMailServersName() throws Exception {
        for (TestProxy proxy : both()) {
            try (StartTlsServer smtp = StartTlsServer.smtp(); StartTlsServer imap = StartTlsServer.imap()) {
                ConnectionOptions options = through(proxy.settings()).build();
                try (Transport t = session(Protocol.SMTP, ServerEndpoint.of("localhost", smtp.port(), Security.STARTTLS),
                        options).connectTransport()) {
                    assertThat(t.isConnected()).isTrue();
                }
                try (Store s = session(Protocol.IMAP, ServerEndpoint.of("localhost", imap.port(), Security.STARTTLS),
                        options).connectStore()) {
                    assertThat(s.isConnected()).isTrue();
                }
                assertThat(smtp.received()).anyMatch(l -> l.startsWith("AUTH"));
                Throwable e = catchThrowable(session(Protocol.SMTP, ServerEndpoint.of("127.0.0.1", smtp.port(),
                        Security.STARTTLS), options)::connectTransport);
                assertThat(e).isInstanceOfSatisfying(TlsException.class,
                        t -> assertThat(t.reason()).isEqualTo(TlsException.Reason.HOSTNAME_MISMATCH));
                assertThat(smtp.received()).filteredOn(l -> l.startsWith("AUTH")).hasSize(1);
            }
        }
    }

    @Test
    void theResponseBoundsAndDeadlines_holdThroughTheTunnel() throws Exception {
        try (StreamingServer silent = new StreamingServer((in, out) -> in.read());
             StreamingServer endless = new StreamingServer((in, out) -> StreamingServer.endless(out, "220-"))) {
            for (TestProxy proxy : both()) {
                ConnectionOptions options = through(proxy.settings()).greetingTimeout(Duration.ofSeconds(1))
                        .maxResponseBytes(64 * 1024).build();
                long start = System.nanoTime();
                Throwable e = catchThrowable(session(Protocol.SMTP, ServerEndpoint.of("localhost", silent.port(),
                        Security.PLAIN), options)::connectTransport);
                assertThat(e).as(proxy.settings().toString()).isInstanceOfSatisfying(DeadlineExceededException.class,
                        d -> assertThat(d.deadline()).isEqualTo(Deadline.GREETING));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
                Throwable bound = catchThrowable(session(Protocol.SMTP, ServerEndpoint.of("localhost", endless.port(),
                        Security.PLAIN), options)::connectTransport);
                assertThat(bound).as(proxy.settings().toString()).isInstanceOf(ResponseLimitException.class);
            }
        }
    }

    /** A loopback server speaking implicit TLS (the localhost certificate) that then does what the handler does. */
    private static SSLServerSocket tlsServer(StreamingServer.Handler handler) throws Exception {
        SSLServerSocket ss = (SSLServerSocket) TestCertificates.serverContext().getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!ss.isClosed()) {
                try {
                    Socket s = ss.accept();
                    Thread c = new Thread(() -> {
                        try (s) {
                            handler.serve(s.getInputStream(), s.getOutputStream());
                        } catch (Exception e) {
                            // the client went away
                        }
                    });
                    c.setDaemon(true);
                    c.start();
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return ss;
    }

    @Test
    void theResponseBoundsAndDeadlines_holdOverImplicitTlsThroughTheTunnel() throws Exception {
        try (SSLServerSocket silent = tlsServer((in, out) -> in.read());
             SSLServerSocket endless = tlsServer((in, out) -> StreamingServer.endless(out, "* OK "))) {
            for (TestProxy proxy : both()) {
                ConnectionOptions options = through(proxy.settings()).greetingTimeout(Duration.ofSeconds(1))
                        .maxResponseBytes(64 * 1024).build();
                long start = System.nanoTime();
                Throwable e = catchThrowable(session(Protocol.IMAP, ServerEndpoint.of("localhost", silent.getLocalPort(),
                        Security.SSL_TLS), options)::connectStore);
                assertThat(e).as(proxy.settings().toString()).isInstanceOfSatisfying(DeadlineExceededException.class,
                        d -> assertThat(d.deadline()).isEqualTo(Deadline.GREETING));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
                Throwable bound = catchThrowable(session(Protocol.IMAP, ServerEndpoint.of("localhost", endless.getLocalPort(),
                        Security.SSL_TLS), options)::connectStore);
                assertThat(bound).as(proxy.settings().toString()).isInstanceOf(ResponseLimitException.class)
                        .hasMessageContaining("65536");
            }
        }
    }

    @Test
    void aProxyThatRefusesThePort_givesTheTypedProxyError_withItsStatusLine() throws Exception {
        try (TestProxy strict = TestProxy.tinyproxy(null, null, List.of(443))) {
            MailSession s = session(Protocol.SMTP, ServerEndpoint.of("localhost", greenMail.getSmtp().getPort(), Security.PLAIN),
                    through(strict.settings()).build());
            Throwable e = catchThrowable(s::connectTransport);
            assertThat(e).isInstanceOfSatisfying(ProxyException.class, p -> {
                assertThat(p.reason()).isEqualTo(ProxyException.Reason.REFUSED);
                assertThat(p.statusLine()).hasValueSatisfying(l -> assertThat(l).matches("HTTP/1\\.[01] 403 .*"));
                assertThat(p.isPermanent()).isTrue();
            }).hasMessageContaining("the HTTP proxy 127.0.0.1:" + strict.port())
                    .hasMessageContaining("refused to open a tunnel to localhost:" + greenMail.getSmtp().getPort())
                    .hasMessageContaining("ask the proxy's administrator");
        }
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void aClosedProxyPort_isUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        for (ProxySettings closed : List.of(ProxySettings.socks5("127.0.0.1", port), ProxySettings.http("127.0.0.1", port))) {
            Throwable e = catchThrowable(session(Protocol.IMAP, ServerEndpoint.of("localhost", greenMail.getImaps().getPort(),
                    Security.SSL_TLS), through(closed).build())::connectStore);
            assertThat(e).isInstanceOfSatisfying(ProxyException.class,
                    p -> assertThat(p.reason()).isEqualTo(ProxyException.Reason.UNREACHABLE))
                    .hasMessageContaining("cannot connect to the " + closed.type() + " proxy 127.0.0.1:" + port);
        }
    }

    @Test
    void aProxyLogin_refusedOrMissing_isTheProxysFault_andItsPasswordIsNeverShown() throws Exception {
        try (TestProxy guarded = TestProxy.tinyproxy("carol", PROXY_PASSWORD, List.of())) {
            ServerEndpoint smtps = ServerEndpoint.of("localhost", greenMail.getSmtps().getPort(), Security.SSL_TLS);
            Throwable missing = catchThrowable(session(Protocol.SMTP, smtps, through(guarded.settings()).build())
                    ::connectTransport);
            assertThat(missing).isInstanceOfSatisfying(ProxyException.class,
                    p -> assertThat(p.reason()).isEqualTo(ProxyException.Reason.AUTHENTICATION_REQUIRED))
                    .hasMessageContaining("407");
            ProxySettings wrong = guarded.settings().withCredentials("carol", "not-" + PROXY_PASSWORD);
            ConnectionOptions wrongOptions = through(wrong).build();
            MailSession wrongSession = session(Protocol.SMTP, smtps, wrongOptions);
            Throwable refused = catchThrowable(wrongSession::connectTransport);
            assertThat(refused).isInstanceOfSatisfying(ProxyException.class, p -> {
                assertThat(p.reason()).isEqualTo(ProxyException.Reason.AUTHENTICATION_FAILED);
                assertThat(p.proxy()).isEqualTo("http://carol@127.0.0.1:" + guarded.port());
            }).hasMessageContaining("refused the login of 'carol'").hasMessageContaining("check the proxy user name and password");

            ProxySettings right = guarded.settings().withCredentials("carol", PROXY_PASSWORD);
            ConnectionOptions rightOptions = through(right).build();
            MailSession rightSession = session(Protocol.SMTP, smtps, rightOptions);
            send(rightSession, "through a proxy with a login");
            assertThat(greenMail.getReceivedMessages()).hasSize(1);

            String seen = String.join("\n", trace(missing), trace(refused), wrong.toString(), right.toString(),
                    wrongOptions.toString(), rightOptions.toString(), wrongSession.toString(), rightSession.toString(),
                    guarded.log());
            for (String secret : List.of(PROXY_PASSWORD, base64("carol:" + PROXY_PASSWORD),
                    base64("carol:not-" + PROXY_PASSWORD))) {
                assertThat(seen).doesNotContain(secret);
            }
        }
    }

    @Test
    void diagnostics_throughAProxy_leaveTheNameToTheProxy_andReachTheServer() {
        MailDiagnostics doctor = MailDiagnostics.builder()
                .resolver(new DnsResolver() {
                    @Override
                    public List<Mx> mx(String domain) {
                        return List.of();
                    }

                    @Override
                    public List<Srv> srv(String name) {
                        return List.of();
                    }

                    @Override
                    public InetAddress[] addresses(String host) throws UnknownHostException {
                        throw new UnknownHostException(host + " (no DNS here)");
                    }
                })
                .options(through(dante.settings()).build()).build();
        MailDiagnostics.Report report = doctor.diagnose(MailDiagnostics.Request.forAddress("alice@localhost")
                .smtp(ServerEndpoint.of("localhost", greenMail.getSmtps().getPort(), Security.SSL_TLS))
                .imap(ServerEndpoint.of("localhost", greenMail.getImaps().getPort(), Security.SSL_TLS))
                .credentials(Credentials.password("alice", "s3cret-pw")));
        assertThat(report.findings()).filteredOn(f -> f.check().equals("DNS")).hasSize(2).allSatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Severity.OK);
            assertThat(f.evidence()).isEqualTo("localhost is resolved by the proxy " + dante.settings() + ", not here");
        });
        assertThat(report.findings()).filteredOn(f -> f.check().equals("TCP")).allSatisfy(f ->
                assertThat(f.evidence()).contains("through the SOCKS5 proxy 127.0.0.1:" + dante.port()));
        assertThat(report.findings()).filteredOn(f -> f.protocol() != null).extracting(Finding::check)
                .contains("TLS", "greeting", "AUTH", "login");
        assertThat(report.sendingShouldWork()).as(report.findings().toString()).isTrue();
        assertThat(report.receivingShouldWork()).as(report.findings().toString()).isTrue();
    }

    @Test
    void diagnostics_aFailingProxy_isAProxyFinding() throws Exception {
        try (TestProxy strict = TestProxy.tinyproxy(null, null, List.of(443))) {
            MailDiagnostics.Report report = MailDiagnostics.builder().options(through(strict.settings()).build()).build()
                    .diagnose(MailDiagnostics.Request.forAddress("alice@localhost")
                            .smtp(ServerEndpoint.of("localhost", greenMail.getSmtps().getPort(), Security.SSL_TLS))
                            .imap(ServerEndpoint.of("localhost", greenMail.getImaps().getPort(), Security.SSL_TLS)));
            assertThat(report.findings()).filteredOn(f -> f.check().equals("proxy")).hasSize(2).allSatisfy(f -> {
                assertThat(f.severity()).isEqualTo(Severity.ERROR);
                assertThat(f.evidence()).startsWith("the HTTP proxy 127.0.0.1:" + strict.port() + " refused to open a tunnel")
                        .contains("403");
                assertThat(f.fix()).contains("administrator");
            });
            assertThat(report.sendingShouldWork()).isFalse();
        }
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
