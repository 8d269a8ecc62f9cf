package dev.mailkit.imap.spi;

import dev.mailkit.imap.MessageFlags;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where mirrored mail is kept locally. {@link dev.mailkit.imap.MaildirStore} is the default; implement this interface
 * to keep mail elsewhere. Messages are identified by a local id that stays stable when flags change.
 * Implementations are used by one synchronizer thread per folder at a time.
 */
public interface MessageStore extends AutoCloseable {

    /**
     * Opens a folder, creating it when missing.
     *
     * @param serverName the server's full folder name (decoded), {@code INBOX} for the inbox
     * @param separator  the server's hierarchy separator, or 0
     * @return the folder
     * @throws dev.mailkit.imap.SyncStateException if it cannot be created
     */
    StoredFolder folder(String serverName, char separator);

    /**
     * Whether a server folder of this name can be kept here safely. Server names are untrusted input: a
     * store must never let one address anything outside itself. The synchronizer skips (and reports)
     * folders for which this is false. The default accepts every name.
     *
     * @param serverName the server's full folder name
     * @param separator  the server's hierarchy separator, or 0
     * @return false when the name cannot be stored safely
     */
    default boolean canStore(String serverName, char separator) {
        return true;
    }

    /**
     * The name under which this store keeps a server folder (for Maildir: the folder's directory name).
     * Two server folders with the same local name cannot both be mirrored: the synchronizer mirrors the
     * one it already knows (else the first listed) and reports the other as skipped. The default is the
     * server name itself.
     *
     * @param serverName the server's full folder name, one {@link #canStore} accepts
     * @param separator  the server's hierarchy separator, or 0
     * @return the local name
     */
    default String localName(String serverName, char separator) {
        return serverName;
    }

    /**
     * Whether a local folder exists for a server folder.
     *
     * @param serverName the server's full folder name
     * @param separator  the server's hierarchy separator, or 0
     * @return true when it exists
     */
    boolean exists(String serverName, char separator);

    /**
     * Deletes a local folder whose server folder is gone. The synchronizer calls this only when every
     * message in it is known to the state (nothing unsynced would be lost).
     *
     * @param serverName the server's full folder name
     * @param separator  the server's hierarchy separator, or 0
     * @throws dev.mailkit.imap.SyncStateException if it cannot be deleted
     */
    void deleteFolder(String serverName, char separator);

    /**
     * Every local folder, by server name (for finding folders other clients created).
     *
     * @param separator the server's hierarchy separator, or 0
     * @return the names, INBOX included
     * @throws dev.mailkit.imap.SyncStateException if the store cannot be listed
     */
    List<String> folderNames(char separator);

    /**
     * Renames a local folder and the folders below it.
     *
     * @param from      the current server name
     * @param to        the new server name
     * @param separator the server's hierarchy separator, or 0
     * @throws dev.mailkit.imap.SyncStateException if it cannot be renamed
     */
    void renameFolder(String from, String to, char separator);

    /**
     * Makes every change committed so far durable: written to the disk, not only to the operating
     * system's cache, so that a power loss cannot undo it. Called before the sync state records a
     * change, when the synchronizer was built with {@code durableWrites()}. The default does nothing.
     *
     * @throws dev.mailkit.imap.SyncStateException if the data cannot be written
     */
    default void sync() {
    }

    /** Releases what the store holds open (file watches). The synchronizer calls it for a store it created. */
    @Override
    default void close() {
    }

    /** One local folder. */
    interface StoredFolder {

        /**
         * Starts writing a downloaded message; nothing is visible until {@link MessageWriter#commit}.
         *
         * @param uid the server UID, recorded so a file written before a crash is recognised as a download
         * @return the writer
         * @throws IOException if the file cannot be created
         */
        MessageWriter newMessage(long uid) throws IOException;

        /**
         * Starts rewriting the bytes of a stored message (a headers-only message completed later); the
         * local id stays the same and the old bytes stay visible until {@link MessageWriter#commit}
         * replaces them in one step.
         *
         * @param localId the message
         * @return the writer
         * @throws IOException if the message is missing or the file cannot be created
         */
        MessageWriter replace(String localId) throws IOException;

        /**
         * Finds a message written for a UID that the state may not know yet (after a crash).
         *
         * @param uid the server UID
         * @return its local id, if present
         */
        Optional<String> findByUid(long uid);

        /** Every message's local id. */
        List<String> localIds();

        /**
         * Sets the flags of a message.
         *
         * @param localId the message
         * @param flags   the new flags
         * @throws IOException if the message is missing or cannot be changed
         */
        void setFlags(String localId, MessageFlags flags) throws IOException;

        /**
         * Deletes a message.
         *
         * @param localId the message
         * @throws IOException if it cannot be deleted (a missing message is not an error)
         */
        void remove(String localId) throws IOException;

        /**
         * Copies a message in from another folder of the same store under a new UID, without the network
         * (a message moved or copied on the server by another client). Maildir hard-links the file.
         *
         * @param from    the folder holding it
         * @param localId its id there
         * @param uid     its UID in this folder
         * @param flags   its flags
         * @return its id in this folder
         * @throws IOException if it cannot be copied
         */
        String copyIn(StoredFolder from, String localId, long uid, MessageFlags flags) throws IOException;

        /**
         * Moves a message in from another folder of the same store (a local move not yet pushed): the
         * file keeps its name without the UID, which only meant something in the old folder, and its flags.
         *
         * @param from    the folder holding it
         * @param localId its id there
         * @return its id in this folder
         * @throws IOException if it cannot be moved
         */
        String moveIn(StoredFolder from, String localId) throws IOException;

        /**
         * The size in bytes of a stored message.
         *
         * @param localId the message
         * @return the size, or -1 when it does not exist
         */
        long size(String localId);

        /**
         * Gives a message a new UID (after a UIDVALIDITY change), or none ({@code uid <= 0}: the message
         * is then a plain local message that no server UID describes).
         *
         * @param localId the message
         * @param uid     the new UID, or 0
         * @return the new local id
         * @throws IOException if it cannot be renamed
         */
        String relabel(String localId, long uid) throws IOException;

        /**
         * Opens a message's bytes.
         *
         * @param localId the message
         * @return the stream; the caller closes it
         * @throws IOException if it cannot be read
         */
        InputStream open(String localId) throws IOException;

        /**
         * Remembers the folder as it is now; see {@link #changedSinceMark()}. An implementation marks a
         * folder when it reads it (before reading, so that a change made while reading counts as a change).
         */
        default void mark() {
        }

        /**
         * Whether anything may have changed the folder since {@link #mark()}: another program, or another
         * instance of this folder. When false, the synchronizer skips looking for local edits in it.
         * The default, true, is always safe.
         *
         * @return false only when the folder is certainly unchanged
         */
        default boolean changedSinceMark() {
            return true;
        }

        /**
         * The flags stored with the message (for Maildir: the info suffix), keywords excluded.
         *
         * @param localId the message
         * @return the flags, if the message exists
         */
        Optional<MessageFlags> storedFlags(String localId);

        /**
         * What the folder holds that this store does not take for messages, and so never reads, renames
         * or deletes: for a Maildir, every entry of {@code cur/} and {@code new/} that is not a regular
         * file with a Maildir file name (symbolic links, which are never followed, directories, devices,
         * FIFOs, sockets, hidden files, other names). Such entries are not in {@link #localIds()}. The
         * synchronizer names each in the folder's report on every sync, never uploads it, and never takes
         * it for a deleted message, even when it carries the local id of a message it synced. The default
         * is none.
         *
         * @return the local id each entry would have (as {@link #localIds()} would name it) to a
         *         description naming the entry, with control characters escaped
         */
        default Map<String, String> skipped() {
            return Map.of();
        }
    }

    /** A message being written. */
    interface MessageWriter extends AutoCloseable {

        /** Where to write the bytes. */
        OutputStream stream();

        /**
         * Makes the message visible with its flags.
         *
         * @param flags the flags
         * @return the local id
         * @throws IOException if it cannot be committed
         */
        String commit(MessageFlags flags) throws IOException;

        /** Discards the message if it was not committed. */
        @Override
        void close();
    }
}
