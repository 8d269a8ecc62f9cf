package dev.mailkit.core;

import java.util.Optional;

/**
 * The server refused the credentials, or no credentials could be obtained (an OAuth2 token provider
 * failed). Carries the server's reply and, when the provider registry knows the account's provider, a
 * hint such as "Gmail needs an app password".
 */
public class AuthenticationException extends MailkitException {

    private static final long serialVersionUID = 1L;

    private final String serverReply;
    private final String hint;

    /**
     * Creates an exception.
     *
     * @param message     what failed
     * @param serverReply the server's reply to the login, or null
     * @param hint        how to fix it, or null
     * @param protocol    the protocol spoken, or null
     * @param endpoint    the server, or null
     * @param cause       the underlying failure, or null
     */
    public AuthenticationException(String message, String serverReply, String hint, Protocol protocol,
                                   ServerEndpoint endpoint, Throwable cause) {
        super(compose(message, serverReply == null ? null : serverReply.strip(), hint) + where(protocol, endpoint),
                protocol, endpoint, cause);
        this.serverReply = serverReply == null || serverReply.isBlank() ? null : serverReply.strip();
        this.hint = hint;
    }

    /** The server's reply to the failed login, for example {@code 535 5.7.8 Authentication credentials invalid}. */
    public Optional<String> serverReply() {
        return Optional.ofNullable(serverReply);
    }

    /** How to fix it, when known (from the provider registry). */
    public Optional<String> hint() {
        return Optional.ofNullable(hint);
    }

    private static String compose(String message, String reply, String hint) {
        StringBuilder b = new StringBuilder(message);
        if (reply != null && !reply.isBlank()) {
            b.append("; server said: ").append(reply.strip());
        }
        if (hint != null) {
            b.append(". ").append(hint);
        }
        return b.toString();
    }
}
