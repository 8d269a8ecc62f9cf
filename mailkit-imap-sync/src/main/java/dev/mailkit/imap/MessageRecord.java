package dev.mailkit.imap;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One mirrored message in the sync state, which doubles as a local index.
 *
 * @param folder       the server folder name
 * @param uid          the server UID (under the folder's UIDVALIDITY)
 * @param localId      the local store's id for the file (for Maildir: the file name without the flag suffix)
 * @param flags        the flags at the last sync
 * @param messageId    the Message-ID header, or empty when the message has none
 * @param size         the size in bytes the server gives (RFC822.SIZE), which identifies the message when
 *                     UIDs cannot; the stored file holds the bytes the server sent, whose number some
 *                     servers (Exchange) only estimate here, and is shorter for a headers-only message
 * @param internalDate the server's INTERNALDATE
 * @param headersOnly  true when only the header was downloaded (the message was above the
 *                     {@code headersOnlyAbove} limit); {@link ImapSynchronizer#downloadFull} fetches the rest
 */
public record MessageRecord(String folder, long uid, String localId, MessageFlags flags, String messageId, long size,
                            Instant internalDate, boolean headersOnly) {

    /**
     * Validates the record.
     *
     * @param folder       the server folder name
     * @param uid          the server UID (under the folder's UIDVALIDITY)
     * @param localId      the local store's id for the file (for Maildir: the file name without the flag suffix)
     * @param flags        the flags at the last sync
     * @param messageId    the Message-ID header, or empty when the message has none
     * @param size         the size in bytes the server gives (RFC822.SIZE), which identifies the message when
     *                     UIDs cannot; the stored file holds the bytes the server sent, whose number some
     *                     servers (Exchange) only estimate here, and is shorter for a headers-only message
     * @param internalDate the server's INTERNALDATE
     * @param headersOnly  true when only the header was downloaded (the message was above the
     *                     {@code headersOnlyAbove} limit); {@link ImapSynchronizer#downloadFull} fetches the rest
     * @throws NullPointerException if a component is null
     */
    public MessageRecord {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(localId, "localId");
        Objects.requireNonNull(flags, "flags");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(internalDate, "internalDate");
    }

    /**
     * The Message-ID, when the message has one.
     *
     * @return the Message-ID, or empty when the message has none
     */
    public Optional<String> optionalMessageId() {
        return messageId.isEmpty() ? Optional.empty() : Optional.of(messageId);
    }

    /**
     * A copy with other flags.
     *
     * @param newFlags the copy's flags
     * @return the copy
     */
    public MessageRecord withFlags(MessageFlags newFlags) {
        return new MessageRecord(folder, uid, localId, newFlags, messageId, size, internalDate, headersOnly);
    }

    /**
     * A copy marked as holding the whole message.
     *
     * @return a copy with {@code headersOnly} false
     */
    public MessageRecord complete() {
        return new MessageRecord(folder, uid, localId, flags, messageId, size, internalDate, false);
    }
}
