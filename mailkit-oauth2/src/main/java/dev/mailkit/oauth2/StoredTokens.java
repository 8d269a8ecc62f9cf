package dev.mailkit.oauth2;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The tokens kept for one account: the refresh token, the last access token and when it expires, and
 * what is needed to refresh (client id, token endpoint, scopes). The client secret is never kept.
 * Immutable; {@link #toString()} never shows a token.
 */
public final class StoredTokens {

    private final String clientId;
    private final URI tokenEndpoint;
    private final List<String> scopes;
    private final String refreshToken;
    private final String accessToken;
    private final Instant accessTokenExpiresAt;

    private StoredTokens(Builder b) {
        this.clientId = Objects.requireNonNull(b.clientId, "clientId");
        this.tokenEndpoint = Objects.requireNonNull(b.tokenEndpoint, "tokenEndpoint");
        this.scopes = List.copyOf(b.scopes);
        this.refreshToken = b.refreshToken;
        this.accessToken = b.accessToken;
        this.accessTokenExpiresAt = b.accessTokenExpiresAt;
        if (accessToken != null && accessTokenExpiresAt == null) {
            throw new IllegalArgumentException("an access token needs its expiry time");
        }
    }

    /**
     * A new builder.
     *
     * @param clientId      the OAuth 2.0 client id the tokens were issued to
     * @param tokenEndpoint the token endpoint that refreshes them
     * @return the builder
     */
    public static Builder builder(String clientId, URI tokenEndpoint) {
        return new Builder(clientId, tokenEndpoint);
    }

    /**
     * A builder holding these values.
     *
     * @return a builder holding these values
     */
    public Builder toBuilder() {
        Builder b = new Builder(clientId, tokenEndpoint).scopes(scopes);
        b.refreshToken = refreshToken;
        b.accessToken = accessToken;
        b.accessTokenExpiresAt = accessTokenExpiresAt;
        return b;
    }

    /**
     * The client id the tokens were issued to.
     *
     * @return the client id the tokens were issued to
     */
    public String clientId() {
        return clientId;
    }

    /**
     * The token endpoint that refreshes them.
     *
     * @return the token endpoint that refreshes them
     */
    public URI tokenEndpoint() {
        return tokenEndpoint;
    }

    /**
     * The scopes granted (or requested, when the server did not say).
     *
     * @return the scopes granted (or requested, when the server did not say)
     */
    public List<String> scopes() {
        return scopes;
    }

    /**
     * The refresh token, when the server issued one. A secret.
     *
     * @return the refresh token, when the server issued one. A secret
     */
    public Optional<String> refreshToken() {
        return Optional.ofNullable(refreshToken);
    }

    /**
     * The last access token. A secret.
     *
     * @return the last access token. A secret
     */
    public Optional<String> accessToken() {
        return Optional.ofNullable(accessToken);
    }

    /**
     * When the access token expires.
     *
     * @return when the access token expires
     */
    public Optional<Instant> accessTokenExpiresAt() {
        return Optional.ofNullable(accessTokenExpiresAt);
    }

    /** Shows the client, endpoint, scopes and expiry; tokens are masked. */
    @Override
    public String toString() {
        return "StoredTokens[client=" + clientId + ", tokenEndpoint=" + tokenEndpoint + ", scopes=" + scopes
                + ", refreshToken=" + (refreshToken == null ? "none" : "****")
                + ", accessToken=" + (accessToken == null ? "none" : "**** until " + accessTokenExpiresAt) + "]";
    }

    /** Mutable, not thread-safe builder; {@link #build()} leaves it untouched. */
    public static final class Builder {
        private final String clientId;
        private final URI tokenEndpoint;
        private List<String> scopes = List.of();
        private String refreshToken;
        private String accessToken;
        private Instant accessTokenExpiresAt;

        private Builder(String clientId, URI tokenEndpoint) {
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        }

        /**
         * Sets the scopes.
         *
         * @param scopes the scopes
         * @return this builder
         */
        public Builder scopes(List<String> scopes) {
            this.scopes = List.copyOf(scopes);
            return this;
        }

        /**
         * Sets the refresh token.
         *
         * @param refreshToken the refresh token, or null for none
         * @return this builder
         */
        public Builder refreshToken(String refreshToken) {
            this.refreshToken = refreshToken;
            return this;
        }

        /**
         * Sets the access token and its expiry.
         *
         * @param accessToken the access token, or null for none
         * @param expiresAt   when it expires, or null with no token
         * @return this builder
         */
        public Builder accessToken(String accessToken, Instant expiresAt) {
            this.accessToken = accessToken;
            this.accessTokenExpiresAt = expiresAt;
            return this;
        }

        /**
         * Builds the value.
         *
         * @return the tokens
         * @throws IllegalArgumentException if an access token has no expiry
         */
        public StoredTokens build() {
            return new StoredTokens(this);
        }

        @Override
        public String toString() {
            return "StoredTokens.Builder[client=" + clientId + "]";
        }
    }
}
