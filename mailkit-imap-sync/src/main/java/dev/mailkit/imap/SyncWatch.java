package dev.mailkit.imap;

/**
 * Continuous sync started by {@link ImapSynchronizer#watch}: runs in the background until closed.
 * Server changes arrive through IMAP IDLE; local changes (through {@link MirroredFolder} or by another
 * Maildir client) are pushed a moment after they are made. Progress and errors go to the listener.
 */
public interface SyncWatch extends AutoCloseable {

    /**
     * Whether it is still running.
     *
     * @return true while it runs
     */
    boolean isRunning();

    /**
     * What stopped the watch on its own: the first sync failed (a wrong port, host or password is reported,
     * not retried), or a later failure that retrying cannot fix (an unknown host, a refused login, a refused
     * certificate). Transient failures (a dropped connection, a timeout) are retried with backoff and do not
     * stop it.
     *
     * @return the failure, or empty while running or after {@link #close()}
     */
    java.util.Optional<RuntimeException> failure();

    /** Asks for a sync soon (debounced with other requests). */
    void syncSoon();

    /** Stops: ends IDLE, waits for a running sync to finish, closes its connections. */
    @Override
    void close();
}
