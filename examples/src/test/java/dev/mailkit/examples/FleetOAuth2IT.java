package dev.mailkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.registry.OAuth2Settings;
import dev.mailkit.fleet.FleetDatabase;
import dev.mailkit.fleet.FleetListener;
import dev.mailkit.fleet.Lease;
import dev.mailkit.fleet.SyncFleet;
import dev.mailkit.fleet.testing.PostgresServer;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.oauth2.OAuth2;
import dev.mailkit.oauth2.OAuth2TokenProvider;
import dev.mailkit.oauth2.TokenStore;
import dev.mailkit.oauth2.testing.DovecotOAuth2Server;
import dev.mailkit.oauth2.testing.ScriptedUser;
import dev.mailkit.oauth2.testing.TestAuthorizationServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An OAuth2 account in a watching fleet: the login comes from the application's callback, which hands out
 * mailkit-oauth2's credentials (tokens in its own store, refreshed as they expire); Dovecot checks every login
 * against a real authorization server. Mail arriving after the first access token expired is mirrored with a
 * refreshed one, and no token reaches the fleet's database.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FleetOAuth2IT {

    private static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofSeconds(3);
    private static final String USER = TestAuthorizationServer.USER;

    private static TestAuthorizationServer as;
    private static GreenMail relay;
    private static DovecotOAuth2Server dovecot;
    private static PostgresServer postgres;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        as = TestAuthorizationServer.start(ACCESS_TOKEN_LIFETIME);
        relay = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        relay.start();
        dovecot = DovecotOAuth2Server.start(as, relay.getSmtp().getPort(), "oauthbearer xoauth2");
        postgres = PostgresServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {postgres, dovecot, as}) {
            if (c != null) {
                c.close();
            }
        }
        if (relay != null) {
            relay.stop();
        }
    }

    private static String message(String subject) {
        return "From: Bob <bob@example.test>\nTo: " + USER + "\nSubject: " + subject
                + "\nMessage-ID: <" + subject.replace(' ', '-') + "@example.test>\n\nHello.\n";
    }

    @Test
    void anOAuth2Account_isWatchedAndSynced_withTokensRefreshedThroughTheCallback_andNoTokenStored() throws Exception {
        OAuth2 oauth = OAuth2.builder()
                .settings(new OAuth2Settings("127.0.0.1", as.authorizationEndpoint(), as.tokenEndpoint(),
                        TestAuthorizationServer.SCOPES))
                .clientId(TestAuthorizationServer.CLIENT_ID).clientSecret(as.clientSecret())
                .tokenStore(TokenStore.inDirectory(tmp.resolve("tokens")))
                .connectionOptions(ConnectionOptions.builder().trustCertificates(as.certificatePem()).build())
                .refreshAhead(Duration.ofMillis(500))
                .build();
        AtomicReference<CompletableFuture<?>> approval = new AtomicReference<>();
        OAuth2TokenProvider tokens = oauth.signInWithDeviceCode(USER,
                prompt -> approval.set(new ScriptedUser(as).approve(prompt)));
        approval.get().get(30, TimeUnit.SECONDS);
        String firstToken = tokens.accessToken();
        dovecot.deliver(USER, message("fleet before expiry"));

        String url = postgres.newDatabase();
        List<Integer> added = new CopyOnWriteArrayList<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        int refreshes = as.counters().get("token:refresh_token");
        try (FleetDatabase db = FleetDatabase.builder().jdbcUrl(url).build()) {
            db.addAccount(USER);
            try (SyncFleet fleet = SyncFleet.builder(db)
                    .watch(10)
                    .interval(Duration.ofHours(1))                       // only IDLE starts the second sync
                    .leaseDuration(Duration.ofSeconds(5)).poll(Duration.ofMillis(200))
                    .endpoints(account -> ServerEndpoint.of("127.0.0.1", dovecot.imapPort(), Security.PLAIN))
                    .options(ConnectionOptions.builder().allowPlaintext().build())
                    .credentials(oauth::credentials)                     // mailkit-oauth2's store, behind the callback
                    .listener(new FleetListener() {
                        @Override
                        public void onSynced(Lease lease, SyncReport report) {
                            added.add(report.added());
                        }

                        @Override
                        public void onFailed(Lease lease, RuntimeException error, int failures, Duration retryIn) {
                            problems.add(error.toString());
                        }
                    })
                    .build()) {
                fleet.start();
                await(() -> added.stream().mapToInt(Integer::intValue).sum() >= 1 && fleet.idleConnections() == 1);
                Thread.sleep(ACCESS_TOKEN_LIFETIME.plusSeconds(1).toMillis()); // the first access token expires
                assertThat(as.isActive(firstToken)).isFalse();
                dovecot.deliver(USER, message("fleet after expiry"));
                await(() -> added.stream().mapToInt(Integer::intValue).sum() >= 2);
            }
            assertThat(problems).isEmpty();
        }
        assertThat(as.counters().get("token:refresh_token")).as("refreshes").isGreaterThan(refreshes);
        assertThat(dovecot.log()).containsPattern("imap-login: Info: Login: user=<" + USER + ">, method=OAUTHBEARER");

        // no access or refresh token anywhere in the fleet's database
        List<String> secrets = new ArrayList<>(List.of(firstToken, tokens.accessToken()));
        dev.mailkit.oauth2.StoredTokens stored = TokenStore.inDirectory(tmp.resolve("tokens")).load(USER).orElseThrow();
        secrets.add(stored.refreshToken().orElseThrow());
        stored.accessToken().ifPresent(secrets::add);
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT string_agg(t::text, ' ') FROM (SELECT * FROM accounts) t")) {
            rs.next();
            String accounts = rs.getString(1);
            for (String secret : secrets) {
                assertThat(accounts).doesNotContain(secret);
            }
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(string_agg(t::text, ' '), '') FROM folders t")) {
            rs.next();
            for (String secret : secrets) {
                assertThat(rs.getString(1)).doesNotContain(secret);
            }
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting too long").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
