package dev.mailkit.smtp;

import java.util.Objects;

/**
 * A recipient the server refused.
 *
 * @param address the bare address
 * @param reply   the server's reply to RCPT TO
 */
public record RejectedRecipient(String address, SmtpReply reply) {

    /**
     * Validates the components.
     *
     * @param address the bare address
     * @param reply   the server's reply to RCPT TO
     * @throws NullPointerException if a component is null
     */
    public RejectedRecipient {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(reply, "reply");
    }
}
