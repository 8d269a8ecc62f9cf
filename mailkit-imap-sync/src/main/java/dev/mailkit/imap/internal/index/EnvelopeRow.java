package dev.mailkit.imap.internal.index;

import dev.mailkit.imap.EmailAddress;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.internal.mime.HtmlText;
import dev.mailkit.imap.internal.mime.MailHeaders;
import dev.mailkit.imap.internal.mime.MessageParser;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One message's row of the envelope index and its full-text columns, made from a parse of its file (or, when
 * the file cannot be read, from its sync record alone). Every column is bounded: see the constants.
 *
 * @param uid          the UID
 * @param localId      the file's local id this row describes
 * @param state        {@link #WHOLE}, {@link #HEADER_ONLY} or {@link #UNREADABLE}
 * @param date         see {@link dev.mailkit.imap.Envelope#date()}, epoch milliseconds
 * @param from         the From addresses, encoded by {@link #encode}
 * @param to           the To addresses, encoded
 * @param cc           the Cc addresses, encoded
 * @param senderSort   the sort key of the sender
 * @param subject      the decoded subject
 * @param subjectSort  the sort key of the subject
 * @param messageId    the Message-ID, or empty
 * @param inReplyTo    the first Message-ID of In-Reply-To, or empty
 * @param references   the Message-IDs of References, space-separated
 * @param attachments  whether the message has attachments
 * @param preview      the start of the text
 * @param senderText   the full-text column of From
 * @param recipientText the full-text column of To and Cc
 * @param bodyText     the full-text column of the text
 * @param fileNames    the full-text column of the attachment names
 */
public record EnvelopeRow(long uid, String localId, int state, long date, String from, String to, String cc,
                          String senderSort, String subject, String subjectSort, String messageId, String inReplyTo,
                          String references, boolean attachments, String preview, String senderText,
                          String recipientText, String bodyText, String fileNames) {

    /** The row was made from the whole message. */
    public static final int WHOLE = 1;
    /** The row was made from the header alone (a message downloaded headers-only). */
    public static final int HEADER_ONLY = 0;
    /** The file could not be read: the row holds what the sync record knows; the repair tries again. */
    public static final int UNREADABLE = 2;

    /** Characters of preview. */
    public static final int PREVIEW_CHARS = 200;
    /** Characters of subject kept. */
    public static final int SUBJECT_CHARS = 1_000;
    /** Addresses kept per field. */
    public static final int ADDRESSES = 100;
    /** Characters of each field's addresses kept (names and addresses together); further addresses are left out. */
    public static final int ADDRESS_CHARS = 4_000;
    /** Message-IDs of References kept. */
    public static final int REFERENCES = 50;
    /** Characters of text indexed. */
    public static final int BODY_CHARS = MessageParser.INDEX.textChars();
    /** Characters of attachment names indexed. */
    public static final int FILE_NAME_CHARS = 4_000;

    /** A Date header more than this after the arrival is not believed (spam dated in the future). */
    private static final Duration FUTURE_SLACK = Duration.ofDays(1);

    private static final char FIELD = '\u001f';
    private static final char ENTRY = '\u001e';

    private static final Pattern REPLY_PREFIX = Pattern.compile(
            "^(\\s*(re|fw|fwd|aw|wg|sv|vs|antw|tr|rif|odp|回复|回覆|答复|转发|轉寄|返信|転送)\\s*(\\[\\d+\\])?\\s*[:：]\\s*)+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    /**
     * The row of a parsed message.
     *
     * @param r      what the parse found
     * @param record the message's sync record
     * @return the row
     */
    public static EnvelopeRow of(MessageParser.Result r, MessageRecord record) {
        List<EmailAddress> from = bounded(MailHeaders.addresses(r.from(), ADDRESSES));
        List<EmailAddress> to = bounded(MailHeaders.addresses(r.to(), ADDRESSES));
        List<EmailAddress> cc = bounded(MailHeaders.addresses(r.cc(), ADDRESSES));
        String subject = MailHeaders.cut(r.subject(), SUBJECT_CHARS);
        Instant date = effectiveDate(MailHeaders.date(r.date()).orElse(null), record.internalDate());
        List<String> ids = MailHeaders.messageIds(r.messageId(), 1);
        String messageId = ids.isEmpty() ? record.messageId() : ids.get(0);
        List<String> irt = MailHeaders.messageIds(r.inReplyTo(), 1);
        List<String> refs = MailHeaders.messageIds(r.references(), REFERENCES);
        String text = r.text();
        if (text == null && r.html() != null) {
            text = HtmlText.of(r.html(), BODY_CHARS);
        }
        text = text == null ? "" : text;
        List<String> names = new ArrayList<>();
        boolean attachments = false;
        int nameChars = 0;
        for (MessageParser.Part p : r.parts()) {
            if (!p.inline()) {
                attachments = true;
            }
            if (p.fileName() != null && nameChars < FILE_NAME_CHARS) {
                names.add(p.fileName());
                nameChars += p.fileName().length() + 1;
            }
        }
        return new EnvelopeRow(record.uid(), record.localId(), record.headersOnly() ? HEADER_ONLY : WHOLE,
                date.toEpochMilli(), encode(from), encode(to), encode(cc), senderSort(from), subject, subjectSort(subject),
                messageId, irt.isEmpty() ? "" : irt.get(0), String.join(" ", refs), attachments, preview(text),
                addressText(from), addressText(to) + "\n" + addressText(cc), MailHeaders.cut(text, BODY_CHARS),
                MailHeaders.cut(String.join("\n", names), FILE_NAME_CHARS));
    }

    /**
     * The row of a message whose file cannot be read: its record's Message-ID and arrival time, nothing else.
     *
     * @param record the message's sync record
     * @return the row, marked {@link #UNREADABLE}
     */
    public static EnvelopeRow unreadable(MessageRecord record) {
        return new EnvelopeRow(record.uid(), record.localId(), UNREADABLE, record.internalDate().toEpochMilli(), "", "",
                "", "", "", "", record.messageId(), "", "", false, "", "", "", "", "");
    }

    /** The first addresses of a list, as many as fit in {@link #ADDRESS_CHARS} (at least one). */
    static List<EmailAddress> bounded(List<EmailAddress> list) {
        int chars = 0;
        for (int i = 0; i < list.size(); i++) {
            chars += list.get(i).name().length() + list.get(i).address().length() + 2;
            if (chars > ADDRESS_CHARS && i > 0) {
                return list.subList(0, i);
            }
        }
        return list;
    }

    static Instant effectiveDate(Instant header, Instant arrival) {
        if (header == null || header.isAfter(arrival.plus(FUTURE_SLACK)) && arrival.toEpochMilli() > 0) {
            return arrival;
        }
        return header;
    }

    /** The preview: white space collapsed, quoted lines ({@code > ...}) left out, at most {@link #PREVIEW_CHARS}. */
    static String preview(String text) {
        StringBuilder b = new StringBuilder(PREVIEW_CHARS + 16);
        int lineStart = 0;
        int lines = 0;
        while (lineStart < text.length() && b.length() <= PREVIEW_CHARS && lines++ < 200) {
            int end = text.indexOf('\n', lineStart);
            if (end < 0) {
                end = text.length();
            }
            int i = lineStart;
            while (i < end && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i < end && text.charAt(i) != '>') { // quoted lines are left out
                for (; i < end && b.length() <= PREVIEW_CHARS; i++) {
                    char c = text.charAt(i);
                    if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                        if (b.length() > 0 && b.charAt(b.length() - 1) != ' ') {
                            b.append(' ');
                        }
                    } else {
                        b.append(c);
                    }
                }
                if (b.length() > 0 && b.charAt(b.length() - 1) != ' ') {
                    b.append(' ');
                }
            }
            lineStart = end + 1;
        }
        return MailHeaders.cut(b.toString().strip(), PREVIEW_CHARS);
    }

    static String senderSort(List<EmailAddress> from) {
        return from.isEmpty() ? "" : MailHeaders.cut(from.get(0).displayName().strip().toLowerCase(Locale.ROOT), 200);
    }

    /**
     * A subject without its reply and forward prefixes, lower case: the sort key, and the key of subject threading.
     *
     * @param subject the subject
     * @return the key
     */
    public static String subjectSort(String subject) {
        return MailHeaders.cut(REPLY_PREFIX.matcher(subject).replaceFirst("").strip().toLowerCase(Locale.ROOT), 200);
    }

    /**
     * Whether a subject starts with a reply or forward prefix.
     *
     * @param subject the subject
     * @return true for {@code Re: ...}, {@code Fwd: ...}, {@code 回复: ...}
     */
    public static boolean isReply(String subject) {
        return REPLY_PREFIX.matcher(subject).lookingAt();
    }

    private static String addressText(List<EmailAddress> list) {
        StringBuilder b = new StringBuilder();
        for (EmailAddress a : list) {
            b.append(a.name()).append(' ').append(a.address()).append('\n');
        }
        return b.toString();
    }

    /**
     * Addresses as one column: name and address separated by U+001F, entries by U+001E (neither survives in
     * decoded header values, which have their control characters turned into spaces).
     *
     * @param list the addresses
     * @return the column value
     */
    public static String encode(List<EmailAddress> list) {
        StringBuilder b = new StringBuilder();
        for (EmailAddress a : list) {
            if (b.length() > 0) {
                b.append(ENTRY);
            }
            b.append(a.name()).append(FIELD).append(a.address());
        }
        return b.toString();
    }

    /**
     * The addresses of a column {@link #encode} wrote.
     *
     * @param column the column value
     * @return the addresses
     */
    public static List<EmailAddress> decode(String column) {
        List<EmailAddress> out = new ArrayList<>();
        if (column == null || column.isEmpty()) {
            return out;
        }
        for (String entry : column.split(String.valueOf(ENTRY), -1)) {
            int f = entry.indexOf(FIELD);
            out.add(f < 0 ? new EmailAddress("", entry) : new EmailAddress(entry.substring(0, f), entry.substring(f + 1)));
        }
        return out;
    }
}
