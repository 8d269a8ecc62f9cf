package dev.mailkit.smtp;

import dev.mailkit.core.MailkitException;

import java.time.Duration;

/**
 * Observes sending, for progress bars and metrics. Methods are called on the sending thread, possibly
 * from several threads at once, and must return quickly; every method has an empty default. In
 * {@code sendAll} with Sent copies, {@code onSent} of a message comes once its copy is in, on the batch's
 * reporting thread.
 */
public interface SendListener {

    /** A listener that does nothing. */
    SendListener NONE = new SendListener() {
    };

    /**
     * The server accepted a message.
     *
     * @param email  the message
     * @param result the result
     */
    default void onSent(Email email, SendResult result) {
    }

    /**
     * An attempt failed transiently and will be retried after a delay.
     *
     * @param email   the message
     * @param attempt the attempt that failed, from 1
     * @param failure why it failed
     * @param delay   the wait before the next attempt
     */
    default void onRetry(Email email, int attempt, MailkitException failure, Duration delay) {
    }

    /**
     * A message was given up on.
     *
     * @param email   the message
     * @param failure the last failure
     */
    default void onFailed(Email email, MailkitException failure) {
    }

    /**
     * Sending waits for the rate limit before this message.
     *
     * @param email the message
     * @param wait  how long it waits
     */
    default void onRateLimitWait(Email email, Duration wait) {
    }
}
