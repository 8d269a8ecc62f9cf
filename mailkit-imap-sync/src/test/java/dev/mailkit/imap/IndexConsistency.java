package dev.mailkit.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.imap.internal.index.EnvelopeIndex;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Checks the envelope index against the sync state, reading the SQLite file directly (no repair runs first):
 * every message has exactly one envelope describing its current file, no envelope outlives its message, every
 * envelope has its full-text row and no full-text row is left without one.
 */
final class IndexConsistency {

    private IndexConsistency() {
    }

    static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.getLong(1);
        }
    }

    /**
     * Asserts the index equals the state.
     *
     * @param maildir the mirror
     * @param context what to say on failure (a seed, a kill number)
     * @return the number of messages
     */
    static long assertConsistent(Path maildir, String context) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + maildir.resolve("mailkit-state.db"));
             Statement s = c.createStatement()) {
            long messages = count(s, "SELECT count(*) FROM messages");
            assertThat(count(s, "SELECT count(*) FROM messages m LEFT JOIN envelopes e ON e.folder = m.folder"
                    + " AND e.uid = m.uid WHERE e.id IS NULL OR e.local_id <> m.local_id"))
                    .as("messages without an envelope of their file (%s)", context).isZero();
            assertThat(count(s, "SELECT count(*) FROM envelopes e LEFT JOIN messages m ON m.folder = e.folder"
                    + " AND m.uid = e.uid WHERE m.uid IS NULL")).as("envelopes without a message (%s)", context).isZero();
            assertThat(count(s, "SELECT count(*) FROM envelopes")).as("one envelope per message (%s)", context)
                    .isEqualTo(messages);
            assertThat(count(s, "SELECT count(*) FROM search_docsize")).as("full-text rows (%s)", context)
                    .isEqualTo(messages);
            assertThat(count(s, "SELECT count(*) FROM envelopes WHERE id NOT IN (SELECT id FROM search_docsize)"))
                    .as("envelopes without a full-text row (%s)", context).isZero();
            assertThat(count(s, "SELECT count(*) FROM envelopes WHERE state = 2")).as("unreadable files (%s)", context).isZero();
            assertThat(EnvelopeIndex.complete(c)).as("index complete (%s)", context).isTrue();
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            return messages;
        }
    }
}
