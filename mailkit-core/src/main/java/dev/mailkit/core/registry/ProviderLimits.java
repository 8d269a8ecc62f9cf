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
 */
public record ProviderLimits(OptionalInt messagesPerDay, OptionalInt recipientsPerDay,
                             OptionalInt recipientsPerMessage, OptionalInt messagesPerMinute,
                             OptionalLong maxMessageBytes) {

    /** No published limits. */
    public static final ProviderLimits NONE = new ProviderLimits(OptionalInt.empty(), OptionalInt.empty(),
            OptionalInt.empty(), OptionalInt.empty(), OptionalLong.empty());

    /**
     * Validates that every present limit is positive.
     *
     * @throws IllegalArgumentException if a limit is zero or negative
     */
    public ProviderLimits {
        check(messagesPerDay, "messagesPerDay");
        check(recipientsPerDay, "recipientsPerDay");
        check(recipientsPerMessage, "recipientsPerMessage");
        check(messagesPerMinute, "messagesPerMinute");
        Objects.requireNonNull(maxMessageBytes, "maxMessageBytes");
        if (maxMessageBytes.isPresent() && maxMessageBytes.getAsLong() <= 0) {
            throw new IllegalArgumentException("maxMessageBytes must be positive, was " + maxMessageBytes.getAsLong());
        }
    }

    private static void check(OptionalInt v, String name) {
        Objects.requireNonNull(v, name);
        if (v.isPresent() && v.getAsInt() <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + v.getAsInt());
        }
    }
}
