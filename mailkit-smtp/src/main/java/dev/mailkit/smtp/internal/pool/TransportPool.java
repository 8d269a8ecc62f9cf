package dev.mailkit.smtp.internal.pool;

import dev.mailkit.core.MailSession;
import dev.mailkit.core.internal.Closing;
import dev.mailkit.smtp.internal.angus.PipeliningTransport;

import jakarta.mail.Transport;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded pool of authenticated SMTP connections. At most {@code maxSize} are open at once; an idle
 * one is reused last-in first-out, checked with NOOP when it has been idle longer than
 * {@code validateAfterIdle}, and replaced after {@code maxMessages} messages.
 */
public final class TransportPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransportPool.class);

    /** A borrowed connection. */
    public static final class Lease {
        private final Transport transport;
        private int messages;
        private long lastUsedNanos;

        private Lease(Transport transport) {
            this.transport = transport;
            this.lastUsedNanos = System.nanoTime();
        }

        /** The connected transport; used by one thread at a time. */
        public Transport transport() {
            return transport;
        }
    }

    private final MailSession session;
    private final int maxSize;
    private final int maxMessages;
    private final long validateAfterIdleNanos;
    private final Semaphore permits;
    private final Deque<Lease> idle = new ArrayDeque<>();
    private volatile boolean closed;
    private long opened;

    /**
     * Creates an empty pool.
     *
     * @param session           opens connections
     * @param maxSize           the most connections open at once
     * @param maxMessages       messages per connection before it is replaced
     * @param validateAfterIdle idle time after which a connection is checked before reuse
     */
    public TransportPool(MailSession session, int maxSize, int maxMessages, Duration validateAfterIdle) {
        this.session = session;
        this.maxSize = maxSize;
        this.maxMessages = maxMessages;
        this.validateAfterIdleNanos = validateAfterIdle.toNanos();
        this.permits = new Semaphore(maxSize, true);
    }

    /**
     * Borrows a connection, opening one when none is idle; blocks while {@code maxSize} are in use.
     *
     * @return the lease; give it back with {@link #release(Lease, boolean)}
     * @throws dev.mailkit.core.MailkitException typed, when a new connection cannot be opened
     * @throws IllegalStateException             when the pool is closed
     */
    public Lease acquire() {
        checkOpen();
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an SMTP connection", e);
        }
        try {
            checkOpen();
            Lease lease;
            while ((lease = pollIdle()) != null) {
                if (System.nanoTime() - lease.lastUsedNanos < validateAfterIdleNanos || lease.transport.isConnected()) {
                    return lease;
                }
                LOG.debug("discarding a pooled SMTP connection the server closed");
                closeQuietly(lease);
            }
            Lease fresh = new Lease(session.connectTransport());
            synchronized (this) {
                opened++;
            }
            return fresh;
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /**
     * Gives a connection back.
     *
     * @param lease    the lease
     * @param reusable false after a failure that may have left the connection in an unknown state
     */
    public void release(Lease lease, boolean reusable) {
        try {
            lease.messages++;
            lease.lastUsedNanos = System.nanoTime();
            boolean midMessage = lease.transport instanceof PipeliningTransport p && p.hasPipelinedNext();
            if (reusable && !midMessage && !closed && lease.messages < maxMessages) {
                synchronized (idle) {
                    idle.push(lease);
                }
            } else {
                closeQuietly(lease);
            }
        } finally {
            permits.release();
        }
    }

    /**
     * Whether the holder of {@code lease} may keep it for one more message after the current one (to
     * pipeline that message's commands with the current one's end): not when the connection is due for
     * replacement, when the pool is closing, or when another thread waits for a connection.
     *
     * @param lease a lease in use
     * @return true when keeping it is fair
     */
    public boolean mayKeep(Lease lease) {
        return !closed && lease.messages + 2 <= maxMessages && !permits.hasQueuedThreads();
    }

    /**
     * Counts a message sent on a lease that its holder keeps instead of releasing (see {@link #mayKeep}).
     *
     * @param lease the kept lease
     */
    public void keep(Lease lease) {
        lease.messages++;
        lease.lastUsedNanos = System.nanoTime();
    }

    /** Leases held now: connections lent out, including those kept between two messages of a batch. */
    public int inUse() {
        return maxSize - permits.availablePermits();
    }

    /** Connections opened since the pool was created. */
    public synchronized long opened() {
        return opened;
    }

    /** Closes every idle connection; connections in use are closed when released. */
    @Override
    public void close() {
        closed = true;
        Lease lease;
        while ((lease = pollIdle()) != null) {
            closeQuietly(lease);
        }
    }

    private Lease pollIdle() {
        synchronized (idle) {
            return idle.poll();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the SMTP sender is closed");
        }
    }

    /** Closes a connection; a failure to close (QUIT on a broken connection) is logged, never thrown over another. */
    private static void closeQuietly(Lease lease) {
        Closing.quietly(lease.transport::close, LOG, "an SMTP connection");
    }
}
