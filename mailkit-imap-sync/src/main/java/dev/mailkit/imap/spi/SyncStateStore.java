package dev.mailkit.imap.spi;

import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.MirrorState;
import dev.mailkit.imap.internal.state.SqliteSyncStateStore;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the synchronizer keeps what it knows of the server: per folder UIDVALIDITY, UIDNEXT and
 * HIGHESTMODSEQ; per message UID, local id, last synced flags, Message-ID, size and date; and the local
 * changes and folder actions not yet pushed. Applications read it as a {@link MirrorState}, never
 * through this interface. Implementations must be thread-safe; {@link #sqlite(Path)} is the default,
 * one file per account.
 */
public interface SyncStateStore extends MirrorState, AutoCloseable {

    /**
     * Opens (creating if needed) a SQLite state file.
     *
     * @param file the database file, for example {@code mail/me/.mailkit/state.db}
     * @return the store
     * @throws dev.mailkit.imap.SyncStateException if the file cannot be opened or was written by a newer mailkit
     */
    static SyncStateStore sqlite(Path file) {
        return new SqliteSyncStateStore(file);
    }

    /** Every folder known, by name. */
    List<FolderState> folders();

    /**
     * One folder's state.
     *
     * @param name the server folder name
     * @return the state, if the folder was synced before
     */
    Optional<FolderState> folder(String name);

    /**
     * Saves a folder's state (after everything up to it is applied).
     *
     * @param state the state
     */
    void saveFolder(FolderState state);

    /**
     * Forgets a folder and all its messages.
     *
     * @param name the server folder name
     */
    void deleteFolder(String name);

    /**
     * The messages of a folder, by ascending UID.
     *
     * @param folder the server folder name
     * @return the records
     */
    List<MessageRecord> messages(String folder);

    /**
     * The messages of a folder from a UID on, by ascending UID.
     *
     * @param folder  the server folder name
     * @param fromUid the first UID
     * @return the records
     */
    default List<MessageRecord> messagesFrom(String folder, long fromUid) {
        return messages(folder).stream().filter(r -> r.uid() >= fromUid).toList();
    }

    /**
     * How many messages of a folder the state knows. The default counts {@link #messages(String)}; a store
     * should count without reading them.
     *
     * @param folder the server folder name
     * @return the number of messages
     */
    default int messageCount(String folder) {
        return messages(folder).size();
    }

    /**
     * One message.
     *
     * @param folder the server folder name
     * @param uid    its UID
     * @return the record, if the mirror holds it
     */
    Optional<MessageRecord> message(String folder, long uid);

    /**
     * Messages with a Message-ID, in any folder.
     *
     * @param messageId the Message-ID, with angle brackets
     * @return the records
     */
    List<MessageRecord> findByMessageId(String messageId);

    /**
     * {@link #findByMessageId} for many Message-IDs at once (a sync asks for every new message of a batch).
     * The default asks for each in turn; a store should answer in fewer queries.
     *
     * @param messageIds Message-IDs, with angle brackets; repeats are answered once
     * @return the records of each Message-ID that has any, in {@link #findByMessageId}'s order
     */
    default Map<String, List<MessageRecord>> findByMessageIds(Collection<String> messageIds) {
        Map<String, List<MessageRecord>> found = new HashMap<>();
        for (String id : messageIds) {
            if (!found.containsKey(id)) {
                List<MessageRecord> records = findByMessageId(id);
                if (!records.isEmpty()) {
                    found.put(id, records);
                }
            }
        }
        return found;
    }

    /**
     * Applies changes to one folder's messages in a single transaction.
     *
     * @param folder  the server folder name
     * @param upserts records to insert or replace (by UID)
     * @param removed UIDs to forget
     */
    void update(String folder, Collection<MessageRecord> upserts, Collection<Long> removed);

    /**
     * Local changes not yet pushed, of one folder.
     *
     * @param folder the server folder name
     * @return the changes, by ascending UID
     */
    List<LocalChange> localChanges(String folder);

    /**
     * Records (replacing) the local change of one message; it is forgotten with the message.
     *
     * @param change the change
     */
    void saveLocalChange(LocalChange change);

    /**
     * A flag change sent to the server and not yet known to have arrived.
     *
     * @param sent  the flags sent (the local change merged with the server's flags)
     * @param base  the flags the state held when they were sent
     * @param local the local flags the change came from
     */
    record FlagsInFlight(MessageFlags sent, MessageFlags base, MessageFlags local) {
        public FlagsInFlight {
            java.util.Objects.requireNonNull(sent, "sent");
            java.util.Objects.requireNonNull(base, "base");
            java.util.Objects.requireNonNull(local, "local");
        }
    }

    /**
     * Records flag changes about to be sent (before the STORE), so that after a crash between the server
     * applying one and the state recording it the next sync can tell the server's flags apart from a change
     * made there. The default keeps nothing (a store without it may then, after such a crash, keep the
     * pushed flags over a local change made before the next sync).
     *
     * @param folder  the server folder name
     * @param changes UID to the change in flight
     */
    default void saveFlagsInFlight(String folder, Map<Long, FlagsInFlight> changes) {
    }

    /**
     * Flag changes sent and not yet known to have arrived.
     *
     * @param folder the server folder name
     * @return what {@link #saveFlagsInFlight} recorded and was not cleared, by UID
     */
    default Map<Long, FlagsInFlight> flagsInFlight(String folder) {
        return Map.of();
    }

    /**
     * Forgets flag changes in flight once their outcome is recorded.
     *
     * @param folder the server folder name
     * @param uids   the messages
     */
    default void clearFlagsInFlight(String folder, Collection<Long> uids) {
    }

    /**
     * Forgets local changes once pushed.
     *
     * @param folder the server folder name
     * @param uids   the messages
     */
    void clearLocalChanges(String folder, Collection<Long> uids);

    /**
     * Local files of a folder whose upload (APPEND) was started: after a crash the server may hold them
     * already, so they are not uploaded again until a sync has looked for them.
     *
     * @param folder the server folder name
     * @return their local ids
     */
    Set<String> uploadsStarted(String folder);

    /**
     * Records that an upload is about to start, or ({@code started == false}) forgets it.
     *
     * @param folder  the server folder name
     * @param localId the local file
     * @param started true before the APPEND, false once resolved
     */
    void markUpload(String folder, String localId, boolean started);

    /**
     * Records that an upload (or a move that puts the file's message on the server) is about to start,
     * with the flags it carries, so that a later sync which finds the message on the server can tell a
     * change made to the file since from the flags sent. The default records the start only.
     *
     * @param folder  the server folder name
     * @param localId the local file
     * @param flags   the flags sent with it
     */
    default void startUpload(String folder, String localId, MessageFlags flags) {
        markUpload(folder, localId, true);
    }

    /**
     * The flags an upload started with, where {@link #startUpload} recorded them.
     *
     * @param folder  the server folder name
     * @param localId the local file
     * @return the flags, or empty
     */
    default Optional<MessageFlags> uploadFlags(String folder, String localId) {
        return Optional.empty();
    }

    /**
     * Folder actions not yet pushed, oldest first.
     *
     * @return the queue
     */
    List<FolderAction> folderActions();

    /**
     * Queues a folder action.
     *
     * @param kind    what to do
     * @param name    the folder
     * @param newName the new name of a rename, else null
     */
    void addFolderAction(FolderAction.Kind kind, String name, String newName);

    /**
     * Removes a folder action once applied (or refused for good).
     *
     * @param id its id
     */
    void removeFolderAction(long id);

    /**
     * Renames a folder, the folders below it, and their messages and local changes, in one transaction.
     *
     * @param from      the old name
     * @param to        the new name
     * @param separator the hierarchy separator (children are {@code from + separator + ...})
     */
    void renameFolder(String from, String to, char separator);

    /** Closes the store. */
    @Override
    void close();
}
