package dev.mailkit.core.registry;

/** The special-use mailboxes of RFC 6154 that mailkit knows by role. */
public enum FolderRole {
    /** Copies of sent mail ({@code \Sent}). */
    SENT,
    /** Unfinished messages ({@code \Drafts}). */
    DRAFTS,
    /** Deleted messages ({@code \Trash}). */
    TRASH,
    /** Spam ({@code \Junk}). */
    JUNK,
    /** Archived messages ({@code \Archive}). */
    ARCHIVE
}
