package dev.mailkit.oauth2;

import dev.mailkit.core.TokenProvider;

/**
 * A {@link TokenProvider} for one account that caches the access token, refreshes it shortly before it
 * expires (one refresh at a time, however many threads ask) and stores the refresh token the server
 * returns. Thread-safe.
 */
public interface OAuth2TokenProvider extends TokenProvider {

    /**
     * Returns a valid access token, refreshing it first when it expires soon.
     *
     * @return the access token
     * @throws SignInRequiredException if the account has no usable refresh token (revoked, expired or
     *                                 never signed in): the user must sign in again
     * @throws OAuth2Exception         if the authorization server refuses the request for another reason
     */
    @Override
    String accessToken();

    /**
     * Forgets the cached access token, so the next {@link #accessToken()} obtains a new one; for a server
     * that refused a token before its expiry.
     */
    void invalidate();

    /**
     * The account the tokens belong to.
     *
     * @return the account the tokens belong to
     */
    String account();
}
