package dev.mailkit.imap;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the mirror holds after the last sync, read-only: the folders with their UIDVALIDITY and UIDNEXT,
 * and every mirrored message with its UID, local id, flags, Message-ID, size and date. It is also a local
 * index (messages by folder, by UID, by Message-ID). Obtained from {@link ImapSynchronizer#state()}; to
 * make the next sync mirror a folder afresh, see {@link ImapSynchronizer#forgetFolder(String)}.
 */
public interface MirrorState {

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
     * The messages of a folder, by ascending UID.
     *
     * @param folder the server folder name
     * @return the records
     */
    List<MessageRecord> messages(String folder);

    /**
     * How many messages of a folder the state knows, counted without reading them.
     *
     * @param folder the server folder name
     * @return the number of messages
     */
    int messageCount(String folder);

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
     * {@link #findByMessageId} for many Message-IDs at once.
     *
     * @param messageIds Message-IDs, with angle brackets; repeats are answered once
     * @return the records of each Message-ID that has any, in {@link #findByMessageId}'s order
     */
    Map<String, List<MessageRecord>> findByMessageIds(Collection<String> messageIds);
}
