package dev.mailkit.imap.spi;

import dev.mailkit.imap.MessageFlags;

import java.util.Objects;
import java.util.Optional;

/**
 * A change made locally to a mirrored message and not yet pushed to the server: made through
 * {@link dev.mailkit.imap.MirroredFolder}, or found in the Maildir (another client renamed, deleted or moved the file).
 * It is kept in the sync state, so it survives a restart, until a sync has applied it on the server.
 *
 * @param folder the server folder the message is in
 * @param uid    its UID there
 * @param flags  the flags wanted locally, or null when they are unchanged
 * @param kind   what happened to the message itself
 * @param target the folder it was moved to ({@link Kind#MOVED}), else null
 */
public record LocalChange(String folder, long uid, MessageFlags flags, Kind kind, String target) {

    /** What happened to the message locally. */
    public enum Kind {
        /** Still in its folder (only flags may have changed). */
        KEPT,
        /** Deleted locally. */
        DELETED,
        /** Moved locally to {@link LocalChange#target()}; its file there has no UID until the move is pushed. */
        MOVED
    }

    /**
     * Validates.
     *
     * @throws NullPointerException     if folder or kind is null
     * @throws IllegalArgumentException if a move has no target
     */
    public LocalChange {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.MOVED) != (target != null)) {
            throw new IllegalArgumentException("a move, and only a move, has a target folder");
        }
    }

    /** The wanted flags, when they changed. */
    public Optional<MessageFlags> optionalFlags() {
        return Optional.ofNullable(flags);
    }

    /** A copy with other wanted flags. */
    public LocalChange withFlags(MessageFlags newFlags) {
        return new LocalChange(folder, uid, newFlags, kind, target);
    }
}
