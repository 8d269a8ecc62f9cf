package dev.mailkit.smtp;

import dev.mailkit.core.AccountBuilder;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.InvalidConfigurationException;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.smtp.internal.send.PooledSmtpSender;
import dev.mailkit.smtp.internal.send.SenderConfig;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * Sends {@link Email}s through one SMTP submission server over a pool of reused connections, with
 * retries of transient failures, the provider's rate limits, and typed errors. Thread-safe: share one
 * sender per account and close it when done ({@link #close()} closes the connections and, if the
 * sender created it, the executor of {@link #sendAsync(Email)}).
 *
 * <pre>{@code
 * try (SmtpSender sender = SmtpSender.builder()
 *         .provider("outlook")
 *         .credentials(Credentials.oauth2("me@outlook.com", tokenProvider))
 *         .build()) {
 *     SendResult r = sender.send(Email.builder().from("me@outlook.com").to("you@example.com")
 *             .subject("Hi").text("Hello").build());
 * }
 * }</pre>
 */
public interface SmtpSender extends AutoCloseable {

    /**
     * A new builder.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Sends a message, retrying transient failures.
     *
     * @param email the message
     * @return the result; {@link SendResult#rejected()} lists recipients refused while others accepted
     * @throws RecipientRejectedException       if every recipient was refused
     * @throws MessageRejectedException         if the server refused the message (5xx)
     * @throws RateLimitedException             if the server's or the provider's limit stopped it
     * @throws SmtpException                    for another refusal that outlasted the retries
     * @throws dev.mailkit.core.AuthenticationException if the login was refused
     * @throws dev.mailkit.core.TlsException          if no secure connection could be made
     * @throws dev.mailkit.core.ConnectionException   if the server could not be reached after the retries
     * @throws IllegalStateException            if the sender is closed
     */
    SendResult send(Email email);

    /**
     * Sends a message on the sender's bounded executor.
     *
     * @param email the message
     * @return completes with the result, or exceptionally with the exception {@link #send(Email)} would throw
     */
    CompletableFuture<SendResult> sendAsync(Email email);

    /**
     * Sends many messages over the pool, in parallel up to the pool size, consuming the input lazily
     * (constant memory for any number of messages). Each outcome goes to {@code onEach}, one call at a
     * time, in completion order.
     *
     * @param emails the messages
     * @param onEach receives each outcome
     * @return the totals
     */
    BatchSummary sendAll(Iterable<Email> emails, Consumer<SendOutcome> onEach);

    /**
     * Sends a collection of messages and returns every outcome, in input order.
     *
     * @param emails the messages
     * @return one outcome per message
     */
    List<SendOutcome> sendAll(Collection<Email> emails);

    /**
     * Connects, negotiates TLS, logs in and quits, to check the settings.
     *
     * @throws dev.mailkit.core.MailkitException typed, as for {@link #send(Email)}
     */
    void testConnection();

    /**
     * The server this sender submits to.
     *
     * @return the submission server
     */
    ServerEndpoint endpoint();

    /**
     * How many of the pool's connections are lent to sends at this moment, for a gauge of how busy the pool
     * is: from 0 to the pool size, a connection kept between two messages of a {@link #sendAll} batch
     * included. A sender without a pool (a test double) may leave the default, 0.
     *
     * @return the connections in use now
     */
    default int connectionsInUse() {
        return 0;
    }

    /** Closes the pooled connections; waits for no send in progress. Idempotent. */
    @Override
    void close();

    /** Mutable, not thread-safe builder; {@link #build()} leaves it untouched. */
    final class Builder extends AccountBuilder<Builder> {
        private final SenderConfig config = new SenderConfig();

        Builder() {
        }

        /**
         * Sets the most connections open at once (default 4).
         *
         * @param size 1 to 64
         * @return this builder
         */
        public Builder poolSize(int size) {
            if (size < 1 || size > 64) {
                throw new IllegalArgumentException("poolSize must be 1..64, was " + size);
            }
            config.poolSize = size;
            return this;
        }

        /**
         * Sets how many messages one connection carries before it is replaced (default 100).
         *
         * @param count at least 1
         * @return this builder
         */
        public Builder maxMessagesPerConnection(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("maxMessagesPerConnection must be at least 1, was " + count);
            }
            config.maxMessagesPerConnection = count;
            return this;
        }

        /**
         * Sets the idle time after which a pooled connection is checked with NOOP before reuse (default 10 s).
         *
         * @param idle a positive duration
         * @return this builder
         */
        public Builder validateAfterIdle(Duration idle) {
            Objects.requireNonNull(idle, "validateAfterIdle");
            if (idle.isNegative()) {
                throw new IllegalArgumentException("validateAfterIdle must not be negative, was " + idle);
            }
            config.validateAfterIdle = idle;
            return this;
        }

        /**
         * Sets the retry policy (default {@link RetryPolicy#defaults()}).
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy policy) {
            config.retryPolicy = Objects.requireNonNull(policy, "retryPolicy");
            return this;
        }

        /**
         * Overrides the sending limits (default: the provider's published limits, none for an explicit endpoint;
         * a message with more recipients than the provider's per-message limit, or larger than its largest message,
         * fails with {@link InvalidEmailException} before anything is sent; the provider's per-second limit, if any,
         * stays unless {@link #rateLimit(int, int, int)} sets it).
         * Above the per-minute limit sending waits (reported to the listener and in {@link SendResult#rateLimitWait()});
         * above the per-day limit it fails with {@link RateLimitedException}.
         *
         * @param messagesPerMinute at least 1, or 0 for no per-minute limit
         * @param messagesPerDay    at least 1, or 0 for no per-day limit
         * @return this builder
         */
        public Builder rateLimit(int messagesPerMinute, int messagesPerDay) {
            if (messagesPerMinute < 0 || messagesPerDay < 0) {
                throw new IllegalArgumentException("rate limits must not be negative");
            }
            config.perMinute = messagesPerMinute;
            config.perDay = messagesPerDay;
            config.rateLimitOff = false;
            return this;
        }

        /**
         * Overrides the sending limits, with a per-second limit too (Amazon SES, Tencent Cloud SES), as
         * {@link #rateLimit(int, int)} does the others. Above a per-second limit sending waits as above the
         * per-minute one.
         *
         * @param messagesPerSecond at least 1, or 0 for no per-second limit
         * @param messagesPerMinute at least 1, or 0 for no per-minute limit
         * @param messagesPerDay    at least 1, or 0 for no per-day limit
         * @return this builder
         */
        public Builder rateLimit(int messagesPerSecond, int messagesPerMinute, int messagesPerDay) {
            if (messagesPerSecond < 0) {
                throw new IllegalArgumentException("rate limits must not be negative");
            }
            rateLimit(messagesPerMinute, messagesPerDay);
            config.perSecond = messagesPerSecond;
            return this;
        }

        /**
         * Applies the provider's sandbox limits over its regular ones: the limits of a new, restricted account
         * ({@link dev.mailkit.core.registry.ProviderSettings#sandboxLimits()}; Amazon SES: 200 messages a day and
         * 1 a second). Limits set with {@link #rateLimit(int, int, int)} still win.
         *
         * @return this builder
         * @throws InvalidConfigurationException at {@link #build()} if the provider publishes no sandbox limits
         */
        public Builder sandboxLimits() {
            config.sandboxLimits = true;
            return this;
        }

        /**
         * Switches rate limiting off, including the provider's limits and its recipients-per-message and
         * message-size checks.
         *
         * @return this builder
         */
        public Builder noRateLimit() {
            config.rateLimitOff = true;
            return this;
        }

        /**
         * Runs {@link SmtpSender#sendAsync(Email)} and {@link SmtpSender#sendAll} on this executor; the
         * caller owns it and shuts it down. Default: a bounded pool of {@code poolSize} threads with a
         * queue of 1,000 tasks, beyond which the caller's thread sends (back-pressure).
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder executor(ExecutorService executor) {
            config.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Sets the observer of per-message events.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(SendListener listener) {
            config.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Appends each sent message to the account's Sent folder over IMAP (the folder flagged
         * {@code \Sent}, else the provider's Sent folder name, else "Sent"), unless the provider is
         * known to file a copy itself. Uses the provider's IMAP endpoint and the same credentials.
         *
         * @return this builder
         */
        public Builder appendToSentFolder() {
            config.appendToSent = true;
            return this;
        }

        /**
         * Signs every message with DKIM (RFC 6376) as it is written: the message is written once, the
         * signature made over those bytes and sent before them. Called again, adds another signature, for
         * example an Ed25519 one beside the RSA one that every receiver checks (RFC 8463 §4); each signature
         * stands alone. See {@link Dkim}.
         *
         * @param dkim the signing domain, selector and key
         * @return this builder
         */
        public Builder dkim(Dkim dkim) {
            config.dkim.add(Objects.requireNonNull(dkim, "dkim"));
            return this;
        }

        /**
         * Same as {@code dkim(Dkim.of(domain, selector, privateKey))}.
         *
         * @param domain     the signing domain ({@code d=})
         * @param selector   the selector ({@code s=})
         * @param privateKey an RSA (at least 1,024 bits) or Ed25519 private key
         * @return this builder
         * @throws dev.mailkit.core.InvalidConfigurationException if one of them is refused (see {@link Dkim#of})
         */
        public Builder dkim(String domain, String selector, java.security.PrivateKey privateKey) {
            return dkim(Dkim.of(domain, selector, privateKey));
        }

        /**
         * Like {@link #appendToSentFolder()}, with an explicit IMAP server.
         *
         * @param imap the IMAP server of the account
         * @return this builder
         */
        public Builder appendToSentFolder(ServerEndpoint imap) {
            config.appendToSent = true;
            config.sentImapEndpoint = Objects.requireNonNull(imap, "imap");
            return this;
        }

        /**
         * Builds the sender; no connection is opened yet.
         *
         * @return the sender
         * @throws dev.mailkit.core.ProviderNotFoundException if {@link #provider(String)} matches nothing
         * @throws InvalidConfigurationException if neither provider nor endpoint is set, the provider has no SMTP
         *                                       endpoint, appending to Sent has no IMAP server, no credentials
         *                                       were set without {@link #withoutAuthentication()}, or the
         *                                       provider never accepts the credentials' kind of login
         */
        public SmtpSender build() {
            AccountBuilder.Account account = account(Protocol.SMTP, "SmtpSender");
            if (account.credentials() == null && !withoutAuthentication) {
                throw new InvalidConfigurationException("SmtpSender: no credentials; set credentials(..), or call"
                        + " withoutAuthentication() to send without logging in (a relay that trusts this host)", null);
            }
            return new PooledSmtpSender(config, account);
        }

        private boolean withoutAuthentication;

        /**
         * Sends without logging in, to a relay that accepts mail from this host (a local Postfix, an internal
         * relay). Without it, a sender with no credentials is refused at {@link #build()}, so a forgotten
         * login is not found out by a relay refusing, or worse accepting, unauthenticated mail.
         *
         * @return this builder
         */
        public Builder withoutAuthentication() {
            this.withoutAuthentication = true;
            return this;
        }
    }
}
