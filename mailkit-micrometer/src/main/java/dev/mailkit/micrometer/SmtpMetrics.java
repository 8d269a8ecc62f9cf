package dev.mailkit.micrometer;

import dev.mailkit.core.MailkitException;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.InvalidEmailException;
import dev.mailkit.smtp.MessageRejectedException;
import dev.mailkit.smtp.RateLimitedException;
import dev.mailkit.smtp.RecipientRejectedException;
import dev.mailkit.smtp.RejectedRecipient;
import dev.mailkit.smtp.SendListener;
import dev.mailkit.smtp.SendResult;
import dev.mailkit.smtp.SmtpException;
import dev.mailkit.smtp.SmtpSender;
import dev.mailkit.micrometer.internal.Reasons;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Meters of sending, fed by the {@link SendListener} events of an {@link SmtpSender}: give it to the
 * sender's builder, and optionally {@link #bindPool(SmtpSender) bind} the built sender for the pool gauge.
 *
 * <pre>{@code
 * SmtpMetrics metrics = new SmtpMetrics(registry);
 * SmtpSender sender = SmtpSender.builder().provider("me@gmail.com").credentials(credentials)
 *         .listener(metrics)             // or metrics.andThen(myListener)
 *         .build();
 * metrics.bindPool(sender);
 * }</pre>
 *
 * <table>
 *   <caption>The meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what it counts</th></tr>
 *   <tr><td>{@value #MESSAGES_SENT}</td><td>counter</td><td></td><td>messages the server accepted for at least
 *       one recipient</td></tr>
 *   <tr><td>{@value #MESSAGES_FAILED}</td><td>counter</td><td>{@code reason}</td><td>messages given up on</td></tr>
 *   <tr><td>{@value #RECIPIENTS_REJECTED}</td><td>counter</td><td>{@code status} ({@code 4xx}, {@code 5xx})</td>
 *       <td>recipients the server refused, in partly sent messages and in messages every recipient of which
 *       was refused</td></tr>
 *   <tr><td>{@value #RETRIES}</td><td>counter</td><td>{@code reason}</td><td>attempts that failed and were
 *       retried</td></tr>
 *   <tr><td>{@value #RATE_LIMIT_WAIT}</td><td>timer</td><td></td><td>waits for the sending rate limit</td></tr>
 *   <tr><td>{@value #SEND_DURATION}</td><td>timer</td><td></td><td>time to send a message that was accepted,
 *       from the call to the server's final reply, retries and rate-limit waits included</td></tr>
 *   <tr><td>{@value #POOL_IN_USE}</td><td>gauge</td><td></td><td>pooled connections lent to sends now (after
 *       {@link #bindPool(SmtpSender)})</td></tr>
 * </table>
 *
 * <p>The {@code reason} of a failure is one of {@code invalid_email}, {@code recipients_rejected},
 * {@code message_rejected}, {@code rate_limited}, {@code smtp_4xx}, {@code smtp_5xx} (another refusal, by its reply's class),
 * {@code authentication},
 * {@code tls}, {@code timeout}, {@code connection}, {@code configuration} or {@code other}. Every meter
 * also carries the common tags given to the constructor. Thread-safe.
 */
public final class SmtpMetrics implements SendListener {

    /** Counter of messages the server accepted for at least one recipient. */
    public static final String MESSAGES_SENT = "mailkit.smtp.messages.sent";
    /** Counter of messages given up on, tagged {@code reason}. */
    public static final String MESSAGES_FAILED = "mailkit.smtp.messages.failed";
    /** Counter of refused recipients, tagged {@code status} ({@code 4xx} or {@code 5xx}). */
    public static final String RECIPIENTS_REJECTED = "mailkit.smtp.recipients.rejected";
    /** Counter of failed attempts that were retried, tagged {@code reason}. */
    public static final String RETRIES = "mailkit.smtp.retries";
    /** Timer of the waits for the sending rate limit. */
    public static final String RATE_LIMIT_WAIT = "mailkit.smtp.rate.limit.wait";
    /** Timer of sent messages, from the call to the server's final reply. */
    public static final String SEND_DURATION = "mailkit.smtp.send.duration";
    /** Gauge of the pooled connections in use. */
    public static final String POOL_IN_USE = "mailkit.smtp.pool.in.use";

    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter sent;
    private final Timer sendDuration;
    private final Timer rateLimitWait;

    /**
     * Meters without common tags.
     *
     * @param registry where the meters are registered
     */
    public SmtpMetrics(MeterRegistry registry) {
        this(registry, Tags.empty());
    }

    /**
     * Meters with common tags, for example the account's role in the application ({@code sender=billing})
     * when it sends from several accounts. Never put an address or a user name in a tag.
     *
     * @param registry where the meters are registered
     * @param tags     tags every meter carries
     */
    public SmtpMetrics(MeterRegistry registry, Iterable<Tag> tags) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
        this.sent = Counter.builder(MESSAGES_SENT).description("Messages the SMTP server accepted for at least one recipient")
                .baseUnit("messages").tags(this.tags).register(registry);
        this.sendDuration = Timer.builder(SEND_DURATION)
                .description("Time to send an accepted message, retries and rate-limit waits included")
                .tags(this.tags).register(registry);
        this.rateLimitWait = Timer.builder(RATE_LIMIT_WAIT).description("Waits for the sending rate limit")
                .tags(this.tags).register(registry);
    }

    /**
     * Registers the gauge {@value #POOL_IN_USE} of the sender's connections in use
     * ({@link SmtpSender#connectionsInUse()}). The gauge holds the sender weakly: it does not keep a closed
     * sender alive. Bind one sender per set of common tags.
     *
     * @param sender the sender built with this listener
     * @return this
     */
    public SmtpMetrics bindPool(SmtpSender sender) {
        Objects.requireNonNull(sender, "sender");
        Gauge.builder(POOL_IN_USE, sender, SmtpSender::connectionsInUse)
                .description("Pooled SMTP connections lent to sends now").baseUnit("connections")
                .tags(tags).register(registry);
        return this;
    }

    /**
     * This listener followed by another, to give a sender's builder both.
     *
     * @param next the listener called after this one
     * @return a listener calling this one, then {@code next}
     */
    public SendListener andThen(SendListener next) {
        Objects.requireNonNull(next, "next");
        SmtpMetrics first = this;
        return new SendListener() {
            @Override
            public void onSent(Email email, SendResult result) {
                first.onSent(email, result);
                next.onSent(email, result);
            }

            @Override
            public void onRetry(Email email, int attempt, MailkitException failure, Duration delay) {
                first.onRetry(email, attempt, failure, delay);
                next.onRetry(email, attempt, failure, delay);
            }

            @Override
            public void onFailed(Email email, MailkitException failure) {
                first.onFailed(email, failure);
                next.onFailed(email, failure);
            }

            @Override
            public void onRateLimitWait(Email email, Duration wait) {
                first.onRateLimitWait(email, wait);
                next.onRateLimitWait(email, wait);
            }
        };
    }

    /**
     * Counts the message, times it and counts its refused recipients.
     *
     * @param email  the message
     * @param result the result
     */
    @Override
    public void onSent(Email email, SendResult result) {
        sent.increment();
        sendDuration.record(result.duration());
        rejected(result.rejected());
    }

    /**
     * Counts the retry by the kind of failure.
     *
     * @param email   the message
     * @param attempt the attempt that failed
     * @param failure why it failed
     * @param delay   the wait before the next attempt
     */
    @Override
    public void onRetry(Email email, int attempt, MailkitException failure, Duration delay) {
        counter(RETRIES, "Failed SMTP attempts that were retried", "reason", reason(failure)).increment();
    }

    /**
     * Counts the failure by kind, and the refused recipients when every recipient was refused.
     *
     * @param email   the message
     * @param failure the last failure
     */
    @Override
    public void onFailed(Email email, MailkitException failure) {
        counter(MESSAGES_FAILED, "Messages given up on", "reason", reason(failure)).increment();
        if (failure instanceof RecipientRejectedException r) {
            rejected(r.rejected());
        }
    }

    /**
     * Times the wait.
     *
     * @param email the message
     * @param wait  how long it waits
     */
    @Override
    public void onRateLimitWait(Email email, Duration wait) {
        rateLimitWait.record(wait);
    }

    private void rejected(List<RejectedRecipient> recipients) {
        for (RejectedRecipient r : recipients) {
            counter(RECIPIENTS_REJECTED, "Recipients the SMTP server refused", "status",
                    r.reply().code() / 100 + "xx").increment();
        }
    }

    private Counter counter(String name, String description, String key, String value) {
        return Counter.builder(name).description(description).tags(tags).tag(key, value).register(registry);
    }

    /**
     * The {@code reason} tag of a sending failure.
     *
     * @param failure the failure
     * @return a word of the fixed set in the class description
     */
    static String reason(Throwable failure) {
        if (failure instanceof InvalidEmailException) {
            return "invalid_email";
        }
        if (failure instanceof RecipientRejectedException) {
            return "recipients_rejected";
        }
        if (failure instanceof MessageRejectedException) {
            return "message_rejected";
        }
        if (failure instanceof RateLimitedException) {
            return "rate_limited";
        }
        if (failure instanceof SmtpException s && s.reply() != null) {
            return "smtp_" + s.reply().code() / 100 + "xx";
        }
        return Reasons.core(failure);
    }
}
