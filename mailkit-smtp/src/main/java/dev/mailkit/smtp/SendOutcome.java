package dev.mailkit.smtp;

import dev.mailkit.core.MailkitException;

import java.util.Optional;

/**
 * One message's outcome in {@link SmtpSender#sendAll}: a result, or the failure.
 *
 * @param index     the message's position in the input, from 0
 * @param messageId the Message-ID, or null when the input element was not a valid email
 * @param result    the result when sent
 * @param failure   the failure when not sent
 */
public record SendOutcome(long index, String messageId, Optional<SendResult> result, Optional<MailkitException> failure) {

    /** Whether the message was sent (to at least one recipient). */
    public boolean isSuccess() {
        return result.isPresent();
    }
}
