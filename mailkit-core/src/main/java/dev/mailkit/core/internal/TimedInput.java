package dev.mailkit.core.internal;

import dev.mailkit.core.DeadlineExceededException.Deadline;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * A TCP socket's input with the connection's deadlines (see {@link Exchange}). Before each read it sets
 * the socket's timeout to what is left: the read timeout the protocol library set, counted from the
 * start of this read or the client's last write, or the time to the deadline in force if that is
 * sooner. A deadline that passes fails the read with a {@link DeadlinePassedException}, however many
 * bytes trickled in before it. In IMAP IDLE the wait goes on through read timeouts until the server has
 * been silent for the IDLE timeout, and is measured again as soon as the client writes ({@code DONE}):
 * the socket's timeout never exceeds the read timeout, so a wait that began in IDLE ends a read
 * timeout after IDLE ended. A read that times out has consumed nothing, so reading again is safe;
 * under TLS this happens below the TLS layer, which never sees it.
 */
final class TimedInput extends FilterInputStream {

    /** The socket whose timeout this input sets. */
    interface Timeouts {
        /** The read timeout the protocol library set (ms, 0: none). */
        int readTimeout() throws SocketException;

        /** Sets the socket's timeout for the next read (ms, at least 1). */
        void apply(int millis) throws SocketException;
    }

    private final Exchange exchange;
    private final Timeouts socket;

    TimedInput(InputStream in, Exchange exchange, Timeouts socket) {
        super(in);
        this.exchange = exchange;
        this.socket = socket;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        exchange.checkFailed();
        if (len == 0) {
            return 0;
        }
        long readStart = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            long quietSince = Math.max(readStart, exchange.lastWriteNanos());
            if (quietSince - now > 0) {
                quietSince = now;
            }
            int readTimeout = socket.readTimeout();
            long wait;
            if (exchange.idle()) {
                ResponseLimits limits = exchange.limits();
                long idleLeft = limits.idle() == null ? Long.MAX_VALUE : quietSince + limits.idle().toNanos() - now;
                if (idleLeft <= 0) {
                    throw exchange.failed(new DeadlinePassedException(Deadline.IDLE, limits.idle()));
                }
                wait = readTimeout == 0 ? idleLeft : Math.min(millisToNanos(readTimeout), idleLeft);
            } else {
                long readLeft = readTimeout == 0 ? Long.MAX_VALUE : quietSince + millisToNanos(readTimeout) - now;
                Exchange.Due due = exchange.due();
                long dueLeft = due == null ? Long.MAX_VALUE : due.atNanos() - now;
                if (dueLeft <= 0 && dueLeft <= readLeft) {
                    throw exchange.failed(new DeadlinePassedException(due.deadline(), due.timeout()));
                }
                if (readLeft <= 0) {
                    throw new SocketTimeoutException("Read timed out");
                }
                wait = Math.min(readLeft, dueLeft);
            }
            socket.apply(wait == Long.MAX_VALUE ? 0 : nanosToMillisAtLeastOne(wait));
            try {
                return in.read(b, off, len);
            } catch (SocketTimeoutException e) {
                exchange.checkFailed();
                // nothing was read: what is left is measured again above
            }
        }
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        int got = read(buf, 0, buf.length);
        return Math.max(got, 0);
    }

    private static long millisToNanos(int millis) {
        return millis * 1_000_000L;
    }

    private static int nanosToMillisAtLeastOne(long nanos) {
        long ms = (nanos + 999_999) / 1_000_000;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
    }
}
