package dev.mailkit.core.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.DnsResolver;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.diagnostics.MailDiagnostics.Report;
import dev.mailkit.core.diagnostics.MailDiagnostics.Request;
import dev.mailkit.core.testing.ScriptedServer;
import dev.mailkit.core.testing.TestCertificates;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** Each finding of the diagnostics against scripted servers on loopback; every host resolves to 127.0.0.1. */
class MailDiagnosticsTest {

    /** Host names as a fake {@link DnsResolver} resolves them. */
    private interface Hosts {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static DnsResolver hosts(Hosts hosts) {
        return new DnsResolver() {
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
                return hosts.resolve(host);
            }
        };
    }

    private static final DnsResolver LOOPBACK = hosts(host -> new InetAddress[] {InetAddress.getLoopbackAddress()});

    private static MailDiagnostics diagnostics(ConnectionOptions options) {
        return MailDiagnostics.builder().resolver(LOOPBACK).options(options).build();
    }

    private static ConnectionOptions plain() {
        return ConnectionOptions.builder().allowPlaintext().readTimeout(Duration.ofSeconds(2)).build();
    }

    private static Finding last(Report r, Protocol p) {
        List<Finding> f = r.findings().stream().filter(x -> x.protocol() == p).toList();
        return f.get(f.size() - 1);
    }

    private static ScriptedServer smtp(String ehlo, Function<String, String> auth) throws Exception {
        return new ScriptedServer("220 scripted ESMTP", line -> {
            String l = line.toUpperCase();
            if (l.startsWith("EHLO")) {
                return ehlo;
            }
            if (l.startsWith("AUTH")) {
                return auth.apply(line);
            }
            return l.startsWith("QUIT") ? "221 bye\r\n" : "250 ok\r\n";
        });
    }

    @Test
    void aHostThatDoesNotResolve_stopsAtDns() {
        Report r = MailDiagnostics.builder().resolver(hosts(host -> {
            throw new UnknownHostException(host);
        })).build().diagnose(Request.forAddress("me@example.org").smtp(ServerEndpoint.of("smtp.example.invalid", 587,
                Security.STARTTLS)));
        assertThat(last(r, Protocol.SMTP)).satisfies(f -> {
            assertThat(f.check()).isEqualTo("DNS");
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
        });
        assertThat(r.sendingShouldWork()).isFalse();
        assertThat(r.findings()).anySatisfy(f -> assertThat(f.evidence()).contains("does not know the domain"));
    }

    @Test
    void swappedHosts_areFoundWithoutTouchingTheNetwork() {
        Report r = MailDiagnostics.builder().resolver(hosts(host -> {
            throw new AssertionError("no network expected");
        })).build().diagnose(Request.forAddress("me@gmail.com").smtp(ServerEndpoint.of("imap.gmail.com", 993, Security.SSL_TLS))
                .imap(ServerEndpoint.of("smtp.gmail.com", 465, Security.SSL_TLS)));
        assertThat(last(r, Protocol.SMTP).fix()).isEqualTo("use smtp.gmail.com:465 SSL_TLS for SMTP");
        assertThat(last(r, Protocol.IMAP).fix()).isEqualTo("use imap.gmail.com:993 SSL_TLS for IMAP");
        assertThat(r.sendingShouldWork()).isFalse();
        assertThat(r.receivingShouldWork()).isFalse();
    }

    @Test
    void plainSmtpOnAnImplicitTlsSetting_isExplained() throws Exception {
        try (ScriptedServer s = smtp("250-scripted\r\n250 AUTH PLAIN\r\n", l -> "235 ok\r\n")) {
            Report r = diagnostics(plain()).diagnose(Request.forAddress("me@example.org")
                    .smtp(ServerEndpoint.of("mail.test", s.port(), Security.SSL_TLS)));
            assertThat(last(r, Protocol.SMTP)).satisfies(f -> {
                assertThat(f.check()).isEqualTo("TLS");
                assertThat(f.evidence()).contains("answered in plaintext");
                assertThat(f.fix()).contains("Security.STARTTLS");
            });
        }
    }

    @Test
    void aServerWithoutStarttls_isAnError_andNothingIsSentAfterEhlo() throws Exception {
        try (ScriptedServer s = smtp("250-scripted\r\n250 AUTH PLAIN\r\n", l -> "235 ok\r\n")) {
            Report r = diagnostics(ConnectionOptions.defaults()).diagnose(Request.forAddress("me@example.org")
                    .smtp(ServerEndpoint.of("mail.test", s.port(), Security.STARTTLS))
                    .credentials(Credentials.password("me@example.org", "s3cret-pw")));
            assertThat(last(r, Protocol.SMTP)).satisfies(f -> {
                assertThat(f.check()).isEqualTo("STARTTLS");
                assertThat(f.severity()).isEqualTo(Severity.ERROR);
            });
            assertThat(s.received()).noneMatch(l -> l.toUpperCase().startsWith("AUTH"));
            assertThat(r.findings().toString()).doesNotContain("s3cret-pw");
        }
    }

    /** A TLS server that waits for the client's handshake and never says anything first. */
    private static SSLServerSocket tlsServer(SSLContext ctx) throws Exception {
        SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!ss.isClosed()) {
                try (SSLSocket s = (SSLSocket) ss.accept()) {
                    s.startHandshake();
                    s.getOutputStream().write("220 tls ESMTP\r\n".getBytes());
                    s.getOutputStream().flush();
                    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream()));
                    String line;
                    while ((line = in.readLine()) != null) {
                        s.getOutputStream().write((line.toUpperCase().startsWith("EHLO") ? "250-tls\r\n250 AUTH PLAIN\r\n"
                                : "221 bye\r\n").getBytes());
                        s.getOutputStream().flush();
                    }
                } catch (Exception e) {
                    // the client gave up
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return ss;
    }

    @Test
    void anImplicitTlsPortGivenWithStarttls_isExplained() throws Exception {
        try (SSLServerSocket ss = tlsServer(TestCertificates.serverContext())) {
            Report r = diagnostics(ConnectionOptions.builder().readTimeout(Duration.ofSeconds(2)).build())
                    .diagnose(Request.forAddress("me@example.org").smtp(ServerEndpoint.of("mail.test", ss.getLocalPort(),
                            Security.STARTTLS)));
            assertThat(last(r, Protocol.SMTP)).satisfies(f -> {
                assertThat(f.check()).isEqualTo("greeting");
                assertThat(f.fix()).contains("implicit TLS");
            });
        }
    }

    @Test
    void expiredAndMismatchedCertificates_areErrorsWithTheReason() throws Exception {
        try (SSLServerSocket expired = tlsServer(TestCertificates.expiredServerContext());
             SSLServerSocket valid = tlsServer(TestCertificates.serverContext())) {
            Report r = diagnostics(ConnectionOptions.builder().trustCertificates(TestCertificates.expiredLocalhostPem()).build())
                    .diagnose(Request.forAddress("me@example.org").smtp(ServerEndpoint.of("localhost", expired.getLocalPort(),
                            Security.SSL_TLS)));
            assertThat(last(r, Protocol.SMTP).evidence()).startsWith("CERTIFICATE_EXPIRED");
            r = diagnostics(ConnectionOptions.builder().trustCertificates(TestCertificates.localhostPem()).build())
                    .diagnose(Request.forAddress("me@example.org").smtp(ServerEndpoint.of("mail.test", valid.getLocalPort(),
                            Security.SSL_TLS)));
            assertThat(last(r, Protocol.SMTP).evidence()).startsWith("HOSTNAME_MISMATCH");
            r = diagnostics(ConnectionOptions.builder().trustCertificates(TestCertificates.localhostPem()).build())
                    .diagnose(Request.forAddress("me@example.org").smtp(ServerEndpoint.of("localhost", valid.getLocalPort(),
                            Security.SSL_TLS)));
            assertThat(r.findings()).anySatisfy(f -> {
                assertThat(f.check()).isEqualTo("TLS");
                assertThat(f.severity()).isEqualTo(Severity.OK);
                assertThat(f.evidence()).startsWith("TLSv1.");
            });
            assertThat(r.sendingShouldWork()).isTrue();
        }
    }

    @Test
    void microsoftsBasicAuthRefusals_pointToOAuth2() throws Exception {
        for (String reply : new String[] {"535 5.7.139 Authentication unsuccessful, basic authentication is disabled.",
            "550 5.7.30 Basic authentication is not supported for Client Submission."}) {
            microsoftRefusal(reply, reply.substring(4, 10));
        }
    }

    private void microsoftRefusal(String reply, String code) throws Exception {
        try (ScriptedServer s = smtp("250-scripted\r\n250 AUTH PLAIN LOGIN\r\n", l -> reply + "\r\n")) {
            Report r = diagnostics(plain()).diagnose(Request.forAddress("me@example.org")
                    .smtp(ServerEndpoint.of("localhost", s.port(), Security.PLAIN))
                    .credentials(Credentials.password("me@example.org", "s3cret-pw")));
            assertThat(last(r, Protocol.SMTP)).satisfies(f -> {
                assertThat(f.check()).isEqualTo("login");
                assertThat(f.evidence()).contains(code);
                assertThat(f.fix()).contains("OAuth2");
            });
            assertThat(r.findings().toString()).doesNotContain("s3cret-pw");
        }
    }

    private static ScriptedServer imap(String loginReply) throws Exception {
        return new ScriptedServer("* OK [CAPABILITY IMAP4rev1] ready", line -> {
            String tag = line.split(" ")[0];
            String u = line.toUpperCase();
            if (u.contains(" CAPABILITY")) {
                return "* CAPABILITY IMAP4rev1\r\n" + tag + " OK done\r\n";
            }
            if (u.contains(" LOGIN ")) {
                return tag + " " + loginReply + "\r\n";
            }
            return u.contains("LOGOUT") ? "* BYE\r\n" + tag + " OK bye\r\n" : tag + " OK\r\n";
        });
    }

    @Test
    void knownImapRefusals_mapToTheProvidersFix() throws Exception {
        String[][] cases = {
            {"me@163.com", "NO Unsafe Login. Please contact kefu@188.com for help", "authorization code"},
            {"me@gmail.com", "NO [ALERT] Please log in via your web browser: https://support.google.com/mail", "web browser"},
            {"me@gmail.com", "NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)", "app password"},
        };
        for (String[] c : cases) {
            try (ScriptedServer s = imap(c[1])) {
                Report r = diagnostics(plain()).diagnose(Request.forAddress(c[0])
                        .imap(ServerEndpoint.of("localhost", s.port(), Security.PLAIN))
                        .credentials(Credentials.password(c[0], "s3cret-pw")));
                assertThat(last(r, Protocol.IMAP)).as(c[1]).satisfies(f -> {
                    assertThat(f.check()).isEqualTo("login");
                    assertThat(f.severity()).isEqualTo(Severity.ERROR);
                    assertThat(f.fix()).containsIgnoringCase(c[2]);
                });
                assertThat(r.receivingShouldWork()).isFalse();
            }
        }
    }

    @Test
    void aWorkingServer_reportsEveryStepOk() throws Exception {
        try (ScriptedServer s = smtp("250-scripted\r\n250 AUTH PLAIN LOGIN\r\n", l -> "235 2.7.0 ok\r\n")) {
            Report r = diagnostics(plain()).diagnose(Request.forAddress("me@example.org")
                    .smtp(ServerEndpoint.of("localhost", s.port(), Security.PLAIN))
                    .credentials(Credentials.password("me@example.org", "s3cret-pw")));
            assertThat(r.findings().stream().filter(f -> f.protocol() == Protocol.SMTP).map(Finding::check))
                    .containsExactly("settings", "DNS", "TCP", "greeting", "AUTH", "login");
            assertThat(r.findings().stream().filter(f -> f.protocol() == Protocol.SMTP))
                    .allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.OK));
            assertThat(r.sendingShouldWork()).isTrue();
            assertThat(r.receivingShouldWork()).as("no IMAP server known for example.org").isFalse();
        }
    }
}
