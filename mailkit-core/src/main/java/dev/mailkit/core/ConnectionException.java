package dev.mailkit.core;

/** The server could not be reached, refused the connection, or dropped it. Usually transient. */
public class ConnectionException extends MailkitException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message  what went wrong
     * @param protocol the protocol spoken, or null
     * @param endpoint the server, or null
     * @param cause    the underlying failure, or null
     */
    public ConnectionException(String message, Protocol protocol, ServerEndpoint endpoint, Throwable cause) {
        super(message + where(protocol, endpoint), protocol, endpoint, cause);
    }
}
