package dev.mailkit.smtp;

import dev.mailkit.core.ServerEndpoint;

import java.util.List;

/** Every recipient of a message was refused, so nothing was sent; {@link #rejected()} has each reply. */
public class RecipientRejectedException extends SmtpException {

    private static final long serialVersionUID = 1L;

    private final transient List<RejectedRecipient> rejected;

    /**
     * Creates an exception.
     *
     * @param rejected  the refused recipients, at least one
     * @param messageId the Message-ID, or null
     * @param endpoint  the server
     * @param cause     the underlying failure, or null
     */
    public RecipientRejectedException(List<RejectedRecipient> rejected, String messageId, ServerEndpoint endpoint,
                                      Throwable cause) {
        super("all " + rejected.size() + " recipient(s) refused, first " + rejected.get(0).address(),
                rejected.get(0).reply(), messageId, endpoint, cause);
        this.rejected = List.copyOf(rejected);
    }

    /**
     * The refused recipients with the server's reply to each.
     *
     * @return the refused recipients
     */
    public List<RejectedRecipient> rejected() {
        return rejected;
    }
}
