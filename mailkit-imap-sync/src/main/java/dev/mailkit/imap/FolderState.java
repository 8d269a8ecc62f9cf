package dev.mailkit.imap;

import java.util.Objects;

/**
 * What the sync state remembers of a server folder after the last completed sync.
 *
 * @param name          the folder's full server name (decoded), for example {@code Archive/2024}
 * @param separator     the server's hierarchy separator, or 0 when it has none
 * @param uidValidity   UIDVALIDITY the UIDs belong to
 * @param uidNext       UIDNEXT at the last completed sync; every message below it is mirrored
 * @param highestModSeq HIGHESTMODSEQ at the last completed sync, 0 when the server has no CONDSTORE
 * @param specialUse    the RFC 6154 attribute (for example {@code \Sent}), or empty
 */
public record FolderState(String name, char separator, long uidValidity, long uidNext, long highestModSeq,
                          String specialUse) {

    /**
     * Validates the state.
     *
     * @param name          the folder's full server name (decoded), for example {@code Archive/2024}
     * @param separator     the server's hierarchy separator, or 0 when it has none
     * @param uidValidity   UIDVALIDITY the UIDs belong to
     * @param uidNext       UIDNEXT at the last completed sync; every message below it is mirrored
     * @param highestModSeq HIGHESTMODSEQ at the last completed sync, 0 when the server has no CONDSTORE
     * @param specialUse    the RFC 6154 attribute (for example {@code \Sent}), or empty
     * @throws NullPointerException if name or specialUse is null
     */
    public FolderState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(specialUse, "specialUse");
    }
}
