package dev.mailkit.core.internal;

/**
 * Holds back what the current thread writes to a mail connection's plain socket until the next write
 * after {@link #end()}, so that several commands leave in one TCP segment (RFC 2920 pipelining: a
 * server that reads them one by one may answer in pieces, and Nagle's algorithm on its side then
 * stalls each reply until a delayed acknowledgement). Only sockets made by {@link PlainSocketFactory}
 * can be corked, which includes the plain socket under STARTTLS; implicit-TLS sockets cannot.
 */
public final class Cork {

    private static final ThreadLocal<long[]> HELD = new ThreadLocal<>();

    private Cork() {
    }

    /** Starts holding back writes on this thread. */
    public static void begin() {
        HELD.set(new long[1]);
    }

    /**
     * Stops holding back writes on this thread; what was held leaves with the next write and flush.
     *
     * @return how many bytes were held back: 0 when the connection cannot be corked
     */
    public static long end() {
        long[] held = HELD.get();
        HELD.remove();
        return held == null ? 0 : held[0];
    }

    static boolean active() {
        return HELD.get() != null;
    }

    static void held(int bytes) {
        long[] held = HELD.get();
        if (held != null) {
            held[0] += bytes;
        }
    }
}
