package dev.mailkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.testing.TestProxy;
import dev.mailkit.oauth2.StoredTokens;
import dev.mailkit.oauth2.TokenStore;
import dev.mailkit.oauth2.testing.DovecotOAuth2Server;
import dev.mailkit.oauth2.testing.ScriptedUser;
import dev.mailkit.oauth2.testing.TestAuthorizationServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mailkit login}, {@code --oauth2} on sync, send and doctor, and {@code logout}, against a real
 * authorization server (described to the CLI with {@code --providers FILE} and trusted with
 * {@code --trust-cert}) and a Dovecot that validates every login by token introspection.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MailkitOAuth2IT {

    private static final String USER = TestAuthorizationServer.USER;
    private static final Pattern VERIFY = Pattern.compile("or open (https://\\S+device_verification\\?user_code=\\S+)");

    private static TestAuthorizationServer as;
    private static GreenMail relay;
    private static DovecotOAuth2Server dovecot;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        as = TestAuthorizationServer.start(Duration.ofMinutes(5));
        relay = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        relay.start();
        dovecot = DovecotOAuth2Server.start(as, relay.getSmtp().getPort(), "oauthbearer xoauth2");
    }

    @AfterAll
    static void stop() throws Exception {
        if (dovecot != null) {
            dovecot.close();
        }
        if (relay != null) {
            relay.stop();
        }
        if (as != null) {
            as.close();
        }
    }

    /** A providers file in the built-in format: example.test's mail, signed in at the test authorization server. */
    private Path providersFile() throws Exception {
        Path file = dir.resolve("providers.xml");
        Files.writeString(file, "<providers version='1'><provider id='exampletest' name='Example Test Mail'>"
                + "<domain>example.test</domain>"
                + "<imap host='imap.example.test' port='993' security='SSL_TLS'/>"
                + "<smtp host='smtp.example.test' port='465' security='SSL_TLS'/>"
                + "<username>EMAIL</username><auth>OAUTH2</auth>"
                + "<oauth2 issuer='127.0.0.1' authorization='" + as.authorizationEndpoint() + "' token='"
                + as.tokenEndpoint() + "' scopes='" + String.join(" ", TestAuthorizationServer.SCOPES) + "'/>"
                + "<docs>https://example.test/help</docs></provider></providers>");
        return file;
    }

    private Map<String, String> env() {
        return Map.of("CLIENT_SECRET", as.clientSecret());
    }

    private String[] common(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--token-store", dir.resolve("tokens").toString(), "--providers", providersFile().toString(),
                "--trust-cert", as.certificatePem().toString()));
        return all.toArray(String[]::new);
    }

    /** Runs {@code mailkit login --device}; a scripted user approves the code the command prints. */
    private CliRun login(String... extra) throws Exception {
        List<CompletableFuture<?>> approvals = new ArrayList<>();
        StringWriter out = new StringWriter() {
            @Override
            public void flush() {
                Matcher m = VERIFY.matcher(toString());
                if (approvals.isEmpty() && m.find()) {
                    URI page = URI.create(m.group(1));
                    approvals.add(CompletableFuture.runAsync(() -> {
                        try {
                            new ScriptedUser(as).openAndLogIn(page);
                        } catch (Exception e) {
                            throw new java.util.concurrent.CompletionException(e);
                        }
                    }));
                }
            }
        };
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("login", USER, "--client-id", TestAuthorizationServer.CLIENT_ID,
                "--client-secret-env", "CLIENT_SECRET", "--device"));
        args.addAll(List.of(extra));
        int code = Mailkit.run(common(args.toArray(String[]::new)), env()::get,
                new PrintWriter(out, true), new PrintWriter(err, true), false);
        assertThat(approvals).hasSize(1);
        approvals.get(0).get(30, TimeUnit.SECONDS);
        return new CliRun(code, out.toString(), err.toString());
    }

    private CliRun run(String... args) throws Exception {
        return CliRun.of(env(), common(args));
    }

    @Test
    void login_thenSyncSendAndDoctorWithOAuth2_thenLogout() throws Exception {
        CliRun login = login();
        assertThat(login.code()).as(login.err()).isZero();
        assertThat(login.out()).contains("To sign in, open").contains("Signed in " + USER);
        Path tokens = dir.resolve("tokens");
        try (Stream<Path> files = Files.list(tokens)) {
            assertThat(files).hasSize(1);
        }

        dovecot.deliver(USER, "From: bob@example.test\nTo: " + USER + "\nSubject: cli\nMessage-ID: <cli@example.test>\n\nhi\n");
        CliRun sync = run("sync", "--host", "127.0.0.1", "--port", String.valueOf(dovecot.imapPort()), "--security",
                "plain", "--user", USER, "--oauth2", "--client-secret-env", "CLIENT_SECRET",
                "--dir", dir.resolve("mail").toString());
        assertThat(sync.code()).as(sync.err()).isZero();
        try (Stream<Path> mail = Files.walk(dir.resolve("mail"))) {
            assertThat(mail.filter(p -> p.getParent().getFileName().toString().equals("cur")
                    || p.getParent().getFileName().toString().equals("new"))).isNotEmpty();
        }

        int relayed = relay.getReceivedMessages().length;
        CliRun send = run("send", "--host", "127.0.0.1", "--port", String.valueOf(dovecot.submissionPort()),
                "--security", "plain", "--user", USER, "--oauth2", "--client-secret-env", "CLIENT_SECRET",
                "--from", USER, "--to", "carol@example.test", "--subject", "from the cli", "--text", "hello");
        assertThat(send.code()).as(send.err()).isZero();
        assertThat(relay.waitForIncomingEmail(10_000, relayed + 1)).isTrue();

        CliRun doctor = run("doctor", USER, "--imap", "127.0.0.1:" + dovecot.imapPort() + ":plain",
                "--smtp", "127.0.0.1:" + dovecot.submissionPort() + ":plain", "--oauth2",
                "--client-secret-env", "CLIENT_SECRET");
        assertThat(doctor.out()).contains("✓ token");
        assertThat(doctor.out()).doesNotContain("refused a token");

        CliRun logout = run("logout", USER, "--client-secret-env", "CLIENT_SECRET");
        assertThat(logout.code()).as(logout.err()).isZero();
        assertThat(logout.out()).contains("Signed out " + USER);
        try (Stream<Path> files = Files.list(tokens)) {
            assertThat(files).isEmpty();
        }
        CliRun after = run("sync", "--host", "127.0.0.1", "--port", String.valueOf(dovecot.imapPort()), "--security",
                "plain", "--user", USER, "--oauth2", "--dir", dir.resolve("mail").toString());
        assertThat(after.code()).isEqualTo(ExitCodes.AUTHENTICATION);
        assertThat(after.err()).contains("fix: sign in first: mailkit login " + USER);
    }

    @Test
    void loginSyncAndLogout_throughProxies() throws Exception {
        try (TestProxy tinyproxy = TestProxy.tinyproxy(); TestProxy dante = TestProxy.dante()) {
            CliRun login = login("--proxy", tinyproxy.settings().toString());
            assertThat(login.code()).as(login.err()).isZero();
            assertThat(tinyproxy.log()).contains("CONNECT 127.0.0.1:" + as.base().getPort());

            TokenStore store = TokenStore.inDirectory(dir.resolve("tokens"));
            store.save(USER, store.load(USER).orElseThrow().toBuilder().accessToken(null, null).build()); // refresh next
            dovecot.deliver(USER, "From: bob@example.test\nTo: " + USER + "\nSubject: proxied\nMessage-ID: <proxied@example.test>\n\nhi\n");
            CliRun sync = run("sync", "--host", "localhost", "--port", String.valueOf(dovecot.imapPort()), "--security",
                    "plain", "--user", USER, "--oauth2", "--client-secret-env", "CLIENT_SECRET",
                    "--dir", dir.resolve("proxied-mail").toString(), "--proxy", dante.settings().toString());
            assertThat(sync.code()).as(sync.err()).isZero();
            assertThat(dante.log()).contains("127.0.0.1." + dovecot.imapPort()).contains("127.0.0.1." + as.base().getPort());

            CliRun logout = run("logout", USER, "--client-secret-env", "CLIENT_SECRET", "--proxy", dante.settings().toString());
            assertThat(logout.code()).as(logout.err()).isZero();
            assertThat(store.load(USER)).isEmpty();

            int closed;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                closed = s.getLocalPort();
            }
            CliRun unreachable = run("login", USER, "--client-id", TestAuthorizationServer.CLIENT_ID, "--client-secret-env",
                    "CLIENT_SECRET", "--device", "--proxy", "http://127.0.0.1:" + closed);
            assertThat(unreachable.code()).isEqualTo(ExitCodes.CONNECTION);
            assertThat(unreachable.err()).contains("cannot reach the authorization server")
                    .contains("cannot connect to the HTTP proxy 127.0.0.1:" + closed);
        }
    }

    @Test
    void doctor_explainsARevokedSignInAndAServerRefusingTheToken() throws Exception {
        assertThat(login().code()).isZero();
        TokenStore store = TokenStore.inDirectory(dir.resolve("tokens"));
        StoredTokens tokens = store.load(USER).orElseThrow();

        // The server stops accepting the access token while mailkit still holds it as valid.
        as.revoke(tokens.accessToken().orElseThrow());
        CliRun refused = run("doctor", USER, "--imap", "127.0.0.1:" + dovecot.imapPort() + ":plain",
                "--smtp", "127.0.0.1:" + dovecot.submissionPort() + ":plain", "--oauth2",
                "--client-secret-env", "CLIENT_SECRET");
        assertThat(refused.out()).contains("✓ token").contains("refused a token the authorization server has just issued")
                .contains("disabled");

        // The refresh token is revoked too and the access token has expired: sign in again.
        as.revoke(tokens.refreshToken().orElseThrow());
        store.save(USER, tokens.toBuilder().accessToken(null, null).build());
        CliRun revoked = run("doctor", USER, "--imap", "127.0.0.1:" + dovecot.imapPort() + ":plain", "--oauth2",
                "--client-secret-env", "CLIENT_SECRET");
        assertThat(revoked.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(revoked.out()).contains("✗ token").contains("invalid_grant").contains("Sign in again");
        CliRun json = run("doctor", USER, "--imap", "127.0.0.1:" + dovecot.imapPort() + ":plain", "--oauth2",
                "--client-secret-env", "CLIENT_SECRET", "--json");
        assertThat(json.out()).contains("\"oauth2\":{\"token\":false,\"problem\":").contains("invalid_grant")
                .endsWith("}\n");
        for (String secret : List.of(as.clientSecret(), tokens.refreshToken().get(), tokens.accessToken().get())) {
            assertThat(refused.out() + refused.err() + revoked.out() + revoked.err()).doesNotContain(secret);
        }
    }
}
