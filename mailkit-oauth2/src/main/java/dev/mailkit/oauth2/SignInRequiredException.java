package dev.mailkit.oauth2;

/**
 * The account has no usable refresh token: it was never signed in, or the authorization server answered
 * {@code invalid_grant} because the refresh token was revoked, expired or the password changed. The user
 * must sign in again; {@link #hint()} says how.
 */
public class SignInRequiredException extends OAuth2Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message          what failed
     * @param error            the OAuth 2.0 error code, or null
     * @param errorDescription the server's description, or null
     * @param httpStatus       the HTTP status, or 0
     * @param hint             how to sign in again
     */
    public SignInRequiredException(String message, String error, String errorDescription, int httpStatus, String hint) {
        super(message, error, errorDescription, httpStatus, hint, null);
    }
}
