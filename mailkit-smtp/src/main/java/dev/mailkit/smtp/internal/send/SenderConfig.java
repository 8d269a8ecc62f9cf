package dev.mailkit.smtp.internal.send;

import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.smtp.RetryPolicy;
import dev.mailkit.smtp.SendListener;

import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * What {@code SmtpSender.Builder} collects for {@link PooledSmtpSender}, beyond the account: the builder
 * validates and sets these fields, the sender reads them once when it is built. Mutable; not thread-safe.
 */
public final class SenderConfig {
    /** The most connections open at once. */
    public int poolSize = 4;
    /** How many messages one connection carries before it is replaced. */
    public int maxMessagesPerConnection = 100;
    /** The idle time after which a pooled connection is checked with NOOP before reuse. */
    public Duration validateAfterIdle = Duration.ofSeconds(10);
    /** The retry policy. */
    public RetryPolicy retryPolicy = RetryPolicy.defaults();
    /** Messages per second, 0 for none, or null for the provider's limit. */
    public Integer perSecond;
    /** Messages per minute, 0 for none, or null for the provider's limit. */
    public Integer perMinute;
    /** Messages per day, 0 for none, or null for the provider's limit. */
    public Integer perDay;
    /** Whether the provider's sandbox limits apply over its regular ones (a new, restricted account). */
    public boolean sandboxLimits;
    /** Whether rate limiting, including the provider's limits, is off. */
    public boolean rateLimitOff;
    /** The caller's executor for asynchronous and batch sends, or null for the sender's own. */
    public ExecutorService executor;
    /** The observer of per-message events. */
    public SendListener listener = SendListener.NONE;
    /** Whether sent messages are appended to the Sent folder. */
    public boolean appendToSent;
    /** The IMAP server for the Sent copy, or null for the provider's. */
    public ServerEndpoint sentImapEndpoint;
    /** DKIM signatures to add, in order; empty for none. */
    public final java.util.List<dev.mailkit.smtp.Dkim> dkim = new java.util.ArrayList<>();
}
