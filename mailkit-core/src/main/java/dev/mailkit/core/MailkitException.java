package dev.mailkit.core;

import java.time.Duration;
import java.util.Optional;

/**
 * The root of every exception mailkit throws. Unchecked; catch a subclass to tell failures apart
 * without parsing messages:
 * {@link ConnectionException} (and {@link ConnectionTimeoutException}, {@link ProxyException}), {@link TlsException},
 * {@link AuthenticationException}, {@link ProviderNotFoundException} and
 * {@link InvalidConfigurationException} (and {@link ProviderDataException}).
 *
 * <p>Messages and fields never contain a password or token.
 */
public class MailkitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ServerEndpoint endpoint;
    /** The protocol spoken, or null. */
    private final Protocol protocol;
    /** How many attempts ended in this failure, at least 1. */
    private volatile int attempts = 1;
    /** The time from the first attempt to this failure, or null for a single attempt. */
    private volatile Duration elapsed;

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

    /**
     * The server involved, when the failure happened talking to one.
     *
     * @return the server, or empty when the failure did not involve one
     */
    public Optional<ServerEndpoint> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    /**
     * The protocol spoken, when the failure happened talking to a server.
     *
     * @return the protocol, or empty when the failure did not involve a server
     */
    public Optional<Protocol> protocol() {
        return Optional.ofNullable(protocol);
    }

    /**
     * How many attempts ended in this failure: more than 1 when the operation was retried (see
     * {@code RetryPolicy}) and this is the last attempt's failure.
     *
     * @return the attempts, at least 1
     */
    public int attempts() {
        return attempts;
    }

    /**
     * The time from the first attempt to this failure, when the operation was retried.
     *
     * @return the time spent, or empty for a single attempt
     */
    public Optional<Duration> elapsed() {
        return Optional.ofNullable(elapsed);
    }

    /**
     * Records that this is the last failure of a retried operation; the message then ends with the figures.
     * Called by the component that retried.
     *
     * @param attempts how many attempts were made
     * @param elapsed  the time from the first attempt to this failure
     * @return this exception
     */
    public MailkitException afterAttempts(int attempts, Duration elapsed) {
        this.attempts = Math.max(1, attempts);
        this.elapsed = elapsed;
        return this;
    }

    @Override
    public String getMessage() {
        String m = super.getMessage();
        Duration e = elapsed;
        if (attempts <= 1 || e == null) {
            return m;
        }
        return m + "; gave up after " + attempts + " attempts in " + String.format(java.util.Locale.ROOT, "%.1f s",
                e.toMillis() / 1000.0);
    }

    static String where(Protocol protocol, ServerEndpoint endpoint) {
        if (endpoint == null) {
            return "";
        }
        return " (" + (protocol == null ? "" : protocol + " ") + endpoint + ")";
    }
}
