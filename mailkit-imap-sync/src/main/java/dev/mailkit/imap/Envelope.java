package dev.mailkit.imap;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the envelope index knows of one mirrored message, read without opening its file: who sent it to whom,
 * its subject and date, how it threads, its size and flags, whether it has attachments, and the start of its
 * text. Obtained from {@link LocalMailbox#list}, {@link LocalMailbox#search} and {@link LocalMailbox#envelope}.
 *
 * @param folder         the server folder name
 * @param uid            the message's UID in that folder
 * @param from           the From addresses (usually one)
 * @param to             the To addresses
 * @param cc             the Cc addresses
 * @param subject        the subject, decoded (RFC 2047), or empty
 * @param date           the Date header; the server's arrival time (INTERNALDATE) when the header is missing,
 *                       unreadable or more than a day after the arrival
 * @param messageId      the Message-ID with its angle brackets, or empty
 * @param inReplyTo      the first Message-ID of In-Reply-To, or empty
 * @param references     the Message-IDs of References, oldest first (the first and the last 49 of a longer list)
 * @param size           the message's size in bytes, as the server gave it
 * @param flags          the flags: those of the last sync, with local changes not yet pushed applied
 * @param hasAttachments whether it has a part that is attached rather than shown (inline images do not count)
 * @param preview        the start of its text (up to 200 characters, white space collapsed), or empty
 */
public record Envelope(String folder, long uid, List<EmailAddress> from, List<EmailAddress> to, List<EmailAddress> cc,
                       String subject, Instant date, String messageId, String inReplyTo, List<String> references,
                       long size, MessageFlags flags, boolean hasAttachments, String preview) {

    /**
     * Validates and copies the lists.
     *
     * @param folder         the server folder name
     * @param uid            the message's UID in that folder
     * @param from           the From addresses (usually one)
     * @param to             the To addresses
     * @param cc             the Cc addresses
     * @param subject        the subject, decoded (RFC 2047), or empty
     * @param date           the Date header, or the arrival time (see the record's description)
     * @param messageId      the Message-ID with its angle brackets, or empty
     * @param inReplyTo      the first Message-ID of In-Reply-To, or empty
     * @param references     the Message-IDs of References, oldest first
     * @param size           the message's size in bytes, as the server gave it
     * @param flags          the flags, local changes not yet pushed applied
     * @param hasAttachments whether it has a part that is attached rather than shown
     * @param preview        the start of its text, or empty
     * @throws NullPointerException if a component is null
     */
    public Envelope {
        Objects.requireNonNull(folder, "folder");
        from = List.copyOf(from);
        to = List.copyOf(to);
        cc = List.copyOf(cc);
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(inReplyTo, "inReplyTo");
        references = List.copyOf(references);
        Objects.requireNonNull(flags, "flags");
        Objects.requireNonNull(preview, "preview");
    }

    /**
     * The first From address.
     *
     * @return the sender, if the message names one
     */
    public Optional<EmailAddress> sender() {
        return from.isEmpty() ? Optional.empty() : Optional.of(from.get(0));
    }

    /**
     * The message's id for the {@code mailkit} tool and for {@link LocalMailbox#open(String)}: folder, a colon,
     * and the UID, as in {@code INBOX:17}.
     *
     * @return {@code folder + ":" + uid}
     */
    public String id() {
        return folder + ":" + uid;
    }
}
