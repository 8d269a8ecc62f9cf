package dev.mailkit.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.fleet.testing.PostgresExtension;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.spi.MessageStore.StoredFolder;
import dev.mailkit.imap.testing.MessageStoreContract;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PostgreSQL message store against the Maildir store's contract, plus content stored once and fencing. */
class PostgresMessageStoreIT extends MessageStoreContract {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static String url;
    private static FleetDatabase db;
    private static int accounts;

    @BeforeAll
    static void openDatabase() throws Exception {
        url = POSTGRES.server().newDatabase();
        db = FleetDatabase.builder().jdbcUrl(url).build();
    }

    @AfterAll
    static void closeDatabase() {
        if (db != null) {
            db.close();
        }
    }

    private static Lease newAccount() {
        String account = "user" + (++accounts) + "@example.com";
        db.addAccount(account);
        return db.lease(account, "w", Duration.ofMinutes(5)).orElseThrow();
    }

    @Override
    protected MessageStore newStore() {
        return db.messageStore(newAccount());
    }

    private static long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aMessageInThreeFoldersOfTwoAccounts_isStoredOnce_underItsSha256_andCollectedWhenUnreferenced() throws Exception {
        byte[] bytes = "Subject: same\r\n\r\nthe same bytes everywhere\r\n".getBytes(StandardCharsets.US_ASCII);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        MessageStore other = db.messageStore(newAccount());
        StoredFolder inbox = store.folder("INBOX", '/');
        String id = put(inbox, 1, bytes, MessageFlags.NONE);
        put(store.folder("Archive", '/'), 1, bytes, MessageFlags.NONE);
        StoredFolder otherInbox = other.folder("INBOX", '/');
        String otherId = put(otherInbox, 9, bytes, MessageFlags.NONE);
        assertThat(count("SELECT count(*) FROM local_messages WHERE encode(sha256, 'hex') = '" + sha + "'")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM blobs WHERE encode(sha256, 'hex') = '" + sha + "'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM blob_chunks WHERE encode(sha256, 'hex') = '" + sha + "'")).isEqualTo(1);
        inbox.remove(id);
        store.folder("Archive", '/').remove(store.folder("Archive", '/').findByUid(1).orElseThrow());
        db.deleteUnreferencedContent();
        assertThat(read(otherInbox, otherId)).isEqualTo(bytes); // still referenced by the other account
        otherInbox.remove(otherId);
        assertThat(db.deleteUnreferencedContent()).isGreaterThanOrEqualTo(1);
        assertThat(count("SELECT count(*) FROM blobs WHERE encode(sha256, 'hex') = '" + sha + "'")).isZero();
        assertThat(count("SELECT count(*) FROM blob_chunks WHERE encode(sha256, 'hex') = '" + sha + "'")).isZero();
    }

    @Test
    void a64MegabyteMessage_streamsInAndOut_inChunks() throws Exception {
        StoredFolder inbox = store.folder("INBOX", '/');
        long size = 64L << 20;
        MessageDigest in = MessageDigest.getInstance("SHA-256");
        String id;
        try (MessageStore.MessageWriter w = inbox.newMessage(1)) {
            OutputStream out = w.stream();
            byte[] block = new byte[64 * 1024];
            for (long written = 0; written < size; written += block.length) {
                java.util.Arrays.fill(block, (byte) (written / block.length));
                out.write(block);
                in.update(block);
            }
            id = w.commit(MessageFlags.NONE);
        }
        MessageDigest back = MessageDigest.getInstance("SHA-256");
        long read = 0;
        try (InputStream s = inbox.open(id)) {
            byte[] buf = new byte[100_000];
            for (int n = s.read(buf); n > 0; n = s.read(buf)) {
                back.update(buf, 0, n);
                read += n;
            }
        }
        assertThat(read).isEqualTo(size);
        assertThat(back.digest()).isEqualTo(in.digest());
        assertThat(count("SELECT max(length(data)) FROM blob_chunks")).isEqualTo(256 * 1024);
    }

    @Test
    void aWorkerThatLostItsLease_cannotWriteMessages() throws Exception {
        db.addAccount("lost@example.com");
        Lease paused = db.lease("lost@example.com", "w1", Duration.ofMillis(200)).orElseThrow();
        MessageStore stale = db.messageStore(paused);
        StoredFolder inbox = stale.folder("INBOX", '/');
        Thread.sleep(400);
        Lease taker = db.leaseNext("w2", Duration.ofMinutes(1)).orElseThrow();
        assertThat(taker.account()).isEqualTo("lost@example.com");
        try (MessageStore.MessageWriter w = inbox.newMessage(1)) {
            w.stream().write("Subject: late\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThatThrownBy(() -> w.commit(MessageFlags.NONE)).isInstanceOf(LeaseLostException.class);
        }
        assertThatThrownBy(() -> stale.folder("Other", '/')).isInstanceOf(LeaseLostException.class);
        assertThat(db.messageStore(taker).folder("INBOX", '/').localIds()).isEmpty();
    }
}
