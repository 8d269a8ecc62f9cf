package dev.mailkit.core;

import java.time.Duration;
import java.util.Optional;

/** Connecting, reading or writing took longer than the configured timeout. */
public class ConnectionTimeoutException extends ConnectionException {

    private static final long serialVersionUID = 1L;

    /** The timeout that fired, or null when not known. */
    private final Duration timeout;

    /**
     * Creates an exception.
     *
     * @param message  what timed out
     * @param timeout  the timeout that fired, or null when unknown
     * @param protocol the protocol spoken, or null
     * @param endpoint the server, or null
     * @param cause    the underlying failure, or null
     */
    public ConnectionTimeoutException(String message, Duration timeout, Protocol protocol,
                                      ServerEndpoint endpoint, Throwable cause) {
        super(message, protocol, endpoint, cause);
        this.timeout = timeout;
    }

    /**
     * The timeout that fired, when known.
     *
     * @return the timeout, or empty when not known
     */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }
}
