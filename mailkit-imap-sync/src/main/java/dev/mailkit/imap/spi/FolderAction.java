package dev.mailkit.imap.spi;

import java.util.Objects;

/**
 * A folder created, renamed or deleted locally and not yet applied on the server; kept in the sync
 * state in the order made and pushed, in that order, by the next sync before anything else.
 *
 * @param id      its place in the queue
 * @param kind    what to do
 * @param name    the folder's server name
 * @param newName the new name ({@link Kind#RENAME}), else null
 */
public record FolderAction(long id, Kind kind, String name, String newName) {

    /** What to do on the server. */
    public enum Kind {
        /** CREATE (and SUBSCRIBE). */
        CREATE,
        /** RENAME to {@link FolderAction#newName()}. */
        RENAME,
        /** DELETE. */
        DELETE
    }

    /**
     * Validates.
     *
     * @throws NullPointerException     if kind or name is null
     * @throws IllegalArgumentException if a rename has no new name
     */
    public FolderAction {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        if ((kind == Kind.RENAME) != (newName != null)) {
            throw new IllegalArgumentException("a rename, and only a rename, has a new name");
        }
    }
}
