package dev.mailkit.smtp;

import dev.mailkit.core.ServerEndpoint;

import java.time.Duration;
import java.util.Optional;

/**
 * Sending too fast or too much: the server said so (a 4xx rate or quota reply that outlasted the
 * retries), or the provider's daily limit known to mailkit is used up. Try again after {@link #retryAfter()}.
 */
public class RateLimitedException extends SmtpException {

    private static final long serialVersionUID = 1L;

    /** How long to wait before sending again, or null. */
    private final Duration retryAfter;

    /**
     * Creates an exception.
     *
     * @param reply      the server's reply, or a synthetic 450 reply for a local limit
     * @param retryAfter when sending may resume, if known
     * @param messageId  the Message-ID, or null
     * @param endpoint   the server
     * @param cause      the underlying failure, or null
     */
    public RateLimitedException(SmtpReply reply, Duration retryAfter, String messageId, ServerEndpoint endpoint,
                                Throwable cause) {
        super("rate limited", reply, messageId, endpoint, cause);
        this.retryAfter = retryAfter;
    }

    /**
     * How long to wait before sending again, when known.
     *
     * @return the wait, or empty when not known
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
