package dev.mailkit.imap.internal.index;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The index's tables, created by the state's migration to schema version 6 (in the migration's transaction).
 * {@code envelopes} has a row per message of {@code messages}, bound to it by a foreign key that deletes the
 * row with the message (also when a folder is forgotten); {@code search} is a contentless FTS5 table whose
 * rows carry the envelope's id and leave with it (a trigger); {@code index_meta} says whether every message
 * was indexed as it came ({@code complete}).
 */
public final class IndexSchema {

    /** How text is prepared for the index; a different value makes the next repair rebuild the index. */
    public static final String TEXT_VERSION = "1";

    private IndexSchema() {
    }

    /** Deletes a message's full-text row with its envelope. */
    static final String TRIGGER = "CREATE TRIGGER envelopes_deleted AFTER DELETE ON envelopes BEGIN"
            + " DELETE FROM search WHERE rowid = old.id; END";

    /**
     * Creates the tables.
     *
     * @param s a statement inside the migration's transaction
     * @throws SQLException if SQLite refuses (an SQLite without FTS5)
     */
    public static void create(Statement s) throws SQLException {
        s.execute("CREATE TABLE envelopes (id INTEGER PRIMARY KEY, folder TEXT NOT NULL, uid INTEGER NOT NULL,"
                + " local_id TEXT NOT NULL, state INTEGER NOT NULL, date INTEGER NOT NULL, from_list TEXT NOT NULL,"
                + " to_list TEXT NOT NULL, cc_list TEXT NOT NULL, sender_sort TEXT NOT NULL, subject TEXT NOT NULL,"
                + " subject_sort TEXT NOT NULL, message_id TEXT NOT NULL, in_reply_to TEXT NOT NULL, refs TEXT NOT NULL,"
                + " attachments INTEGER NOT NULL, preview TEXT NOT NULL, UNIQUE (folder, uid),"
                + " FOREIGN KEY (folder, uid) REFERENCES messages(folder, uid) ON DELETE CASCADE)");
        s.execute("CREATE INDEX envelopes_by_date ON envelopes(folder, date, uid)");
        s.execute("CREATE INDEX envelopes_by_sender ON envelopes(folder, sender_sort, date DESC, uid DESC)");
        s.execute("CREATE INDEX envelopes_by_subject ON envelopes(folder, subject_sort, date DESC, uid DESC)");
        s.execute("CREATE INDEX envelopes_all_by_date ON envelopes(date)");
        s.execute("CREATE INDEX envelopes_unreadable ON envelopes(state) WHERE state = " + EnvelopeRow.UNREADABLE);
        s.execute("CREATE VIRTUAL TABLE search USING fts5(subject, sender, recipients, body, attachments, content='',"
                + " contentless_delete=1, tokenize=\"" + SearchText.TOKENIZER + "\")");
        // FTS5 merges its segments when 16 of a level exist instead of 4: a third less time per message indexed in
        // the sync's small transactions, the same query times at 100,000 messages, a somewhat larger file
        s.execute("INSERT INTO search(search, rank) VALUES ('automerge', 16)");
        s.execute(TRIGGER);
        s.execute("CREATE TABLE index_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        boolean empty;
        try (ResultSet rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM messages)")) {
            empty = rs.next() && rs.getInt(1) == 1;
        }
        s.execute("INSERT INTO index_meta VALUES ('text', '" + TEXT_VERSION + "'), ('complete', '" + (empty ? 1 : 0) + "')");
    }
}
