package dev.mailkit.imap.internal.index;

import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.internal.maildir.MaildirFiles;
import dev.mailkit.imap.internal.mime.MessageParser;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the envelope index on the state's connection. The state store asks it, before each transaction that
 * changes messages, for the rows of the messages whose envelope is missing or describes another file (a flag
 * change needs none), parses those files, and writes the rows inside that same transaction: a crash at any
 * point leaves both or neither. Deleted messages take their rows with them (foreign key, trigger).
 */
public final class EnvelopeIndex {

    private static final Logger LOG = LoggerFactory.getLogger(EnvelopeIndex.class);
    /** Messages looked up, parsed and written per step of a repair. */
    static final int BATCH = 500;

    private final Connection db;
    private final MaildirFiles files;
    private final Map<String, Character> separators = new HashMap<>();

    /**
     * An index writer.
     *
     * @param db    the state's connection
     * @param files where the messages' files are
     */
    public EnvelopeIndex(Connection db, MaildirFiles files) {
        this.db = db;
        this.files = files;
    }

    /**
     * The rows to write with an update of a folder's messages: one for each record whose envelope is missing,
     * describes another file, was made from a header only while the record now has the whole message (or the
     * other way), or could not be read before. Reads and parses files; call it outside the transaction.
     *
     * @param folder  the folder
     * @param upserts the records about to be written
     * @return the rows, by UID
     * @throws SQLException if the index cannot be read
     */
    public Map<Long, EnvelopeRow> prepare(String folder, Collection<MessageRecord> upserts) throws SQLException {
        if (upserts.isEmpty()) {
            return Map.of();
        }
        Map<Long, String[]> existing = existing(folder, upserts);
        Map<Long, EnvelopeRow> out = new LinkedHashMap<>();
        for (MessageRecord r : upserts) {
            String[] e = existing.get(r.uid());
            int wanted = r.headersOnly() ? EnvelopeRow.HEADER_ONLY : EnvelopeRow.WHOLE;
            if (e != null && e[0].equals(r.localId()) && Integer.parseInt(e[1]) == wanted) {
                continue;
            }
            out.put(r.uid(), row(folder, r, r.flags()));
        }
        return out;
    }

    /** The local id and state of the envelopes of these records' UIDs. */
    private Map<Long, String[]> existing(String folder, Collection<MessageRecord> upserts) throws SQLException {
        Map<Long, String[]> out = new HashMap<>();
        List<MessageRecord> all = new ArrayList<>(upserts);
        for (int from = 0; from < all.size(); from += BATCH) {
            List<MessageRecord> part = all.subList(from, Math.min(all.size(), from + BATCH));
            String sql = "SELECT uid, local_id, state FROM envelopes WHERE folder = ? AND uid IN ("
                    + String.join(",", Collections.nCopies(part.size(), "?")) + ")";
            try (PreparedStatement ps = db.prepareStatement(sql)) {
                ps.setString(1, folder);
                for (int i = 0; i < part.size(); i++) {
                    ps.setLong(i + 2, part.get(i).uid());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getLong(1), new String[] {rs.getString(2), String.valueOf(rs.getInt(3))});
                    }
                }
            }
        }
        return out;
    }

    /** Parses one message's file into its row; a file that cannot be read gives an {@link EnvelopeRow#UNREADABLE} row. */
    EnvelopeRow row(String folder, MessageRecord r, MessageFlags likelyFlags) throws SQLException {
        try (InputStream in = files.open(folder, separator(folder), r.localId(), likelyFlags)) {
            return EnvelopeRow.of(MessageParser.parse(in, MessageParser.INDEX), r);
        } catch (IOException | IllegalArgumentException e) {
            LOG.debug("cannot index {} in {}: {}", r.localId(), folder, e.toString());
            return EnvelopeRow.unreadable(r);
        } catch (RuntimeException e) {
            // mime4j failing on a message it cannot make sense of: the message is still listed
            LOG.debug("cannot parse {} in {}: {}", r.localId(), folder, e.toString());
            return EnvelopeRow.of(new MessageParser.Result(), r);
        }
    }

    private char separator(String folder) throws SQLException {
        Character c = separators.get(folder);
        if (c == null) {
            try (PreparedStatement ps = db.prepareStatement("SELECT separator FROM folders WHERE name = ?")) {
                ps.setString(1, folder);
                try (ResultSet rs = ps.executeQuery()) {
                    c = rs.next() ? (char) rs.getInt(1) : '/';
                }
            }
            separators.put(folder, c);
        }
        return c;
    }

    /**
     * Writes rows: replaces each UID's envelope and its full-text row. Call it inside the transaction that
     * writes the messages' records, after them.
     *
     * @param folder the folder
     * @param rows   the rows
     * @throws SQLException if SQLite refuses
     */
    public void write(String folder, Collection<EnvelopeRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        long id;
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM envelopes")) {
            id = rs.getLong(1);
        }
        try (PreparedStatement del = db.prepareStatement("DELETE FROM envelopes WHERE folder = ? AND uid = ?");
             PreparedStatement put = db.prepareStatement("INSERT INTO envelopes (id, folder, uid, local_id, state, date,"
                     + " from_list, to_list, cc_list, sender_sort, subject, subject_sort, message_id, in_reply_to, refs,"
                     + " attachments, preview) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
             PreparedStatement text = db.prepareStatement(
                     "INSERT INTO search (rowid, subject, sender, recipients, body, attachments) VALUES (?,?,?,?,?,?)")) {
            for (EnvelopeRow r : rows) {
                del.setString(1, folder);
                del.setLong(2, r.uid());
                del.addBatch();
            }
            del.executeBatch();
            for (EnvelopeRow r : rows) {
                id++;
                put.setLong(1, id);
                put.setString(2, folder);
                put.setLong(3, r.uid());
                put.setString(4, r.localId());
                put.setInt(5, r.state());
                put.setLong(6, r.date());
                put.setString(7, r.from());
                put.setString(8, r.to());
                put.setString(9, r.cc());
                put.setString(10, r.senderSort());
                put.setString(11, r.subject());
                put.setString(12, r.subjectSort());
                put.setString(13, r.messageId());
                put.setString(14, r.inReplyTo());
                put.setString(15, r.references());
                put.setInt(16, r.attachments() ? 1 : 0);
                put.setString(17, r.preview());
                put.addBatch();
                text.setLong(1, id);
                text.setString(2, SearchText.forIndex(r.subject()));
                text.setString(3, SearchText.forIndex(r.senderText()));
                text.setString(4, SearchText.forIndex(r.recipientText()));
                text.setString(5, SearchText.forIndex(r.bodyText()));
                text.setString(6, SearchText.forIndex(r.fileNames()));
                text.addBatch();
            }
            put.executeBatch();
            text.executeBatch();
        }
    }

    /**
     * Whether every message was indexed as it came, so that no repair is needed: the meta flag is set, the
     * text version is this code's, and no row waits for its file to become readable.
     *
     * @param db the state's connection
     * @return true when the index needs no repair
     * @throws SQLException if the state cannot be read
     */
    public static boolean complete(Connection db) throws SQLException {
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT value FROM index_meta WHERE key = 'complete') = '1'"
                     + " AND (SELECT value FROM index_meta WHERE key = 'text') = '" + IndexSchema.TEXT_VERSION + "'"
                     + " AND NOT EXISTS (SELECT 1 FROM envelopes WHERE state = " + EnvelopeRow.UNREADABLE + ")")) {
            return rs.next() && rs.getInt(1) == 1;
        }
    }

    /**
     * Marks the index incomplete: messages are being written without their rows (a synchronizer built with
     * the index turned off), so the next repair compares every message with its row.
     *
     * @param db the state's connection
     * @throws SQLException if the state cannot be written
     */
    public static void markIncomplete(Connection db) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.executeUpdate("UPDATE index_meta SET value = '0' WHERE key = 'complete' AND value <> '0'");
        }
    }

    /** One step of a repair: the messages whose rows are missing or stale, after a key, in key order. */
    List<MessageRecord> stale(String afterFolder, long afterUid, boolean all) throws SQLException {
        String sql = "SELECT m.* FROM messages m LEFT JOIN envelopes e ON e.folder = m.folder AND e.uid = m.uid"
                + " WHERE (m.folder > ? OR m.folder = ? AND m.uid > ?)"
                + (all ? "" : " AND (e.id IS NULL OR e.local_id <> m.local_id OR e.state = " + EnvelopeRow.UNREADABLE
                        + " OR e.state <> 1 - m.headers_only)")
                + " ORDER BY m.folder, m.uid LIMIT " + BATCH;
        List<MessageRecord> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, afterFolder);
            ps.setString(2, afterFolder);
            ps.setLong(3, afterUid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new MessageRecord(rs.getString("folder"), rs.getLong("uid"), rs.getString("local_id"),
                            MessageFlags.parse(rs.getString("flags")), rs.getString("message_id"), rs.getLong("size"),
                            Instant.ofEpochMilli(rs.getLong("internal_date")), rs.getInt("headers_only") != 0));
                }
            }
        }
        return out;
    }

    /** The transaction a repair step runs its writes in (the store's own). */
    public interface Transaction {
        /**
         * Runs the work in one transaction.
         *
         * @param work the writes
         */
        void run(SqlWork work);
    }

    /** Writes on the connection. */
    public interface SqlWork {
        /**
         * Does the writes.
         *
         * @throws SQLException if SQLite refuses
         */
        void run() throws SQLException;
    }

    /**
     * Indexes every message whose row is missing or stale ({@code rebuild}: every message), a batch per
     * transaction, then marks the index complete.
     *
     * @param rebuild whether to index every message again
     * @param tx      how to run a transaction on the connection
     * @return how many messages were indexed
     * @throws SQLException if the state cannot be read or written
     */
    public int repair(boolean rebuild, Transaction tx) throws SQLException {
        int done = 0;
        String folder = "";
        long uid = -1;
        if (rebuild) {
            // everything at once: deleting rows one by one from the full-text table costs more than indexing them
            tx.run(() -> {
                try (Statement s = db.createStatement()) {
                    s.execute("DROP TRIGGER IF EXISTS envelopes_deleted");
                    s.executeUpdate("DELETE FROM envelopes");
                    s.execute("INSERT INTO search(search) VALUES ('delete-all')");
                    s.execute(IndexSchema.TRIGGER);
                    s.executeUpdate("UPDATE index_meta SET value = '0' WHERE key = 'complete'");
                }
            });
        }
        while (true) {
            List<MessageRecord> step = stale(folder, uid, rebuild);
            if (step.isEmpty()) {
                break;
            }
            Map<String, List<EnvelopeRow>> rows = new LinkedHashMap<>();
            for (MessageRecord r : step) {
                rows.computeIfAbsent(r.folder(), k -> new ArrayList<>()).add(row(r.folder(), r, r.flags()));
            }
            tx.run(() -> {
                for (Map.Entry<String, List<EnvelopeRow>> e : rows.entrySet()) {
                    write(e.getKey(), e.getValue());
                }
            });
            done += step.size();
            MessageRecord last = step.get(step.size() - 1);
            folder = last.folder();
            uid = last.uid();
        }
        tx.run(() -> {
            try (Statement s = db.createStatement()) {
                s.executeUpdate("INSERT OR REPLACE INTO index_meta VALUES ('complete', '1'), ('text', '"
                        + IndexSchema.TEXT_VERSION + "')");
            }
        });
        return done;
    }
}
