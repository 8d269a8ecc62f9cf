package dev.mailkit.cli;

import dev.mailkit.imap.EmailAddress;
import dev.mailkit.imap.Envelope;
import dev.mailkit.imap.MessageFlags;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@code list}, {@code search} and {@code show} print envelopes: one line each in text (every value from a
 * message escaped with {@link Printable}), or a JSON object.
 */
final class MirrorText {

    private static final DateTimeFormatter DAY_AND_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private MirrorText() {
    }

    /** A string cut to {@code width} characters (an ellipsis marks the cut) and padded to it. */
    static String column(String s, int width) {
        String one = s.replace('\t', ' ');
        if (one.length() > width) {
            one = one.substring(0, width - 1) + "…";
        }
        return String.format("%-" + width + "s", one);
    }

    /** Three flag letters: U unread, F flagged, A answered, then @ for attachments; '-' where unset. */
    static String flags(Envelope e) {
        MessageFlags f = e.flags();
        return (f.seen() ? "-" : "U") + (f.flagged() ? "F" : "-") + (f.answered() ? "A" : "-") + (e.hasAttachments() ? "@" : "-");
    }

    /** One line: id, date, flags, sender, subject. */
    static String line(Envelope e, int idWidth) {
        String from = e.sender().map(EmailAddress::displayName).orElse("");
        return column(Printable.of(e.id()), idWidth) + "  " + DAY_AND_TIME.format(e.date().atZone(ZoneId.systemDefault()))
                + "  " + flags(e) + "  " + column(Printable.of(from), 24) + "  " + Printable.of(e.subject());
    }

    /** The width of the id column for these envelopes. */
    static int idWidth(List<Envelope> list) {
        int w = 4;
        for (Envelope e : list) {
            w = Math.max(w, Printable.of(e.id()).length());
        }
        return Math.min(w, 40);
    }

    static List<Json> addresses(List<EmailAddress> list) {
        List<Json> out = new ArrayList<>();
        list.forEach(a -> out.add(new Json().put("name", a.name()).put("address", a.address())));
        return out;
    }

    /** The envelope as JSON: id, folder, uid, date, from, to, cc, subject, ids, size, flags, attachments, preview. */
    static Json json(Envelope e) {
        return new Json().put("id", e.id()).put("folder", e.folder()).put("uid", e.uid()).put("date", e.date().toString())
                .put("from", addresses(e.from())).put("to", addresses(e.to())).put("cc", addresses(e.cc()))
                .put("subject", e.subject()).put("messageId", e.messageId()).put("inReplyTo", e.inReplyTo())
                .put("references", e.references()).put("size", e.size())
                .put("flags", new ArrayList<>(e.flags().imapNames())).put("hasAttachments", e.hasAttachments())
                .put("preview", e.preview());
    }

    /**
     * A message's text for a terminal: line ends kept (CRLF as LF), tabs kept, every other character
     * {@link Printable} escapes shown escaped, so a message cannot move the cursor or change colours.
     */
    static String body(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                continue;
            }
            if (c == '\n' || c == '\t' || !Printable.escaped(c)) {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }

    /** A size in words: bytes, KB or MB. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        return bytes < 1024 * 1024 ? String.format("%.1f KB", bytes / 1024.0) : String.format("%.1f MB", bytes / 1048576.0);
    }
}
