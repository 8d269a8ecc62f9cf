package dev.mailkit.oauth2;

import dev.mailkit.core.AuthenticationException;

import java.util.Optional;

/**
 * The authorization server refused a request, or a sign-in could not complete. Carries the OAuth 2.0
 * error code ({@code invalid_client}, {@code invalid_scope}, {@code access_denied}, ...), the server's
 * description (for Microsoft it starts with an {@code AADSTS} code) and a hint how to fix it. Never
 * carries a token or secret.
 */
public class OAuth2Exception extends AuthenticationException {

    private static final long serialVersionUID = 1L;

    /** The OAuth 2.0 error code, or null. */
    private final String error;
    /** The server's description of the error, or null. */
    private final String errorDescription;
    /** The HTTP status of the server's reply, or 0. */
    private final int httpStatus;

    /**
     * Creates an exception.
     *
     * @param message          what failed
     * @param error            the OAuth 2.0 error code, or null
     * @param errorDescription the server's description, or null
     * @param httpStatus       the HTTP status of the server's reply, or 0
     * @param hint             how to fix it, or null
     * @param cause            the underlying failure, or null
     */
    public OAuth2Exception(String message, String error, String errorDescription, int httpStatus, String hint,
                           Throwable cause) {
        super(message + (error == null ? "" : ": " + error) + (errorDescription == null ? "" : " (" + errorDescription + ")"),
                null, hint, null, null, cause);
        this.error = error;
        this.errorDescription = errorDescription;
        this.httpStatus = httpStatus;
    }

    /**
     * The OAuth 2.0 error code, for example {@code invalid_grant}.
     *
     * @return the OAuth 2.0 error code, for example {@code invalid_grant}
     */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /**
     * The server's description of the error; Microsoft's starts with an {@code AADSTS} code.
     *
     * @return the server's description of the error; Microsoft's starts with an {@code AADSTS} code
     */
    public Optional<String> errorDescription() {
        return Optional.ofNullable(errorDescription);
    }

    /**
     * The HTTP status of the server's reply, or 0 when the failure did not come from a reply.
     *
     * @return the HTTP status of the server's reply, or 0 when the failure did not come from a reply
     */
    public int httpStatus() {
        return httpStatus;
    }
}
