package dev.mailkit.imap.internal.index;

import java.util.ArrayList;
import java.util.List;

/**
 * A query's SQL over the index: one {@code WHERE} condition and its parameters. The words and phrases it must
 * contain are one FTS5 {@code MATCH} (their AND); each excluded word or phrase a {@code NOT IN} of its own
 * {@code MATCH}; flags, folders, dates and attachments conditions on the envelope and its message.
 *
 * <p>The FTS5 expression of a word or phrase is its text prepared by {@link SearchText#forQuery} in a string
 * (which FTS5 tokenizes as it tokenized the documents, so a word with punctuation is the phrase of its parts),
 * followed by {@code *} for a prefix, and for a single Chinese or Japanese character (which starts one of the
 * tokens of every run holding it).
 *
 * @param where      the condition, over {@code e} (envelopes), {@code m} (messages) and {@code c} (local changes)
 * @param parameters its parameters, in order
 * @param match      the FTS5 expression every match must satisfy, or null when the query has no such words
 * @param usesFlags  whether the condition reads the messages' flags (so {@code m} must be joined)
 */
public record SearchSql(String where, List<Object> parameters, String match, boolean usesFlags) {

    /** The effective flags of a row: the local change's, else the last sync's. */
    private static final String FLAGS = "(' ' || COALESCE(c.flags, m.flags) || ' ')";

    /**
     * The SQL of a query.
     *
     * @param query the parsed query
     * @return the condition and its parameters
     */
    public static SearchSql of(Query query) {
        StringBuilder where = new StringBuilder("(c.kind IS NULL OR c.kind = 'KEPT')");
        List<Object> params = new ArrayList<>();
        List<String> positive = new ArrayList<>();
        boolean flags = false;
        for (Query.Term t : query.terms()) {
            if (t instanceof Query.Words w && !w.negated()) {
                positive.add(fts(w));
                continue;
            }
            where.append(t.negated() ? " AND NOT (" : " AND (");
            if (t instanceof Query.Words w) {
                where.append("e.id IN (SELECT rowid FROM search WHERE search MATCH ?)");
                params.add(fts(w));
            } else if (t instanceof Query.Flag f) {
                flags = true;
                where.append(FLAGS).append(f.set() ? " LIKE " : " NOT LIKE ").append("'% \\").append(switch (f.flag()) {
                    case SEEN -> "Seen";
                    case FLAGGED -> "Flagged";
                    case ANSWERED -> "Answered";
                    case DRAFT -> "Draft";
                }).append(" %'");
            } else if (t instanceof Query.HasAttachment) {
                where.append("e.attachments = 1");
            } else if (t instanceof Query.Folder f) {
                if (f.name().equalsIgnoreCase("INBOX")) {
                    where.append("e.folder = 'INBOX' COLLATE NOCASE");
                } else {
                    where.append("e.folder = ?");
                    params.add(f.name());
                }
            } else if (t instanceof Query.Date d) {
                where.append(d.after() ? "e.date >= ?" : "e.date < ?");
                params.add(d.epochMillis());
            }
            where.append(')');
        }
        String match = positive.isEmpty() ? null : String.join(" AND ", positive);
        return new SearchSql(where.toString(), params, match, flags);
    }

    /**
     * The FTS5 expression of a word or phrase.
     *
     * @param w the term
     * @return the expression, for example {@code sender : "alice"} or {@code "会议 议室"}
     */
    public static String fts(Query.Words w) {
        String prepared = SearchText.forQuery(w.text()).strip();
        List<String> tokens = SearchText.tokens(prepared);
        boolean oneCjk = tokens.size() == 1 && tokens.get(0).codePointCount(0, tokens.get(0).length()) == 1
                && SearchText.isCjk(tokens.get(0).codePointAt(0));
        String expr = "\"" + prepared.replace("\"", "\"\"") + "\"" + (w.prefix() || oneCjk ? " *" : "");
        return w.field().column() == null ? expr : w.field().column() + " : " + expr;
    }
}
