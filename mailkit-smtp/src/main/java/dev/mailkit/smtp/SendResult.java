package dev.mailkit.smtp;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a message the server accepted for at least one recipient.
 *
 * @param messageId     the Message-ID sent
 * @param accepted      recipients the server accepted
 * @param rejected      recipients the server refused, each with its reply; the message was still sent to the others
 * @param attempts      how many attempts it took (1 when no retry was needed)
 * @param duration      time from the call to the server's final reply, including retries and rate-limit waits
 * @param rateLimitWait time spent waiting for the sending rate limit
 * @param sentCopy      what happened to the copy in the Sent folder
 */
public record SendResult(String messageId, List<String> accepted, List<RejectedRecipient> rejected, int attempts,
                         Duration duration, Duration rateLimitWait, SentCopy sentCopy) {

    /**
     * Validates and copies the lists.
     *
     * @throws NullPointerException if a component is null
     */
    public SendResult {
        Objects.requireNonNull(messageId, "messageId");
        accepted = List.copyOf(accepted);
        rejected = List.copyOf(rejected);
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(rateLimitWait, "rateLimitWait");
        Objects.requireNonNull(sentCopy, "sentCopy");
    }

    /** Whether some recipients were refused while others accepted the message. */
    public boolean isPartial() {
        return !rejected.isEmpty();
    }
}
