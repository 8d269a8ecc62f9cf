package dev.mailkit.fleet.internal;

import dev.mailkit.fleet.Lease;
import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.spi.FolderAction;
import dev.mailkit.imap.spi.LocalChange;
import dev.mailkit.imap.spi.SyncStateStore;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One account's sync state in the fleet schema. Reads run on any pooled connection; each write runs in one
 * transaction that first locks the account's row {@code FOR SHARE} where its fencing token is the lease's, so a
 * lease taken over (which updates that row) either waits for the write to commit or makes it fail with
 * {@link LeaseLostException}.
 */
final class PostgresSyncStateStore implements SyncStateStore {

    private static final String MESSAGE_COLUMNS = "folder, uid, local_id, flags, message_id, size, internal_date, headers_only";

    private final Sql sql;
    private final Lease lease;
    private final String account;

    PostgresSyncStateStore(Sql sql, Lease lease) {
        this.sql = sql;
        this.lease = lease;
        this.account = lease.account();
    }

    /** Runs a write under the fence: the lease's token must still be the account's. */
    private void write(String what, Sql.Work<?> work) {
        sql.fenced(lease, what, work);
    }

    @Override
    public List<FolderState> folders() {
        return sql.read("read folders of " + account, c -> {
            List<FolderState> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM folders WHERE account = ? ORDER BY name")) {
                ps.setString(1, account);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(folderState(rs));
                    }
                }
            }
            return out;
        });
    }

    private static FolderState folderState(ResultSet rs) throws SQLException {
        return new FolderState(rs.getString("name"), (char) rs.getInt("separator"), rs.getLong("uidvalidity"),
                rs.getLong("uidnext"), rs.getLong("highestmodseq"), rs.getString("special_use"));
    }

    @Override
    public Optional<FolderState> folder(String name) {
        return sql.read("read folder of " + account, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM folders WHERE account = ? AND name = ?")) {
                ps.setString(1, account);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(folderState(rs)) : Optional.<FolderState>empty();
                }
            }
        });
    }

    @Override
    public void saveFolder(FolderState s) {
        write("save folder " + s.name(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO folders"
                    + " (account, name, separator, uidvalidity, uidnext, highestmodseq, special_use) VALUES (?,?,?,?,?,?,?)"
                    + " ON CONFLICT (account, name) DO UPDATE SET separator = excluded.separator,"
                    + " uidvalidity = excluded.uidvalidity, uidnext = excluded.uidnext,"
                    + " highestmodseq = excluded.highestmodseq, special_use = excluded.special_use")) {
                ps.setString(1, account);
                ps.setString(2, s.name());
                ps.setInt(3, s.separator());
                ps.setLong(4, s.uidValidity());
                ps.setLong(5, s.uidNext());
                ps.setLong(6, s.highestModSeq());
                ps.setString(7, s.specialUse());
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void deleteFolder(String name) {
        write("delete folder " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM folders WHERE account = ? AND name = ?")) {
                ps.setString(1, account);
                ps.setString(2, name);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public List<MessageRecord> messages(String folder) {
        return query("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE account = ? AND folder = ? ORDER BY uid", folder);
    }

    @Override
    public List<MessageRecord> messagesFrom(String folder, long fromUid) {
        return query("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE account = ? AND folder = ? AND uid >= "
                + fromUid + " ORDER BY uid", folder);
    }

    @Override
    public int messageCount(String folder) {
        return sql.read("count messages of " + account, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM messages WHERE account = ? AND folder = ?")) {
                ps.setString(1, account);
                ps.setString(2, folder);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    @Override
    public Optional<MessageRecord> message(String folder, long uid) {
        List<MessageRecord> out = query("SELECT " + MESSAGE_COLUMNS
                + " FROM messages WHERE account = ? AND folder = ? AND uid = " + uid, folder);
        return out.isEmpty() ? Optional.empty() : Optional.of(out.get(0));
    }

    @Override
    public List<MessageRecord> findByMessageId(String messageId) {
        return query("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE account = ? AND message_id = ? ORDER BY folder, uid",
                messageId);
    }

    @Override
    public Map<String, List<MessageRecord>> findByMessageIds(Collection<String> messageIds) {
        Map<String, List<MessageRecord>> found = new HashMap<>();
        if (messageIds.isEmpty()) {
            return found;
        }
        String[] ids = new LinkedHashSet<>(messageIds).toArray(String[]::new);
        List<MessageRecord> records = sql.read("find messages of " + account, c -> {
            Array array = c.createArrayOf("text", ids);
            try (PreparedStatement ps = c.prepareStatement("SELECT " + MESSAGE_COLUMNS
                    + " FROM messages WHERE account = ? AND message_id = ANY (?) ORDER BY folder, uid")) {
                ps.setString(1, account);
                ps.setArray(2, array);
                return records(ps);
            } finally {
                array.free();
            }
        });
        for (MessageRecord r : records) {
            found.computeIfAbsent(r.messageId(), k -> new ArrayList<>()).add(r);
        }
        return found;
    }

    private List<MessageRecord> query(String statement, String arg) {
        return sql.read("read messages of " + account, c -> {
            try (PreparedStatement ps = c.prepareStatement(statement)) {
                ps.setString(1, account);
                ps.setString(2, arg);
                return records(ps);
            }
        });
    }

    private static List<MessageRecord> records(PreparedStatement ps) throws SQLException {
        List<MessageRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new MessageRecord(rs.getString(1), rs.getLong(2), rs.getString(3), MessageFlags.parse(rs.getString(4)),
                        rs.getString(5), rs.getLong(6), Instant.ofEpochMilli(rs.getLong(7)), rs.getBoolean(8)));
            }
        }
        return out;
    }

    @Override
    public void update(String folder, Collection<MessageRecord> upserts, Collection<Long> removed) {
        if (upserts.isEmpty() && removed.isEmpty()) {
            return;
        }
        write("update messages of " + folder, c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM messages WHERE account = ? AND folder = ? AND uid = ?");
                 // An upsert keeps the row, and so the message's pending local change and flag change in flight.
                 PreparedStatement put = c.prepareStatement("INSERT INTO messages (account, " + MESSAGE_COLUMNS + ")"
                         + " VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (account, folder, uid) DO UPDATE SET"
                         + " local_id = excluded.local_id, flags = excluded.flags, message_id = excluded.message_id,"
                         + " size = excluded.size, internal_date = excluded.internal_date,"
                         + " headers_only = excluded.headers_only")) {
                for (long uid : removed) {
                    del.setString(1, account);
                    del.setString(2, folder);
                    del.setLong(3, uid);
                    del.addBatch();
                }
                del.executeBatch();
                for (MessageRecord m : upserts) {
                    put.setString(1, account);
                    put.setString(2, folder);
                    put.setLong(3, m.uid());
                    put.setString(4, m.localId());
                    put.setString(5, m.flags().toImapString());
                    put.setString(6, m.messageId());
                    put.setLong(7, m.size());
                    put.setLong(8, m.internalDate().toEpochMilli());
                    put.setBoolean(9, m.headersOnly());
                    put.addBatch();
                }
                put.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<LocalChange> localChanges(String folder) {
        return sql.read("read local changes of " + account, c -> {
            List<LocalChange> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT uid, flags, kind, target FROM local_changes WHERE account = ? AND folder = ? ORDER BY uid")) {
                ps.setString(1, account);
                ps.setString(2, folder);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String flags = rs.getString(2);
                        out.add(new LocalChange(folder, rs.getLong(1), flags == null ? null : MessageFlags.parse(flags),
                                LocalChange.Kind.valueOf(rs.getString(3)), rs.getString(4)));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void saveLocalChange(LocalChange change) {
        write("save a local change in " + change.folder(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO local_changes (account, folder, uid, flags, kind, target)"
                    + " VALUES (?,?,?,?,?,?) ON CONFLICT (account, folder, uid) DO UPDATE SET flags = excluded.flags,"
                    + " kind = excluded.kind, target = excluded.target")) {
                ps.setString(1, account);
                ps.setString(2, change.folder());
                ps.setLong(3, change.uid());
                ps.setString(4, change.flags() == null ? null : change.flags().toImapString());
                ps.setString(5, change.kind().name());
                ps.setString(6, change.target());
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void clearLocalChanges(String folder, Collection<Long> uids) {
        deleteUids("local_changes", "clear local changes", folder, uids);
    }

    private void deleteUids(String table, String what, String folder, Collection<Long> uids) {
        if (uids.isEmpty()) {
            return;
        }
        write(what + " in " + folder, c -> {
            Array array = c.createArrayOf("bigint", uids.toArray(Long[]::new));
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table
                    + " WHERE account = ? AND folder = ? AND uid = ANY (?)")) {
                ps.setString(1, account);
                ps.setString(2, folder);
                ps.setArray(3, array);
                return ps.executeUpdate();
            } finally {
                array.free();
            }
        });
    }

    @Override
    public void saveFlagsInFlight(String folder, Map<Long, FlagsInFlight> changes) {
        if (changes.isEmpty()) {
            return;
        }
        write("record flags in flight in " + folder, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO flags_in_flight (account, folder, uid, sent, base, local)"
                    + " VALUES (?,?,?,?,?,?) ON CONFLICT (account, folder, uid) DO UPDATE SET sent = excluded.sent,"
                    + " base = excluded.base, local = excluded.local")) {
                for (Map.Entry<Long, FlagsInFlight> e : changes.entrySet()) {
                    ps.setString(1, account);
                    ps.setString(2, folder);
                    ps.setLong(3, e.getKey());
                    ps.setString(4, e.getValue().sent().toImapString());
                    ps.setString(5, e.getValue().base().toImapString());
                    ps.setString(6, e.getValue().local().toImapString());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public Map<Long, FlagsInFlight> flagsInFlight(String folder) {
        return sql.read("read flags in flight of " + account, c -> {
            Map<Long, FlagsInFlight> out = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT uid, sent, base, local FROM flags_in_flight WHERE account = ? AND folder = ?")) {
                ps.setString(1, account);
                ps.setString(2, folder);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getLong(1), new FlagsInFlight(MessageFlags.parse(rs.getString(2)),
                                MessageFlags.parse(rs.getString(3)), MessageFlags.parse(rs.getString(4))));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void clearFlagsInFlight(String folder, Collection<Long> uids) {
        deleteUids("flags_in_flight", "clear flags in flight", folder, uids);
    }

    @Override
    public Set<String> uploadsStarted(String folder) {
        return sql.read("read uploads of " + account, c -> new HashSet<>(Sql.strings(c,
                "SELECT local_id FROM uploads WHERE account = ? AND folder = ?", account, folder)));
    }

    @Override
    public void markUpload(String folder, String localId, boolean started) {
        write("record an upload in " + folder, c -> {
            try (PreparedStatement ps = c.prepareStatement(started
                    ? "INSERT INTO uploads (account, folder, local_id, flags) VALUES (?,?,?,NULL)"
                    + " ON CONFLICT (account, folder, local_id) DO UPDATE SET flags = NULL"
                    : "DELETE FROM uploads WHERE account = ? AND folder = ? AND local_id = ?")) {
                ps.setString(1, account);
                ps.setString(2, folder);
                ps.setString(3, localId);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void startUpload(String folder, String localId, MessageFlags flags) {
        write("record an upload in " + folder, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO uploads (account, folder, local_id, flags)"
                    + " VALUES (?,?,?,?) ON CONFLICT (account, folder, local_id) DO UPDATE SET flags = excluded.flags")) {
                ps.setString(1, account);
                ps.setString(2, folder);
                ps.setString(3, localId);
                ps.setString(4, flags.toImapString());
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public Optional<MessageFlags> uploadFlags(String folder, String localId) {
        return sql.read("read uploads of " + account, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT flags FROM uploads WHERE account = ? AND folder = ? AND local_id = ?")) {
                ps.setString(1, account);
                ps.setString(2, folder);
                ps.setString(3, localId);
                try (ResultSet rs = ps.executeQuery()) {
                    String flags = rs.next() ? rs.getString(1) : null;
                    return flags == null ? Optional.<MessageFlags>empty() : Optional.of(MessageFlags.parse(flags));
                }
            }
        });
    }

    @Override
    public List<FolderAction> folderActions() {
        return sql.read("read folder actions of " + account, c -> {
            List<FolderAction> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, kind, name, new_name FROM folder_actions WHERE account = ? ORDER BY id")) {
                ps.setString(1, account);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new FolderAction(rs.getLong(1), FolderAction.Kind.valueOf(rs.getString(2)),
                                rs.getString(3), rs.getString(4)));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void addFolderAction(FolderAction.Kind kind, String name, String newName) {
        write("queue a folder action", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO folder_actions (account, kind, name, new_name) VALUES (?,?,?,?)")) {
                ps.setString(1, account);
                ps.setString(2, kind.name());
                ps.setString(3, name);
                ps.setString(4, newName);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void removeFolderAction(long id) {
        write("remove a folder action", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM folder_actions WHERE account = ? AND id = ?")) {
                ps.setString(1, account);
                ps.setLong(2, id);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void renameFolder(String from, String to, char separator) {
        String prefix = from + separator;
        write("rename folder " + from, c -> {
            // The foreign keys are deferred: parents and children are renamed in turn, checked at commit.
            String[][] columns = {{"folders", "name"}, {"messages", "folder"}, {"local_changes", "folder"},
                    {"uploads", "folder"}, {"local_changes", "target"}, {"flags_in_flight", "folder"}};
            for (String[] col : columns) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + col[0] + " SET " + col[1] + " = ? || substr("
                        + col[1] + ", ?) WHERE account = ? AND (" + col[1] + " = ? OR left(" + col[1] + ", ?) = ?)")) {
                    ps.setString(1, to);
                    ps.setInt(2, from.length() + 1);
                    ps.setString(3, account);
                    ps.setString(4, from);
                    ps.setInt(5, prefix.length());
                    ps.setString(6, prefix);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public void close() {
        // the pool belongs to the FleetDatabase
    }
}
