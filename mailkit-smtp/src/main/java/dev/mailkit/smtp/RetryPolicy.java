package dev.mailkit.smtp;

import java.time.Duration;
import java.util.Objects;

/**
 * How transient failures (4xx replies, dropped connections, timeouts before the final reply) are
 * retried: exponential backoff with jitter, bounded by attempts and by total time. Permanent failures
 * (5xx, authentication, TLS) are never retried. Immutable.
 */
public final class RetryPolicy {

    private static final RetryPolicy DEFAULTS = builder().build();
    private static final RetryPolicy NONE = builder().maxAttempts(1).build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxElapsed;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.maxElapsed = b.maxElapsed;
    }

    /**
     * 3 attempts, backoff from 1 s doubling to at most 30 s, at most 2 minutes in all.
     *
     * @return the default policy
     */
    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    /**
     * A single attempt, no retry.
     *
     * @return a policy that never retries
     */
    public static RetryPolicy none() {
        return NONE;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Attempts in all, including the first.
     *
     * @return the maximum number of attempts
     */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Wait before the second attempt; it doubles for each further one.
     *
     * @return the first backoff
     */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /**
     * Longest single wait.
     *
     * @return the longest backoff
     */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /**
     * No retry starts once this much time has passed since the first attempt.
     *
     * @return the time after which no retry starts
     */
    public Duration maxElapsed() {
        return maxElapsed;
    }

    /**
     * The wait before attempt {@code attempt + 1}: initial × 2^(attempt-1), capped, with ±20 % jitter.
     *
     * @param attempt the attempt that just failed, from 1
     * @param random  a number in [0, 1)
     * @return the wait
     */
    public Duration backoff(int attempt, double random) {
        double base = initialBackoff.toNanos() * Math.pow(2, Math.max(0, attempt - 1));
        double capped = Math.min(base, maxBackoff.toNanos());
        return Duration.ofNanos((long) (capped * (0.8 + 0.4 * random)));
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
                + ", maxBackoff=" + maxBackoff + ", maxElapsed=" + maxElapsed + "]";
    }

    /** Mutable, not thread-safe builder. */
    public static final class Builder {
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration maxElapsed = Duration.ofMinutes(2);

        private Builder() {
        }

        /**
         * Sets the number of attempts in all.
         *
         * @param attempts at least 1
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * Sets the first wait.
         *
         * @param d a positive duration
         * @return this builder
         */
        public Builder initialBackoff(Duration d) {
            this.initialBackoff = positive(d, "initialBackoff");
            return this;
        }

        /**
         * Sets the longest single wait.
         *
         * @param d a positive duration
         * @return this builder
         */
        public Builder maxBackoff(Duration d) {
            this.maxBackoff = positive(d, "maxBackoff");
            return this;
        }

        /**
         * Sets the overall time bound.
         *
         * @param d a positive duration
         * @return this builder
         */
        public Builder maxElapsed(Duration d) {
            this.maxElapsed = positive(d, "maxElapsed");
            return this;
        }

        /**
         * Builds the policy.
         *
         * @return the policy
         */
        public RetryPolicy build() {
            return new RetryPolicy(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }
    }
}
