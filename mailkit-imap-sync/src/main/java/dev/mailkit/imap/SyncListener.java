package dev.mailkit.imap;

/**
 * Observes a sync, for progress bars and logs. Called on the syncing thread; every method has an
 * empty default and should return quickly.
 */
public interface SyncListener {

    /** A listener that does nothing. */
    SyncListener NONE = new SyncListener() {
    };

    /**
     * A folder's sync starts: called once per folder, once the server has said how many messages it holds,
     * before any {@link #onMessage} of that folder. Folders sync in parallel on several connections, so
     * calls for different folders interleave.
     *
     * @param folder      the server folder name
     * @param newOnServer messages this sync will add: exact on a folder's first sync (its EXISTS count), an
     *                    estimate later (EXISTS less the messages known here), 0 when the folder is unchanged,
     *                    -1 when unknown (after a UIDVALIDITY change, or a folder skipped); not called
     *                    for a folder the server refuses to open (its {@link #onFolderDone} report says so)
     */
    default void onFolderStart(String folder, int newOnServer) {
    }

    /**
     * The next messages of a folder to download, with their sizes as the server gives them (RFC822.SIZE):
     * called before each batch of up to 2,000 is downloaded, so a progress display knows the bytes ahead.
     * Messages copied from a local file instead are not counted here.
     *
     * @param folder   the server folder name
     * @param messages how many messages the batch downloads
     * @param bytes    their total size in bytes
     */
    default void onDownloadPlanned(String folder, int messages, long bytes) {
    }

    /**
     * A message was added to the mirror.
     *
     * @param folder the server folder name
     * @param uid    its UID
     * @param bytes  bytes downloaded for it (0 when copied locally)
     */
    default void onMessage(String folder, long uid, long bytes) {
    }

    /**
     * A local change was applied on the server: once per change, as {@link FolderReport#pushed()} counts
     * them (a flag change that needed no command, the server having it already, counts too; a move's flags
     * travel with the move).
     *
     * @param folder the server folder it was made in
     * @param uid    the message's UID there, or 0 for an upload
     * @param action {@code FLAGS}, {@code MOVE}, {@code DELETE} or {@code APPEND}
     */
    default void onPushed(String folder, long uid, String action) {
    }

    /**
     * A folder's sync ended.
     *
     * @param report what was done
     */
    default void onFolderDone(FolderReport report) {
    }

    /**
     * {@link ImapSynchronizer#watch} finished a sync it started (after a server notification, a local
     * change, or the periodic sync).
     *
     * @param report what the sync did
     */
    default void onSyncDone(SyncReport report) {
    }

    /**
     * {@link ImapSynchronizer#watch} stopped on its own: its first sync failed, or a failure that retrying
     * cannot fix (see {@link SyncWatch#failure()}). Called once, after which the watch closes itself.
     *
     * @param error the typed error
     */
    default void onWatchStopped(RuntimeException error) {
    }

    /**
     * {@link ImapSynchronizer#watch} hit an error; it keeps running and retries after {@code retryIn}.
     *
     * @param error   the typed error
     * @param retryIn the delay before the next attempt (doubling up to a minute)
     */
    default void onWatchError(RuntimeException error, java.time.Duration retryIn) {
    }
}
