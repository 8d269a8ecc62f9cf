package dev.mailkit.core;

import java.util.Optional;

/**
 * The root of every exception mailkit throws. Unchecked; catch a subclass to tell failures apart
 * without parsing messages:
 * {@link ConnectionException} (and {@link ConnectionTimeoutException}), {@link TlsException},
 * {@link AuthenticationException}, {@link ProviderNotFoundException} and
 * {@link InvalidConfigurationException} (and {@link ProviderDataException}).
 *
 * <p>Messages and fields never contain a password or token.
 */
public class MailkitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ServerEndpoint endpoint;
    private final Protocol protocol;

    /**
     * Creates an exception.
     *
     * @param message  what went wrong and, where known, how to fix it
     * @param protocol the protocol spoken, or null when none
     * @param endpoint the server involved, or null when none
     * @param cause    the underlying failure, or null
     */
    public MailkitException(String message, Protocol protocol, ServerEndpoint endpoint, Throwable cause) {
        super(message, cause);
        this.protocol = protocol;
        this.endpoint = endpoint;
    }

    /**
     * Creates an exception not tied to a server.
     *
     * @param message what went wrong
     * @param cause   the underlying failure, or null
     */
    public MailkitException(String message, Throwable cause) {
        this(message, null, null, cause);
    }

    /** The server involved, when the failure happened talking to one. */
    public Optional<ServerEndpoint> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    /** The protocol spoken, when the failure happened talking to a server. */
    public Optional<Protocol> protocol() {
        return Optional.ofNullable(protocol);
    }

    static String where(Protocol protocol, ServerEndpoint endpoint) {
        if (endpoint == null) {
            return "";
        }
        return " (" + (protocol == null ? "" : protocol + " ") + endpoint + ")";
    }
}
