package dev.mailkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.testing.TestProxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --proxy} and {@code --proxy-password-env} on send, sync and doctor, through real proxies on loopback
 * (Dante, SOCKS5; Tinyproxy, HTTP CONNECT) to GreenMail: the exit codes, the messages naming the proxy, and the
 * proxy's password on no output.
 */
class MailkitProxyTest {

    private static final String PROXY_PASSWORD = "Pr0xy-cli-s3cret";
    private static TestProxy dante;
    private static TestProxy tinyproxy;
    private static TestProxy guarded;

    @TempDir
    Path dir;
    GreenMail mail;

    @BeforeAll
    static void proxies() throws Exception {
        dante = TestProxy.dante();
        tinyproxy = TestProxy.tinyproxy();
        guarded = TestProxy.tinyproxy("carol", PROXY_PASSWORD, List.of());
    }

    @AfterAll
    static void stopProxies() throws Exception {
        for (TestProxy p : new TestProxy[] {dante, tinyproxy, guarded}) {
            if (p != null) {
                p.close();
            }
        }
    }

    @BeforeEach
    void start() {
        mail = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        mail.start();
        mail.setUser("me@localhost", "me", "s3cret-pw");
    }

    @AfterEach
    void stop() {
        mail.stop();
    }

    private static String uri(TestProxy proxy) {
        return proxy.settings().toString();
    }

    private CliRun send(Map<String, String> env, String... proxyArgs) {
        List<String> args = new java.util.ArrayList<>(List.of("send", "--host", "localhost", "--port",
                String.valueOf(mail.getSmtp().getPort()), "--security", "plain", "--user", "me", "--password-env", "MK_PW",
                "--from", "me@localhost", "--to", "me@localhost", "--subject", "via proxy", "--text", "hello"));
        args.addAll(List.of(proxyArgs));
        return CliRun.of(env, args.toArray(String[]::new));
    }

    private static Map<String, String> env() {
        return Map.of("MK_PW", "s3cret-pw", "PROXY_PW", PROXY_PASSWORD, "WRONG_PW", "not-" + PROXY_PASSWORD);
    }

    @Test
    void sendAndSync_throughSocks5AndHttpConnect() throws Exception {
        int n = 0;
        for (TestProxy proxy : List.of(dante, tinyproxy)) {
            CliRun send = send(env(), "--proxy", uri(proxy));
            assertThat(send.code()).as(send.err()).isZero();
            Path maildir = dir.resolve("mail-" + n++);
            CliRun sync = CliRun.of(env(), "sync", "--host", "localhost", "--port", String.valueOf(mail.getImap().getPort()),
                    "--security", "plain", "--user", "me", "--password-env", "MK_PW", "--dir", maildir.toString(),
                    "--proxy", uri(proxy));
            assertThat(sync.code()).as(sync.err()).isZero();
            try (Stream<Path> files = Files.walk(maildir)) {
                assertThat(files.filter(p -> p.getParent().getFileName().toString().matches("cur|new"))).hasSize(n);
            }
        }
        assertThat(mail.getReceivedMessages()).hasSize(2);
        assertThat(dante.log()).contains("tcp/connect");
        assertThat(tinyproxy.log()).contains("CONNECT localhost:" + mail.getSmtp().getPort());
    }

    @Test
    void doctor_throughTheProxy_saysTheProxyResolvesTheNames() throws Exception {
        CliRun doctor = CliRun.of(env(), "doctor", "me@localhost", "--smtp", "localhost:" + mail.getSmtp().getPort() + ":plain",
                "--imap", "localhost:" + mail.getImap().getPort() + ":plain", "--user", "me", "--password-env", "MK_PW",
                "--proxy", uri(dante));
        assertThat(doctor.out()).contains("✓ DNS        localhost is resolved by the proxy " + uri(dante) + ", not here")
                .contains("through the SOCKS5 proxy 127.0.0.1:" + dante.port());
        assertThat(doctor.code()).as(doctor.out()).isZero();
        CliRun json = CliRun.of(env(), "doctor", "me@localhost", "--smtp", "localhost:" + mail.getSmtp().getPort() + ":plain",
                "--imap", "localhost:" + mail.getImap().getPort() + ":plain", "--proxy", uri(tinyproxy), "--json");
        assertThat(json.out()).contains("\"check\":\"DNS\",\"evidence\":\"localhost is resolved by the proxy " + uri(tinyproxy));
    }

    @Test
    void aProxyLogin_fromAnEnvironmentVariable_neverOnAnyOutput() throws Exception {
        String login = "http://carol@127.0.0.1:" + guarded.port();
        CliRun ok = send(env(), "--proxy", login, "--proxy-password-env", "PROXY_PW");
        assertThat(ok.code()).as(ok.err()).isZero();

        CliRun wrong = send(env(), "--proxy", login, "--proxy-password-env", "WRONG_PW");
        assertThat(wrong.code()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(wrong.err()).contains("mailkit: the HTTP proxy 127.0.0.1:" + guarded.port() + " refused the login of 'carol'")
                .contains("check the proxy user name and password");

        CliRun missing = send(env(), "--proxy", "http://127.0.0.1:" + guarded.port());
        assertThat(missing.code()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(missing.err()).contains("requires a login").contains("--proxy-password-env VAR")
                .doesNotContain("ProxySettings");

        CliRun noVariable = send(env(), "--proxy", login);
        assertThat(noVariable.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noVariable.err()).contains("names a user: give the proxy's password with --proxy-password-env VAR");

        CliRun inUri = send(env(), "--proxy", "http://carol:" + PROXY_PASSWORD + "@127.0.0.1:" + guarded.port());
        assertThat(inUri.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(inUri.err()).contains("a password does not belong in the proxy URI").contains("--proxy-password-env VAR");

        CliRun json = send(env(), "--proxy", login, "--proxy-password-env", "WRONG_PW", "--json");
        assertThat(json.out()).startsWith("{\"status\":\"error\",\"exitCode\":4,").contains("refused the login of 'carol'");

        for (CliRun run : List.of(ok, wrong, missing, noVariable, inUri, json)) {
            assertThat(run.out() + run.err()).doesNotContain(PROXY_PASSWORD);
        }
        assertThat(guarded.log()).doesNotContain(PROXY_PASSWORD);
        assertThat(mail.getReceivedMessages()).hasSize(1);
    }

    @Test
    void aProxyThatRefusesOrIsNotThere_exits4_namingTheProxy() throws Exception {
        try (TestProxy strict = TestProxy.tinyproxy(null, null, List.of(443))) {
            CliRun refused = send(env(), "--proxy", uri(strict));
            assertThat(refused.code()).isEqualTo(ExitCodes.CONNECTION);
            assertThat(refused.err()).contains("the HTTP proxy 127.0.0.1:" + strict.port() + " refused to open a tunnel to localhost:")
                    .contains("403").contains("ask the proxy's administrator");
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        CliRun unreachable = send(env(), "--proxy", "socks5://127.0.0.1:" + closed);
        assertThat(unreachable.code()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(unreachable.err()).contains("cannot connect to the SOCKS5 proxy 127.0.0.1:" + closed + " (connection refused)")
                .contains("(--proxy)");
        CliRun bad = send(env(), "--proxy", "socks4://127.0.0.1:1080");
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("--proxy: proxy 'socks4://127.0.0.1:1080': unknown scheme 'socks4'");
        assertThat(mail.getReceivedMessages()).isEmpty();
    }
}
