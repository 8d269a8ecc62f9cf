package dev.mailkit.core;

/** The mail protocols mailkit speaks. */
public enum Protocol {
    /** Message submission (RFC 6409 / RFC 5321). */
    SMTP,
    /** Mailbox access (RFC 3501 / RFC 9051). */
    IMAP
}
