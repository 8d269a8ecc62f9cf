package dev.mailkit.imap.internal.index;

import dev.mailkit.imap.QuerySyntaxException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the query language of {@link dev.mailkit.imap.LocalMailbox#search}: words, {@code "phrases"},
 * {@code prefix*}, {@code field:value} ({@code from to subject body filename has is folder after before}),
 * {@code -term}; terms separated by white space and combined with AND. Anything it cannot read is a
 * {@link QuerySyntaxException} naming the problem and where it is, never a guess.
 */
public final class QueryParser {

    /** The longest query, in characters. */
    public static final int MAX_CHARS = 1_000;
    /** The most terms in a query. */
    public static final int MAX_TERMS = 32;

    private static final Map<String, Query.Field> TEXT_FIELDS = Map.of("from", Query.Field.FROM, "to", Query.Field.TO,
            "subject", Query.Field.SUBJECT, "body", Query.Field.BODY, "filename", Query.Field.FILENAME,
            "attachment", Query.Field.FILENAME);
    private static final String FIELDS = "from, to, subject, body, filename, has, is, folder, after, before";

    private final String q;
    private final ZoneId zone;
    private int pos;

    private QueryParser(String q, ZoneId zone) {
        this.q = q;
        this.zone = zone;
    }

    /**
     * Parses a query.
     *
     * @param query the query
     * @param zone  where the days of after: and before: start
     * @return the query
     * @throws QuerySyntaxException if it cannot be read
     */
    public static Query parse(String query, ZoneId zone) {
        if (query == null) {
            throw new QuerySyntaxException("", 0, "no query given");
        }
        if (query.length() > MAX_CHARS) {
            throw new QuerySyntaxException(query, MAX_CHARS, "the query is " + query.length() + " characters long; at most "
                    + MAX_CHARS + " are read");
        }
        return new QueryParser(query, zone).terms();
    }

    private QuerySyntaxException error(int at, String problem) {
        return new QuerySyntaxException(q, at, problem);
    }

    private Query terms() {
        List<Query.Term> terms = new ArrayList<>();
        while (true) {
            while (pos < q.length() && Character.isWhitespace(q.charAt(pos))) {
                pos++;
            }
            if (pos >= q.length()) {
                break;
            }
            int start = pos;
            terms.add(term());
            if (terms.size() > MAX_TERMS) {
                throw error(start, "more than " + MAX_TERMS + " terms");
            }
        }
        if (terms.isEmpty()) {
            throw error(0, "the query is empty: give words to look for, or terms such as is:unread");
        }
        return new Query(q, List.copyOf(terms));
    }

    private Query.Term term() {
        int start = pos;
        boolean negated = false;
        if (q.charAt(pos) == '-') {
            negated = true;
            pos++;
            if (pos >= q.length() || Character.isWhitespace(q.charAt(pos))) {
                throw error(start, "'-' must come right before the term it excludes, as in -word or -is:unread");
            }
        }
        if (q.charAt(pos) == '"') {
            return words(Query.Field.ANY, negated);
        }
        int colon = fieldEnd();
        if (colon < 0) {
            return words(Query.Field.ANY, negated);
        }
        String field = q.substring(pos, colon).toLowerCase(Locale.ROOT);
        int fieldAt = pos;
        pos = colon + 1;
        if (pos >= q.length() || Character.isWhitespace(q.charAt(pos))) {
            throw error(fieldAt, "'" + field + ":' needs a value right after the colon, as in " + field + ":" + example(field));
        }
        Query.Field text = TEXT_FIELDS.get(field);
        if (text != null) {
            return words(text, negated);
        }
        int valueAt = pos;
        String value = value();
        String v = value.toLowerCase(Locale.ROOT);
        switch (field) {
            case "has" -> {
                if (v.equals("attachment") || v.equals("attachments")) {
                    return new Query.HasAttachment(negated);
                }
                throw error(valueAt, "has:" + value + " is not known; has:attachment is");
            }
            case "is" -> {
                return switch (v) {
                    case "unread" -> new Query.Flag(Query.FlagName.SEEN, false, negated);
                    case "read", "seen" -> new Query.Flag(Query.FlagName.SEEN, true, negated);
                    case "flagged", "starred" -> new Query.Flag(Query.FlagName.FLAGGED, true, negated);
                    case "answered", "replied" -> new Query.Flag(Query.FlagName.ANSWERED, true, negated);
                    case "draft" -> new Query.Flag(Query.FlagName.DRAFT, true, negated);
                    default -> throw error(valueAt, "is:" + value + " is not known; use is:unread, is:read, is:flagged,"
                            + " is:answered or is:draft");
                };
            }
            case "folder", "in" -> {
                return new Query.Folder(value, negated);
            }
            case "after", "before" -> {
                return new Query.Date(field.equals("after"), day(value, valueAt), negated);
            }
            default -> throw error(fieldAt, "unknown field '" + field + ":' (known: " + FIELDS + "); to look for the text '"
                    + field + ":', put it in quotes");
        }
    }

    private static String example(String field) {
        return switch (field) {
            case "is" -> "unread";
            case "has" -> "attachment";
            case "after", "before" -> "2026-01-31";
            case "folder" -> "INBOX";
            default -> "alice";
        };
    }

    /** The end of a {@code field:} prefix at the position (letters then a colon), or -1. */
    private int fieldEnd() {
        int i = pos;
        while (i < q.length() && (q.charAt(i) >= 'a' && q.charAt(i) <= 'z' || q.charAt(i) >= 'A' && q.charAt(i) <= 'Z')) {
            i++;
        }
        return i > pos && i < q.length() && q.charAt(i) == ':' ? i : -1;
    }

    /** A bare value (to the next white space) or a quoted one. */
    private String value() {
        if (q.charAt(pos) == '"') {
            int open = pos;
            int close = q.indexOf('"', pos + 1);
            if (close < 0) {
                throw error(open, "the quote opened here is never closed");
            }
            pos = close + 1;
            return q.substring(open + 1, close);
        }
        int start = pos;
        while (pos < q.length() && !Character.isWhitespace(q.charAt(pos))) {
            if (q.charAt(pos) == '"') {
                throw error(pos, "a quote inside a word; quote the whole value, as in \"a b\"");
            }
            pos++;
        }
        return q.substring(start, pos);
    }

    private Query.Words words(Query.Field field, boolean negated) {
        int at = pos;
        boolean quoted = q.charAt(pos) == '"';
        String value = value();
        boolean prefix = false;
        if (!quoted && value.endsWith("*")) {
            prefix = true;
            value = value.substring(0, value.length() - 1);
        }
        if (value.contains("*")) {
            throw error(at, "'*' may only end a word, as in repo*");
        }
        if (SearchText.tokens(SearchText.forQuery(value)).isEmpty()) {
            throw error(at, quoted && value.isBlank() ? "an empty phrase \"\""
                    : "'" + value + "' has no letters, digits or symbols to look for");
        }
        return new Query.Words(field, value, prefix, negated);
    }

    private long day(String value, int at) {
        try {
            return LocalDate.parse(value.replace('/', '-')).atStartOfDay(zone).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw error(at, "'" + value + "' is not a date; write it as 2026-01-31");
        }
    }
}
