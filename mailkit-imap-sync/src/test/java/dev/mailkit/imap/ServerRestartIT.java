package dev.mailkit.imap;

import static dev.mailkit.imap.MirrorAssertions.assertExactMirror;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.MailkitException;
import dev.mailkit.core.Security;
import dev.mailkit.imap.spi.SyncStateStore;
import dev.mailkit.imap.testing.DovecotServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server restarted (stopped and started again, its connections dropped) in the middle of a sync,
 * at a point that is the same in every run: while the sync is storing the 150th of 600 messages.
 */
class ServerRestartIT {

    @RegisterExtension
    static final DovecotServer.PerClass DOVECOT = new DovecotServer.PerClass();

    private static final String USER = "dave";
    private static final List<String> FOLDERS = List.of("INBOX", "Archive");

    @TempDir
    Path maildir;

    private ImapSynchronizer.Builder synchronizer(SyncListener listener) {
        return ImapSynchronizer.builder().endpoint("127.0.0.1", DOVECOT.server().port(), Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().readTimeout(Duration.ofSeconds(10)).build())
                .credentials(Credentials.password(USER, DovecotServer.PASSWORD)).maildir(maildir)
                .folders(FolderFilter.only(FOLDERS.toArray(new String[0]))).listener(listener);
    }

    @Test
    void aServerRestartedMidSync_endsInATypedErrorOrSuccess_andTheNextSyncConverges() throws Exception {
        String padding = "restart test line\r\n".repeat(1000); // ~19 KB a message
        try (ServerClient server = new ServerClient("127.0.0.1", DOVECOT.server().port(), USER, DovecotServer.PASSWORD)) {
            for (int f = 0; f < 2; f++) {
                byte[][] messages = new byte[300][];
                for (int j = 0; j < 300; j++) {
                    int i = 2 * j + f;
                    messages[j] = ServerClient.message(i, "<restart" + i + "@example.com>", i + "\r\n" + padding);
                }
                server.append(FOLDERS.get(f), messages);
            }
        }
        AtomicInteger stored = new AtomicInteger();
        AtomicInteger restarts = new AtomicInteger();
        SyncListener restartAt150 = new SyncListener() {
            @Override
            public void onMessage(String folder, long uid, long bytes) {
                if (stored.incrementAndGet() == 150) {
                    try {
                        DOVECOT.server().restart();
                        restarts.incrementAndGet();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        };
        String outcome;
        try (ImapSynchronizer s = synchronizer(restartAt150).build()) {
            s.syncOnce();
            outcome = "completed";
        } catch (MailkitException e) {
            outcome = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        System.out.println("sync across a server restart: " + outcome + "; " + stored.get() + " messages stored");
        assertThat(restarts.get()).as("the server was restarted during the sync").isEqualTo(1);
        // The sync's connection was dropped by the restart: it fails with the typed error, it does not hang.
        assertThat(outcome).startsWith("ConnectionException");
        assertThat(stored.get()).as("the sync did not fetch everything before the server went away").isLessThan(600);

        // Meanwhile new mail arrives, as after a maintenance window.
        try (ServerClient server = new ServerClient("127.0.0.1", DOVECOT.server().port(), USER, DovecotServer.PASSWORD)) {
            server.append("INBOX", ServerClient.message(900, "<after-restart@example.com>", "after the restart"));
        }
        try (ImapSynchronizer s = synchronizer(new SyncListener() { }).build()) {
            s.syncOnce();
            assertThat(s.syncOnce().added()).as("a second sync finds nothing more").isZero();
        }
        try (ServerClient server = new ServerClient("127.0.0.1", DOVECOT.server().port(), USER, DovecotServer.PASSWORD);
             SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
            for (String f : FOLDERS) {
                assertExactMirror(maildir, f, server.rawBodies(f), state);
            }
        }
    }
}
