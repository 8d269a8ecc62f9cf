package dev.mailkit.imap;

import static dev.mailkit.imap.MirrorAssertions.files;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.testing.ManInTheMiddle;
import jakarta.mail.Flags;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The mirror scenarios on a real Dovecot (CONDSTORE, QRESYNC, MOVE, SPECIAL-USE), plus what only it can show. */
class DovecotMirrorIT extends TwoWayScenarios {

    @RegisterExtension
    static final DovecotServer.PerClass DOVECOT = new DovecotServer.PerClass();
    private static final AtomicInteger ACCOUNTS = new AtomicInteger();
    private String user;



    @Override
    void newAccount() throws Exception {
        // Each test gets an empty mailbox tree: the three users rotate and are emptied with doveadm.
        user = new String[] {"alice", "bob", "carol"}[ACCOUNTS.getAndIncrement() % 3];
        for (String mailbox : DOVECOT.server().doveadm("mailbox", "list", "-u", user).split("\n")) {
            String m = mailbox.strip();
            if (!m.isEmpty() && !m.equals("INBOX") && !m.equals("Sent") && !m.equals("Trash")) {
                try {
                    DOVECOT.server().doveadm("mailbox", "delete", "-u", user, "-r", "-s", m);
                } catch (java.io.IOException alreadyGoneWithItsParent) {
                    // "-r" on a parent already removed this child
                }
            }
        }
        DOVECOT.server().doveadm("expunge", "-u", user, "mailbox", "*", "all");
    }

    @Override
    ServerEndpoint endpoint() {
        return ServerEndpoint.of("127.0.0.1", DOVECOT.server().port(), Security.PLAIN);
    }

    @Override
    String user() {
        return user;
    }

    @Override
    String password() {
        return DovecotServer.PASSWORD;
    }

    @Override
    char separator() {
        return '/';
    }

    @Test
    void incrementalSync_usesQresync_andAnUnchangedFolderIsUnchanged() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"), ServerClient.message(2, "<b@example.com>", "b"));
        assertThat(sync().folder("INBOX").orElseThrow().method()).isEqualTo("INITIAL");
        assertThat(sync().folder("INBOX").orElseThrow().method()).isEqualTo("UNCHANGED");
        long uid = server.uidOf("INBOX", 2);
        server.setFlag("INBOX", uid, Flags.Flag.ANSWERED, true);
        server.expunge("INBOX", server.uidOf("INBOX", 1));
        FolderReport r = sync().folder("INBOX").orElseThrow();
        assertThat(r.method()).isEqualTo("QRESYNC");
        assertThat(r.changed()).isEqualTo(1);
        assertThat(r.removed()).isEqualTo(1);
        assertMirrored("INBOX");
    }

    @Test
    void unchangedFolders_costOneStatusEach_andNeverAStatusOfTheSelectedFolder() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<s1@example.com>", "one"), ServerClient.message(2, "<s2@example.com>", "two"));
        long uid = server.uidOf("INBOX", 1);
        try (ManInTheMiddle wire = new ManInTheMiddle(DOVECOT.server().port(), line -> line);
             ImapSynchronizer s = builder().endpoint(ServerEndpoint.of("127.0.0.1", wire.port(), Security.PLAIN)).build()) {
            assertThat(s.syncOnce().folder("INBOX").orElseThrow().method()).isEqualTo("INITIAL");
            assertThat(wire.fromClient()).as("the kept connection leaves its folder after a sync").containsIgnoringCase("UNSELECT");

            int from = wire.fromClient().length();
            SyncReport unchanged = s.syncOnce();
            String second = wire.fromClient().substring(from);
            assertThat(unchanged.folders()).allSatisfy(f -> assertThat(f.method()).isEqualTo("UNCHANGED"));
            assertThat(second).containsIgnoringCase("STATUS INBOX (UIDVALIDITY UIDNEXT HIGHESTMODSEQ)")
                    .doesNotContainIgnoringCase("EXAMINE").doesNotContainIgnoringCase("FETCH");

            server.setFlag("INBOX", uid, Flags.Flag.ANSWERED, true); // another client
            FolderReport changed = s.syncOnce().folder("INBOX").orElseThrow();
            assertThat(changed.method()).isEqualTo("QRESYNC");
            assertThat(changed.changed()).isEqualTo(1);

            // A local change: the push SELECTs INBOX, so the pull must not ask for INBOX's STATUS after it.
            s.local().folder("INBOX").flag(uid);
            from = wire.fromClient().length();
            s.syncOnce();
            String pushed = wire.fromClient().substring(from).toUpperCase(java.util.Locale.ROOT);
            int select = pushed.indexOf("SELECT INBOX");
            assertThat(select).isNotNegative();
            assertThat(pushed.indexOf("STATUS INBOX", select)).isNegative();
            assertThat(pushed.indexOf("EXAMINE INBOX", select)).isGreaterThan(select);
        }
        assertThat(server.flags("INBOX", uid).contains(Flags.Flag.FLAGGED)).isTrue();
        assertThat(server.flags("INBOX", uid).contains(Flags.Flag.ANSWERED)).isTrue();
        assertMirrored("INBOX");
    }

    @Test
    void specialUseFolders_areRecordedInTheState() throws Exception {
        sync();
        try (SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
            assertThat(state.folder("Sent").orElseThrow().specialUse()).isEqualToIgnoringCase("\\Sent");
            assertThat(state.folder("Trash").orElseThrow().specialUse()).isEqualToIgnoringCase("\\Trash");
        }
    }

    @Test
    void uidValidityChange_rematchesByMessageId_withoutDownloadingAgain() throws Exception {
        server.append("Lists", ServerClient.message(1, "<l1@example.com>", "one"),
                ServerClient.message(2, "<l2@example.com>", "two"));
        sync();
        long before;
        try (SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
            before = state.folder("Lists").orElseThrow().uidValidity();
        }
        // Recreate the mailbox: new UIDVALIDITY, same messages, plus one new one.
        server.deleteFolder("Lists");
        Thread.sleep(1100); // Dovecot derives UIDVALIDITY from the clock in seconds
        server.append("Lists", ServerClient.message(1, "<l1@example.com>", "one"),
                ServerClient.message(2, "<l2@example.com>", "two"), ServerClient.message(3, "<l3@example.com>", "three"));
        FolderReport r = sync().folder("Lists").orElseThrow();
        assertThat(r.method()).isEqualTo("UIDVALIDITY");
        assertThat(r.added()).isEqualTo(1);
        assertThat(r.notes()).anyMatch(n -> n.contains("2 messages matched"));
        try (SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
            assertThat(state.folder("Lists").orElseThrow().uidValidity()).isNotEqualTo(before);
        }
        assertMirrored("Lists");
    }

    @Test
    void aMoveTheServerRefuses_isUndoneHere_andTheOtherChangesGoThrough() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"), ServerClient.message(2, "<b@example.com>", "b"));
        server.append("Gone", ServerClient.message(3, "<g@example.com>", "g"));
        sync();
        long a = server.uidOf("INBOX", 1);
        long b = server.uidOf("INBOX", 2);
        try (ImapSynchronizer s = synchronizer()) {
            s.local().folder("INBOX").move("Gone", a);
            s.local().folder("INBOX").markRead(b);
        }
        server.deleteFolder("Gone"); // another device deletes the target before the move is pushed
        SyncReport r = sync();
        assertThat(r.folder("INBOX").orElseThrow().notes()).anyMatch(n -> n.contains("refused to move"));
        assertThat(r.folder("Gone").orElseThrow().method()).isEqualTo("DELETED");
        assertThat(serverMessageIds("INBOX")).containsExactly("<a@example.com>", "<b@example.com>");
        assertThat(files(maildir, "INBOX")).hasSize(2).anyMatch(f -> f.toString().endsWith(",U=" + b + ":2,S"));
        assertMirrored("INBOX");
        SyncReport again = sync();
        assertThat(again.pushed()).isZero();
        assertThat(again.bytes()).isZero();
    }

    @Test
    void watch_withNotify_seesChangesInFoldersItDoesNotIdleOn() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"));
        server.append("Archive", ServerClient.message(2, "<o@example.com>", "o"));
        sync();
        try (ImapSynchronizer s = synchronizer(); SyncWatch watch = s.watch()) {
            Thread.sleep(500); // the first sync, IDLE and NOTIFY start
            server.append("Archive", ServerClient.message(3, "<n@example.com>", "new in Archive"));
            within5s("a message new in a folder without IDLE is mirrored", () -> files(maildir, "Archive").size() == 2);
        }
        assertMirrored("Archive");
    }
}
