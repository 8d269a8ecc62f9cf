package dev.mailkit.imap;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one {@link ImapSynchronizer#syncOnce()} did to one folder.
 *
 * @param folder      the server folder name
 * @param method      how changes were found: {@code QRESYNC}, {@code CONDSTORE}, {@code FULL} (UID/FLAGS diff),
 *                    {@code INITIAL}, {@code UIDVALIDITY} (recovery), {@code UNCHANGED} or {@code DELETED}
 * @param added       messages new in the mirror (downloaded, or copied locally when already mirrored elsewhere)
 * @param copiedLocally of those, how many were taken from a local file instead of the network
 * @param changed     messages whose flags changed
 * @param removed     messages removed from the mirror because the server expunged them
 * @param pushed      local changes applied on the server (flag changes, moves, deletes, uploads)
 * @param conflicts   changes made on both sides that could not both hold (see {@link ConflictPolicy})
 * @param bytes       bytes downloaded
 * @param duration    time spent on the folder
 * @param notes       things worth telling the user (kept local-only messages, a folder kept because it holds unsynced mail)
 */
public record FolderReport(String folder, String method, int added, int copiedLocally, int changed, int removed,
                           int pushed, int conflicts, long bytes, Duration duration, List<String> notes) {

    /**
     * Validates and copies.
     *
     * @param folder        the server folder name
     * @param method        how changes were found: {@code QRESYNC}, {@code CONDSTORE}, {@code FULL} (UID/FLAGS diff),
     *                      {@code INITIAL}, {@code UIDVALIDITY} (recovery), {@code UNCHANGED} or {@code DELETED}
     * @param added         messages new in the mirror (downloaded, or copied locally when already mirrored elsewhere)
     * @param copiedLocally of those, how many were taken from a local file instead of the network
     * @param changed       messages whose flags changed
     * @param removed       messages removed from the mirror because the server expunged them
     * @param pushed        local changes applied on the server (flag changes, moves, deletes, uploads)
     * @param conflicts     changes made on both sides that could not both hold (see {@link ConflictPolicy})
     * @param bytes         bytes downloaded
     * @param duration      time spent on the folder
     * @param notes         things worth telling the user (kept local-only messages, a folder kept because it holds unsynced mail)
     * @throws NullPointerException if a component is null
     */
    public FolderReport {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(duration, "duration");
        notes = List.copyOf(notes);
    }
}
