package dev.mailkit.imap;

/**
 * Continuous sync started by {@link ImapSynchronizer#watch}: runs in the background until closed.
 * Server changes arrive through IMAP IDLE; local changes (through {@link MirroredFolder} or by another
 * Maildir client) are pushed a moment after they are made. Progress and errors go to the listener.
 */
public interface SyncWatch extends AutoCloseable {

    /** Whether it is still running. */
    boolean isRunning();

    /** Asks for a sync soon (debounced with other requests). */
    void syncSoon();

    /** Stops: ends IDLE, waits for a running sync to finish, closes its connections. */
    @Override
    void close();
}
