package dev.mailkit.core;

/**
 * Supplies OAuth 2.0 access tokens. mailkit asks for a token every time it opens a new connection,
 * so an implementation should cache a token and refresh it shortly before it expires.
 *
 * <p>Implementations must be thread-safe. A token is a secret: mailkit never logs it, and
 * implementations should not either.
 */
@FunctionalInterface
public interface TokenProvider {

    /**
     * Returns a currently valid access token for the account.
     *
     * @return the access token, never null or blank
     * @throws Exception if no token can be had; mailkit reports it as an {@link AuthenticationException}
     */
    String accessToken() throws Exception;
}
