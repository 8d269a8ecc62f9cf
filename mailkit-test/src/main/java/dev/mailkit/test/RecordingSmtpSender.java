package dev.mailkit.test;

import dev.mailkit.core.ConnectionTimeoutException;
import dev.mailkit.core.MailkitException;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.smtp.BatchSummary;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.RateLimitedException;
import dev.mailkit.smtp.RecipientRejectedException;
import dev.mailkit.smtp.RejectedRecipient;
import dev.mailkit.smtp.SendOutcome;
import dev.mailkit.smtp.SendResult;
import dev.mailkit.smtp.SentCopy;
import dev.mailkit.smtp.SmtpReply;
import dev.mailkit.smtp.SmtpSender;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An {@link SmtpSender} that sends nothing: it records every {@link Email} it is given, so an application's
 * unit tests need no server, and it can be told to refuse a recipient, time out or hit a rate limit, so
 * they can check what the application does then. Thread-safe.
 *
 * <pre>{@code
 * RecordingSmtpSender sender = RecordingSmtpSender.create();
 * sender.rejectRecipient("gone@example.com");            // 550 5.1.1 for this address, every time
 * sender.failNext(RecordingSmtpSender.timeout());       // the next send times out
 * new Newsletter(sender).sendTo(List.of("a@example.com", "gone@example.com"));
 * assertThat(sender.sent()).extracting(Email::subject).containsOnly("News");
 * }</pre>
 *
 * <p>What it returns follows {@code SmtpSender}'s contract: a message some of whose recipients are refused
 * is sent to the others and its {@link SendResult} lists the refused ones; a message all of whose
 * recipients are refused throws {@link RecipientRejectedException} and is not recorded.
 */
public final class RecordingSmtpSender implements SmtpSender {

    /** The endpoint it claims: nothing listens there. */
    private static final ServerEndpoint ENDPOINT = ServerEndpoint.of("localhost", 25, Security.PLAIN);

    private final List<Email> sent = new ArrayList<>();
    private final Map<String, SmtpReply> refused = new LinkedHashMap<>();
    private final Deque<Supplier<? extends MailkitException>> failures = new ArrayDeque<>();
    private Supplier<? extends MailkitException> failAlways;
    private boolean closed;

    private RecordingSmtpSender() {
    }

    /**
     * A new recording sender.
     *
     * @return a sender that has recorded nothing
     */
    public static RecordingSmtpSender create() {
        return new RecordingSmtpSender();
    }

    /**
     * Refuses a recipient from now on, as a server refuses an unknown mailbox ({@code 550 5.1.1}).
     *
     * @param address the address, compared without regard to case
     * @return this sender
     */
    public synchronized RecordingSmtpSender rejectRecipient(String address) {
        return rejectRecipient(address, SmtpReply.of(550, "550 5.1.1 <" + address + ">: mailbox unavailable"));
    }

    /**
     * Refuses a recipient from now on with the given reply.
     *
     * @param address the address, compared without regard to case
     * @param reply   the server's reply to RCPT TO, a 4xx or 5xx
     * @return this sender
     */
    public synchronized RecordingSmtpSender rejectRecipient(String address, SmtpReply reply) {
        refused.put(Objects.requireNonNull(address, "address").toLowerCase(Locale.ROOT), Objects.requireNonNull(reply, "reply"));
        return this;
    }

    /**
     * Fails the next send with the given exception (each call queues one more failure, used in order).
     *
     * @param failure makes the exception, for example {@link #timeout()} or {@link #rateLimited(Duration)}
     * @return this sender
     */
    public synchronized RecordingSmtpSender failNext(Supplier<? extends MailkitException> failure) {
        failures.add(Objects.requireNonNull(failure, "failure"));
        return this;
    }

    /**
     * Fails every send from now on (for example a server that is down), until {@link #reset()}.
     *
     * @param failure makes the exception
     * @return this sender
     */
    public synchronized RecordingSmtpSender failAlways(Supplier<? extends MailkitException> failure) {
        failAlways = Objects.requireNonNull(failure, "failure");
        return this;
    }

    /**
     * A read timeout, as {@code SmtpSender} reports one: a {@link ConnectionTimeoutException} after 30 s.
     *
     * @return makes the exception
     */
    public static Supplier<MailkitException> timeout() {
        return () -> new ConnectionTimeoutException("waiting for the server timed out after 30000 ms",
                Duration.ofSeconds(30), Protocol.SMTP, ENDPOINT, null);
    }

    /**
     * A rate limit the server (or the provider's limit) imposed: a {@link RateLimitedException} with a
     * {@code 450 4.7.0} reply.
     *
     * @param retryAfter when sending may go on
     * @return makes the exception
     */
    public static Supplier<MailkitException> rateLimited(Duration retryAfter) {
        return () -> new RateLimitedException(SmtpReply.of(450, "450 4.7.0 sending rate exceeded, try again later"),
                retryAfter, null, ENDPOINT, null);
    }

    /**
     * The messages recorded so far, in the order they were sent.
     *
     * @return a copy of the list
     */
    public synchronized List<Email> sent() {
        return List.copyOf(sent);
    }

    /**
     * The message recorded last.
     *
     * @return it, or empty when nothing was sent
     */
    public synchronized Optional<Email> lastSent() {
        return sent.isEmpty() ? Optional.empty() : Optional.of(sent.get(sent.size() - 1));
    }

    /** Forgets the messages recorded, the refused recipients and the failures to come. */
    public synchronized void reset() {
        sent.clear();
        refused.clear();
        failures.clear();
        failAlways = null;
    }

    /**
     * Records the message, or fails as told.
     *
     * @param email the message
     * @return what a server that accepted it would give
     * @throws MailkitException            a failure queued with {@link #failNext} or set with {@link #failAlways}
     * @throws RecipientRejectedException  when every recipient is refused
     * @throws IllegalStateException       after {@link #close()}
     */
    @Override
    public synchronized SendResult send(Email email) {
        Objects.requireNonNull(email, "email");
        if (closed) {
            throw new IllegalStateException("the sender is closed");
        }
        Supplier<? extends MailkitException> failure = failures.poll();
        if (failure == null) {
            failure = failAlways;
        }
        if (failure != null) {
            throw failure.get();
        }
        List<String> accepted = new ArrayList<>();
        List<RejectedRecipient> rejected = new ArrayList<>();
        for (String rcpt : email.recipients()) {
            SmtpReply reply = refused.get(rcpt.toLowerCase(Locale.ROOT));
            if (reply == null) {
                accepted.add(rcpt);
            } else {
                rejected.add(new RejectedRecipient(rcpt, reply));
            }
        }
        if (accepted.isEmpty()) {
            throw new RecipientRejectedException(rejected, email.messageId(), ENDPOINT, null);
        }
        sent.add(email);
        return new SendResult(email.messageId(), accepted, rejected, 1, Duration.ZERO, Duration.ZERO,
                SentCopy.NOT_REQUESTED);
    }

    /**
     * {@link #send}, completed before it returns.
     *
     * @param email the message
     * @return the result, or the failure, already completed
     */
    @Override
    public CompletableFuture<SendResult> sendAsync(Email email) {
        try {
            return CompletableFuture.completedFuture(send(email));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * {@link #send} for each message in turn, each outcome reported as it is known.
     *
     * @param emails the messages
     * @param onEach called once per message
     * @return how many were sent and how many failed
     */
    @Override
    public BatchSummary sendAll(Iterable<Email> emails, Consumer<SendOutcome> onEach) {
        long start = System.nanoTime();
        long ok = 0;
        long failed = 0;
        long index = 0;
        for (Email email : emails) {
            SendOutcome outcome;
            try {
                SendResult r = send(email);
                outcome = new SendOutcome(index, email.messageId(), Optional.of(r), Optional.empty());
                ok++;
            } catch (MailkitException e) {
                outcome = new SendOutcome(index, email.messageId(), Optional.empty(), Optional.of(e));
                failed++;
            } catch (RuntimeException e) {
                // as SmtpSender does: anything else is that message's failure, and the batch goes on
                outcome = new SendOutcome(index, email.messageId(), Optional.empty(),
                        Optional.of(new MailkitException("unexpected failure sending " + email.messageId() + ": " + e, e)));
                failed++;
            }
            onEach.accept(outcome);
            index++;
        }
        return new BatchSummary(ok, failed, Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * {@link #send} for each message, the outcomes in the batch's order.
     *
     * @param emails the messages
     * @return one outcome per message
     */
    @Override
    public List<SendOutcome> sendAll(Collection<Email> emails) {
        List<SendOutcome> out = new ArrayList<>();
        sendAll(emails, out::add);
        return out;
    }

    /** Succeeds, unless a failure was set with {@link #failAlways}, which it throws. */
    @Override
    public synchronized void testConnection() {
        if (failAlways != null) {
            throw failAlways.get();
        }
    }

    /**
     * The endpoint it claims to send to: {@code localhost:25}, where nothing is contacted.
     *
     * @return the endpoint
     */
    @Override
    public ServerEndpoint endpoint() {
        return ENDPOINT;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    @Override
    public synchronized String toString() {
        return "RecordingSmtpSender[" + sent.size() + " sent]";
    }
}
