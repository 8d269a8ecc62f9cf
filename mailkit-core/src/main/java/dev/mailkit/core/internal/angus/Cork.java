package dev.mailkit.core.internal.angus;

import dev.mailkit.core.internal.PlainSocketFactory;

/**
 * Holds back what the current thread writes to a mail connection's plain socket until the next write
 * after {@link #end()}, so that several commands leave in one TCP segment (RFC 2920 pipelining: a
 * server that reads them one by one may answer in pieces, and Nagle's algorithm on its side then
 * stalls each reply until a delayed acknowledgement). Only sockets made by {@link PlainSocketFactory}
 * can be corked, which includes the plain socket under STARTTLS; implicit-TLS sockets cannot.
 *
 * <p>A thread-local signal, because Angus Mail's {@code SMTPTransport} gives its subclasses no handle on the
 * socket or its output stream, and its write-timeout wrapper does not pass flushes on: the SMTP module's
 * transport marks the commands to hold back, and core's socket, which Angus made through mailkit's factory,
 * holds them. Guarded by {@code CorkTest} (core) and {@code PipeliningTest} (smtp).
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

    /**
     * Whether this thread holds back its writes now (asked by the socket's output stream).
     *
     * @return true between {@link #begin()} and {@link #end()}
     */
    public static boolean active() {
        return HELD.get() != null;
    }

    /**
     * Counts bytes the socket held back for this thread.
     *
     * @param bytes how many
     */
    public static void held(int bytes) {
        long[] held = HELD.get();
        if (held != null) {
            held[0] += bytes;
        }
    }
}
