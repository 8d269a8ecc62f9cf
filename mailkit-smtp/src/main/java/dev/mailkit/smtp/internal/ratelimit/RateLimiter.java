package dev.mailkit.smtp.internal.ratelimit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Sliding-window limits on messages per minute and per day. {@link #reserve(long)} either books a slot
 * and says how long to wait for it, or says the daily limit is used up.
 */
public final class RateLimiter {

    private static final long MINUTE = Duration.ofMinutes(1).toNanos();
    private static final long DAY = Duration.ofDays(1).toNanos();

    private final int perMinute;
    private final int perDay;
    private final Deque<Long> minute = new ArrayDeque<>();
    private final Deque<Long> day = new ArrayDeque<>();

    /** A booked slot: wait {@code delay}, then send; or, when {@code dailyLimitFor} is set, do not send. */
    public record Slot(Duration delay, Duration dailyLimitFor) {
    }

    /**
     * Creates a limiter.
     *
     * @param perMinute messages per rolling minute, 0 for no limit
     * @param perDay    messages per rolling day, 0 for no limit
     */
    public RateLimiter(int perMinute, int perDay) {
        this.perMinute = perMinute;
        this.perDay = perDay;
    }

    /**
     * Books the next send.
     *
     * @param nowNanos the current {@link System#nanoTime()}
     * @return the slot
     */
    public synchronized Slot reserve(long nowNanos) {
        prune(day, nowNanos, DAY);
        if (perDay > 0 && day.size() >= perDay) {
            return new Slot(Duration.ZERO, Duration.ofNanos(day.peekFirst() + DAY - nowNanos));
        }
        prune(minute, nowNanos, MINUTE);
        long at = nowNanos;
        if (perMinute > 0 && minute.size() >= perMinute) {
            // the slot frees when the perMinute-th most recent booking leaves the window
            long[] times = minute.stream().mapToLong(Long::longValue).toArray();
            at = Math.max(nowNanos, times[times.length - perMinute] + MINUTE);
        }
        minute.addLast(at);
        day.addLast(at);
        return new Slot(Duration.ofNanos(at - nowNanos), null);
    }

    private static void prune(Deque<Long> window, long now, long length) {
        while (!window.isEmpty() && window.peekFirst() <= now - length) {
            window.pollFirst();
        }
    }
}
