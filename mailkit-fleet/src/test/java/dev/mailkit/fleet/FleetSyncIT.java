package dev.mailkit.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.fleet.testing.PostgresExtension;
import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.spi.SyncStateStore;
import dev.mailkit.imap.testing.DovecotServer;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real sync (Dovecot) into the fleet's PostgreSQL state and content, handed from one worker to another. */
class FleetSyncIT {

    @RegisterExtension
    static final DovecotServer.PerClass DOVECOT = new DovecotServer.PerClass();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final String USER = "alice";

    private ImapSynchronizer synchronizer(FleetDatabase db, Lease lease) {
        return ImapSynchronizer.builder()
                .endpoint(ServerEndpoint.of("127.0.0.1", DOVECOT.server().port(), Security.PLAIN))
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(Credentials.password(USER, DovecotServer.PASSWORD))
                .stateStore(db.stateStore(lease)).messageStore(db.messageStore(lease)).build();
    }

    private Store imap() throws Exception {
        Properties p = new Properties();
        p.setProperty("mail.imap.connectiontimeout", "10000");
        p.setProperty("mail.imap.timeout", "10000");
        Store store = Session.getInstance(p).getStore("imap");
        store.connect("127.0.0.1", DOVECOT.server().port(), USER, DovecotServer.PASSWORD);
        return store;
    }

    private static MimeMessage message(int i) throws Exception {
        String text = "Message-ID: <m" + i + "@example.com>\r\nSubject: message " + i + "\r\nFrom: a@example.com\r\n\r\nbody "
                + i + "\r\n";
        return new MimeMessage(null, new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Every message of a server folder: UID to bytes. */
    private Map<Long, byte[]> serverFolder(String name) throws Exception {
        try (Store store = imap()) {
            Folder f = store.getFolder(name);
            f.open(Folder.READ_ONLY);
            Map<Long, byte[]> out = new HashMap<>();
            for (Message m : f.getMessages()) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                m.writeTo(b);
                out.put(((UIDFolder) f).getUID(m), b.toByteArray());
            }
            f.close(false);
            return out;
        }
    }

    /** Every mirrored message of a folder: UID to bytes, read from the fleet's content store. */
    private static Map<Long, byte[]> mirrored(FleetDatabase db, Lease lease, String folder) throws Exception {
        SyncStateStore state = db.stateStore(lease);
        MessageStore.StoredFolder local = db.messageStore(lease).folder(folder, '/');
        Map<Long, byte[]> out = new HashMap<>();
        for (MessageRecord r : state.messages(folder)) {
            try (InputStream in = local.open(r.localId())) {
                out.put(r.uid(), in.readAllBytes());
            }
        }
        return out;
    }

    @Test
    void aMailboxSyncedByOneWorker_isContinuedByTheNext_fromTheSharedState_andContentIsStoredOnce() throws Exception {
        String url = POSTGRES.server().newDatabase();
        try (Store store = imap()) {
            Folder inbox = store.getFolder("INBOX");
            Folder archive = store.getFolder("Archive");
            if (!archive.exists()) {
                archive.create(Folder.HOLDS_MESSAGES);
            }
            inbox.appendMessages(new Message[] {message(1), message(2), message(3), message(4), message(5)});
            inbox.open(Folder.READ_WRITE);
            inbox.copyMessages(new Message[] {inbox.getMessage(1), inbox.getMessage(2)}, archive);
            inbox.close(false);
        }
        try (FleetDatabase db = FleetDatabase.builder().jdbcUrl(url).build()) {
            db.addAccount(USER);
            Lease first = db.leaseNext("worker-1", Duration.ofMillis(1500)).orElseThrow();
            try (ImapSynchronizer sync = synchronizer(db, first)) {
                SyncReport report = sync.syncOnce();
                assertThat(report.folder("INBOX").orElseThrow().added()).isEqualTo(5);
            }
            assertThat(mirrored(db, first, "INBOX")).usingRecursiveComparison().isEqualTo(serverFolder("INBOX"));
            assertThat(mirrored(db, first, "Archive")).usingRecursiveComparison().isEqualTo(serverFolder("Archive"));
            // 7 messages mirrored, 5 distinct contents stored
            assertThat(count(url, "SELECT count(*) FROM local_messages")).isEqualTo(7);
            assertThat(count(url, "SELECT count(*) FROM blobs")).isEqualTo(5);

            // worker-1 stalls past its lease; worker-2 takes the account over and continues from the shared state
            Thread.sleep(2000);
            Lease second = db.leaseNext("worker-2", Duration.ofMinutes(1)).orElseThrow();
            try (Store store = imap()) {
                Folder inbox = store.getFolder("INBOX");
                inbox.appendMessages(new Message[] {message(6)});
                inbox.open(Folder.READ_WRITE);
                inbox.getMessage(1).setFlags(new Flags(Flags.Flag.FLAGGED), true);
                inbox.close(false);
            }
            try (ImapSynchronizer sync = synchronizer(db, second)) {
                SyncReport report = sync.syncOnce();
                assertThat(report.folder("INBOX").orElseThrow().added()).isEqualTo(1); // only the new one downloaded
                assertThat(report.folder("INBOX").orElseThrow().changed()).isEqualTo(1);
            }
            assertThat(mirrored(db, second, "INBOX")).usingRecursiveComparison().isEqualTo(serverFolder("INBOX"));
            FolderState afterSecond = db.stateStore(second).folder("INBOX").orElseThrow();

            // worker-1 wakes and syncs with its lost lease: it writes nothing
            try (ImapSynchronizer stale = synchronizer(db, first)) {
                try (Store store = imap()) {
                    store.getFolder("INBOX").appendMessages(new Message[] {message(7)});
                }
                // the synchronizer skips every folder whose store refuses it, and says why
                SyncReport r = stale.syncOnce();
                assertThat(r.folders()).isNotEmpty().allSatisfy(f -> {
                    assertThat(f.method()).isEqualTo("SKIPPED");
                    assertThat(f.notes()).anySatisfy(n -> assertThat(n).contains("lease of account alice").contains("is lost"));
                });
            }
            assertThat(db.stateStore(second).folder("INBOX")).contains(afterSecond);
            assertThat(db.stateStore(second).messages("INBOX")).hasSize(6);
        }
    }

    private static long count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

}
