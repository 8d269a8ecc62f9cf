package dev.mailkit.core.registry;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * Where and how to obtain OAuth 2.0 tokens for a provider's mail servers.
 *
 * @param issuer                the authorization server's host, for example {@code accounts.google.com}
 * @param authorizationEndpoint the URL of the authorization endpoint
 * @param tokenEndpoint         the URL of the token endpoint
 * @param scopes                the scopes to request for IMAP and SMTP access
 */
public record OAuth2Settings(String issuer, URI authorizationEndpoint, URI tokenEndpoint, List<String> scopes) {

    /**
     * Validates the settings and copies the scope list.
     *
     * @throws NullPointerException     if a component is null
     * @throws IllegalArgumentException if the issuer is blank, an endpoint is not https, or no scope is given
     */
    public OAuth2Settings {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(authorizationEndpoint, "authorizationEndpoint");
        Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        scopes = List.copyOf(scopes);
        if (issuer.isBlank()) {
            throw new IllegalArgumentException("issuer must not be blank");
        }
        for (URI u : List.of(authorizationEndpoint, tokenEndpoint)) {
            if (!"https".equalsIgnoreCase(u.getScheme())) {
                throw new IllegalArgumentException("OAuth2 endpoint " + u + " must use https");
            }
        }
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("at least one OAuth2 scope is required");
        }
    }
}
