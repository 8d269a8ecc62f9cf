package dev.mailkit.smtp.internal.send;

import dev.mailkit.core.AccountBuilder;
import dev.mailkit.core.InvalidConfigurationException;
import dev.mailkit.core.MailSession;
import dev.mailkit.core.MailkitException;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.internal.Closing;
import dev.mailkit.core.registry.ProviderLimits;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.smtp.BatchSummary;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.InvalidEmailException;
import dev.mailkit.smtp.RateLimitedException;
import dev.mailkit.smtp.RetryPolicy;
import dev.mailkit.smtp.SendListener;
import dev.mailkit.smtp.SendOutcome;
import dev.mailkit.smtp.SendResult;
import dev.mailkit.smtp.SentCopy;
import dev.mailkit.smtp.SmtpReply;
import dev.mailkit.smtp.SmtpSender;
import dev.mailkit.smtp.internal.angus.PipeliningTransport;
import dev.mailkit.smtp.internal.dkim.DkimSigner;
import dev.mailkit.smtp.internal.mime.MimeAssembler;
import dev.mailkit.smtp.internal.pool.TransportPool;
import dev.mailkit.smtp.internal.ratelimit.RateLimiter;
import dev.mailkit.smtp.internal.retry.SendFailures;
import dev.mailkit.smtp.internal.sent.SentFolderAppender;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link SmtpSender}: a connection pool, retries, rate limits and the optional Sent copy. */
public final class PooledSmtpSender implements SmtpSender {

    private static final Logger LOG = LoggerFactory.getLogger(PooledSmtpSender.class);

    private final MailSession session;
    private final ProviderSettings provider;
    private final TransportPool pool;
    private final RetryPolicy retry;
    private final RateLimiter limiter;
    private final SendListener listener;
    private final ExecutorService executor;
    private final boolean ownsExecutor;
    private final int parallelism;
    private final SentFolderAppender sentAppender;
    private final boolean providerSavesSent;
    private final int maxRecipients;
    private final DkimSigner dkim;
    /** From domains already warned about as not aligned with the DKIM domain (warned once each). */
    private final java.util.Set<String> unaligned = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final long maxMessageBytes;

    /**
     * Builds the sender; no connection is opened yet.
     *
     * @param b       what the builder collected
     * @param account the resolved account
     * @throws dev.mailkit.core.InvalidConfigurationException if appending to Sent has no IMAP server
     */
    public PooledSmtpSender(SenderConfig b, AccountBuilder.Account account) {
        this.provider = account.provider();
        // Report refused recipients and still deliver to the accepted ones.
        MailSession.Builder sb = account.session(Protocol.SMTP).property("mail.smtp.sendpartial", "true");
        this.session = sb.build();
        PipeliningTransport.install(session.session()); // RFC 2920 where the server offers it
        this.pool = new TransportPool(session, b.poolSize, b.maxMessagesPerConnection, b.validateAfterIdle);
        this.retry = b.retryPolicy;
        this.limiter = rateLimiter(b, provider);
        this.listener = b.listener;
        this.providerSavesSent = provider != null && provider.savesSentCopy();
        ProviderLimits limits = limits(b, provider);
        this.maxRecipients = b.rateLimitOff ? 0 : limits.recipientsPerMessage().orElse(0);
        this.maxMessageBytes = b.rateLimitOff ? 0 : limits.maxMessageBytes().orElse(0);
        this.sentAppender = b.appendToSent && !providerSavesSent ? sentAppender(b, account) : null;
        this.parallelism = b.poolSize;
        this.dkim = b.dkim.isEmpty() ? null : new DkimSigner(b.dkim);
        this.ownsExecutor = b.executor == null;
        this.executor = b.executor != null ? b.executor : defaultExecutor(parallelism);
    }

    /** The provider's published limits, its sandbox limits over them when asked for; none without a provider. */
    private static ProviderLimits limits(SenderConfig b, ProviderSettings provider) {
        if (provider == null) {
            return ProviderLimits.NONE;
        }
        if (b.sandboxLimits) {
            return provider.limits().overriddenBy(provider.sandboxLimits().orElseThrow(() ->
                    new InvalidConfigurationException("sandboxLimits(): " + provider.displayName()
                            + " publishes no sandbox limits", null)));
        }
        return provider.limits();
    }

    private static RateLimiter rateLimiter(SenderConfig b, ProviderSettings provider) {
        if (b.rateLimitOff) {
            return null;
        }
        ProviderLimits limits = limits(b, provider);
        int perSecond = b.perSecond != null ? b.perSecond : limits.messagesPerSecond().orElse(0);
        int perMinute = b.perMinute != null ? b.perMinute : limits.messagesPerMinute().orElse(0);
        int perDay = b.perDay != null ? b.perDay : limits.messagesPerDay().orElse(0);
        return perSecond == 0 && perMinute == 0 && perDay == 0 ? null : new RateLimiter(perSecond, perMinute, perDay);
    }

    private static SentFolderAppender sentAppender(SenderConfig b, AccountBuilder.Account account) {
        ProviderSettings provider = account.provider();
        ServerEndpoint imap = b.sentImapEndpoint != null ? b.sentImapEndpoint
                : provider == null ? null : provider.endpoint(Protocol.IMAP).orElse(null);
        if (imap == null) {
            throw new InvalidConfigurationException("appendToSentFolder() needs an IMAP server: use a provider "
                    + "with an IMAP endpoint or appendToSentFolder(ServerEndpoint)", null);
        }
        return new SentFolderAppender(account.session(Protocol.IMAP, imap).build(), provider, b.poolSize);
    }

    private static ExecutorService defaultExecutor(int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor e = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1000), r -> {
                    Thread t = new Thread(r, "mailkit-smtp-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        e.allowCoreThreadTimeOut(true);
        return e;
    }

    @Override
    public ServerEndpoint endpoint() {
        return session.endpoint();
    }

    @Override
    public int connectionsInUse() {
        return pool.inUse();
    }

    @Override
    public SendResult send(Email email) {
        return send(email, null, null);
    }

    /** A message built for sending: the MIME message and its envelope recipients. */
    private record Prepared(Email email, MimeMessage message, InternetAddress[] recipients) {
    }

    /**
     * What a {@link #sendAll} worker carries from one message to the next: the connection on which the
     * next message's commands already went out, and that message, built once.
     */
    private static final class Carry {
        TransportPool.Lease lease;
        Prepared prepared;
        /** The message just sent, whose Sent copy the worker queues (the send did not wait for it). */
        MimeMessage toCopy;
    }

    private Prepared prepare(Email email) {
        MimeMessage m = email.toMimeMessage(session.session());
        if (dkim != null) {
            MimeAssembler.sign(m, dkim);
            warnIfUnaligned(email);
        }
        return new Prepared(email, m, envelope(email));
    }

    /**
     * DMARC passes on DKIM only when the signing domain and the From domain share their organisational
     * domain: a From domain that neither is the signing domain, nor under it, nor above it is warned about.
     */
    private void warnIfUnaligned(Email email) {
        String from = email.fromAddress();
        String fromDomain = from.substring(from.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
        boolean aligned = false;
        for (dev.mailkit.smtp.Dkim d : dkim.settings()) {
            String domain = d.domain();
            aligned |= fromDomain.equals(domain) || fromDomain.endsWith("." + domain) || domain.endsWith("." + fromDomain);
        }
        if (!aligned && unaligned.add(fromDomain)) {
            String domain = dkim.settings().get(0).domain();
            LOG.warn("messages from {} are DKIM-signed for {}: DMARC needs the two domains aligned (sign with"
                    + " d={} or send from {})", fromDomain, domain, fromDomain, domain);
        }
    }

    /**
     * Sends one message. With a {@code carry} (batch workers), {@code next} is the message the worker
     * sends after this one: where the server pipelines, its commands leave with this message's end.
     */
    private SendResult send(Email email, Carry carry, Email next) {
        TransportPool.Lease held = null;
        Prepared cur = null;
        if (carry != null) {
            held = carry.lease;
            cur = carry.prepared != null && carry.prepared.email() == email ? carry.prepared : null;
            carry.lease = null;
            carry.prepared = null;
        }
        try {
            if (tooManyRecipients(email)) {
                InvalidEmailException e = new InvalidEmailException(email.messageId() + " has " + email.recipients().size()
                        + " recipients; " + provider.displayName() + " accepts at most " + maxRecipients
                        + " per message: split it into several messages", null);
                listener.onFailed(email, e);
                throw e;
            }
            long atLeast = tooLarge(email);
            if (atLeast > 0) {
                InvalidEmailException e = new InvalidEmailException(email.messageId() + " is at least " + atLeast
                        + " bytes; " + provider.displayName() + " accepts at most " + maxMessageBytes
                        + " bytes per message (after encoding): send large files as links", null);
                listener.onFailed(email, e);
                throw e;
            }
            long start = System.nanoTime();
            Duration waited = waitForRateLimit(email);
            if (cur == null) {
                cur = prepare(email);
            }
            Prepared after = carry == null ? null : prepareNext(next);
            if (carry != null) {
                carry.prepared = after; // built once: the next call sends this very object
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    TransportPool.Lease lease = held;
                    held = null;
                    SendResult r = attemptOnce(cur, attempt, start, waited, lease, carry, after);
                    if (carry != null && sentAppender != null && !providerSavesSent) {
                        carry.toCopy = cur.message(); // the batch worker queues the copy and reports when it is in
                        return r;
                    }
                    r = saveSentCopy(cur.message(), r);
                    listener.onSent(email, r);
                    return r;
                } catch (MailkitException e) {
                    Duration delay = retry.backoff(attempt, ThreadLocalRandom.current().nextDouble());
                    boolean inTime = Duration.ofNanos(System.nanoTime() - start).plus(delay).compareTo(retry.maxElapsed()) <= 0;
                    if (!SendFailures.isRetryable(e) || attempt >= retry.maxAttempts() || !inTime) {
                        if (attempt > 1) {
                            e.afterAttempts(attempt, Duration.ofNanos(System.nanoTime() - start));
                        }
                        listener.onFailed(email, e);
                        throw e;
                    }
                    LOG.debug("retrying {} after attempt {} failed: {}", email.messageId(), attempt, e.getMessage());
                    listener.onRetry(email, attempt, e, delay);
                    sleep(delay);
                }
            }
        } finally {
            if (held != null) {
                pool.release(held, false); // never used: it waited for this message's content
            }
        }
    }

    private boolean tooManyRecipients(Email email) {
        return maxRecipients > 0 && email.recipients().size() > maxRecipients;
    }

    /**
     * A lower bound of the message's size, when it is over the provider's largest message; else 0. No transfer
     * encoding makes content smaller, so the raw bytes of the bodies and of the attachments of known size already
     * count against the limit: a message refused here would be refused by the server, never the reverse.
     */
    private long tooLarge(Email email) {
        if (maxMessageBytes <= 0) {
            return 0;
        }
        long bytes = email.text().map(t -> (long) t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).orElse(0L)
                + email.html().map(h -> (long) h.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).orElse(0L);
        for (dev.mailkit.smtp.Attachment a : email.attachments()) {
            bytes += Math.max(0, a.size());
        }
        for (dev.mailkit.smtp.Attachment a : email.inlines()) {
            bytes += Math.max(0, a.size());
        }
        return bytes > maxMessageBytes ? bytes : 0;
    }

    /** The next message of a batch, built now so its commands can be pipelined; null when that is not done. */
    private Prepared prepareNext(Email next) {
        // Rate-limited sending waits before each message, so nothing of the next one may leave early.
        if (next == null || limiter != null || tooManyRecipients(next) || tooLarge(next) > 0) {
            return null;
        }
        try {
            return prepare(next);
        } catch (RuntimeException e) {
            return null; // its own send reports the problem
        }
    }

    private SendResult attemptOnce(Prepared p, int attempt, long start, Duration waited, TransportPool.Lease held,
                                   Carry carry, Prepared after) {
        TransportPool.Lease lease = held != null ? held : pool.acquire();
        PipeliningTransport pipelining = lease.transport() instanceof PipeliningTransport t ? t : null;
        boolean reusable = false;
        Email email = p.email();
        try {
            if (pipelining != null && after != null && pool.mayKeep(lease)) {
                pipelining.announceNext(after.message(), after.recipients());
            }
            lease.transport().sendMessage(p.message(), p.recipients());
            reusable = true;
            return new SendResult(email.messageId(), email.recipients(), List.of(), attempt,
                    Duration.ofNanos(System.nanoTime() - start), waited, SentCopy.NOT_REQUESTED);
        } catch (SendFailedException e) {
            SendFailures.Partial partial = SendFailures.partial(e);
            if (partial != null) {
                reusable = true; // the transaction completed; only some recipients were refused
                return new SendResult(email.messageId(), partial.accepted(), partial.rejected(), attempt,
                        Duration.ofNanos(System.nanoTime() - start), waited, SentCopy.NOT_REQUESTED);
            }
            throw SendFailures.classify(e, session, email.messageId());
        } catch (MessagingException e) {
            throw SendFailures.classify(e, session, email.messageId());
        } finally {
            if (reusable && carry != null && pipelining != null && pipelining.hasPipelinedNext()) {
                pool.keep(lease); // the next message's commands are on this connection: its worker keeps it
                carry.lease = lease;
            } else {
                pool.release(lease, reusable); // a connection waiting for content is closed, not reused
            }
        }
    }

    private SendResult saveSentCopy(MimeMessage message, SendResult r) {
        if (providerSavesSent) {
            return withSentCopy(r, SentCopy.SAVED_BY_PROVIDER);
        }
        if (sentAppender == null) {
            return r;
        }
        return withSentCopy(r, sentAppender.append(message) ? SentCopy.APPENDED : SentCopy.FAILED);
    }

    private Duration waitForRateLimit(Email email) {
        if (limiter == null) {
            return Duration.ZERO;
        }
        RateLimiter.Slot slot = limiter.reserve(System.nanoTime());
        if (slot.dailyLimitFor() != null) {
            RateLimitedException e = new RateLimitedException(SmtpReply.of(450,
                    "450 4.7.0 daily sending limit of this account reached (mailkit rate limit)"),
                    slot.dailyLimitFor(), email.messageId(), session.endpoint(), null);
            listener.onFailed(email, e);
            throw e;
        }
        if (!slot.delay().isZero()) {
            listener.onRateLimitWait(email, slot.delay());
            sleep(slot.delay());
        }
        return slot.delay();
    }

    private static InternetAddress[] envelope(Email email) {
        List<String> all = email.recipients();
        InternetAddress[] out = new InternetAddress[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new InternetAddress();
            out[i].setAddress(all.get(i));
        }
        return out;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to send", e);
        }
    }

    @Override
    public CompletableFuture<SendResult> sendAsync(Email email) {
        return CompletableFuture.supplyAsync(() -> send(email), executor);
    }

    /**
     * Sends a batch with one worker per pooled connection. Each worker takes the next message before it
     * finishes the current one, so that where the server offers PIPELINING the next message's commands
     * leave together with the current one's end: one round trip per message.
     */
    @Override
    public BatchSummary sendAll(Iterable<Email> emails, Consumer<SendOutcome> onEach) {
        long start = System.nanoTime();
        AtomicLong sent = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Source source = new Source(emails.iterator());
        Object deliver = new Object(); // outcomes reach onEach one at a time; workers take messages meanwhile
        Consumer<SendOutcome> report = o -> {
            synchronized (deliver) {
                onEach.accept(o);
            }
        };
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        // Sent copies are appended while the workers send on: each message is reported once its copy is in
        Outstanding copies = new Outstanding();
        // A message with a copy is reported on this batch's own thread once its copy is in: never on a copier,
        // so a callback that sends (and waits for that copy) cannot hold up the copying.
        ExecutorService reports = sentAppender == null ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mailkit-sent-copy-reports");
            t.setDaemon(true);
            return t;
        });
        if (sentAppender != null) {
            sentAppender.prepare(); // the IMAP login runs while the first messages are sent
        }
        for (int w = 0; w < parallelism; w++) {
            workers.add(CompletableFuture.runAsync(() -> work(source, report, sent, failed, copies, reports), executor));
        }
        try {
            try {
                CompletableFuture.allOf(workers.toArray(new CompletableFuture<?>[0])).join();
            } finally {
                copies.await(); // also when a worker failed: no report may come after sendAll returned
            }
            copies.rethrow(); // a report's failure (the caller's callback threw)
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        } finally {
            if (reports != null) {
                reports.shutdown();
            }
        }
        if (source.failure != null) {
            throw source.failure; // every message taken before it was sent and reported
        }
        return new BatchSummary(sent.get(), failed.get(), Duration.ofNanos(System.nanoTime() - start));
    }

    private void work(Source source, Consumer<SendOutcome> onEach, AtomicLong sent, AtomicLong failed,
                      Outstanding copies, ExecutorService reports) {
        Carry carry = new Carry();
        try {
            Source.Item cur = source.next();
            while (cur != null) {
                Source.Item next = source.next();
                SendOutcome outcome;
                try {
                    SendResult r = send(cur.email(), carry, next == null ? null : next.email());
                    sent.incrementAndGet();
                    if (carry.toCopy != null) {
                        MimeMessage copy = carry.toCopy;
                        carry.toCopy = null;
                        Source.Item item = cur;
                        copies.add(sentAppender.appendLater(copy).thenAcceptAsync(ok -> {
                            SendResult withCopy = withSentCopy(r, ok ? SentCopy.APPENDED : SentCopy.FAILED);
                            try {
                                listener.onSent(item.email(), withCopy);
                            } finally {
                                onEach.accept(success(item.index(), withCopy));
                            }
                        }, reports));
                        cur = next;
                        continue;
                    }
                    outcome = success(cur.index(), r);
                } catch (MailkitException e) {
                    outcome = failure(cur.index(), cur.email().messageId(), e);
                    failed.incrementAndGet();
                } catch (RuntimeException e) {
                    // Never lose a message's outcome: anything unexpected is reported as its failure.
                    outcome = failure(cur.index(), cur.email().messageId(),
                            new MailkitException("unexpected failure sending " + cur.email().messageId() + ": " + e, e));
                    failed.incrementAndGet();
                }
                onEach.accept(outcome);
                cur = next;
            }
        } finally {
            if (carry.lease != null) {
                pool.release(carry.lease, false);
            }
        }
    }

    /**
     * The reports of a batch waiting for their Sent copies: counted, not kept, so a batch of any size holds
     * only those still waiting; the first failure of a report is kept to be thrown.
     */
    private static final class Outstanding {
        private long count;
        private Throwable failure;

        synchronized void add(CompletableFuture<Void> report) {
            count++;
            report.whenComplete((v, e) -> done(e));
        }

        private synchronized void done(Throwable e) {
            if (e != null && failure == null) {
                failure = e;
            }
            if (--count == 0) {
                notifyAll();
            }
        }

        synchronized void await() {
            boolean interrupted = false;
            while (count > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the reports still come: sendAll must not return before them
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        synchronized void rethrow() {
            if (failure != null) {
                throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
            }
        }
    }

    /** The batch's messages, handed out one at a time to the workers with their index. */
    private static final class Source {
        record Item(long index, Email email) {
        }

        private final Iterator<Email> it;
        private long index;
        private RuntimeException failure;

        Source(Iterator<Email> it) {
            this.it = it;
        }

        /** The next message, or null at the end (or after the iterator failed: {@link #failure}). */
        synchronized Item next() {
            if (failure != null) {
                return null;
            }
            try {
                if (!it.hasNext()) {
                    return null;
                }
                long i = index++;
                return new Item(i, Objects.requireNonNull(it.next(), () -> "emails element " + i + " is null"));
            } catch (RuntimeException e) {
                failure = e;
                return null;
            }
        }
    }

    @Override
    public List<SendOutcome> sendAll(Collection<Email> emails) {
        SendOutcome[] out = new SendOutcome[emails.size()];
        sendAll(emails, o -> out[(int) o.index()] = o);
        return List.of(out);
    }

    @Override
    public void testConnection() {
        try (var t = session.connectTransport()) {
            LOG.debug("test connection to {} succeeded", session.endpoint());
        } catch (MessagingException e) {
            throw session.translate(e);
        }
    }

    @Override
    public void close() {
        // each part closes whatever the others do; the first failure is thrown, the others suppressed
        Closing.all(pool::close, () -> {
            if (sentAppender != null) {
                sentAppender.close();
            }
        }, () -> {
            if (ownsExecutor) {
                executor.shutdown();
            }
        });
    }

    @Override
    public String toString() {
        return "SmtpSender[" + session + "]";
    }

    private static SendOutcome success(long index, SendResult r) {
        return new SendOutcome(index, r.messageId(), Optional.of(r), Optional.empty());
    }

    private static SendOutcome failure(long index, String messageId, MailkitException e) {
        return new SendOutcome(index, messageId, Optional.empty(), Optional.of(e));
    }

    /** A copy of a result with another Sent-folder outcome. */
    private static SendResult withSentCopy(SendResult r, SentCopy copy) {
        return new SendResult(r.messageId(), r.accepted(), r.rejected(), r.attempts(), r.duration(), r.rateLimitWait(), copy);
    }
}
