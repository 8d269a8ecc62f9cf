package dev.mailkit.oauth2;

/**
 * The user (or an administrator's policy) declined the sign-in: {@code access_denied}.
 */
public class SignInDeniedException extends OAuth2Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message          what failed
     * @param errorDescription the server's description, or null
     * @param hint             how to fix it, or null
     */
    public SignInDeniedException(String message, String errorDescription, String hint) {
        super(message, "access_denied", errorDescription, 0, hint, null);
    }
}
