package dev.mailkit.imap.internal.state;

import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.SyncStateException;
import dev.mailkit.imap.spi.FolderAction;
import dev.mailkit.imap.spi.LocalChange;
import dev.mailkit.imap.internal.index.EnvelopeIndex;
import dev.mailkit.imap.internal.index.EnvelopeRow;
import dev.mailkit.imap.internal.index.IndexSchema;
import dev.mailkit.imap.internal.maildir.MaildirFiles;
import dev.mailkit.imap.spi.SyncStateStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The sync state in one SQLite file (WAL journal), one connection, synchronized access. */
public final class SqliteSyncStateStore implements SyncStateStore {

    /** The schema version this code writes; a file with a higher one is refused. */
    public static final int SCHEMA_VERSION = 6;

    private final Path file;
    private final Connection db;
    /** Writes the envelope index with every change of messages, or null when this store keeps none. */
    private EnvelopeIndex index;

    /**
     * Opens or creates the database.
     *
     * @param file the database file
     * @throws SyncStateException if it cannot be opened, or holds a newer schema
     */
    public SqliteSyncStateStore(Path file) {
        this(file, false);
    }

    /**
     * Opens or creates the database.
     *
     * @param file    the database file
     * @param durable whether each commit waits for the disk ({@code synchronous=FULL}); otherwise a
     *                power loss may undo the last commits (never corrupt the file)
     * @throws SyncStateException if it cannot be opened, or holds a newer schema
     */
    public SqliteSyncStateStore(Path file, boolean durable) {
        this.file = file;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (Files.isDirectory(file)) {
                throw new SyncStateException("sync state path " + file + " is a directory, not a database file", null);
            }
            db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA foreign_keys=ON");
                int version;
                try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                    version = rs.getInt(1);
                }
                if (version > SCHEMA_VERSION) {
                    db.close();
                    throw new SyncStateException("sync state " + file + " was written by a newer mailkit (schema "
                            + version + ", this version reads up to " + SCHEMA_VERSION + "); upgrade mailkit", null);
                }
                if (version < SCHEMA_VERSION) {
                    migrate(s, version);
                }
            }
        } catch (SQLException | IOException e) {
            throw new SyncStateException("cannot open sync state " + file + ": " + e.getMessage(), e);
        }
    }

    /** Creates or upgrades the schema in one transaction: a crash leaves the old version intact. */
    private void migrate(Statement s, int from) throws SQLException {
        db.setAutoCommit(false);
        try {
            int version = from;
            if (version == 0) {
                s.execute("CREATE TABLE IF NOT EXISTS folders (name TEXT PRIMARY KEY, separator INTEGER NOT NULL,"
                        + " uidvalidity INTEGER NOT NULL, uidnext INTEGER NOT NULL, highestmodseq INTEGER NOT NULL,"
                        + " special_use TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS messages (folder TEXT NOT NULL REFERENCES folders(name)"
                        + " ON DELETE CASCADE, uid INTEGER NOT NULL, local_id TEXT NOT NULL, flags TEXT NOT NULL,"
                        + " message_id TEXT NOT NULL, size INTEGER NOT NULL, internal_date INTEGER NOT NULL,"
                        + " PRIMARY KEY (folder, uid))");
                s.execute("CREATE INDEX IF NOT EXISTS messages_by_message_id ON messages(message_id)");
                version = 1;
            }
            if (version == 1) {
                s.execute("ALTER TABLE messages ADD COLUMN headers_only INTEGER NOT NULL DEFAULT 0");
                version = 2;
            }
            if (version == 2) {
                s.execute("CREATE TABLE local_changes (folder TEXT NOT NULL, uid INTEGER NOT NULL, flags TEXT,"
                        + " kind TEXT NOT NULL, target TEXT, PRIMARY KEY (folder, uid),"
                        + " FOREIGN KEY (folder, uid) REFERENCES messages(folder, uid) ON DELETE CASCADE)");
                s.execute("CREATE TABLE uploads (folder TEXT NOT NULL REFERENCES folders(name) ON DELETE CASCADE,"
                        + " local_id TEXT NOT NULL, PRIMARY KEY (folder, local_id))");
                s.execute("CREATE TABLE folder_actions (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,"
                        + " name TEXT NOT NULL, new_name TEXT)");
                version = 3;
            }
            if (version == 3) {
                s.execute("CREATE TABLE flags_in_flight (folder TEXT NOT NULL, uid INTEGER NOT NULL, sent TEXT NOT NULL,"
                        + " base TEXT NOT NULL, PRIMARY KEY (folder, uid),"
                        + " FOREIGN KEY (folder, uid) REFERENCES messages(folder, uid) ON DELETE CASCADE)");
                version = 4;
            }
            if (version == 4) {
                // the local flags a change in flight came from (NULL in rows written before: the flags sent)
                s.execute("ALTER TABLE flags_in_flight ADD COLUMN local TEXT");
                // the flags an upload or move started with (NULL: not recorded)
                s.execute("ALTER TABLE uploads ADD COLUMN flags TEXT");
                version = 5;
            }
            if (version == 5) {
                // the envelope index and its full-text table; existing messages are indexed by the next repair
                IndexSchema.create(s);
            }
            s.execute("PRAGMA user_version=" + SCHEMA_VERSION);
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    /**
     * Keeps the envelope index from now on: every change of messages writes their index rows in its own
     * transaction. Call it before the first change.
     *
     * @param files where the messages' files are
     */
    public synchronized void keepIndex(MaildirFiles files) {
        this.index = new EnvelopeIndex(db, files);
    }

    /**
     * Notes that messages will be written without index rows (a synchronizer with the index turned off), so that
     * a later repair compares every message with its row.
     */
    public synchronized void withoutIndex() {
        this.index = null;
        try {
            EnvelopeIndex.markIncomplete(db);
        } catch (SQLException e) {
            throw fail("mark the index incomplete", e);
        }
    }

    /**
     * Indexes what the index lacks: every message after a state written without it, messages whose files could
     * not be read before; with {@code rebuild}, every message again. Does nothing, quickly, when the index is complete.
     *
     * @param files   where the messages' files are
     * @param rebuild whether to index every message again
     * @return how many messages were indexed
     * @throws SyncStateException if the state cannot be read or written
     */
    public synchronized int repairIndex(MaildirFiles files, boolean rebuild) {
        try {
            boolean oldText;
            try (Statement s = db.createStatement();
                 ResultSet rs = s.executeQuery("SELECT value FROM index_meta WHERE key = 'text'")) {
                oldText = !rs.next() || !IndexSchema.TEXT_VERSION.equals(rs.getString(1));
            }
            if (!rebuild && !oldText && EnvelopeIndex.complete(db)) {
                return 0;
            }
            EnvelopeIndex writer = index != null ? index : new EnvelopeIndex(db, files);
            return writer.repair(rebuild || oldText, work -> inTransaction("index messages", work::run));
        } catch (SQLException e) {
            throw fail("repair the envelope index", e);
        }
    }

    @Override
    public synchronized List<FolderState> folders() {
        List<FolderState> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT * FROM folders ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(folder(rs));
            }
            return out;
        } catch (SQLException e) {
            throw fail("read folders", e);
        }
    }

    @Override
    public synchronized Optional<FolderState> folder(String name) {
        try (PreparedStatement ps = db.prepareStatement("SELECT * FROM folders WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(folder(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw fail("read folder " + name, e);
        }
    }

    private static FolderState folder(ResultSet rs) throws SQLException {
        return new FolderState(rs.getString("name"), (char) rs.getInt("separator"), rs.getLong("uidvalidity"),
                rs.getLong("uidnext"), rs.getLong("highestmodseq"), rs.getString("special_use"));
    }

    @Override
    public synchronized void saveFolder(FolderState s) {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO folders VALUES (?,?,?,?,?,?) ON CONFLICT(name) DO UPDATE"
                + " SET separator=excluded.separator, uidvalidity=excluded.uidvalidity, uidnext=excluded.uidnext,"
                + " highestmodseq=excluded.highestmodseq, special_use=excluded.special_use")) {
            ps.setString(1, s.name());
            ps.setInt(2, s.separator());
            ps.setLong(3, s.uidValidity());
            ps.setLong(4, s.uidNext());
            ps.setLong(5, s.highestModSeq());
            ps.setString(6, s.specialUse());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw fail("save folder " + s.name(), e);
        }
    }

    @Override
    public synchronized void deleteFolder(String name) {
        try (PreparedStatement ps = db.prepareStatement("DELETE FROM folders WHERE name = ?")) {
            ps.setString(1, name);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw fail("delete folder " + name, e);
        }
    }

    @Override
    public synchronized List<MessageRecord> messages(String folder) {
        return query("SELECT * FROM messages WHERE folder = ? ORDER BY uid", folder);
    }

    @Override
    public synchronized int messageCount(String folder) {
        try (PreparedStatement ps = db.prepareStatement("SELECT COUNT(*) FROM messages WHERE folder = ?")) {
            ps.setString(1, folder);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw fail("count messages", e);
        }
    }

    @Override
    public synchronized List<MessageRecord> messagesFrom(String folder, long fromUid) {
        return query("SELECT * FROM messages WHERE folder = ? AND uid >= " + fromUid + " ORDER BY uid", folder);
    }

    @Override
    public synchronized Optional<MessageRecord> message(String folder, long uid) {
        List<MessageRecord> out = query("SELECT * FROM messages WHERE folder = ? AND uid = " + uid, folder);
        return out.isEmpty() ? Optional.empty() : Optional.of(out.get(0));
    }

    @Override
    public synchronized List<MessageRecord> findByMessageId(String messageId) {
        return query("SELECT * FROM messages WHERE message_id = ? ORDER BY folder, uid", messageId);
    }

    /** Message-IDs asked for in one query by {@link #findByMessageIds} (SQLite allows 32,766 parameters). */
    private static final int IDS_PER_QUERY = 500;

    @Override
    public synchronized Map<String, List<MessageRecord>> findByMessageIds(Collection<String> messageIds) {
        List<String> distinct = List.copyOf(new LinkedHashSet<>(messageIds));
        Map<String, List<MessageRecord>> found = new HashMap<>();
        for (int from = 0; from < distinct.size(); from += IDS_PER_QUERY) {
            List<String> ids = distinct.subList(from, Math.min(distinct.size(), from + IDS_PER_QUERY));
            String sql = "SELECT * FROM messages WHERE message_id IN (" + String.join(",", Collections.nCopies(ids.size(), "?"))
                    + ") ORDER BY folder, uid";
            for (MessageRecord r : query(sql, ids)) {
                found.computeIfAbsent(r.messageId(), k -> new ArrayList<>()).add(r);
            }
        }
        return found;
    }

    private List<MessageRecord> query(String sql, String arg) {
        return query(sql, List.of(arg));
    }

    private List<MessageRecord> query(String sql, List<String> args) {
        List<MessageRecord> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setString(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new MessageRecord(rs.getString("folder"), rs.getLong("uid"), rs.getString("local_id"),
                            MessageFlags.parse(rs.getString("flags")), rs.getString("message_id"), rs.getLong("size"),
                            Instant.ofEpochMilli(rs.getLong("internal_date")), rs.getInt("headers_only") != 0));
                }
            }
            return out;
        } catch (SQLException e) {
            throw fail("read messages", e);
        }
    }

    @Override
    public synchronized void update(String folder, Collection<MessageRecord> upserts, Collection<Long> removed) {
        if (upserts.isEmpty() && removed.isEmpty()) {
            return;
        }
        Map<Long, EnvelopeRow> envelopes;
        try {
            // files read and parsed before the transaction; their rows are written inside it, with the records
            envelopes = index == null ? Map.of() : index.prepare(folder, upserts);
        } catch (SQLException e) {
            throw fail("read the envelope index of " + folder, e);
        }
        inTransaction("update messages of " + folder, () -> {
            try (PreparedStatement del = db.prepareStatement("DELETE FROM messages WHERE folder = ? AND uid = ?");
                 // An upsert, not INSERT OR REPLACE: REPLACE deletes the old row, and the deletion would cascade
                 // to the message's pending local change and its flag change in flight.
                 PreparedStatement put = db.prepareStatement("INSERT INTO messages"
                         + " (folder, uid, local_id, flags, message_id, size, internal_date, headers_only)"
                         + " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (folder, uid) DO UPDATE SET local_id = excluded.local_id,"
                         + " flags = excluded.flags, message_id = excluded.message_id, size = excluded.size,"
                         + " internal_date = excluded.internal_date, headers_only = excluded.headers_only")) {
                for (long uid : removed) {
                    del.setString(1, folder);
                    del.setLong(2, uid);
                    del.addBatch();
                }
                del.executeBatch();
                for (MessageRecord m : upserts) {
                    put.setString(1, folder);
                    put.setLong(2, m.uid());
                    put.setString(3, m.localId());
                    put.setString(4, m.flags().toImapString());
                    put.setString(5, m.messageId());
                    put.setLong(6, m.size());
                    put.setLong(7, m.internalDate().toEpochMilli());
                    put.setInt(8, m.headersOnly() ? 1 : 0);
                    put.addBatch();
                }
                put.executeBatch();
            }
            if (index != null) {
                index.write(folder, envelopes.values());
            }
        });
    }

    /** Work on the connection inside a transaction. */
    interface SqlWork {
        void run() throws SQLException;
    }

    /** Runs {@code work} in one transaction: all of it or, on failure, none. */
    private void inTransaction(String what, SqlWork work) {
        try {
            db.setAutoCommit(false);
            try {
                work.run();
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw fail(what, e);
        }
    }

    @Override
    public synchronized List<LocalChange> localChanges(String folder) {
        List<LocalChange> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT * FROM local_changes WHERE folder = ? ORDER BY uid")) {
            ps.setString(1, folder);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String flags = rs.getString("flags");
                    out.add(new LocalChange(folder, rs.getLong("uid"), flags == null ? null : MessageFlags.parse(flags),
                            LocalChange.Kind.valueOf(rs.getString("kind")), rs.getString("target")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw fail("read local changes of " + folder, e);
        }
    }

    @Override
    public synchronized void saveLocalChange(LocalChange c) {
        try (PreparedStatement ps = db.prepareStatement("INSERT OR REPLACE INTO local_changes VALUES (?,?,?,?,?)")) {
            ps.setString(1, c.folder());
            ps.setLong(2, c.uid());
            ps.setString(3, c.flags() == null ? null : c.flags().toImapString());
            ps.setString(4, c.kind().name());
            ps.setString(5, c.target());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw fail("save a local change in " + c.folder(), e);
        }
    }

    @Override
    public synchronized void clearLocalChanges(String folder, Collection<Long> uids) {
        if (uids.isEmpty()) {
            return;
        }
        inTransaction("clear local changes of " + folder, () -> {
            try (PreparedStatement ps = db.prepareStatement("DELETE FROM local_changes WHERE folder = ? AND uid = ?")) {
                for (long uid : uids) {
                    ps.setString(1, folder);
                    ps.setLong(2, uid);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    @Override
    public synchronized void saveFlagsInFlight(String folder, Map<Long, FlagsInFlight> changes) {
        if (changes.isEmpty()) {
            return;
        }
        inTransaction("record flags in flight in " + folder, () -> {
            try (PreparedStatement ps = db.prepareStatement(
                    "INSERT OR REPLACE INTO flags_in_flight (folder, uid, sent, base, local) VALUES (?,?,?,?,?)")) {
                for (Map.Entry<Long, FlagsInFlight> e : changes.entrySet()) {
                    ps.setString(1, folder);
                    ps.setLong(2, e.getKey());
                    ps.setString(3, e.getValue().sent().toImapString());
                    ps.setString(4, e.getValue().base().toImapString());
                    ps.setString(5, e.getValue().local().toImapString());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    @Override
    public synchronized Map<Long, FlagsInFlight> flagsInFlight(String folder) {
        Map<Long, FlagsInFlight> out = new java.util.TreeMap<>();
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT uid, sent, base, local FROM flags_in_flight WHERE folder = ?")) {
            ps.setString(1, folder);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    MessageFlags sent = MessageFlags.parse(rs.getString(2));
                    String local = rs.getString(4);
                    out.put(rs.getLong(1), new FlagsInFlight(sent, MessageFlags.parse(rs.getString(3)),
                            local == null ? sent : MessageFlags.parse(local)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw fail("read flags in flight", e);
        }
    }

    @Override
    public synchronized void clearFlagsInFlight(String folder, Collection<Long> uids) {
        if (uids.isEmpty()) {
            return;
        }
        inTransaction("clear flags in flight in " + folder, () -> {
            try (PreparedStatement ps = db.prepareStatement("DELETE FROM flags_in_flight WHERE folder = ? AND uid = ?")) {
                for (long uid : uids) {
                    ps.setString(1, folder);
                    ps.setLong(2, uid);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    @Override
    public synchronized Set<String> uploadsStarted(String folder) {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT local_id FROM uploads WHERE folder = ?")) {
            ps.setString(1, folder);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw fail("read uploads of " + folder, e);
        }
    }

    @Override
    public synchronized void markUpload(String folder, String localId, boolean started) {
        try (PreparedStatement ps = db.prepareStatement(started
                ? "INSERT OR REPLACE INTO uploads (folder, local_id) VALUES (?,?)"
                : "DELETE FROM uploads WHERE folder = ? AND local_id = ?")) {
            ps.setString(1, folder);
            ps.setString(2, localId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw fail("record an upload in " + folder, e);
        }
    }

    @Override
    public synchronized void startUpload(String folder, String localId, MessageFlags flags) {
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT OR REPLACE INTO uploads (folder, local_id, flags) VALUES (?,?,?)")) {
            ps.setString(1, folder);
            ps.setString(2, localId);
            ps.setString(3, flags.toImapString());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw fail("record an upload in " + folder, e);
        }
    }

    @Override
    public synchronized Optional<MessageFlags> uploadFlags(String folder, String localId) {
        try (PreparedStatement ps = db.prepareStatement("SELECT flags FROM uploads WHERE folder = ? AND local_id = ?")) {
            ps.setString(1, folder);
            ps.setString(2, localId);
            try (ResultSet rs = ps.executeQuery()) {
                String flags = rs.next() ? rs.getString(1) : null;
                return flags == null ? Optional.empty() : Optional.of(MessageFlags.parse(flags));
            }
        } catch (SQLException e) {
            throw fail("read uploads of " + folder, e);
        }
    }

    @Override
    public synchronized List<FolderAction> folderActions() {
        List<FolderAction> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT * FROM folder_actions ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new FolderAction(rs.getLong("id"), FolderAction.Kind.valueOf(rs.getString("kind")),
                        rs.getString("name"), rs.getString("new_name")));
            }
            return out;
        } catch (SQLException e) {
            throw fail("read folder actions", e);
        }
    }

    @Override
    public synchronized void addFolderAction(FolderAction.Kind kind, String name, String newName) {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO folder_actions (kind, name, new_name) VALUES (?,?,?)")) {
            ps.setString(1, kind.name());
            ps.setString(2, name);
            ps.setString(3, newName);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw fail("queue a folder action", e);
        }
    }

    @Override
    public synchronized void removeFolderAction(long id) {
        try (PreparedStatement ps = db.prepareStatement("DELETE FROM folder_actions WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw fail("remove a folder action", e);
        }
    }

    @Override
    public synchronized void renameFolder(String from, String to, char separator) {
        String prefix = from + separator;
        inTransaction("rename folder " + from, () -> {
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA defer_foreign_keys = ON");
            }
            String[][] columns = {{"folders", "name"}, {"messages", "folder"}, {"local_changes", "folder"},
                    {"uploads", "folder"}, {"local_changes", "target"}, {"flags_in_flight", "folder"}, {"envelopes", "folder"}};
            for (String[] c : columns) {
                try (PreparedStatement ps = db.prepareStatement("UPDATE " + c[0] + " SET " + c[1] + " = ? || substr("
                        + c[1] + ", ?) WHERE " + c[1] + " = ? OR substr(" + c[1] + ", 1, ?) = ?")) {
                    ps.setString(1, to);
                    ps.setInt(2, from.length() + 1);
                    ps.setString(3, from);
                    ps.setInt(4, prefix.length());
                    ps.setString(5, prefix);
                    ps.executeUpdate();
                }
            }
        });
    }

    private SyncStateException fail(String what, SQLException e) {
        return new SyncStateException("sync state " + file + ": cannot " + what + ": " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw fail("close", e);
        }
    }
}
