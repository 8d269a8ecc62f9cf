package dev.mailkit.imap;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import jakarta.mail.Flags;
import java.nio.file.Path;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The envelope index kept by real syncs (GreenMail): new mail, flags both ways, expunges, renames, an index turned off. */
class IndexedSyncTest {

    @TempDir
    Path dir;
    GreenMail mail;
    ServerClient server;

    @BeforeEach
    void start() throws Exception {
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
        mail.start();
        mail.setUser("alice@localhost", "alice", "alice-pw");
        server = new ServerClient("127.0.0.1", mail.getImap().getPort(), "alice", "alice-pw");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        mail.stop();
    }

    private ImapSynchronizer.Builder builder() {
        return ImapSynchronizer.builder().endpoint("127.0.0.1", mail.getImap().getPort(), Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(Credentials.password("alice", "alice-pw")).maildir(dir);
    }

    private static byte[] msg(int i, String subject, String body) {
        return ("From: sender" + i + "@example.com\r\nTo: alice@example.com\r\nSubject: " + subject + "\r\nMessage-ID: <s" + i
                + "@x>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\n" + body + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void everySync_leavesTheIndexEqualToTheMirror() throws Exception {
        server.append("INBOX", msg(1, "alpha", "apples"), msg(2, "beta", "bananas"), msg(3, "gamma", "cherries"));
        server.append("Archive", msg(4, "delta", "dates"));
        try (ImapSynchronizer sync = builder().build(); LocalMailbox box = LocalMailbox.open(dir, ZoneOffset.UTC)) {
            sync.syncOnce();
            IndexConsistency.assertConsistent(dir, "first sync");
            assertThat(box.search("bananas", 0, 10)).extracting(Envelope::subject).containsExactly("beta");
            assertThat(box.count("INBOX")).isEqualTo(3);

            server.setFlag("INBOX", 1, Flags.Flag.FLAGGED, true);
            server.expunge("INBOX", 3);
            server.append("INBOX", msg(5, "epsilon", "elderberries"));
            sync.syncOnce();
            IndexConsistency.assertConsistent(dir, "server changes");
            assertThat(box.search("is:flagged", 0, 10)).extracting(Envelope::subject).containsExactly("alpha");
            assertThat(box.search("cherries", 0, 10)).isEmpty();
            assertThat(box.search("elderberries", 0, 10)).extracting(Envelope::folder).containsExactly("INBOX");

            MirroredFolder inbox = sync.local().folder("INBOX");
            inbox.markRead(2);
            assertThat(box.search("is:read", 0, 10)).extracting(Envelope::subject).containsExactly("beta"); // not pushed yet
            inbox.move("Archive", 2);
            assertThat(box.search("bananas", 0, 10)).isEmpty(); // moved here, not yet a message of Archive
            sync.syncOnce();
            IndexConsistency.assertConsistent(dir, "local changes pushed");
            assertThat(box.search("bananas", 0, 10)).singleElement().satisfies(e -> {
                assertThat(e.folder()).isEqualTo("Archive");
                assertThat(e.flags().seen()).isTrue();
            });
            sync.forgetFolder("Archive");
            assertThat(box.search("folder:Archive", 0, 10)).isEmpty();
            sync.syncOnce();
            assertThat(box.search("folder:Archive", 0, 10)).extracting(Envelope::subject).containsExactlyInAnyOrder("delta", "beta");
            IndexConsistency.assertConsistent(dir, "folder forgotten and mirrored again");
        }
    }

    @Test
    void aSyncWithoutTheIndex_isIndexedByTheNextSyncThatKeepsIt() throws Exception {
        server.append("INBOX", msg(1, "alpha", "apples"), msg(2, "beta", "bananas"));
        try (ImapSynchronizer sync = builder().withoutIndex().build()) {
            sync.syncOnce();
        }
        try (LocalMailbox box = LocalMailbox.open(dir.resolve("nowhere").getParent(), ZoneOffset.UTC)) {
            // opened while no synchronizer holds the Maildir: the missing rows are indexed on open
            assertThat(box.search("apples", 0, 10)).hasSize(1);
        }
        server.append("INBOX", msg(3, "gamma", "cherries"));
        try (ImapSynchronizer sync = builder().withoutIndex().build()) {
            sync.syncOnce();
        }
        try (ImapSynchronizer sync = builder().build()) {
            sync.syncOnce();
        }
        IndexConsistency.assertConsistent(dir, "after a sync with the index");
    }
}
