package dev.mailkit.oauth2;

/**
 * The user did not complete the sign-in in time: the device code expired ({@code expired_token}) or the
 * browser never came back to the loopback redirect.
 */
public class SignInExpiredException extends OAuth2Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what expired
     * @param error   the OAuth 2.0 error code, or null
     * @param hint    how to fix it, or null
     */
    public SignInExpiredException(String message, String error, String hint) {
        super(message, error, null, 0, hint, null);
    }
}
