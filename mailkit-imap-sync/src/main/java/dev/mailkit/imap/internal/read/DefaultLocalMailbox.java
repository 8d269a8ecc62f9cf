package dev.mailkit.imap.internal.read;

import dev.mailkit.imap.Envelope;
import dev.mailkit.imap.EnvelopeSort;
import dev.mailkit.imap.LocalMailbox;
import dev.mailkit.imap.LocalMessage;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.MessageThread;
import dev.mailkit.imap.SyncStateException;
import dev.mailkit.imap.internal.index.EnvelopeRow;
import dev.mailkit.imap.internal.index.QueryParser;
import dev.mailkit.imap.internal.index.SearchSql;
import dev.mailkit.imap.internal.maildir.MaildirFiles;
import dev.mailkit.imap.internal.mime.MailHeaders;
import dev.mailkit.imap.internal.mime.MessageParser;
import dev.mailkit.imap.internal.state.SqliteSyncStateStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link LocalMailbox}: the index read on a connection of its own (SQLite's WAL lets it read while a
 * synchronizer writes), files found with {@link MaildirFiles}.
 */
public final class DefaultLocalMailbox implements LocalMailbox {

    /** The largest page. */
    static final int MAX_LIMIT = 10_000;

    private static final String COLUMNS = "e.folder, e.uid, e.date, e.from_list, e.to_list, e.cc_list, e.subject,"
            + " e.message_id, e.in_reply_to, e.refs, e.attachments, e.preview, m.size, m.flags, c.flags AS cflags";
    private static final String FROM = " FROM envelopes e JOIN messages m ON m.folder = e.folder AND m.uid = e.uid"
            + " LEFT JOIN local_changes c ON c.folder = e.folder AND c.uid = e.uid";
    private static final String PRESENT = "(c.kind IS NULL OR c.kind = 'KEPT')";

    private final Path maildir;
    private final Path stateFile;
    private final ZoneId zone;
    private final MaildirFiles files;
    private final Connection db;

    private DefaultLocalMailbox(Path maildir, ZoneId zone, Connection db) {
        this.maildir = maildir;
        this.stateFile = maildir.resolve("mailkit-state.db");
        this.zone = zone;
        this.files = new MaildirFiles(maildir);
        this.db = db;
    }

    /**
     * Opens a mirror; see {@link LocalMailbox#open(Path, ZoneId)}.
     *
     * @param maildir the Maildir
     * @param zone    the time zone of query dates
     * @return the mailbox
     */
    public static LocalMailbox open(Path maildir, ZoneId zone) {
        Objects.requireNonNull(maildir, "maildir");
        Objects.requireNonNull(zone, "zone");
        Path state = maildir.resolve("mailkit-state.db");
        if (!Files.isDirectory(maildir)) {
            throw new SyncStateException("no Maildir at " + maildir + ": sync into it first", null);
        }
        if (!Files.isRegularFile(state, LinkOption.NOFOLLOW_LINKS)) {
            throw new SyncStateException("no mirror in " + maildir + ": " + state + " is missing; sync into it first", null);
        }
        try (FileChannel lock = tryLock(maildir)) {
            if (lock != null) {
                // nobody syncs: bring the state to this version and index what the index lacks, then let go
                try (SqliteSyncStateStore store = new SqliteSyncStateStore(state)) {
                    store.repairIndex(new MaildirFiles(maildir), false);
                }
            }
        } catch (IOException e) {
            throw new SyncStateException("cannot release the lock of " + maildir + ": " + e, e);
        }
        Connection db = null;
        try {
            db = DriverManager.getConnection("jdbc:sqlite:" + state.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA busy_timeout = 10000");
                s.execute("PRAGMA query_only = 1");
                int version;
                try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                    version = rs.getInt(1);
                }
                if (version < 6) {
                    throw new SyncStateException("the mirror in " + maildir + " has no envelope index yet (a state written by"
                            + " an older mailkit) and a synchronizer is using it; open it again once that sync has ended", null);
                }
                if (version > SqliteSyncStateStore.SCHEMA_VERSION) {
                    throw new SyncStateException("sync state " + state + " was written by a newer mailkit (schema " + version
                            + "); upgrade mailkit", null);
                }
            }
            return new DefaultLocalMailbox(maildir, zone, db);
        } catch (SQLException e) {
            closeQuietly(db);
            throw new SyncStateException("cannot open sync state " + state + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(db);
            throw e;
        }
    }

    private static void closeQuietly(Connection db) {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException ignored) {
                // already failing
            }
        }
    }

    /** The Maildir's lock when no synchronizer holds it (the caller closes the channel to release it), else null. */
    static FileChannel tryLock(Path maildir) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(maildir.resolve("mailkit.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return null;
            }
            return channel;
        } catch (OverlappingFileLockException | IOException e) {
            // held in this process, or the Maildir is read-only: read what is there
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing held
                }
            }
            return null;
        }
    }

    private SyncStateException fail(String what, SQLException e) {
        return new SyncStateException("sync state " + stateFile + ": cannot " + what + ": " + e.getMessage(), e);
    }

    private static void checkPage(int offset, int limit) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be 0 or more, got " + offset);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
    }

    @Override
    public synchronized List<String> folders() {
        List<String> out = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM folders ORDER BY name")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw fail("read folders", e);
        }
    }

    private boolean knows(String folder) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM folders WHERE name = ?")) {
            ps.setString(1, folder);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void requireFolder(String folder) throws SQLException {
        if (!knows(Objects.requireNonNull(folder, "folder"))) {
            throw new IllegalArgumentException("no folder named '" + folder + "' is mirrored in " + maildir);
        }
    }

    /** Whether a folder has messages deleted or moved locally (not yet pushed), which the mailbox does not show. */
    private boolean hidesAny(String folder) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM local_changes WHERE folder = ? AND kind <> 'KEPT')")) {
            ps.setString(1, folder);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        }
    }

    /** The condition that leaves out a row of {@code alias} deleted or moved locally. */
    private static String shown(String alias) {
        return "NOT EXISTS (SELECT 1 FROM local_changes h WHERE h.folder = " + alias + ".folder AND h.uid = " + alias
                + ".uid AND h.kind <> 'KEPT')";
    }

    @Override
    public synchronized int count(String folder) {
        try {
            boolean hides = hidesAny(folder);
            try (PreparedStatement ps = db.prepareStatement("SELECT count(*) FROM envelopes e WHERE e.folder = ?"
                    + (hides ? " AND " + shown("e") : ""))) {
                ps.setString(1, folder);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
        } catch (SQLException e) {
            throw fail("count messages", e);
        }
    }

    @Override
    public synchronized List<Envelope> list(String folder, EnvelopeSort sort, int offset, int limit) {
        Objects.requireNonNull(sort, "sort");
        checkPage(offset, limit);
        try {
            requireFolder(folder);
            // The page's ids first, along the sort's index alone (it covers them): skipping 100,000 entries costs
            // milliseconds, where joining each skipped row to its message would cost tens.
            String page = "SELECT x.id FROM envelopes x WHERE x.folder = ?" + (hidesAny(folder) ? " AND " + shown("x") : "")
                    + " ORDER BY " + order(sort, "x") + " LIMIT ? OFFSET ?";
            try (PreparedStatement ps = db.prepareStatement("SELECT " + COLUMNS + FROM + " WHERE e.id IN (" + page + ")"
                    + " ORDER BY " + order(sort, "e"))) {
                ps.setString(1, folder);
                ps.setInt(2, limit);
                ps.setInt(3, offset);
                return envelopes(ps);
            }
        } catch (SQLException e) {
            throw fail("list " + folder, e);
        }
    }

    /** The ORDER BY of a sort over the envelopes aliased {@code a}: the columns of its index, in its order. */
    private static String order(EnvelopeSort sort, String a) {
        return switch (sort) {
            case DATE -> a + ".date DESC, " + a + ".uid DESC";
            case FROM -> a + ".sender_sort, " + a + ".date DESC, " + a + ".uid DESC";
            case SUBJECT -> a + ".subject_sort, " + a + ".date DESC, " + a + ".uid DESC";
        };
    }

    private static List<Envelope> envelopes(PreparedStatement ps) throws SQLException {
        List<Envelope> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(envelope(rs));
            }
        }
        return out;
    }

    private static Envelope envelope(ResultSet rs) throws SQLException {
        String local = rs.getString("cflags");
        MessageFlags flags = MessageFlags.parse(local != null ? local : rs.getString("flags"));
        String refs = rs.getString("refs");
        return new Envelope(rs.getString("folder"), rs.getLong("uid"), EnvelopeRow.decode(rs.getString("from_list")),
                EnvelopeRow.decode(rs.getString("to_list")), EnvelopeRow.decode(rs.getString("cc_list")),
                rs.getString("subject"), Instant.ofEpochMilli(rs.getLong("date")), rs.getString("message_id"),
                rs.getString("in_reply_to"), refs.isEmpty() ? List.of() : Arrays.asList(refs.split(" ")), rs.getLong("size"),
                flags, rs.getInt("attachments") != 0, rs.getString("preview"));
    }

    @Override
    public synchronized Optional<Envelope> envelope(String folder, long uid) {
        try (PreparedStatement ps = db.prepareStatement("SELECT " + COLUMNS + FROM + " WHERE e.folder = ? AND e.uid = ? AND "
                + PRESENT)) {
            ps.setString(1, folder);
            ps.setLong(2, uid);
            List<Envelope> found = envelopes(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        } catch (SQLException e) {
            throw fail("read a message of " + folder, e);
        }
    }

    /** What opening a message needs: its record, its current flags and its folder's separator. */
    private record Located(MessageRecord record, MessageFlags flags, char separator) {
    }

    private Located locate(String folder, long uid) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT m.*, c.flags AS cflags, c.kind, f.separator FROM messages m"
                + " JOIN folders f ON f.name = m.folder LEFT JOIN local_changes c ON c.folder = m.folder AND c.uid = m.uid"
                + " WHERE m.folder = ? AND m.uid = ?")) {
            ps.setString(1, Objects.requireNonNull(folder, "folder"));
            ps.setLong(2, uid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getString("kind") != null && !rs.getString("kind").equals("KEPT")) {
                    throw new IllegalArgumentException("no message " + folder + ":" + uid + " in the mirror in " + maildir);
                }
                MessageRecord r = new MessageRecord(folder, uid, rs.getString("local_id"), MessageFlags.parse(rs.getString("flags")),
                        rs.getString("message_id"), rs.getLong("size"), Instant.ofEpochMilli(rs.getLong("internal_date")),
                        rs.getInt("headers_only") != 0);
                String local = rs.getString("cflags");
                return new Located(r, local == null ? r.flags() : MessageFlags.parse(local), (char) rs.getInt("separator"));
            }
        }
    }

    private FilePart.Source source(Located at) {
        return () -> files.open(at.record().folder(), at.separator(), at.record().localId(), at.flags());
    }

    @Override
    public synchronized LocalMessage open(String folder, long uid) {
        Located at;
        Optional<Envelope> indexed;
        try {
            at = locate(folder, uid);
        } catch (SQLException e) {
            throw fail("read a message of " + folder, e);
        }
        indexed = envelope(folder, uid);
        FilePart.Source source = source(at);
        MessageParser.Result parsed;
        try (InputStream in = source.open()) {
            parsed = MessageParser.parse(in, MessageParser.READ);
        } catch (IOException e) {
            throw new SyncStateException("cannot read message " + folder + ":" + uid + " in " + maildir + ": " + e.getMessage(), e);
        }
        Envelope envelope = indexed.orElseGet(() -> {
            EnvelopeRow row = EnvelopeRow.of(parsed, at.record());
            return new Envelope(folder, uid, EnvelopeRow.decode(row.from()), EnvelopeRow.decode(row.to()),
                    EnvelopeRow.decode(row.cc()), row.subject(), Instant.ofEpochMilli(row.date()), row.messageId(),
                    row.inReplyTo(), row.references().isEmpty() ? List.of() : Arrays.asList(row.references().split(" ")),
                    at.record().size(), at.flags(), row.attachments(), row.preview());
        });
        return new ParsedMessage(envelope, parsed, source);
    }

    @Override
    public LocalMessage open(String id) {
        Objects.requireNonNull(id, "id");
        int colon = id.lastIndexOf(':');
        long uid;
        try {
            uid = colon <= 0 ? -1 : Long.parseLong(id.substring(colon + 1));
        } catch (NumberFormatException e) {
            uid = -1;
        }
        if (uid <= 0) {
            throw new IllegalArgumentException("'" + MailHeaders.cut(id, 200) + "' is not a message id: write FOLDER:UID,"
                    + " as in INBOX:17");
        }
        return open(id.substring(0, colon), uid);
    }

    @Override
    public synchronized InputStream openRaw(String folder, long uid) throws IOException {
        Located at;
        try {
            at = locate(folder, uid);
        } catch (SQLException e) {
            throw fail("read a message of " + folder, e);
        }
        return source(at).open();
    }

    @Override
    public synchronized List<MessageThread> threads(String folder, int offset, int limit) {
        checkPage(offset, limit);
        List<Threader.Item> items = new ArrayList<>();
        try {
            requireFolder(folder);
            try (PreparedStatement ps = db.prepareStatement("SELECT e.uid, e.message_id, e.in_reply_to, e.refs,"
                    + " e.subject_sort, e.subject, e.date FROM envelopes e LEFT JOIN local_changes c ON c.folder = e.folder"
                    + " AND c.uid = e.uid WHERE e.folder = ? AND " + PRESENT)) {
                ps.setString(1, folder);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String refs = rs.getString(4);
                        String irt = rs.getString(3);
                        List<String> r = new ArrayList<>(refs.isEmpty() ? List.of() : Arrays.asList(refs.split(" ")));
                        if (!irt.isEmpty() && (r.isEmpty() || !r.get(r.size() - 1).equals(irt))) {
                            r.remove(irt);
                            r.add(irt); // In-Reply-To names the parent when References is missing or lags
                        }
                        items.add(new Threader.Item(rs.getLong(1), rs.getString(2), r, rs.getString(5),
                                EnvelopeRow.isReply(rs.getString(6)), rs.getLong(7)));
                    }
                }
            }
            List<Threader.Node> roots = Threader.thread(items);
            items = null; // the page's envelopes are read next
            List<Threader.Node> page = roots.subList(Math.min(offset, roots.size()), Math.min(roots.size(), offset + limit));
            List<Long> uids = new ArrayList<>();
            for (Threader.Node root : page) {
                for (Threader.Node n : Threader.preOrder(root)) {
                    if (n.item != null) {
                        uids.add(n.item.uid());
                    }
                }
            }
            Map<Long, Envelope> byUid = envelopes(folder, uids);
            List<MessageThread> out = new ArrayList<>(page.size());
            for (Threader.Node root : page) {
                out.add(build(root, byUid));
            }
            return out;
        } catch (SQLException e) {
            throw fail("thread " + folder, e);
        }
    }

    private static MessageThread build(Threader.Node node, Map<Long, Envelope> byUid) {
        List<MessageThread> replies = new ArrayList<>(node.children.size());
        for (Threader.Node c : node.children) {
            replies.add(build(c, byUid));
        }
        return new ThreadNode(node.item == null ? null : byUid.get(node.item.uid()), replies);
    }

    private Map<Long, Envelope> envelopes(String folder, List<Long> uids) throws SQLException {
        Map<Long, Envelope> out = new HashMap<>();
        for (int from = 0; from < uids.size(); from += 500) {
            List<Long> part = uids.subList(from, Math.min(uids.size(), from + 500));
            try (PreparedStatement ps = db.prepareStatement("SELECT " + COLUMNS + FROM + " WHERE e.folder = ? AND e.uid IN ("
                    + String.join(",", Collections.nCopies(part.size(), "?")) + ")")) {
                ps.setString(1, folder);
                for (int i = 0; i < part.size(); i++) {
                    ps.setLong(i + 2, part.get(i));
                }
                for (Envelope e : envelopes(ps)) {
                    out.put(e.uid(), e);
                }
            }
        }
        return out;
    }

    /** Queries whose words match at most this many messages are read from the full-text matches, then sorted. */
    static final int FEW_MATCHES = 2_000;

    /** {@link #FEW_MATCHES}, changed by tests to take the other plan. */
    private int fewMatches = FEW_MATCHES;

    /**
     * For tests: the number of matches up to which a query is read from its full-text matches (0: never, always
     * from the date index).
     *
     * @param threshold the number of matches
     */
    public synchronized void fewMatchesUpTo(int threshold) {
        this.fewMatches = threshold;
    }

    /**
     * Whether the words of a query match few messages, found by reading at most {@link #FEW_MATCHES} + 1 of them.
     * Few: the matches drive the query (then sorted by date). Many: the date index drives it, each row checked
     * against the set of matches, and the first page is found long before the end. Either way a query over
     * 100,000 messages stays within milliseconds (BENCHMARKS.md).
     */
    private boolean fewMatches(String match) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT count(*) FROM (SELECT rowid FROM search WHERE search MATCH ? LIMIT " + (fewMatches + 1) + ")")) {
            ps.setString(1, match);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) <= fewMatches;
            }
        }
    }

    /** The FROM and WHERE of a search, and its parameters in order. */
    private record Plan(String from, String where, List<Object> parameters) {
    }

    private Plan plan(SearchSql sql, boolean forCount) throws SQLException {
        List<Object> params = new ArrayList<>();
        String join = forCount && !sql.usesFlags() ? " LEFT JOIN local_changes c ON c.folder = e.folder AND c.uid = e.uid"
                : " JOIN messages m ON m.folder = e.folder AND m.uid = e.uid"
                        + " LEFT JOIN local_changes c ON c.folder = e.folder AND c.uid = e.uid";
        if (sql.match() != null && fewMatches(sql.match())) {
            params.add(sql.match());
            params.addAll(sql.parameters());
            return new Plan(" FROM search JOIN envelopes e ON e.id = search.rowid" + join, "search MATCH ? AND " + sql.where(),
                    params);
        }
        params.addAll(sql.parameters());
        String where = sql.where();
        if (sql.match() != null) {
            params.add(sql.match());
            where += " AND e.id IN (SELECT rowid FROM search WHERE search MATCH ?)";
        }
        return new Plan((sql.match() != null && !forCount ? " FROM envelopes e INDEXED BY envelopes_all_by_date"
                : " FROM envelopes e") + join, where, params);
    }

    private static int bind(PreparedStatement ps, List<Object> parameters) throws SQLException {
        int i = 1;
        for (Object p : parameters) {
            ps.setObject(i++, p);
        }
        return i;
    }

    @Override
    public synchronized List<Envelope> search(String query, int offset, int limit) {
        checkPage(offset, limit);
        SearchSql sql = SearchSql.of(QueryParser.parse(query, zone));
        try {
            Plan plan = plan(sql, false);
            try (PreparedStatement ps = db.prepareStatement("SELECT " + COLUMNS + plan.from() + " WHERE " + plan.where()
                    + " ORDER BY e.date DESC, e.id DESC LIMIT ? OFFSET ?")) {
                int i = bind(ps, plan.parameters());
                ps.setInt(i++, limit);
                ps.setInt(i, offset);
                return envelopes(ps);
            }
        } catch (SQLException e) {
            throw fail("search", e);
        }
    }

    @Override
    public synchronized int searchCount(String query) {
        SearchSql sql = SearchSql.of(QueryParser.parse(query, zone));
        try {
            Plan plan = plan(sql, true);
            try (PreparedStatement ps = db.prepareStatement("SELECT count(*)" + plan.from() + " WHERE " + plan.where())) {
                bind(ps, plan.parameters());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
        } catch (SQLException e) {
            throw fail("search", e);
        }
    }

    @Override
    public synchronized int rebuildIndex() {
        try (FileChannel lock = tryLock(maildir)) {
            if (lock == null) {
                throw new SyncStateException("a synchronizer is using " + maildir + " (mailkit.lock is held); rebuild the"
                        + " index once it has stopped", null);
            }
            try (SqliteSyncStateStore store = new SqliteSyncStateStore(stateFile)) {
                return store.repairIndex(files, true);
            }
        } catch (IOException e) {
            throw new SyncStateException("cannot release the lock of " + maildir + ": " + e, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw fail("close", e);
        }
    }

    @Override
    public String toString() {
        return "LocalMailbox[" + maildir + "]";
    }
}
