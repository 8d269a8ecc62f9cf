package dev.mailkit.core.registry;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Sending limits a provider publishes; each may be absent when the provider does not say.
 *
 * @param messagesPerDay       messages one account may send per day
 * @param recipientsPerDay     recipients one account may address per day
 * @param recipientsPerMessage recipients (to + cc + bcc) in one message
 * @param messagesPerMinute    messages one account may send per minute
 * @param maxMessageBytes      largest accepted message, in bytes
 * @param messagesPerSecond    messages one account may send per second
 */
public record ProviderLimits(OptionalInt messagesPerDay, OptionalInt recipientsPerDay,
                             OptionalInt recipientsPerMessage, OptionalInt messagesPerMinute,
                             OptionalLong maxMessageBytes, OptionalInt messagesPerSecond) {

    /** No published limits. */
    public static final ProviderLimits NONE = new ProviderLimits(OptionalInt.empty(), OptionalInt.empty(),
            OptionalInt.empty(), OptionalInt.empty(), OptionalLong.empty(), OptionalInt.empty());

    /**
     * Limits without a per-second rate (the form before {@link #messagesPerSecond()} existed).
     *
     * @param messagesPerDay       messages one account may send per day
     * @param recipientsPerDay     recipients one account may address per day
     * @param recipientsPerMessage recipients (to + cc + bcc) in one message
     * @param messagesPerMinute    messages one account may send per minute
     * @param maxMessageBytes      largest accepted message, in bytes
     * @throws IllegalArgumentException if a limit is zero or negative
     */
    public ProviderLimits(OptionalInt messagesPerDay, OptionalInt recipientsPerDay, OptionalInt recipientsPerMessage,
                          OptionalInt messagesPerMinute, OptionalLong maxMessageBytes) {
        this(messagesPerDay, recipientsPerDay, recipientsPerMessage, messagesPerMinute, maxMessageBytes,
                OptionalInt.empty());
    }

    /**
     * Validates that every present limit is positive.
     *
     * @param messagesPerDay       messages one account may send per day
     * @param recipientsPerDay     recipients one account may address per day
     * @param recipientsPerMessage recipients (to + cc + bcc) in one message
     * @param messagesPerMinute    messages one account may send per minute
     * @param maxMessageBytes      largest accepted message, in bytes
     * @param messagesPerSecond    messages one account may send per second
     * @throws IllegalArgumentException if a limit is zero or negative
     */
    public ProviderLimits {
        check(messagesPerDay, "messagesPerDay");
        check(recipientsPerDay, "recipientsPerDay");
        check(recipientsPerMessage, "recipientsPerMessage");
        check(messagesPerMinute, "messagesPerMinute");
        check(messagesPerSecond, "messagesPerSecond");
        Objects.requireNonNull(maxMessageBytes, "maxMessageBytes");
        if (maxMessageBytes.isPresent() && maxMessageBytes.getAsLong() <= 0) {
            throw new IllegalArgumentException("maxMessageBytes must be positive, was " + maxMessageBytes.getAsLong());
        }
    }

    /**
     * These limits, with each limit {@code over} gives taking the place of this one's (a service's sandbox limits
     * over its regular ones).
     *
     * @param over the limits that win where they are present
     * @return the combined limits
     */
    public ProviderLimits overriddenBy(ProviderLimits over) {
        return new ProviderLimits(or(over.messagesPerDay, messagesPerDay), or(over.recipientsPerDay, recipientsPerDay),
                or(over.recipientsPerMessage, recipientsPerMessage), or(over.messagesPerMinute, messagesPerMinute),
                over.maxMessageBytes.isPresent() ? over.maxMessageBytes : maxMessageBytes,
                or(over.messagesPerSecond, messagesPerSecond));
    }

    private static OptionalInt or(OptionalInt first, OptionalInt second) {
        return first.isPresent() ? first : second;
    }

    private static void check(OptionalInt v, String name) {
        Objects.requireNonNull(v, name);
        if (v.isPresent() && v.getAsInt() <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + v.getAsInt());
        }
    }
}
