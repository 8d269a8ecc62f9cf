package dev.mailkit.oauth2.testing;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.endpoint.OAuth2DeviceAuthorizationResponse;
import org.springframework.security.oauth2.core.http.converter.OAuth2DeviceAuthorizationResponseHttpMessageConverter;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceAuthorizationRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A real OAuth 2.0 authorization server (Spring Authorization Server) on a loopback HTTPS port with a
 * self-signed certificate made for this run: device authorization, authorization code with PKCE, refresh
 * tokens that rotate on every use, client credentials, revocation and introspection (RFC 7662). Access
 * tokens are opaque and short-lived as configured, so only introspection can tell whether one is active.
 *
 * <p>Clients: {@link #CLIENT_ID} (confidential, every grant), {@link #PUBLIC_CLIENT_ID} (public, PKCE
 * only, no refresh token: Spring issues none to public clients) and {@link #INTROSPECTION_CLIENT_ID}
 * (for the mail server). One user, {@link #USER}. Secrets and the password are random per run.
 */
public final class TestAuthorizationServer implements AutoCloseable {

    /** The confidential client used by the flows. */
    public static final String CLIENT_ID = "mailkit-cli";
    /** A public client (no secret), authorization code + PKCE only. */
    public static final String PUBLIC_CLIENT_ID = "mailkit-desktop";
    /** A confidential client whose device codes expire after two seconds (secret: {@link #clientSecret()} + "-short"). */
    public static final String SHORT_CODE_CLIENT_ID = "mailkit-short-code";
    /** The client the mail server introspects tokens with. */
    public static final String INTROSPECTION_CLIENT_ID = "mail-server";
    /** The one user, an e-mail address (its mailbox is the user's part before '@'). */
    public static final String USER = "alice@example.test";
    /** The scopes the mail servers accept. */
    public static final List<String> SCOPES = List.of("mail.imap", "mail.smtp");

    private final ConfigurableApplicationContext context;
    private final Path dir;
    private final Path certificatePem;
    private final int port;
    private final String clientSecret;
    private final String introspectionSecret;
    private final String password;
    private final Counters counters;
    private final SSLContext trust;

    /** Counts requests by endpoint and grant type, on the server side. */
    public static final class Counters {
        private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        private final java.util.concurrent.atomic.AtomicBoolean throttleNextPoll = new java.util.concurrent.atomic.AtomicBoolean();
        private final java.util.concurrent.atomic.AtomicLong slowDownAt = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicLong pollGapAfterSlowDown = new java.util.concurrent.atomic.AtomicLong(-1);

        /** Answers the next device-code poll with {@code slow_down} (RFC 8628), as a throttling server would. */
        public void throttleNextDevicePoll() {
            throttleNextPoll.set(true);
        }

        /** Milliseconds between the {@code slow_down} answer and the client's next poll, or -1 before one. */
        public long pollGapAfterSlowDown() {
            return pollGapAfterSlowDown.get();
        }

        void count(String key) {
            counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        }

        /**
         * How many requests were counted.
         *
         * @param key for example {@code token:refresh_token}, {@code introspect}, {@code revoke}
         * @return the count
         */
        public int get(String key) {
            AtomicInteger c = counts.get(key);
            return c == null ? 0 : c.get();
        }
    }

    private TestAuthorizationServer(Duration accessTokenLifetime) throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "mailkit-as-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path keyStore = dir.resolve("server.p12");
        String storePassword = random();
        run("keytool", "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", storePassword);
        certificatePem = dir.resolve("server.pem");
        run("keytool", "-exportcert", "-rfc", "-alias", "server", "-keystore", keyStore.toString(),
                "-storepass", storePassword, "-file", certificatePem.toString());
        Files.setPosixFilePermissions(certificatePem, PosixFilePermissions.fromString("rw-r--r--"));
        clientSecret = random();
        introspectionSecret = random();
        password = random();
        counters = new Counters();
        CONFIG.set(new Settings(clientSecret, introspectionSecret, password, accessTokenLifetime, counters));
        SpringApplication app = new SpringApplication(ServerConfig.class);
        app.setWebApplicationType(WebApplicationType.SERVLET);
        app.setBannerMode(org.springframework.boot.Banner.Mode.OFF);
        app.setDefaultProperties(Map.of(
                "server.address", "127.0.0.1",
                "server.port", "0",
                "server.ssl.enabled", "true",
                "server.ssl.key-store", keyStore.toString(),
                "server.ssl.key-store-type", "PKCS12",
                "server.ssl.key-store-password", storePassword,
                "server.ssl.key-alias", "server",
                "spring.main.log-startup-info", "false",
                "logging.level.root", "WARN"));
        context = app.run();
        port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        try (var in = Files.newInputStream(certificatePem)) {
            ts.setCertificateEntry("server", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        trust = SSLContext.getInstance("TLS");
        trust.init(null, tmf.getTrustManagers(), null);
    }

    /**
     * Starts a server.
     *
     * @param accessTokenLifetime how long access tokens live
     * @return the running server
     * @throws Exception if it cannot start
     */
    public static TestAuthorizationServer start(Duration accessTokenLifetime) throws Exception {
        return new TestAuthorizationServer(accessTokenLifetime);
    }

    /** The base URL, https://127.0.0.1:PORT. */
    public URI base() {
        return URI.create("https://127.0.0.1:" + port);
    }

    /** The authorization endpoint. */
    public URI authorizationEndpoint() {
        return base().resolve("/oauth2/authorize");
    }

    /** The token endpoint. */
    public URI tokenEndpoint() {
        return base().resolve("/oauth2/token");
    }

    /** The introspection endpoint (RFC 7662). */
    public URI introspectionEndpoint() {
        return base().resolve("/oauth2/introspect");
    }

    /** The server's certificate (PEM), for clients to trust. */
    public Path certificatePem() {
        return certificatePem;
    }

    /** An SSL context trusting the server's certificate. */
    public SSLContext sslContext() {
        return trust;
    }

    /** The secret of {@link #CLIENT_ID}. */
    public String clientSecret() {
        return clientSecret;
    }

    /** The secret of {@link #INTROSPECTION_CLIENT_ID}. */
    public String introspectionSecret() {
        return introspectionSecret;
    }

    /** The password of {@link #USER}. */
    public String password() {
        return password;
    }

    /** Request counts on the server side. */
    public Counters counters() {
        return counters;
    }

    /**
     * Asks the server whether a token is active (RFC 7662), as a mail server would.
     *
     * @param token the token
     * @return whether it is active
     * @throws Exception if the request fails
     */
    public boolean isActive(String token) throws Exception {
        String body = post("/oauth2/introspect", INTROSPECTION_CLIENT_ID, introspectionSecret, "token=" + enc(token));
        return body.replace(" ", "").contains("\"active\":true");
    }

    /**
     * Revokes a token at the revocation endpoint (RFC 7009), as an administrator or the user would.
     *
     * @param token the refresh or access token
     * @throws Exception if the request fails
     */
    public void revoke(String token) throws Exception {
        post("/oauth2/revoke", CLIENT_ID, clientSecret, "token=" + enc(token));
    }

    private String post(String path, String client, String secret, String form) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(trust).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base().resolve(path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (client + ":" + secret).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + " answered HTTP " + r.statusCode());
        }
        return r.body();
    }

    @Override
    public void close() throws Exception {
        context.close();
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String random() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(cmd[0] + " " + cmd[1] + " failed: " + out);
        }
    }

    // ---- the Spring application

    private record Settings(String clientSecret, String introspectionSecret, String password,
                            Duration accessTokenLifetime, Counters counters) {
    }

    /** Handed from the constructor to the Spring configuration; servers start one at a time. */
    private static final ThreadLocal<Settings> CONFIG = new ThreadLocal<>();

    /** The Spring configuration of the server. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    public static class ServerConfig {

        private final Settings settings = CONFIG.get();

        /**
         * The authorization server's endpoints.
         *
         * @param http the security builder
         * @return the filter chain
         * @throws Exception if configuration fails
         */
        @Bean
        @Order(1)
        public SecurityFilterChain authorizationServerChain(HttpSecurity http) throws Exception {
            OAuth2AuthorizationServerConfigurer as = new OAuth2AuthorizationServerConfigurer();
            http.securityMatcher(as.getEndpointsMatcher())
                    .with(as, a -> a.deviceAuthorizationEndpoint(d -> d.deviceAuthorizationResponseHandler(
                            (request, response, authentication) -> {
                                // Poll every second (RFC 8628 interval), so tests do not wait the default five.
                                var token = (OAuth2DeviceAuthorizationRequestAuthenticationToken) authentication;
                                String verification = "https://127.0.0.1:" + request.getLocalPort()
                                        + "/oauth2/device_verification";
                                var body = OAuth2DeviceAuthorizationResponse
                                        .with(token.getDeviceCode(), token.getUserCode())
                                        .verificationUri(verification)
                                        .verificationUriComplete(verification + "?user_code="
                                                + token.getUserCode().getTokenValue())
                                        .interval(1).build();
                                new OAuth2DeviceAuthorizationResponseHttpMessageConverter()
                                        .write(body, null, new ServletServerHttpResponse(response));
                            })))
                    .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                    .csrf(c -> c.disable())
                    .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(
                            new LoginUrlAuthenticationEntryPoint("/login"), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
            return http.build();
        }

        /**
         * The login form for the user.
         *
         * @param http the security builder
         * @return the filter chain
         * @throws Exception if configuration fails
         */
        @Bean
        @Order(2)
        public SecurityFilterChain loginChain(HttpSecurity http) throws Exception {
            http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
                    .csrf(c -> c.disable()) // the scripted browser posts the form without reading it first
                    .formLogin(Customizer.withDefaults());
            return http.build();
        }

        /**
         * The one user.
         *
         * @return the user store
         */
        @Bean
        public UserDetailsService users() {
            return new InMemoryUserDetailsManager(User.withUsername(USER).password("{noop}" + settings.password())
                    .roles("USER").build());
        }

        /**
         * The clients.
         *
         * @return the client repository
         */
        @Bean
        public RegisteredClientRepository clients() {
            TokenSettings tokens = TokenSettings.builder()
                    .accessTokenFormat(OAuth2TokenFormat.REFERENCE)
                    .accessTokenTimeToLive(settings.accessTokenLifetime())
                    .reuseRefreshTokens(false) // rotate on every refresh
                    .refreshTokenTimeToLive(Duration.ofHours(1))
                    .build();
            RegisteredClient.Builder cli = RegisteredClient.withId(UUID.randomUUID().toString())
                    .clientId(CLIENT_ID)
                    .clientSecret("{noop}" + settings.clientSecret())
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .authorizationGrantType(AuthorizationGrantType.DEVICE_CODE)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                    .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                    .redirectUri("http://127.0.0.1/")
                    .clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false).build())
                    .tokenSettings(tokens);
            SCOPES.forEach(cli::scope);
            RegisteredClient.Builder desktop = RegisteredClient.withId(UUID.randomUUID().toString())
                    .clientId(PUBLIC_CLIENT_ID)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUri("http://127.0.0.1/")
                    .clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false).build())
                    .tokenSettings(tokens);
            SCOPES.forEach(desktop::scope);
            RegisteredClient introspector = RegisteredClient.withId(UUID.randomUUID().toString())
                    .clientId(INTROSPECTION_CLIENT_ID)
                    .clientSecret("{noop}" + settings.introspectionSecret())
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                    .build();
            RegisteredClient.Builder slow = RegisteredClient.withId(UUID.randomUUID().toString())
                    .clientId(SHORT_CODE_CLIENT_ID)
                    .clientSecret("{noop}" + settings.clientSecret() + "-short")
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                    .authorizationGrantType(AuthorizationGrantType.DEVICE_CODE)
                    .tokenSettings(TokenSettings.builder().accessTokenFormat(OAuth2TokenFormat.REFERENCE)
                            .deviceCodeTimeToLive(Duration.ofSeconds(2)).build());
            SCOPES.forEach(slow::scope);
            return new InMemoryRegisteredClientRepository(cli.build(), desktop.build(), introspector, slow.build());
        }

        /**
         * Issued tokens, in memory.
         *
         * @return the authorization service
         */
        @Bean
        public OAuth2AuthorizationService authorizations() {
            return new InMemoryOAuth2AuthorizationService();
        }

        /**
         * Issuer and endpoint paths (defaults).
         *
         * @return the settings
         */
        @Bean
        public AuthorizationServerSettings authorizationServerSettings() {
            return AuthorizationServerSettings.builder().build();
        }

        /**
         * Counts requests to the token, introspection and revocation endpoints, on the server side.
         *
         * @return the filter registration
         */
        @Bean
        public FilterRegistrationBean<OncePerRequestFilter> requestCounter() {
            Counters counters = settings.counters();
            FilterRegistrationBean<OncePerRequestFilter> r = new FilterRegistrationBean<>(new OncePerRequestFilter() {
                @Override
                protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                                                FilterChain chain) throws ServletException, IOException {
                    String path = request.getRequestURI();
                    if ("POST".equals(request.getMethod()) && path.equals("/oauth2/token")) {
                        String grant = request.getParameter("grant_type");
                        counters.count("token:" + grant);
                        if (AuthorizationGrantType.DEVICE_CODE.getValue().equals(grant)) {
                            long now = System.nanoTime();
                            if (counters.slowDownAt.get() != 0 && counters.pollGapAfterSlowDown.get() < 0) {
                                counters.pollGapAfterSlowDown.set((now - counters.slowDownAt.get()) / 1_000_000);
                            }
                            if (counters.throttleNextPoll.compareAndSet(true, false)) {
                                counters.slowDownAt.set(now);
                                response.setStatus(400);
                                response.setContentType("application/json");
                                response.getWriter().write("{\"error\":\"slow_down\"}");
                                return;
                            }
                        }
                    } else if (path.equals("/oauth2/introspect")) {
                        counters.count("introspect");
                    } else if (path.equals("/oauth2/revoke")) {
                        counters.count("revoke");
                    }
                    chain.doFilter(request, response);
                }
            });
            r.setOrder(Ordered.HIGHEST_PRECEDENCE);
            return r;
        }
    }
}
