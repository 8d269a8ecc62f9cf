package dev.mailkit.smtp;

import dev.mailkit.core.ServerEndpoint;

/** The server refused the message itself (sender not allowed, too large, content policy): a 5xx to MAIL FROM or DATA. */
public class MessageRejectedException extends SmtpException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param reply     the server's reply
     * @param messageId the Message-ID, or null
     * @param endpoint  the server
     * @param cause     the underlying failure, or null
     */
    public MessageRejectedException(SmtpReply reply, String messageId, ServerEndpoint endpoint, Throwable cause) {
        super("message refused", reply, messageId, endpoint, cause);
    }

    /**
     * Whether the server said the message is too large (552, or enhanced code 5.3.4 / 5.2.3).
     *
     * @return true when the message was refused for its size
     */
    public boolean isTooLarge() {
        return reply().code() == 552 || reply().enhanced().filter(e -> e.equals("5.3.4") || e.equals("5.2.3")).isPresent();
    }
}
