package dev.mailkit.imap.internal.mime;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.field.ContentDispositionField;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.field.ContentDispositionFieldLenientImpl;
import org.apache.james.mime4j.field.ContentTypeFieldLenientImpl;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

/**
 * One pass over a message with mime4j's pull parser ({@link MimeTokenStream}), in bounded memory whatever
 * the message holds: the top-level header fields, the text and HTML bodies up to their limits (decoded
 * from their transfer encoding and charset), and every other leaf part described (type, name, Content-ID,
 * size) but never kept. Attached messages ({@code message/rfc822}) are parts, not walked into. Nested
 * multiparts are walked at any depth (the parser keeps its own stack, not the call stack).
 * {@link #openLeaf} streams one part's decoded bytes from a second pass.
 */
public final class MessageParser {

    /** Parts described per message; further parts are counted in {@link Result#leaves()} only. */
    public static final int MAX_PARTS = 1_000;
    /**
     * Multiparts nested deeper than this are not walked into (mime4j reads each level through the stream of the
     * level above, so a deep nesting would cost a deep call stack): from there on the rest of the message is
     * read as flat bodies, and bodies of a multipart type are skipped.
     */
    public static final int MAX_DEPTH = 128;
    /** A header field longer than this stops the parse there (the fields and parts read so far are kept). */
    static final int MAX_FIELD_BYTES = 4 << 20;

    /**
     * What one parse keeps.
     *
     * @param textChars        characters of text/plain body kept (several inline text parts are joined)
     * @param htmlChars        characters of the first text/html body kept
     * @param headerChars      characters of header fields listed in {@link Result#headers()}; 0 lists none
     * @param headerValueChars characters kept of each listed field's value
     * @param measureParts     whether each part's decoded size is counted (a pass over its bytes)
     */
    public record Limits(int textChars, int htmlChars, int headerChars, int headerValueChars, boolean measureParts) {
    }

    /** For the index: a short text, the HTML only when there is no text, no header list, no part sizes. */
    public static final Limits INDEX = new Limits(32_768, 65_536, 0, 0, false);
    /** For reading a message: 1 Mi characters of text and of HTML, 1 Mi characters of header, sizes counted. */
    public static final Limits READ = new Limits(1 << 20, 1 << 20, 1 << 20, 64 << 10, true);

    /** One decoded header field. */
    public record HeaderField(String name, String value) {
    }

    /**
     * A leaf part that is not a text body.
     *
     * @param leaf        its number among the message's leaves, from 1 (for {@link #openLeaf})
     * @param mimeType    its type, lower case
     * @param fileName    the name it proposes (decoded, unsanitised), or null
     * @param contentId   its Content-ID without brackets, or null
     * @param inline      whether it is shown inside the message (an image a text refers to) rather than attached
     * @param size        its decoded size in bytes, or -1 when not measured
     */
    public record Part(int leaf, String mimeType, String fileName, String contentId, boolean inline, long size) {
    }

    /** What one parse found. */
    public static final class Result {
        String from = "";
        String to = "";
        String cc = "";
        String subject = "";
        String date = "";
        String messageId = "";
        String inReplyTo = "";
        String references = "";
        final List<HeaderField> headers = new ArrayList<>();
        boolean headersTruncated;
        final StringBuilder text = new StringBuilder();
        boolean hasText;
        boolean textTruncated;
        String html;
        boolean htmlTruncated;
        final List<Part> parts = new ArrayList<>();
        int leaves;
        boolean malformed;

        /** An empty result: what a message without any header or body gives. */
        public Result() {
        }

        /** @return the From value, unfolded, not decoded */
        public String from() {
            return from;
        }

        /** @return the To value, unfolded, not decoded */
        public String to() {
            return to;
        }

        /** @return the Cc value, unfolded, not decoded */
        public String cc() {
            return cc;
        }

        /** @return the Subject, decoded */
        public String subject() {
            return subject;
        }

        /** @return the Date value */
        public String date() {
            return date;
        }

        /** @return the Message-ID value */
        public String messageId() {
            return messageId;
        }

        /** @return the In-Reply-To value */
        public String inReplyTo() {
            return inReplyTo;
        }

        /** @return the References value */
        public String references() {
            return references;
        }

        /** @return the top-level header fields, decoded, in order (empty unless the limits ask for them) */
        public List<HeaderField> headers() {
            return headers;
        }

        /** @return whether fields were left out of {@link #headers()} or cut */
        public boolean headersTruncated() {
            return headersTruncated;
        }

        /** @return the text/plain body, or null when the message has none */
        public String text() {
            return hasText ? text.toString() : null;
        }

        /** @return whether the text was longer than the limit */
        public boolean textTruncated() {
            return textTruncated;
        }

        /** @return the text/html body, or null when the message has none */
        public String html() {
            return html;
        }

        /** @return whether the HTML was longer than the limit */
        public boolean htmlTruncated() {
            return htmlTruncated;
        }

        /** @return the parts that are not text bodies (at most {@link #MAX_PARTS}) */
        public List<Part> parts() {
            return parts;
        }

        /** @return how many leaf parts the message has */
        public int leaves() {
            return leaves;
        }

        /** @return whether the parse stopped early on a structure the parser refuses */
        public boolean malformed() {
            return malformed;
        }
    }

    private MessageParser() {
    }

    private static MimeTokenStream stream() {
        MimeConfig config = MimeConfig.custom().setStrictParsing(false).setMaxLineLen(-1).setMaxHeaderCount(-1)
                .setMaxHeaderLen(MAX_FIELD_BYTES).setMaxContentLen(-1).setMalformedHeaderStartsBody(true).build();
        MimeTokenStream ts = new MimeTokenStream(config, DecodeMonitor.SILENT, null);
        ts.setRecursionMode(RecursionMode.M_NO_RECURSE);
        return ts;
    }

    /** The header of the entity being read: what classifies its body. */
    private static final class Entity {
        String contentType;
        String disposition;
        String contentId;
    }

    /**
     * Reads a message.
     *
     * @param in     its bytes; read to the end, not closed
     * @param limits what to keep
     * @return what was found
     * @throws IOException if the stream fails
     */
    public static Result parse(InputStream in, Limits limits) throws IOException {
        Result r = new Result();
        MimeTokenStream ts = stream();
        ts.parse(in);
        Entity entity = null;
        int entities = 0;
        int headerChars = 0;
        int depth = 0;
        try {
            for (EntityState st = ts.getState(); st != EntityState.T_END_OF_STREAM; st = ts.next()) {
                switch (st) {
                    case T_START_MULTIPART -> depth = deeper(ts, depth, r);
                    case T_END_MULTIPART -> depth--;
                    case T_START_HEADER -> {
                        entity = new Entity();
                        entities++;
                    }
                    case T_FIELD -> {
                        Field f = ts.getField();
                        String name = f.getNameLowerCase();
                        if (entity != null) {
                            switch (name) {
                                case "content-type" -> entity.contentType = HeaderText.raw(f);
                                case "content-disposition" -> entity.disposition = HeaderText.raw(f);
                                case "content-id" -> entity.contentId = HeaderText.raw(f);
                                default -> { }
                            }
                        }
                        if (entities == 1) {
                            topLevel(r, f, name);
                            if (limits.headerChars() > 0) {
                                if (headerChars >= limits.headerChars()) {
                                    r.headersTruncated = true;
                                } else {
                                    String value = HeaderText.decoded(f);
                                    if (value.length() > limits.headerValueChars()) {
                                        value = MailHeaders.cut(value, limits.headerValueChars()) + "…";
                                        r.headersTruncated = true;
                                    }
                                    headerChars += value.length() + f.getName().length();
                                    r.headers.add(new HeaderField(HeaderText.printable(f.getName()), value));
                                }
                            }
                        }
                    }
                    case T_BODY -> leaf(r, ts, entity == null ? new Entity() : entity, limits);
                    default -> { }
                }
            }
        } catch (MimeException e) {
            r.malformed = true; // a field above MAX_FIELD_BYTES: what was read is kept
        }
        return r;
    }

    /** One level deeper; at {@link #MAX_DEPTH} the rest is read flat. */
    private static int deeper(MimeTokenStream ts, int depth, Result r) {
        if (depth + 1 >= MAX_DEPTH && ts.getRecursionMode() != RecursionMode.M_FLAT) {
            ts.setRecursionMode(RecursionMode.M_FLAT);
            if (r != null) {
                r.malformed = true;
            }
        }
        return depth + 1;
    }

    private static void topLevel(Result r, Field f, String name) {
        switch (name) {
            case "from" -> r.from = r.from.isEmpty() ? HeaderText.raw(f) : r.from;
            case "to" -> r.to = r.to.isEmpty() ? HeaderText.raw(f) : r.to + ", " + HeaderText.raw(f);
            case "cc" -> r.cc = r.cc.isEmpty() ? HeaderText.raw(f) : r.cc + ", " + HeaderText.raw(f);
            case "subject" -> r.subject = r.subject.isEmpty() ? HeaderText.decoded(f) : r.subject;
            case "date" -> r.date = r.date.isEmpty() ? HeaderText.raw(f) : r.date;
            case "message-id" -> r.messageId = r.messageId.isEmpty() ? HeaderText.raw(f) : r.messageId;
            case "in-reply-to" -> r.inReplyTo = r.inReplyTo.isEmpty() ? HeaderText.raw(f) : r.inReplyTo;
            case "references" -> r.references = r.references.isEmpty() ? HeaderText.raw(f) : r.references;
            default -> { }
        }
    }

    private static void leaf(Result r, MimeTokenStream ts, Entity e, Limits limits) throws IOException {
        r.leaves++;
        if (ts.getRecursionMode() == RecursionMode.M_FLAT && ts.getBodyDescriptor().getMimeType().startsWith("multipart/")) {
            return; // structure nested too deep to walk: neither text nor an attachment
        }
        ContentTypeField type = e.contentType == null ? null
                : ContentTypeFieldLenientImpl.PARSER.parse(new org.apache.james.mime4j.stream.RawField("Content-Type",
                e.contentType), DecodeMonitor.SILENT);
        ContentDispositionField disp = e.disposition == null ? null
                : ContentDispositionFieldLenientImpl.PARSER.parse(new org.apache.james.mime4j.stream.RawField(
                "Content-Disposition", e.disposition), DecodeMonitor.SILENT);
        String mimeType = type == null || type.getMimeType() == null ? ts.getBodyDescriptor().getMimeType()
                : type.getMimeType().toLowerCase(Locale.ROOT);
        if (mimeType == null || mimeType.isEmpty() || !mimeType.contains("/")) {
            mimeType = "text/plain";
        }
        String fileName = disp == null ? null : disp.getFilename();
        if ((fileName == null || fileName.isBlank()) && type != null) {
            fileName = type.getParameter("name");
        }
        fileName = fileName == null || fileName.isBlank() ? null : MailHeaders.cut(HeaderText.decodeWords(fileName), 1000);
        boolean attachment = disp != null && "attachment".equalsIgnoreCase(disp.getDispositionType());
        String charset = type == null ? null : type.getCharset();
        if (!attachment && fileName == null && mimeType.equals("text/plain")) {
            if (!r.textTruncated) {
                String text = read(ts.getDecodedInputStream(), charset, limits.textChars() - r.text.length());
                boolean cut = text.length() > limits.textChars() - r.text.length();
                if (r.hasText && !text.isEmpty()) {
                    r.text.append("\n\n");
                }
                r.text.append(cut ? MailHeaders.cut(text, Math.max(0, limits.textChars() - r.text.length())) : text);
                r.textTruncated |= cut;
                r.hasText = true;
            }
            return;
        }
        if (!attachment && fileName == null && mimeType.equals("text/html") && r.html == null) {
            String html = read(ts.getDecodedInputStream(), charset, limits.htmlChars());
            r.htmlTruncated = html.length() > limits.htmlChars();
            r.html = r.htmlTruncated ? MailHeaders.cut(html, limits.htmlChars()) : html;
            return;
        }
        String contentId = e.contentId == null ? null : stripBrackets(HeaderText.printable(e.contentId));
        boolean inline = !attachment && contentId != null && !mimeType.startsWith("text/")
                && !mimeType.equals("message/rfc822");
        if (r.parts.size() < MAX_PARTS) {
            long size = -1;
            if (limits.measureParts()) {
                size = drain(ts.getDecodedInputStream());
            }
            r.parts.add(new Part(r.leaves, mimeType, fileName, contentId, inline, size));
        }
    }

    private static String stripBrackets(String id) {
        String s = id.strip();
        if (s.startsWith("<") && s.endsWith(">") && s.length() >= 2) {
            s = s.substring(1, s.length() - 1);
        }
        return s.isEmpty() ? null : MailHeaders.cut(s, 500);
    }

    /**
     * Reads decoded text, at most {@code maxChars} characters plus one (so the caller sees it was longer).
     * Bytes are read up to 4 per character allowed, so memory stays bounded whatever the part's size.
     */
    static String read(InputStream in, String charset, int maxChars) throws IOException {
        if (maxChars <= 0) {
            return "";
        }
        int maxBytes = (int) Math.min(Integer.MAX_VALUE - 16, 4L * maxChars + 4);
        byte[] bytes = new byte[Math.min(maxBytes, 16 * 1024)];
        int len = 0;
        int n;
        boolean more = false;
        while (true) {
            if (len == bytes.length) {
                if (len >= maxBytes) {
                    more = in.read() >= 0;
                    break;
                }
                bytes = java.util.Arrays.copyOf(bytes, (int) Math.min(maxBytes, 2L * len));
            }
            n = in.read(bytes, len, bytes.length - len);
            if (n < 0) {
                break;
            }
            len += n;
        }
        if (more) {
            len -= Charsets.unfinishedUtf8Tail(bytes, len);
        }
        String text = Charsets.decode(bytes, 0, len, charset);
        if (more && text.length() <= maxChars) {
            return text + " "; // longer than it looks: the caller cuts it and marks it truncated
        }
        return text;
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
        }
        return total;
    }

    /**
     * The decoded bytes of one leaf part, streamed from a second pass over the message.
     *
     * @param in   the message's bytes; closed when the returned stream is closed (or now, when there is no such leaf)
     * @param leaf the part's number, from {@link Part#leaf()}
     * @return the stream, or null when the message has no such leaf
     * @throws IOException if the stream fails
     */
    public static InputStream openLeaf(InputStream in, int leaf) throws IOException {
        MimeTokenStream ts = stream();
        ts.parse(in);
        int leaves = 0;
        int depth = 0;
        try {
            for (EntityState st = ts.getState(); st != EntityState.T_END_OF_STREAM; st = ts.next()) {
                if (st == EntityState.T_START_MULTIPART) {
                    depth = deeper(ts, depth, null);
                } else if (st == EntityState.T_END_MULTIPART) {
                    depth--;
                }
                if (st == EntityState.T_BODY && ++leaves == leaf) {
                    return new FilterInputStream(ts.getDecodedInputStream()) {
                        @Override
                        public void close() throws IOException {
                            in.close();
                        }
                    };
                }
            }
        } catch (MimeException e) {
            // the structure ends here: no such leaf
        }
        in.close();
        return null;
    }
}
