package dev.mailkit.imap;

import java.util.List;
import java.util.Set;

/**
 * One mirrored folder, changed locally. Each action applies to the local store at once (the Maildir
 * file is renamed, moved or removed) and is recorded as a pending change in the sync state, so it
 * survives a restart; the next {@link ImapSynchronizer#syncOnce()} pushes it to the server before
 * pulling. Messages are named by their UID in this folder ({@link MessageRecord#uid()}).
 *
 * <pre>{@code
 * MirroredFolder inbox = sync.local().folder("INBOX");
 * long uid = inbox.messages().get(0).uid();
 * inbox.markRead(uid);
 * inbox.move("Archive", uid);
 * sync.syncOnce();   // pushed: \Seen set, then UID MOVE to Archive
 * }</pre>
 */
public interface MirroredFolder {

    /** The server folder name. */
    String name();

    /**
     * The messages present locally, with the flags wanted locally (pushed or not yet).
     *
     * @return the records, by UID
     */
    List<MessageRecord> messages();

    /**
     * Sets {@code \Seen}.
     *
     * @param uids the messages
     * @throws IllegalArgumentException if a UID is not in this folder locally
     */
    void markRead(long... uids);

    /**
     * Clears {@code \Seen}.
     *
     * @param uids the messages
     * @throws IllegalArgumentException if a UID is not in this folder locally
     */
    void markUnread(long... uids);

    /**
     * Sets {@code \Flagged}.
     *
     * @param uids the messages
     * @throws IllegalArgumentException if a UID is not in this folder locally
     */
    void flag(long... uids);

    /**
     * Clears {@code \Flagged}.
     *
     * @param uids the messages
     * @throws IllegalArgumentException if a UID is not in this folder locally
     */
    void unflag(long... uids);

    /**
     * Replaces a message's keywords (such as {@code $Forwarded}, {@code $Junk}, {@code project-x}).
     * Flags of a server extension that start with {@code \} (kept with the keywords, as the server sent
     * them) stay as they are: those in {@code keywords} are ignored, and none is removed.
     *
     * @param uid      the message
     * @param keywords IMAP atoms, without {@code \}
     * @throws IllegalArgumentException if the UID is not here, or a keyword is not a valid IMAP atom
     */
    void setKeywords(long uid, Set<String> keywords);

    /**
     * Deletes messages: to the server's Trash where the account has one and this is not the Trash
     * (see {@link ImapSynchronizer.Builder#deleteToTrash(boolean)}), else removed and expunged by UID.
     *
     * @param uids the messages
     * @throws IllegalArgumentException if a UID is not in this folder locally
     */
    void delete(long... uids);

    /**
     * Moves messages to another mirrored folder.
     *
     * @param folder the target's server name
     * @param uids   the messages
     * @throws IllegalArgumentException if a UID is not here, or the target is this folder or not mirrored
     */
    void move(String folder, long... uids);

    /**
     * Copies messages to another mirrored folder; each copy is uploaded (APPEND) by the next sync.
     *
     * @param folder the target's server name
     * @param uids   the messages
     * @throws IllegalArgumentException if a UID is not here, or the target is this folder or not mirrored
     */
    void copy(String folder, long... uids);

    /**
     * Adds a new message (for example a draft); it is uploaded with APPEND on the next sync and then gets
     * its UID. Keywords are not kept (Maildir file names hold the five system flags only).
     *
     * @param rawMessage the RFC 5322 bytes
     * @param flags      its flags
     * @return its local id until the upload names its UID
     * @throws IllegalArgumentException if the message is empty or has no header
     */
    String append(byte[] rawMessage, MessageFlags flags);
}
