package dev.mailkit.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.AuthenticationException;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.registry.OAuth2Settings;
import dev.mailkit.oauth2.testing.ScriptedUser;
import dev.mailkit.oauth2.testing.TestAuthorizationServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flows against a real authorization server (Spring Authorization Server on a loopback HTTPS port):
 * device code approved by a scripted user, authorization code + PKCE through a scripted browser, refresh
 * with rotation, revocation, one refresh for many threads, typed errors. Every token, secret and password
 * seen is collected, and the last test proves none reached the log, an exception or the token store's
 * neighbours.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthorizationServerFlowsIT {

    private static TestAuthorizationServer server;
    private static Path storeDir;
    @TempDir
    static Path tempRoot;
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final List<Throwable> FAILURES = new ArrayList<>();

    /** A clock the tests move forward, so expiry needs no sleeping. */
    static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = TestAuthorizationServer.start(Duration.ofMinutes(10));
        storeDir = tempRoot.resolve("store");
        SECRETS.add(server.clientSecret());
        SECRETS.add(server.password());
        SECRETS.add(server.introspectionSecret());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static OAuth2Settings settings() {
        return new OAuth2Settings("127.0.0.1", server.authorizationEndpoint(), server.tokenEndpoint(),
                TestAuthorizationServer.SCOPES);
    }

    private static OAuth2.Builder oauth(String clientId, Clock clock) {
        OAuth2.Builder b = OAuth2.builder().settings(settings()).clientId(clientId)
                .tokenStore(TokenStore.inDirectory(storeDir))
                .connectionOptions(ConnectionOptions.builder().trustCertificates(server.certificatePem()).build())
                .browser(new ScriptedUser(server).browserLauncher())
                .signInTimeout(Duration.ofSeconds(30))
                .clock(clock);
        if (clientId.equals(TestAuthorizationServer.PUBLIC_CLIENT_ID)) {
            return b;
        }
        return b.clientSecret(server.clientSecret()
                + (clientId.equals(TestAuthorizationServer.SHORT_CODE_CLIENT_ID) ? "-short" : ""));
    }

    private static StoredTokens stored(String account) {
        StoredTokens t = TokenStore.inDirectory(storeDir).load(account).orElseThrow();
        t.refreshToken().ifPresent(SECRETS::add);
        t.accessToken().ifPresent(SECRETS::add);
        return t;
    }

    private static <T extends Throwable> T remember(T failure) {
        FAILURES.add(failure);
        return failure;
    }

    private static OAuth2TokenProvider deviceSignIn(OAuth2 oauth, String account) throws Exception {
        AtomicReference<java.util.concurrent.CompletableFuture<HttpResponse<String>>> approval = new AtomicReference<>();
        OAuth2TokenProvider tokens = oauth.signInWithDeviceCode(account,
                prompt -> approval.set(new ScriptedUser(server).approve(prompt)));
        assertThat(approval.get().get(30, TimeUnit.SECONDS).uri().getQuery()).contains("success");
        return tokens;
    }

    @Test
    @Order(1)
    void deviceCode_approvedByTheUser_storesTokensTheServerConsidersActive() throws Exception {
        OAuth2 oauth = oauth(TestAuthorizationServer.CLIENT_ID, Clock.systemUTC()).build();
        List<DeviceCodePrompt> prompts = new ArrayList<>();
        AtomicReference<java.util.concurrent.CompletableFuture<HttpResponse<String>>> approval = new AtomicReference<>();
        OAuth2TokenProvider tokens = oauth.signInWithDeviceCode("device@example.test", prompt -> {
            prompts.add(prompt);
            approval.set(new ScriptedUser(server).approve(prompt));
        });
        assertThat(approval.get().get(30, TimeUnit.SECONDS).uri().getQuery()).contains("success");
        assertThat(prompts).hasSize(1);
        assertThat(prompts.get(0).verificationUri().getPath()).isEqualTo("/oauth2/device_verification");
        assertThat(prompts.get(0).message()).contains(prompts.get(0).userCode());

        String access = tokens.accessToken();
        SECRETS.add(access);
        assertThat(server.isActive(access)).isTrue();
        StoredTokens st = stored("device@example.test");
        assertThat(st.refreshToken()).isPresent();
        assertThat(st.accessToken()).contains(access);
        assertThat(st.scopes()).containsExactlyInAnyOrderElementsOf(TestAuthorizationServer.SCOPES);
        Path file = Files.list(storeDir).filter(p -> p.getFileName().toString().startsWith("device@")).findFirst().orElseThrow();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(storeDir))).isEqualTo("rwx------");
        assertThat(tokens.accessToken()).as("cached, not fetched again").isEqualTo(access);
    }

    @Test
    @Order(2)
    void authorizationCodeWithPkce_throughTheBrowser_signsIn() throws Exception {
        OAuth2 oauth = oauth(TestAuthorizationServer.CLIENT_ID, Clock.systemUTC()).build();
        int codeGrants = server.counters().get("token:authorization_code");
        String access = oauth.signInWithBrowser("browser@example.test").accessToken();
        SECRETS.add(access);
        assertThat(server.isActive(access)).isTrue();
        assertThat(stored("browser@example.test").refreshToken()).isPresent();
        assertThat(server.counters().get("token:authorization_code")).isEqualTo(codeGrants + 1);
    }

    @Test
    @Order(3)
    void authorizationCodeWithPkce_publicClientWithoutSecret_signsInWithoutRefreshToken() throws Exception {
        MovableClock clock = new MovableClock();
        OAuth2 oauth = oauth(TestAuthorizationServer.PUBLIC_CLIENT_ID, clock).build();
        OAuth2TokenProvider tokens = oauth.signInWithBrowser("public@example.test");
        String access = tokens.accessToken();
        SECRETS.add(access);
        assertThat(server.isActive(access)).isTrue();
        assertThat(stored("public@example.test").refreshToken()).isEmpty();
        clock.advance(Duration.ofHours(2));
        SignInRequiredException e = remember(org.junit.jupiter.api.Assertions.assertThrows(
                SignInRequiredException.class, tokens::accessToken));
        assertThat(e.hint()).get().asString().contains("Sign in again");
    }

    @Test
    @Order(4)
    void refresh_afterExpiry_rotatesTheRefreshTokenAndTheOldOneStopsWorking() throws Exception {
        MovableClock clock = new MovableClock();
        OAuth2 oauth = oauth(TestAuthorizationServer.CLIENT_ID, clock).build();
        OAuth2TokenProvider tokens = deviceSignIn(oauth, "rotate@example.test");
        String first = tokens.accessToken();
        SECRETS.add(first);
        StoredTokens before = stored("rotate@example.test");

        clock.advance(Duration.ofMinutes(15)); // past the ten-minute lifetime
        String second = tokens.accessToken();
        SECRETS.add(second);
        StoredTokens after = stored("rotate@example.test");
        assertThat(second).isNotEqualTo(first);
        assertThat(server.isActive(second)).isTrue();
        assertThat(after.refreshToken()).isPresent().isNotEqualTo(before.refreshToken());

        // The rotated-out refresh token is refused: invalid_grant, typed, with the hint to sign in again.
        TokenStore old = TokenStore.inMemory();
        old.save("rotate@example.test", before.toBuilder().accessToken(null, null).build());
        OAuth2 withOld = oauth(TestAuthorizationServer.CLIENT_ID, clock).tokenStore(old).build();
        SignInRequiredException e = remember(org.junit.jupiter.api.Assertions.assertThrows(
                SignInRequiredException.class, () -> withOld.tokenProvider("rotate@example.test").accessToken()));
        assertThat(e.error()).contains("invalid_grant");
        assertThat(e.hint()).get().asString().contains("mailkit login rotate@example.test");
    }

    @Test
    @Order(5)
    void revokedRefreshToken_givesSignInRequiredWithTheHint_throughCredentialsToo() throws Exception {
        MovableClock clock = new MovableClock();
        OAuth2 oauth = oauth(TestAuthorizationServer.CLIENT_ID, clock).build();
        deviceSignIn(oauth, "revoked@example.test");
        server.revoke(stored("revoked@example.test").refreshToken().orElseThrow());
        clock.advance(Duration.ofMinutes(15));

        Credentials credentials = oauth.credentials("revoked@example.test");
        AuthenticationException e = remember(org.junit.jupiter.api.Assertions.assertThrows(
                AuthenticationException.class, credentials::secret));
        assertThat(e).isInstanceOf(SignInRequiredException.class);
        assertThat(e.hint()).get().asString().contains("Sign in again").contains("revoked@example.test");
    }

    @Test
    @Order(6)
    void manyThreadsNeedingATokenAtOnce_causeExactlyOneRefresh() throws Exception {
        MovableClock clock = new MovableClock();
        OAuth2 oauth = oauth(TestAuthorizationServer.CLIENT_ID, clock).build();
        OAuth2TokenProvider tokens = deviceSignIn(oauth, "threads@example.test");
        SECRETS.add(tokens.accessToken());
        clock.advance(Duration.ofMinutes(15));

        int refreshesBefore = server.counters().get("token:refresh_token");
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return tokens.accessToken();
            }));
        }
        go.countDown();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        for (Future<String> f : results) {
            seen.add(f.get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();
        SECRETS.addAll(seen);
        assertThat(server.counters().get("token:refresh_token")).isEqualTo(refreshesBefore + 1);
        assertThat(seen).hasSize(1);
        assertThat(server.isActive(seen.iterator().next())).isTrue();
    }

    @Test
    @Order(6)
    void anotherProcessRotatingTheRefreshTokenFirst_isFollowedNotReportedAsASignInFailure() throws Exception {
        MovableClock clock = new MovableClock();
        OAuth2TokenProvider first = deviceSignIn(oauth(TestAuthorizationServer.CLIENT_ID, clock).build(), "shared@example.test");
        SECRETS.add(first.accessToken());
        TokenStore files = TokenStore.inDirectory(storeDir);
        StoredTokens beforeRotation = files.load("shared@example.test").orElseThrow();
        clock.advance(Duration.ofMinutes(15));
        String rotatedByOther = first.accessToken(); // "the other process" refreshes and rotates
        SECRETS.add(rotatedByOther);

        // This process read the store just before the other one rotated the refresh token.
        java.util.concurrent.atomic.AtomicBoolean stale = new java.util.concurrent.atomic.AtomicBoolean(true);
        TokenStore racing = new TokenStore() {
            @Override
            public java.util.Optional<StoredTokens> load(String account) {
                return stale.getAndSet(false) ? java.util.Optional.of(beforeRotation) : files.load(account);
            }

            @Override
            public void save(String account, StoredTokens tokens) {
                files.save(account, tokens);
            }

            @Override
            public boolean delete(String account) {
                return files.delete(account);
            }
        };
        OAuth2TokenProvider second = oauth(TestAuthorizationServer.CLIENT_ID, clock).tokenStore(racing).build()
                .tokenProvider("shared@example.test");
        int refreshes = server.counters().get("token:refresh_token");
        assertThat(second.accessToken()).isEqualTo(rotatedByOther);
        assertThat(server.counters().get("token:refresh_token")).as("one refused refresh").isEqualTo(refreshes + 1);
        assertThat(server.isActive(rotatedByOther)).isTrue();
    }

    @Test
    @Order(6)
    void slowDown_makesTheClientPollFiveSecondsSlower() throws Exception {
        OAuth2 oauth = oauth(TestAuthorizationServer.CLIENT_ID, Clock.systemUTC()).build();
        server.counters().throttleNextDevicePoll();
        AtomicReference<java.util.concurrent.CompletableFuture<HttpResponse<String>>> approval = new AtomicReference<>();
        String access = oauth.signInWithDeviceCode("slowdown@example.test", prompt -> approval.set(
                new ScriptedUser(server).approve(prompt))).accessToken();
        SECRETS.add(access);
        approval.get().get(30, TimeUnit.SECONDS);
        // The server asked for a one-second interval; after slow_down the client waits 1 + 5 seconds.
        assertThat(server.counters().pollGapAfterSlowDown()).isGreaterThanOrEqualTo(5_900);
        assertThat(server.isActive(access)).isTrue();
    }

    @Test
    @Order(7)
    void deviceCodeNotApprovedInTime_isSignInExpired() {
        OAuth2 oauth = oauth(TestAuthorizationServer.SHORT_CODE_CLIENT_ID, Clock.systemUTC()).build();
        SignInExpiredException e = remember(org.junit.jupiter.api.Assertions.assertThrows(SignInExpiredException.class,
                () -> oauth.signInWithDeviceCode("slow@example.test", prompt -> { })));
        assertThat(e.getMessage()).contains("expired");
    }

    @Test
    @Order(0) // before any consent for the client is remembered, so the consent page is shown
    void deviceCodeDeclinedByTheUser_isSignInDenied() throws Exception {
        OAuth2 oauth = oauth(TestAuthorizationServer.CLIENT_ID, Clock.systemUTC()).build();
        SignInDeniedException e = remember(org.junit.jupiter.api.Assertions.assertThrows(SignInDeniedException.class,
                () -> oauth.signInWithDeviceCode("declined@example.test",
                        prompt -> ScriptedUser.declining(server).approve(prompt))));
        assertThat(e.error()).contains("access_denied");
        assertThat(TokenStore.inDirectory(storeDir).load("declined@example.test")).isEmpty();
    }

    @Test
    @Order(8)
    void unknownClient_isTypedWithAHintAboutTheClientId() {
        OAuth2 oauth = OAuth2.builder().settings(settings()).clientId("no-such-client").clientSecret("whatever-secret")
                .tokenStore(TokenStore.inMemory())
                .connectionOptions(ConnectionOptions.builder().trustCertificates(server.certificatePem()).build()).build();
        OAuth2Exception e = remember(org.junit.jupiter.api.Assertions.assertThrows(OAuth2Exception.class,
                () -> oauth.signInWithDeviceCode("x@example.test", prompt -> { })));
        assertThat(e.error()).contains("invalid_client");
        assertThat(e.hint()).get().asString().contains("client id");
        assertThat(e.getMessage()).doesNotContain("whatever-secret");
    }

    @Test
    @Order(9)
    void scopeTheClientMayNotHave_isInvalidScope() {
        OAuth2 oauth = oauth(TestAuthorizationServer.CLIENT_ID, Clock.systemUTC()).scopes(List.of("admin.everything")).build();
        OAuth2Exception e = remember(org.junit.jupiter.api.Assertions.assertThrows(OAuth2Exception.class,
                () -> oauth.signInWithDeviceCode("x@example.test", prompt -> { })));
        assertThat(e.error()).contains("invalid_scope");
        assertThat(e.hint()).get().asString().contains("scope");
    }

    @Test
    @Order(10)
    void clientCredentials_givesAnActiveTokenForTheApplication() throws Exception {
        OAuth2 oauth = oauth(TestAuthorizationServer.CLIENT_ID, Clock.systemUTC()).build();
        OAuth2TokenProvider app = oauth.clientCredentials();
        String token = app.accessToken();
        SECRETS.add(token);
        assertThat(server.isActive(token)).isTrue();
        assertThat(app.accessToken()).isEqualTo(token);
        assertThat(app.toString()).doesNotContain(token);
    }

    @Test
    @Order(11)
    void untrustedCertificate_isTypedWithTheTrustHint() {
        OAuth2 oauth = OAuth2.builder().settings(settings()).clientId(TestAuthorizationServer.CLIENT_ID)
                .tokenStore(TokenStore.inMemory()).build();
        OAuth2Exception e = remember(org.junit.jupiter.api.Assertions.assertThrows(OAuth2Exception.class,
                () -> oauth.signInWithDeviceCode("x@example.test", prompt -> { })));
        assertThat(e.hint()).get().asString().contains("--trust-cert");
    }

    @Test
    @Order(12)
    void signOut_revokesAndDeletesTheStoredTokens() throws Exception {
        OAuth2 oauth = oauth(TestAuthorizationServer.CLIENT_ID, Clock.systemUTC()).build();
        String refresh = stored("browser@example.test").refreshToken().orElseThrow();
        int revokes = server.counters().get("revoke");
        assertThat(oauth.signOut("browser@example.test")).isTrue();
        assertThat(server.counters().get("revoke")).isEqualTo(revokes + 1);
        assertThat(TokenStore.inDirectory(storeDir).load("browser@example.test")).isEmpty();
        assertThat(server.isActive(refresh)).isFalse();
        assertThat(oauth.signOut("browser@example.test")).isFalse();
    }

    @Test
    @Order(100)
    void noTokenOrSecret_inTheLog_anExceptionOrTheStoresNeighbours() throws Exception {
        assertThat(SECRETS).hasSizeGreaterThan(10);
        assertThat(FAILURES).hasSizeGreaterThanOrEqualTo(7);
        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile"));
        String logText = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(logText).as("the log has mailkit's lines").contains("dev.mailkit.oauth2");
        StringBuilder traces = new StringBuilder();
        for (Throwable t : FAILURES) {
            StringWriter w = new StringWriter();
            t.printStackTrace(new PrintWriter(w));
            traces.append(w).append(t).append('\n');
        }
        // The store directory holds token files only; nothing beside it (its parent) may hold a token.
        try (Stream<Path> files = Files.list(storeDir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .allMatch(n -> n.endsWith(".tokens.json") && !n.startsWith("."));
        }
        StringBuilder neighbours = new StringBuilder();
        try (Stream<Path> walk = Files.walk(storeDir.getParent())) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p) && !p.getParent().equals(storeDir)) {
                    neighbours.append(Files.readString(p, StandardCharsets.ISO_8859_1));
                }
            }
        }
        for (String secret : SECRETS) {
            assertThat(logText).as("log").doesNotContain(secret);
            assertThat(traces.toString()).as("exception traces").doesNotContain(secret);
            assertThat(neighbours.toString()).as("files beside the token store").doesNotContain(secret);
        }
    }
}
