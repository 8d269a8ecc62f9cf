package dev.mailkit.smtp.internal.retry;

import dev.mailkit.core.ConnectionException;
import dev.mailkit.core.MailSession;
import dev.mailkit.core.MailkitException;
import dev.mailkit.core.Protocol;
import dev.mailkit.smtp.MessageRejectedException;
import dev.mailkit.smtp.RateLimitedException;
import dev.mailkit.smtp.RecipientRejectedException;
import dev.mailkit.smtp.RejectedRecipient;
import dev.mailkit.smtp.SmtpException;
import dev.mailkit.smtp.SmtpReply;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

import java.util.ArrayList;
import java.util.List;

/** Classifies what {@code Transport.sendMessage} threw, and decides what may be retried. */
public final class SendFailures {

    private SendFailures() {
    }

    /** Recipients refused in a send that reached others. */
    public record Partial(List<String> accepted, List<RejectedRecipient> rejected) {
    }

    /**
     * The recipients refused at RCPT TO, with their replies.
     *
     * @param e the exception from a send with {@code mail.smtp.sendpartial=true}
     * @return the refused recipients
     */
    public static List<RejectedRecipient> rejectedRecipients(SendFailedException e) {
        List<RejectedRecipient> out = new ArrayList<>();
        for (Exception next = e; next != null;
             next = next instanceof MessagingException me ? me.getNextException() : null) {
            if (next instanceof SMTPAddressFailedException af) {
                out.add(new RejectedRecipient(af.getAddress().getAddress(), SmtpReply.of(af.getReturnCode(), af.getMessage())));
            }
        }
        return out;
    }

    /**
     * When a send failed with only some recipients refused, the partial outcome; otherwise null.
     *
     * @param e the failure
     * @return the partial outcome, or null when nothing was sent
     */
    public static Partial partial(SendFailedException e) {
        Address[] sent = e.getValidSentAddresses();
        if (sent == null || sent.length == 0) {
            return null;
        }
        // With sendpartial, Angus reports refused recipients after a successful DATA as an exception with code 250.
        if (e instanceof SMTPSendFailedException sf && sf.getReturnCode() / 100 != 2) {
            return null;
        }
        List<String> accepted = new ArrayList<>();
        for (Address a : sent) {
            accepted.add(((InternetAddress) a).getAddress());
        }
        return new Partial(accepted, rejectedRecipients(e));
    }

    /**
     * Maps a failed send to a typed exception.
     *
     * @param e         what sendMessage threw
     * @param session   the session (endpoint, translation of connection and TLS failures)
     * @param messageId the Message-ID
     * @return the typed exception
     */
    public static MailkitException classify(MessagingException e, MailSession session, String messageId) {
        if (noReply(e)) {
            // No reply at all (Angus's code -1) to some command: the connection failed before the server's
            // final answer, so the message was not accepted and may be sent again.
            return new ConnectionException("connection lost before the server's final reply: " + e.getMessage(),
                    Protocol.SMTP, session.endpoint(), e);
        }
        if (e instanceof SMTPSendFailedException sf) {
            SmtpReply reply = SmtpReply.of(sf.getReturnCode(), sf.getMessage());
            if (reply.isRateLimit()) {
                return new RateLimitedException(reply, null, messageId, session.endpoint(), e);
            }
            if (reply.isPermanent()) {
                return new MessageRejectedException(reply, messageId, session.endpoint(), e);
            }
            return new SmtpException("temporary failure", reply, messageId, session.endpoint(), e);
        }
        if (e instanceof SendFailedException sfe && (sfe.getValidSentAddresses() == null
                || sfe.getValidSentAddresses().length == 0)) {
            List<RejectedRecipient> rejected = rejectedRecipients(sfe);
            if (!rejected.isEmpty()) {
                if (rejected.stream().allMatch(r -> r.reply().isTransient())) {
                    SmtpReply first = rejected.get(0).reply();
                    return first.isRateLimit()
                            ? new RateLimitedException(first, null, messageId, session.endpoint(), e)
                            : new SmtpException("recipients temporarily refused", first, messageId, session.endpoint(), e);
                }
                return new RecipientRejectedException(rejected, messageId, session.endpoint(), e);
            }
        }
        return session.translate(e);
    }

    private static boolean noReply(MessagingException e) {
        for (Exception next = e; next != null;
             next = next instanceof MessagingException me ? me.getNextException() : null) {
            if (next instanceof SMTPSendFailedException sf && sf.getReturnCode() < 200
                    || next instanceof SMTPAddressFailedException af && af.getReturnCode() < 200
                    || next instanceof SMTPSenderFailedException sd && sd.getReturnCode() < 200) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a failure may succeed on another attempt: dropped connections and timeouts before the
     * final reply, and 4xx replies. Authentication, TLS and 5xx failures are final, and so are an unknown
     * host and a server of another protocol ({@link ConnectionException#isPermanent()}).
     *
     * @param e the failure
     * @return true when retrying may help
     */
    public static boolean isRetryable(MailkitException e) {
        if (e instanceof SmtpException se) {
            return se.isTransient();
        }
        return e instanceof ConnectionException ce && !ce.isPermanent();
    }
}
