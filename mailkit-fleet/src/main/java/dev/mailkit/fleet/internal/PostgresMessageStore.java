package dev.mailkit.fleet.internal;

import dev.mailkit.fleet.Lease;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.SyncStateException;
import dev.mailkit.imap.spi.MessageStore;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One account's mirrored messages in the fleet database. Content is addressed by the SHA-256 of its bytes and
 * stored once however many folders (or accounts) hold it, in bytea chunks of {@value #CHUNK} bytes: a message is
 * staged in a temporary file while it downloads (the hash is known only at its end), then copied in chunk by
 * chunk; reading fetches one chunk per query. Memory per message is one chunk, whatever its size. Every write is
 * fenced by the lease, as the state's are.
 */
final class PostgresMessageStore implements MessageStore {

    /** Bytes per stored chunk. */
    static final int CHUNK = 256 * 1024;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Sql sql;
    private final Lease lease;
    private final String account;

    PostgresMessageStore(Sql sql, Lease lease) {
        this.sql = sql;
        this.lease = lease;
        this.account = lease.account();
    }

    @Override
    public boolean canStore(String serverName, char separator) {
        return serverName.indexOf('\0') < 0; // PostgreSQL text holds every character but NUL
    }

    @Override
    public StoredFolder folder(String serverName, char separator) {
        sql.fenced(lease, "create local folder " + serverName, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO local_folders (account, name) VALUES (?,?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, account);
                ps.setString(2, serverName);
                return ps.executeUpdate();
            }
        });
        return new Folder(serverName);
    }

    @Override
    public boolean exists(String serverName, char separator) {
        return sql.read("look for local folder " + serverName, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM local_folders WHERE account = ? AND name = ?")) {
                ps.setString(1, account);
                ps.setString(2, serverName);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    @Override
    public void deleteFolder(String serverName, char separator) {
        sql.fenced(lease, "delete local folder " + serverName, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM local_folders WHERE account = ? AND name = ?")) {
                ps.setString(1, account);
                ps.setString(2, serverName);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public List<String> folderNames(char separator) {
        return sql.read("list local folders", c -> Sql.strings(c,
                "SELECT name FROM local_folders WHERE account = ? ORDER BY name", account));
    }

    @Override
    public void renameFolder(String from, String to, char separator) {
        String prefix = from + separator;
        sql.fenced(lease, "rename local folder " + from, c -> {
            for (String[] col : new String[][] {{"local_folders", "name"}, {"local_messages", "folder"}}) {
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

    private static String newLocalId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "m" + HexFormat.of().formatHex(b);
    }

    /** Stores staged content under its hash unless it is there already (in the caller's transaction). */
    private static void storeContent(Connection c, byte[] sha, Path staged, long size) throws SQLException, IOException {
        int chunks = (int) ((size + CHUNK - 1) / CHUNK);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO blobs (sha256, size, chunks) VALUES (?,?,?) ON CONFLICT DO NOTHING")) {
            ps.setBytes(1, sha);
            ps.setLong(2, size);
            ps.setInt(3, chunks);
            if (ps.executeUpdate() == 0) {
                return; // stored before (another folder, another account, another worker)
            }
        }
        try (InputStream in = Files.newInputStream(staged);
             PreparedStatement ps = c.prepareStatement("INSERT INTO blob_chunks (sha256, seq, data) VALUES (?,?,?)")) {
            for (int seq = 0; seq < chunks; seq++) {
                ps.setBytes(1, sha);
                ps.setInt(2, seq);
                ps.setBytes(3, in.readNBytes(CHUNK));
                ps.executeUpdate();
            }
        }
    }

    /** A folder of this account. */
    private final class Folder implements StoredFolder {
        private final String name;
        /** Flags read with the last {@link #localIds()}, so that the scan after it does not ask per message. */
        private final Map<String, MessageFlags> flagsSeen = new HashMap<>();

        Folder(String name) {
            this.name = name;
        }

        @Override
        public MessageWriter newMessage(long uid) throws IOException {
            return new Writer(null, uid);
        }

        @Override
        public MessageWriter replace(String localId) throws IOException {
            if (size(localId) < 0) {
                throw new IOException("no message " + localId + " in " + name);
            }
            return new Writer(localId, -1);
        }

        @Override
        public Optional<String> findByUid(long uid) {
            if (uid <= 0) {
                return Optional.empty();
            }
            return sql.read("find a message by UID", c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT local_id FROM local_messages"
                        + " WHERE account = ? AND folder = ? AND uid = ? ORDER BY local_id LIMIT 1")) {
                    ps.setString(1, account);
                    ps.setString(2, name);
                    ps.setLong(3, uid);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                    }
                }
            });
        }

        @Override
        public List<String> localIds() {
            return sql.read("list messages of " + name, c -> {
                List<String> out = new ArrayList<>();
                flagsSeen.clear();
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT local_id, flags FROM local_messages WHERE account = ? AND folder = ?")) {
                    ps.setString(1, account);
                    ps.setString(2, name);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                            flagsSeen.put(rs.getString(1), MessageFlags.parse(rs.getString(2)));
                        }
                    }
                }
                return out;
            });
        }

        @Override
        public Optional<MessageFlags> storedFlags(String localId) {
            MessageFlags seen = flagsSeen.get(localId);
            if (seen != null) {
                return Optional.of(seen);
            }
            return sql.read("read flags in " + name, c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT flags FROM local_messages WHERE account = ? AND folder = ? AND local_id = ?")) {
                    ps.setString(1, account);
                    ps.setString(2, name);
                    ps.setString(3, localId);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? Optional.of(MessageFlags.parse(rs.getString(1))) : Optional.<MessageFlags>empty();
                    }
                }
            });
        }

        private int updateRow(String what, String set, String localId, Object value) throws IOException {
            int n = sql.fenced(lease, what + " in " + name, c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE local_messages SET " + set
                        + " WHERE account = ? AND folder = ? AND local_id = ?")) {
                    ps.setObject(1, value);
                    ps.setString(2, account);
                    ps.setString(3, name);
                    ps.setString(4, localId);
                    return ps.executeUpdate();
                }
            });
            return n;
        }

        @Override
        public void setFlags(String localId, MessageFlags flags) throws IOException {
            flagsSeen.remove(localId);
            if (updateRow("set flags", "flags = ?", localId, flags.toImapString()) == 0) {
                throw new IOException("no message " + localId + " in " + name);
            }
        }

        @Override
        public void remove(String localId) {
            flagsSeen.remove(localId);
            sql.fenced(lease, "remove a message from " + name, c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM local_messages WHERE account = ? AND folder = ? AND local_id = ?")) {
                    ps.setString(1, account);
                    ps.setString(2, name);
                    ps.setString(3, localId);
                    return ps.executeUpdate();
                }
            });
        }

        @Override
        public String copyIn(StoredFolder from, String localId, long uid, MessageFlags flags) throws IOException {
            String source = ((Folder) from).name;
            String id = newLocalId();
            int n = sql.fenced(lease, "copy a message into " + name, c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO local_messages"
                        + " (account, folder, local_id, uid, flags, sha256) SELECT account, ?, ?, ?, ?, sha256"
                        + " FROM local_messages WHERE account = ? AND folder = ? AND local_id = ?")) {
                    ps.setString(1, name);
                    ps.setString(2, id);
                    ps.setLong(3, uid);
                    ps.setString(4, flags.toImapString());
                    ps.setString(5, account);
                    ps.setString(6, source);
                    ps.setString(7, localId);
                    return ps.executeUpdate();
                }
            });
            if (n == 0) {
                throw new IOException("no message " + localId + " in " + source);
            }
            return id;
        }

        @Override
        public String moveIn(StoredFolder from, String localId) throws IOException {
            String source = ((Folder) from).name;
            int n = sql.fenced(lease, "move a message into " + name, c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE local_messages SET folder = ?, uid = 0"
                        + " WHERE account = ? AND folder = ? AND local_id = ?")) {
                    ps.setString(1, name);
                    ps.setString(2, account);
                    ps.setString(3, source);
                    ps.setString(4, localId);
                    return ps.executeUpdate();
                }
            });
            if (n == 0) {
                throw new IOException("no message " + localId + " in " + source);
            }
            return localId;
        }

        @Override
        public long size(String localId) {
            return sql.read("read a message's size", c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT b.size FROM local_messages m"
                        + " JOIN blobs b ON b.sha256 = m.sha256 WHERE m.account = ? AND m.folder = ? AND m.local_id = ?")) {
                    ps.setString(1, account);
                    ps.setString(2, name);
                    ps.setString(3, localId);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getLong(1) : -1L;
                    }
                }
            });
        }

        @Override
        public String relabel(String localId, long uid) throws IOException {
            if (updateRow("relabel", "uid = ?", localId, Math.max(0, uid)) == 0) {
                throw new IOException("no message " + localId + " in " + name);
            }
            return localId;
        }

        @Override
        public InputStream open(String localId) throws IOException {
            Object[] blob = sql.read("open a message", c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT b.sha256, b.chunks FROM local_messages m"
                        + " JOIN blobs b ON b.sha256 = m.sha256 WHERE m.account = ? AND m.folder = ? AND m.local_id = ?")) {
                    ps.setString(1, account);
                    ps.setString(2, name);
                    ps.setString(3, localId);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? new Object[] {rs.getBytes(1), rs.getInt(2)} : null;
                    }
                }
            });
            if (blob == null) {
                throw new IOException("no message " + localId + " in " + name);
            }
            return new ChunkInputStream(sql, (byte[]) blob[0], (Integer) blob[1]);
        }

        /** A message being staged in a temporary file. */
        private final class Writer implements MessageWriter {
            private final String replacing;
            private final long uid;
            private final Path staged;
            private final MessageDigest digest;
            private final OutputStream out;
            private long size;
            private boolean done;

            Writer(String replacing, long uid) throws IOException {
                this.replacing = replacing;
                this.uid = uid;
                try {
                    digest = MessageDigest.getInstance("SHA-256");
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("SHA-256 is missing from this JVM", e);
                }
                staged = Files.createTempFile("mailkit-fleet-", ".eml");
                OutputStream file = new BufferedOutputStream(Files.newOutputStream(staged), 64 * 1024);
                out = new DigestOutputStream(new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        file.write(b);
                        size++;
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        file.write(b, off, len);
                        size += len;
                    }

                    @Override
                    public void flush() throws IOException {
                        file.flush();
                    }

                    @Override
                    public void close() throws IOException {
                        file.close();
                    }
                }, digest);
            }

            @Override
            public OutputStream stream() {
                return out;
            }

            @Override
            public String commit(MessageFlags flags) throws IOException {
                out.close();
                byte[] sha = digest.digest();
                String id = replacing != null ? replacing : newLocalId();
                try {
                    sql.fenced(lease, "store a message in " + name, c -> {
                        try {
                            storeContent(c, sha, staged, size);
                        } catch (IOException e) {
                            throw new SQLException("cannot read the staged message: " + e.getMessage(), e);
                        }
                        String statement = replacing != null
                                ? "UPDATE local_messages SET sha256 = ?, flags = ? WHERE account = ? AND folder = ? AND local_id = ?"
                                : "INSERT INTO local_messages (sha256, flags, account, folder, local_id, uid) VALUES (?,?,?,?,?,?)";
                        try (PreparedStatement ps = c.prepareStatement(statement)) {
                            ps.setBytes(1, sha);
                            ps.setString(2, flags.toImapString());
                            ps.setString(3, account);
                            ps.setString(4, name);
                            ps.setString(5, id);
                            if (replacing == null) {
                                ps.setLong(6, Math.max(0, uid));
                            }
                            if (ps.executeUpdate() == 0) {
                                throw new SQLException("message " + id + " is gone from " + name);
                            }
                        }
                        return null;
                    });
                } catch (SyncStateException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw e;
                } finally {
                    done = true;
                    Files.deleteIfExists(staged);
                }
                flagsSeen.remove(id);
                return id;
            }

            @Override
            public void close() {
                if (!done) {
                    try {
                        out.close();
                        Files.deleteIfExists(staged);
                    } catch (IOException e) {
                        // a temporary file left behind; nothing visible changed
                    }
                    done = true;
                }
            }
        }
    }

    /** Reads content one chunk per query, holding no connection between reads. */
    private static final class ChunkInputStream extends InputStream {
        private final Sql sql;
        private final byte[] sha;
        private final int chunks;
        private int next;
        private byte[] buffer = new byte[0];
        private int pos;

        ChunkInputStream(Sql sql, byte[] sha, int chunks) {
            this.sql = sql;
            this.sha = sha;
            this.chunks = chunks;
        }

        private boolean fill() throws IOException {
            while (pos >= buffer.length) {
                if (next >= chunks) {
                    return false;
                }
                int seq = next++;
                byte[] data = sql.read("read a message chunk", c -> {
                    try (PreparedStatement ps = c.prepareStatement(
                            "SELECT data FROM blob_chunks WHERE sha256 = ? AND seq = ?")) {
                        ps.setBytes(1, sha);
                        ps.setInt(2, seq);
                        try (ResultSet rs = ps.executeQuery()) {
                            return rs.next() ? rs.getBytes(1) : null;
                        }
                    }
                });
                if (data == null) {
                    throw new IOException("message content " + HexFormat.of().formatHex(sha) + " lacks chunk " + seq);
                }
                buffer = data;
                pos = 0;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? buffer[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, buffer.length - pos);
            System.arraycopy(buffer, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
