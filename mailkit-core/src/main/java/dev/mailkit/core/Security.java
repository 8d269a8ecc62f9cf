package dev.mailkit.core;

/** How a connection to a mail server is protected. */
public enum Security {
    /** Implicit TLS: the connection is encrypted from the first byte (IMAP 993, SMTP 465). */
    SSL_TLS,
    /** The connection starts in plain text and is upgraded with STARTTLS, which is required (IMAP 143, SMTP 587). */
    STARTTLS,
    /** No encryption at all; only usable with {@link ConnectionOptions.Builder#allowPlaintext()}. */
    PLAIN
}
