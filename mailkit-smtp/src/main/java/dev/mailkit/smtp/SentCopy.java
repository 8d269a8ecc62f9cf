package dev.mailkit.smtp;

/** What happened to the copy of a sent message in the account's Sent folder. */
public enum SentCopy {
    /** Appending to Sent was not requested. */
    NOT_REQUESTED,
    /** The provider files a copy itself (registry flag), so mailkit did not append one. */
    SAVED_BY_PROVIDER,
    /** mailkit appended the message to the Sent folder over IMAP. */
    APPENDED,
    /** Appending failed (logged as a warning); the message was sent all the same. */
    FAILED
}
