package dev.mailkit.smtp;

import dev.mailkit.core.MailkitException;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.ServerEndpoint;

import java.util.Optional;

/**
 * The SMTP server refused a message with a reply code; subclasses say why. Carries the reply (code,
 * enhanced status code and text), the server and the Message-ID.
 */
public class SmtpException extends MailkitException {

    private static final long serialVersionUID = 1L;

    private final transient SmtpReply reply;
    /** The Message-ID of the refused email, or null. */
    private final String messageId;

    /**
     * Creates an exception.
     *
     * @param message   what failed
     * @param reply     the server's reply
     * @param messageId the Message-ID of the email, or null
     * @param endpoint  the server
     * @param cause     the underlying failure, or null
     */
    public SmtpException(String message, SmtpReply reply, String messageId, ServerEndpoint endpoint, Throwable cause) {
        super(message + ": " + reply.text() + " (SMTP " + endpoint + ")", Protocol.SMTP, endpoint, cause);
        this.reply = reply;
        this.messageId = messageId;
    }

    /**
     * The server's reply.
     *
     * @return the server's reply
     */
    public SmtpReply reply() {
        return reply;
    }

    /**
     * The Message-ID of the refused email, when known.
     *
     * @return the Message-ID, or empty when not known
     */
    public Optional<String> messageId() {
        return Optional.ofNullable(messageId);
    }

    /**
     * Whether the refusal was temporary (4xx), so a later attempt may succeed.
     *
     * @return true for a 4xx refusal
     */
    public boolean isTransient() {
        return reply.isTransient();
    }
}
