package dev.mailkit.core;

/** The server could not be reached, refused the connection, or dropped it. Usually transient. */
public class ConnectionException extends MailkitException {

    private static final long serialVersionUID = 1L;

    private final boolean permanent;

    /**
     * Creates an exception.
     *
     * @param message  what went wrong
     * @param protocol the protocol spoken, or null
     * @param endpoint the server, or null
     * @param cause    the underlying failure, or null
     */
    public ConnectionException(String message, Protocol protocol, ServerEndpoint endpoint, Throwable cause) {
        this(message, protocol, endpoint, cause, false);
    }

    /**
     * Creates an exception that says whether another attempt could succeed.
     *
     * @param message   what went wrong
     * @param protocol  the protocol spoken, or null
     * @param endpoint  the server, or null
     * @param cause     the underlying failure, or null
     * @param permanent true when trying again cannot help (an unknown host, a server of another protocol)
     */
    public ConnectionException(String message, Protocol protocol, ServerEndpoint endpoint, Throwable cause,
                               boolean permanent) {
        super(message + where(protocol, endpoint), protocol, endpoint, cause);
        this.permanent = permanent;
    }

    /**
     * Whether trying again cannot help: the host does not exist, or the port answers in another protocol.
     * A refused or dropped connection, or a timeout, may succeed on another attempt.
     *
     * @return true when a retry cannot succeed
     */
    public boolean isPermanent() {
        return permanent;
    }
}
