package dev.mailkit.smtp.internal.ratelimit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Sliding-window limits on messages per second, per minute and per day. {@link #reserve(long)} either books a slot
 * and says how long to wait for it, or says the daily limit is used up.
 */
public final class RateLimiter {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private static final long MINUTE = Duration.ofMinutes(1).toNanos();
    private static final long DAY = Duration.ofDays(1).toNanos();

    private final int perSecond;
    private final int perMinute;
    private final int perDay;
    private final Deque<Long> second = new ArrayDeque<>();
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
        this(0, perMinute, perDay);
    }

    /**
     * Creates a limiter.
     *
     * @param perSecond messages per rolling second, 0 for no limit
     * @param perMinute messages per rolling minute, 0 for no limit
     * @param perDay    messages per rolling day, 0 for no limit
     */
    public RateLimiter(int perSecond, int perMinute, int perDay) {
        this.perSecond = perSecond;
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
        prune(second, nowNanos, SECOND);
        long at = nowNanos;
        // each window's slot frees when its limit-th most recent booking leaves it; the later of the two wins
        at = Math.max(at, freeAt(minute, perMinute, MINUTE, nowNanos));
        at = Math.max(at, freeAt(second, perSecond, SECOND, nowNanos));
        if (perMinute > 0) {
            minute.addLast(at);
        }
        if (perSecond > 0) {
            second.addLast(at);
        }
        day.addLast(at);
        return new Slot(Duration.ofNanos(at - nowNanos), null);
    }

    private static long freeAt(Deque<Long> window, int limit, long length, long now) {
        if (limit <= 0 || window.size() < limit) {
            return now;
        }
        long[] times = window.stream().mapToLong(Long::longValue).toArray();
        return times[times.length - limit] + length;
    }

    private static void prune(Deque<Long> window, long now, long length) {
        while (!window.isEmpty() && window.peekFirst() <= now - length) {
            window.pollFirst();
        }
    }
}
