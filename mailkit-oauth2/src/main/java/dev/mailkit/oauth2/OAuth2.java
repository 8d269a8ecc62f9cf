package dev.mailkit.oauth2;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.registry.OAuth2Settings;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.oauth2.internal.DefaultOAuth2;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Signs accounts in with OAuth 2.0 and supplies their tokens to mailkit. Built for one provider and one
 * OAuth client (an app registration); immutable, thread-safe, and meant to be shared.
 *
 * <pre>{@code
 * OAuth2 oauth = OAuth2.builder().provider(ProviderRegistry.defaults().lookup("outlook")).clientId(CLIENT_ID).build();
 * oauth.signInWithDeviceCode("me@outlook.com", prompt -> System.out.println(prompt.message())); // once
 * Credentials credentials = oauth.credentials("me@outlook.com");  // tokens from the store, refreshed as needed
 * }</pre>
 *
 * <p>Tokens live in the {@link TokenStore} ({@code ~/.mailkit/tokens} by default), so a sign-in survives
 * restarts. Nothing here ever logs or prints a token or the client secret.
 */
public interface OAuth2 {

    /**
     * A new builder.
     *
     * @return the builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Signs an account in with the device authorization grant (RFC 8628): the prompt tells the user which
     * page to open on any device and which code to enter, then this method polls the authorization server
     * at the interval it asks for until the user approves, declines or the code expires. The tokens are
     * saved to the store.
     *
     * @param account the account, usually the e-mail address
     * @param prompt  shows the user what to do
     * @return a token provider for the account
     * @throws SignInDeniedException  if the user declined
     * @throws SignInExpiredException if the code expired before the user approved
     * @throws OAuth2Exception        if the server refused the request (unknown client, bad scope, ...)
     */
    OAuth2TokenProvider signInWithDeviceCode(String account, Consumer<DeviceCodePrompt> prompt);

    /**
     * Signs an account in with the authorization code grant, PKCE and a loopback redirect (RFC 8252): the
     * browser opens the provider's sign-in page and comes back to a one-shot listener on the loopback
     * interface, whose {@code state} is checked. The tokens are saved to the store.
     *
     * @param account the account, usually the e-mail address (sent as a login hint)
     * @return a token provider for the account
     * @throws SignInDeniedException  if the user declined
     * @throws SignInExpiredException if the browser did not come back within the sign-in timeout
     * @throws OAuth2Exception        if the server refused the request, or the state did not match
     */
    OAuth2TokenProvider signInWithBrowser(String account);

    /**
     * A token provider for an account signed in before, using the tokens in the store. No request is
     * made until a token is needed.
     *
     * @param account the account
     * @return the token provider; its {@code accessToken()} throws {@link SignInRequiredException} when the
     *         account has no usable tokens
     */
    OAuth2TokenProvider tokenProvider(String account);

    /**
     * A token provider for the client itself (client credentials grant), as Microsoft 365 app-only access
     * needs; requires a client secret and a tenant-specific token endpoint. Tokens are kept in memory only.
     *
     * @return the token provider
     * @throws IllegalStateException if no client secret was set
     */
    OAuth2TokenProvider clientCredentials();

    /**
     * Credentials for mailkit's SMTP and IMAP clients, backed by {@link #tokenProvider(String)}.
     *
     * @param account the account, which is also the login name
     * @return the credentials
     */
    default Credentials credentials(String account) {
        return Credentials.oauth2(account, tokenProvider(account));
    }

    /**
     * Signs an account out: revokes its refresh token where a revocation endpoint is known (failures are
     * ignored) and deletes its tokens from the store.
     *
     * @param account the account
     * @return whether the store held tokens for it
     */
    boolean signOut(String account);

    /**
     * The endpoints and scopes in use, after the Microsoft tenant was applied.
     *
     * @return the endpoints and scopes in use, after the Microsoft tenant was applied
     */
    OAuth2Settings settings();

    /** Mutable, not thread-safe builder; {@link #build()} leaves it untouched. */
    final class Builder {
        private OAuth2Settings settings;
        private String clientId;
        private String clientSecret;
        private String tenant;
        private List<String> scopes;
        private URI deviceAuthorizationEndpoint;
        private URI revocationEndpoint;
        private TokenStore tokenStore;
        private ConnectionOptions connectionOptions = ConnectionOptions.defaults();
        private Clock clock = Clock.systemUTC();
        private Duration refreshAhead = Duration.ofMinutes(1);
        private Duration signInTimeout = Duration.ofMinutes(5);
        private BrowserLauncher browser = BrowserLauncher.system();

        private Builder() {
        }

        /**
         * Takes the endpoints and scopes of a provider from the registry.
         *
         * @param provider the provider
         * @return this builder
         * @throws IllegalArgumentException if the provider has no OAuth2 settings
         */
        public Builder provider(ProviderSettings provider) {
            Objects.requireNonNull(provider, "provider");
            this.settings = provider.oauth2().orElseThrow(() -> new IllegalArgumentException("provider '"
                    + provider.id() + "' has no OAuth2 settings; add an <oauth2> element or use settings(...)"));
            return this;
        }

        /**
         * Sets the endpoints and scopes directly (a custom provider or authorization server).
         *
         * @param settings the settings
         * @return this builder
         */
        public Builder settings(OAuth2Settings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Sets the OAuth client id (the application id of the app registration). Required.
         *
         * @param clientId the client id
         * @return this builder
         * @throws IllegalArgumentException if blank
         */
        public Builder clientId(String clientId) {
            Objects.requireNonNull(clientId, "clientId");
            if (clientId.isBlank()) {
                throw new IllegalArgumentException("clientId must not be blank");
            }
            this.clientId = clientId;
            return this;
        }

        /**
         * Sets the client secret, for confidential clients (Google desktop clients, Microsoft 365
         * app-only access). Public clients (the default for desktop and command-line apps) have none.
         * The secret is never stored, logged or shown.
         *
         * @param clientSecret the secret
         * @return this builder
         * @throws IllegalArgumentException if empty
         */
        public Builder clientSecret(String clientSecret) {
            Objects.requireNonNull(clientSecret, "clientSecret");
            if (clientSecret.isEmpty()) {
                throw new IllegalArgumentException("clientSecret must not be empty");
            }
            this.clientSecret = clientSecret;
            return this;
        }

        /**
         * Sets the Microsoft Entra tenant that replaces {@code common} in Microsoft's endpoints:
         * {@code common} (work and personal accounts), {@code consumers} (Outlook.com only),
         * {@code organizations} (work and school only), or a tenant id or domain (required for app-only
         * access).
         *
         * @param tenant the tenant
         * @return this builder
         * @throws IllegalArgumentException if it is not a plausible tenant name
         */
        public Builder microsoftTenant(String tenant) {
            Objects.requireNonNull(tenant, "tenant");
            if (!tenant.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,252}")) {
                throw new IllegalArgumentException("'" + tenant + "' is not a tenant: use common, consumers, "
                        + "organizations, a tenant id (GUID) or a domain such as contoso.onmicrosoft.com");
            }
            this.tenant = tenant;
            return this;
        }

        /**
         * Replaces the provider's scopes.
         *
         * @param scopes the scopes to request
         * @return this builder
         * @throws IllegalArgumentException if empty
         */
        public Builder scopes(List<String> scopes) {
            if (scopes.isEmpty()) {
                throw new IllegalArgumentException("at least one scope is required");
            }
            this.scopes = List.copyOf(scopes);
            return this;
        }

        /**
         * Sets the device authorization endpoint. Without it, Microsoft's and Google's are derived and
         * others are read from the server's metadata (RFC 8414).
         *
         * @param endpoint the https endpoint
         * @return this builder
         */
        public Builder deviceAuthorizationEndpoint(URI endpoint) {
            this.deviceAuthorizationEndpoint = requireHttps(endpoint);
            return this;
        }

        /**
         * Sets the token revocation endpoint (RFC 7009) used by {@link OAuth2#signOut(String)}. Without it,
         * Google's is known and others are read from the server's metadata.
         *
         * @param endpoint the https endpoint
         * @return this builder
         */
        public Builder revocationEndpoint(URI endpoint) {
            this.revocationEndpoint = requireHttps(endpoint);
            return this;
        }

        /**
         * Sets where tokens are kept (default {@link TokenStore#defaultStore()}).
         *
         * @param store the store
         * @return this builder
         */
        public Builder tokenStore(TokenStore store) {
            this.tokenStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Sets the timeouts and TLS trust for the calls to the authorization server, for example
         * {@code ConnectionOptions.builder().trustCertificates(pem)} for a private authorization server.
         *
         * @param options the options
         * @return this builder
         */
        public Builder connectionOptions(ConnectionOptions options) {
            this.connectionOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Sets the clock that decides when a token expires (tests).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets how long before its expiry an access token is refreshed (default one minute; never more than
         * half the token's lifetime).
         *
         * @param margin the margin
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder refreshAhead(Duration margin) {
            if (margin.isNegative()) {
                throw new IllegalArgumentException("refreshAhead must not be negative: " + margin);
            }
            this.refreshAhead = margin;
            return this;
        }

        /**
         * Sets how long the browser sign-in waits for the redirect (default five minutes).
         *
         * @param timeout the timeout
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder signInTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("signInTimeout must be positive: " + timeout);
            }
            this.signInTimeout = timeout;
            return this;
        }

        /**
         * Sets how the browser sign-in shows the authorization page (default {@link BrowserLauncher#system()}).
         *
         * @param browser the launcher
         * @return this builder
         */
        public Builder browser(BrowserLauncher browser) {
            this.browser = Objects.requireNonNull(browser, "browser");
            return this;
        }

        /**
         * Builds the sign-in service.
         *
         * @return the service
         * @throws IllegalStateException if no provider or settings, or no client id, was set
         */
        public OAuth2 build() {
            if (settings == null) {
                throw new IllegalStateException("set provider(...) or settings(...) first");
            }
            if (clientId == null) {
                throw new IllegalStateException("set clientId(...): the application id of your app registration");
            }
            return new DefaultOAuth2(settings, clientId, clientSecret, tenant, scopes, deviceAuthorizationEndpoint,
                    revocationEndpoint, tokenStore == null ? TokenStore.defaultStore() : tokenStore,
                    connectionOptions, clock, refreshAhead, signInTimeout, browser);
        }

        @Override
        public String toString() {
            return "OAuth2.Builder[client=" + clientId + ", secret=" + (clientSecret == null ? "none" : "****") + "]";
        }

        private static URI requireHttps(URI endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            if (!"https".equalsIgnoreCase(endpoint.getScheme())) {
                throw new IllegalArgumentException("OAuth2 endpoint " + endpoint + " must use https");
            }
            return endpoint;
        }
    }
}
