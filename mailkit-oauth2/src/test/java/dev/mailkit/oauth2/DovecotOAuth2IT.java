package dev.mailkit.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.AuthenticationException;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.MailSession;
import dev.mailkit.core.registry.OAuth2Settings;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.oauth2.testing.DovecotOAuth2Server;
import dev.mailkit.oauth2.testing.ScriptedUser;
import dev.mailkit.oauth2.testing.TestAuthorizationServer;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.SmtpSender;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a real authorization server, Dovecot validating every IMAP and submission login by token
 * introspection against it, and mailkit's synchronizer and sender using tokens from mailkit-oauth2. Mail
 * submitted to Dovecot is relayed to a GreenMail SMTP server, where the test finds it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DovecotOAuth2IT {

    private static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofSeconds(3);
    private static final String USER = TestAuthorizationServer.USER;

    private static TestAuthorizationServer as;
    private static GreenMail relay;
    private static DovecotOAuth2Server dovecot;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        as = TestAuthorizationServer.start(ACCESS_TOKEN_LIFETIME);
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

    private static OAuth2 oauth(Path store) {
        return OAuth2.builder()
                .settings(new OAuth2Settings("127.0.0.1", as.authorizationEndpoint(), as.tokenEndpoint(),
                        TestAuthorizationServer.SCOPES))
                .clientId(TestAuthorizationServer.CLIENT_ID).clientSecret(as.clientSecret())
                .tokenStore(TokenStore.inDirectory(store))
                .connectionOptions(ConnectionOptions.builder().trustCertificates(as.certificatePem()).build())
                .refreshAhead(Duration.ofMillis(500))
                .build();
    }

    private static OAuth2TokenProvider deviceSignIn(OAuth2 oauth) throws Exception {
        AtomicReference<CompletableFuture<?>> approval = new AtomicReference<>();
        OAuth2TokenProvider tokens = oauth.signInWithDeviceCode(USER,
                prompt -> approval.set(new ScriptedUser(as).approve(prompt)));
        approval.get().get(30, TimeUnit.SECONDS);
        return tokens;
    }

    private static ConnectionOptions loopback() {
        return ConnectionOptions.builder().allowPlaintext().build(); // Dovecot listens on loopback without TLS
    }

    private static ServerEndpoint imap() {
        return ServerEndpoint.of("127.0.0.1", dovecot.imapPort(), Security.PLAIN);
    }

    private static ServerEndpoint submission() {
        return ServerEndpoint.of("127.0.0.1", dovecot.submissionPort(), Security.PLAIN);
    }

    private static String message(String subject) {
        return "From: Bob <bob@example.test>\nTo: " + USER + "\nSubject: " + subject
                + "\nMessage-ID: <" + subject.replace(' ', '-') + "@example.test>\n\nHello.\n";
    }

    @Test
    void deviceSignIn_thenSyncAndSend_withOAuthBearer() throws Exception {
        Path store = tmp.resolve("tokens-1");
        OAuth2 oauth = oauth(store);
        deviceSignIn(oauth);
        dovecot.deliver(USER, message("first message"));

        Credentials credentials = oauth.credentials(USER);
        Path maildir = tmp.resolve("maildir-2");
        try (ImapSynchronizer sync = ImapSynchronizer.builder().endpoint(imap()).credentials(credentials)
                .options(loopback()).maildir(maildir).build()) {
            SyncReport report = sync.syncOnce();
            assertThat(report.added()).isGreaterThanOrEqualTo(1); // the mailbox is shared by this class's tests
            assertThat(sync.local().folder("INBOX").messages())
                    .anySatisfy(m -> assertThat(m.optionalMessageId()).contains("<first-message@example.test>"));
        }
        try (SmtpSender sender = SmtpSender.builder().endpoint(submission()).credentials(credentials)
                .options(loopback()).build()) {
            sender.send(Email.builder().from(USER).to("carol@example.test").subject("sent with OAuth2")
                    .text("Hello from mailkit").build());
        }
        assertThat(relay.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage relayed = relay.getReceivedMessages()[0];
        assertThat(relayed.getSubject()).isEqualTo("sent with OAuth2");
        String log = dovecot.log();
        assertThat(log).containsPattern("imap-login: Info: Login: user=<" + USER + ">, method=OAUTHBEARER");
        assertThat(log).containsPattern("submission-login: Info: Login: user=<" + USER + ">, method=OAUTHBEARER");
    }

    @Test
    void accessTokenExpiringDuringALongRun_isRefreshedAndTheRunCompletes() throws Exception {
        Path store = tmp.resolve("tokens-3");
        OAuth2 oauth = oauth(store);
        OAuth2TokenProvider tokens = deviceSignIn(oauth);
        String first = tokens.accessToken();
        Path maildir = tmp.resolve("maildir-4");
        int refreshes = as.counters().get("token:refresh_token");
        try (ImapSynchronizer sync = ImapSynchronizer.builder().endpoint(imap())
                .credentials(Credentials.oauth2(USER, tokens)).options(loopback()).maildir(maildir).build()) {
            dovecot.deliver(USER, message("before expiry"));
            sync.syncOnce();

            Thread.sleep(ACCESS_TOKEN_LIFETIME.plusSeconds(1).toMillis()); // the first token expires
            assertThat(as.isActive(first)).isFalse();
            // From another loopback address: Dovecot delays logins from an address after a failure there.
            MailSession stale = MailSession.builder(Protocol.IMAP, imap())
                    .credentials(Credentials.oauth2(USER, () -> first)).options(loopback())
                    .property("mail.imap.localaddress", "127.0.0.2").build();
            AuthenticationException refused = assertThrows(AuthenticationException.class, stale::connectStore);
            assertThat(refused.getMessage()).doesNotContain(first);

            dovecot.deliver(USER, message("after expiry"));
            dovecot.kick(USER); // the connection drops mid-run: the next sync connects again
            SyncReport second = sync.syncOnce(); // the new connection asks for a token: refreshed, accepted
            assertThat(second.added()).isGreaterThanOrEqualTo(1);
            assertThat(sync.local().folder("INBOX").messages().size()).isGreaterThanOrEqualTo(2);
        }
        assertThat(as.counters().get("token:refresh_token")).isGreaterThan(refreshes);
        assertThat(tokens.accessToken()).isNotEqualTo(first);
    }

    @Test
    void revokedRefreshToken_stopsTheSyncWithSignInRequiredAndTheHint() throws Exception {
        Path store = tmp.resolve("tokens-5");
        OAuth2 oauth = oauth(store);
        OAuth2TokenProvider tokens = deviceSignIn(oauth);
        as.revoke(TokenStore.inDirectory(store).load(USER).orElseThrow().refreshToken().orElseThrow());
        tokens.invalidate(); // as if the access token had expired
        Path maildir = tmp.resolve("maildir-6");
        try (ImapSynchronizer sync = ImapSynchronizer.builder().endpoint(imap()).credentials(oauth.credentials(USER))
                .options(loopback()).maildir(maildir).build()) {
            AuthenticationException e = assertThrows(AuthenticationException.class, sync::syncOnce);
            assertThat(e).isInstanceOf(SignInRequiredException.class);
            assertThat(e.hint()).get().asString().contains("Sign in again");
        }
    }

    @Test
    void serverOfferingOnlyXoauth2_getsXoauth2(@TempDir Path dir) throws Exception {
        OAuth2 oauth = oauth(dir.resolve("tokens"));
        OAuth2TokenProvider tokens = deviceSignIn(oauth);
        try (DovecotOAuth2Server xoauth2Only = DovecotOAuth2Server.start(as, relay.getSmtp().getPort(), "xoauth2")) {
            MailSession session = MailSession.builder(Protocol.IMAP,
                            ServerEndpoint.of("127.0.0.1", xoauth2Only.imapPort(), Security.PLAIN))
                    .credentials(Credentials.oauth2(USER, tokens)).options(loopback()).build();
            try (Store store = session.connectStore()) {
                assertThat(store.isConnected()).isTrue();
            }
            assertThat(xoauth2Only.log()).contains("Login: user=<" + USER + ">, method=XOAUTH2");
        }
    }
}
