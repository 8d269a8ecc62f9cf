package dev.mailkit.oauth2.internal;

import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.registry.OAuth2Settings;
import dev.mailkit.oauth2.BrowserLauncher;
import dev.mailkit.oauth2.DeviceCodePrompt;
import dev.mailkit.oauth2.OAuth2;
import dev.mailkit.oauth2.OAuth2Exception;
import dev.mailkit.oauth2.OAuth2TokenProvider;
import dev.mailkit.oauth2.StoredTokens;
import dev.mailkit.oauth2.TokenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/** The OAuth 2.0 sign-in service behind {@link OAuth2}. */
public final class DefaultOAuth2 implements OAuth2 {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultOAuth2.class);
    /** Microsoft's scope for app-only IMAP and SMTP access. */
    static final String MICROSOFT_APP_ONLY_SCOPE = "https://outlook.office365.com/.default";

    private final String clientId;
    private final String clientSecret;
    private final boolean explicitScopes;
    private final TokenStore store;
    private final Clock clock;
    private final Duration refreshAhead;
    private final Duration signInTimeout;
    private final BrowserLauncher browser;
    private final OAuth2Http http;
    private final Endpoints endpoints;

    /**
     * Creates the service; {@link OAuth2.Builder} validated the arguments.
     *
     * @param settings                    registry settings
     * @param clientId                    client id
     * @param clientSecret                client secret, or null
     * @param tenant                      Microsoft tenant, or null
     * @param scopes                      scopes replacing the registry's, or null
     * @param deviceAuthorizationEndpoint explicit device endpoint, or null
     * @param revocationEndpoint          explicit revocation endpoint, or null
     * @param store                       token store
     * @param options                     HTTP timeouts and TLS trust
     * @param clock                       clock
     * @param refreshAhead                refresh margin
     * @param signInTimeout               browser sign-in timeout
     * @param browser                     browser launcher
     */
    public DefaultOAuth2(OAuth2Settings settings, String clientId, String clientSecret, String tenant,
                         List<String> scopes, URI deviceAuthorizationEndpoint, URI revocationEndpoint, TokenStore store,
                         ConnectionOptions options, Clock clock, Duration refreshAhead, Duration signInTimeout,
                         BrowserLauncher browser) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.explicitScopes = scopes != null;
        this.store = store;
        this.clock = clock;
        this.refreshAhead = refreshAhead;
        this.signInTimeout = signInTimeout;
        this.browser = browser;
        this.http = new OAuth2Http(options);
        this.endpoints = new Endpoints(settings, tenant, scopes, deviceAuthorizationEndpoint, revocationEndpoint, http);
    }

    @Override
    public OAuth2TokenProvider signInWithDeviceCode(String account, Consumer<DeviceCodePrompt> prompt) {
        requireAccount(account);
        Objects.requireNonNull(prompt, "prompt");
        Tokens tokens = new DeviceFlow(this).run(account, prompt);
        return saved(account, tokens);
    }

    @Override
    public OAuth2TokenProvider signInWithBrowser(String account) {
        requireAccount(account);
        Tokens tokens = new BrowserFlow(this).run(account);
        return saved(account, tokens);
    }

    @Override
    public OAuth2TokenProvider tokenProvider(String account) {
        requireAccount(account);
        return new RefreshingTokenProvider(this, account, store);
    }

    @Override
    public OAuth2TokenProvider clientCredentials() {
        if (clientSecret == null) {
            throw new IllegalStateException("the client credentials grant needs clientSecret(...)");
        }
        return new RefreshingTokenProvider(this, clientId, null);
    }

    @Override
    public boolean signOut(String account) {
        requireAccount(account);
        StoredTokens stored = store.load(account).orElse(null);
        if (stored != null && stored.refreshToken().isPresent()) {
            try {
                endpoints.revocation().ifPresent(uri -> {
                    RefreshToken token = new RefreshToken(stored.refreshToken().get());
                    TokenRevocationRequest request = clientSecret == null
                            ? new TokenRevocationRequest(uri, new ClientID(clientId), token)
                            : new TokenRevocationRequest(uri, clientAuthentication(), token);
                    int status = http.send(request.toHTTPRequest()).getStatusCode();
                    LOG.debug("revoked the refresh token of '{}': HTTP {}", account, status);
                });
            } catch (OAuth2Exception e) {
                LOG.debug("could not revoke the refresh token of '{}': {}", account, e.getClass().getSimpleName());
            }
        }
        return store.delete(account);
    }

    @Override
    public OAuth2Settings settings() {
        return endpoints.settings();
    }

    // ---- shared by the flows

    Clock clock() {
        return clock;
    }

    Duration refreshAhead() {
        return refreshAhead;
    }

    Duration signInTimeout() {
        return signInTimeout;
    }

    BrowserLauncher browser() {
        return browser;
    }

    OAuth2Http http() {
        return http;
    }

    Endpoints endpoints() {
        return endpoints;
    }

    ClientID clientId() {
        return new ClientID(clientId);
    }

    boolean hasSecret() {
        return clientSecret != null;
    }

    ClientAuthentication clientAuthentication() {
        return new ClientSecretPost(new ClientID(clientId), new Secret(clientSecret));
    }

    Scope scope() {
        return new Scope(endpoints.settings().scopes().toArray(String[]::new));
    }

    /**
     * Sends a token request for a grant, authenticating the client when it has a secret.
     *
     * @param pending receives {@code authorization_pending} or {@code slow_down}, or null to treat them as errors
     */
    Tokens requestTokens(AuthorizationGrant grant, URI tokenEndpoint, String account, String[] pending) {
        TokenRequest.Builder b = clientSecret == null
                ? new TokenRequest.Builder(tokenEndpoint, new ClientID(clientId), grant)
                : new TokenRequest.Builder(tokenEndpoint, clientAuthentication(), grant);
        return http.token(b.build(), account, pending);
    }

    Tokens requestClientCredentials() {
        List<String> scopes = endpoints.settings().scopes();
        if (endpoints.isMicrosoft() && !explicitScopes) {
            scopes = List.of(MICROSOFT_APP_ONLY_SCOPE);
            String tenant = endpoints.microsoftTenant();
            if (tenant == null || List.of("common", "consumers", "organizations").contains(tenant)) {
                throw new OAuth2Exception("app-only access needs a tenant-specific token endpoint, not '" + tenant + "'",
                        null, null, 0, "set microsoftTenant(...) (--tenant) to your tenant id or domain", null);
            }
        }
        TokenRequest request = new TokenRequest.Builder(endpoints.settings().tokenEndpoint(), clientAuthentication(),
                new ClientCredentialsGrant()).scope(new Scope(scopes.toArray(String[]::new))).build();
        return http.token(request, clientId, null);
    }

    StoredTokens toStored(Tokens tokens, StoredTokens.Builder base, Instant now) {
        long lifetime = tokens.getAccessToken().getLifetime();
        Instant expires = now.plusSeconds(lifetime > 0 ? lifetime : 3600);
        base.accessToken(tokens.getAccessToken().getValue(), expires);
        if (tokens.getRefreshToken() != null) {
            base.refreshToken(tokens.getRefreshToken().getValue()); // rotation: keep the newest
        }
        Scope granted = tokens.getAccessToken().getScope();
        if (granted != null && !granted.isEmpty()) {
            base.scopes(granted.toStringList());
        }
        return base.build();
    }

    private OAuth2TokenProvider saved(String account, Tokens tokens) {
        StoredTokens stored = toStored(tokens, StoredTokens.builder(clientId, endpoints.settings().tokenEndpoint())
                .scopes(endpoints.settings().scopes()), clock.instant());
        store.save(account, stored);
        LOG.info("signed in '{}' (refresh token: {})", account, stored.refreshToken().isPresent() ? "yes" : "no");
        return tokenProvider(account);
    }

    private static void requireAccount(String account) {
        Objects.requireNonNull(account, "account");
        if (account.isBlank()) {
            throw new IllegalArgumentException("account must not be blank");
        }
    }

    @Override
    public String toString() {
        return "OAuth2[" + endpoints.settings().issuer() + ", client=" + clientId + ", secret="
                + (clientSecret == null ? "none" : "****") + ", store=" + store + "]";
    }
}
