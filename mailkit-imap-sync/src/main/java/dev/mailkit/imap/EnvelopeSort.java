package dev.mailkit.imap;

/** How {@link LocalMailbox#list} orders a folder's envelopes. Ties are broken newest first, then by UID. */
public enum EnvelopeSort {
    /** Newest first, by {@link Envelope#date()}. */
    DATE,
    /** By the sender's display name (or address when it has none), case-insensitively, A to Z. */
    FROM,
    /** By subject, case-insensitively and without reply and forward prefixes ({@code Re:}, {@code Fwd:}, {@code 回复:}), A to Z. */
    SUBJECT
}
