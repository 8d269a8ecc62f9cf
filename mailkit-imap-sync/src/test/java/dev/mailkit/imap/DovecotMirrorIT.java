package dev.mailkit.imap;

import static dev.mailkit.imap.MirrorAssertions.files;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.testing.ManInTheMiddle;
import dev.mailkit.imap.spi.SyncStateStore;
import dev.mailkit.imap.testing.DovecotServer;
import jakarta.mail.Flags;
import java.util.concurrent.atomic.AtomicInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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
        assertThat(r.notes()).anyMatch(n -> n.contains("2 message(s) matched"));
        try (SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
            assertThat(state.folder("Lists").orElseThrow().uidValidity()).isNotEqualTo(before);
        }
        assertMirrored("Lists");
    }

    /** Deletes a folder on the server and makes it again (a new UIDVALIDITY) holding {@code messages}. */
    private void recreate(String folder, byte[]... messages) throws Exception {
        server.deleteFolder(folder);
        Thread.sleep(1100); // Dovecot derives UIDVALIDITY from the clock in seconds
        server.append(folder, messages);
    }

    @Test
    void uidValidityChange_keepsMessagesWithoutMessageId_andUploadsNothing() throws Exception {
        byte[] a = ServerClient.message(1, null, "no id, first");
        byte[] b = ServerClient.message(2, null, "no id, second");
        byte[] c = ServerClient.message(3, "<c@example.com>", "with id");
        server.append("Lists", a, b, c);
        sync();
        recreate("Lists", a, b, c); // the same messages under the same UIDs, as a server restored from backup gives them
        SyncReport r = sync();
        assertThat(r.folder("Lists").orElseThrow().method()).isEqualTo("UIDVALIDITY");
        assertThat(r.folder("Lists").orElseThrow().notes()).anyMatch(n -> n.contains("3 message(s) matched"));
        assertThat(r.bytes()).as("nothing downloaded again").isZero();
        assertThat(r.pushed()).isZero();
        assertMirrored("Lists");
        SyncReport again = sync();
        assertThat(again.pushed()).as("nothing uploaded back").isZero();
        assertThat(again.added()).isZero();
        assertThat(server.uids("Lists")).hasSize(3);
        assertMirrored("Lists");
    }

    @Test
    void uidValidityChange_onARenumberingServer_neverDuplicatesMessagesWithoutMessageId() throws Exception {
        byte[][] noIds = new byte[4][];
        for (int i = 0; i < noIds.length; i++) {
            noIds[i] = ServerClient.message(i, null, "no id " + i);
        }
        server.append("Lists", noIds);
        server.append("Lists", ServerClient.message(9, "<l9@example.com>", "with id"));
        sync();
        // Renumbered: another order, one new message in front, and the same bytes otherwise.
        recreate("Lists", ServerClient.message(10, null, "arrived meanwhile"), noIds[3], noIds[1],
                ServerClient.message(9, "<l9@example.com>", "with id"), noIds[0], noIds[2]);
        SyncReport r = sync();
        assertThat(r.folder("Lists").orElseThrow().added()).as("only the new one downloaded").isEqualTo(1);
        assertMirrored("Lists");
        assertThat(sync().pushed()).as("nothing uploaded back").isZero();
        assertThat(server.uids("Lists")).hasSize(6);
        assertMirrored("Lists");
    }

    @Test
    void uidValidityChange_carriesPendingLocalChangesOverToTheNewUids() throws Exception {
        server.append("Lists", ServerClient.message(1, "<f@example.com>", "to flag"), ServerClient.message(2, null, "to read"),
                ServerClient.message(3, "<d@example.com>", "to delete"), ServerClient.message(4, "<k@example.com>", "kept"));
        sync();
        long f = server.uidOf("Lists", 1);
        long n = server.uidOf("Lists", 2);
        long d = server.uidOf("Lists", 3);
        try (ImapSynchronizer s = builder().deleteToTrash(false).build()) {
            s.local().folder("Lists").flag(f);
            s.local().folder("Lists").markRead(n);
            s.local().folder("Lists").delete(d);
        }
        Map<Long, byte[]> before = server.rawBodies("Lists");
        recreate("Lists", before.get(d), before.get(n), before.get(f), before.get(server.uidOf("Lists", 4)));
        try (ImapSynchronizer s = builder().deleteToTrash(false).build()) {
            s.syncOnce(); // the recovery maps the changes to the new UIDs
            s.syncOnce(); // and this sync pushes them
        }
        assertThat(serverMessageIds("Lists")).containsExactly("", "<f@example.com>", "<k@example.com>");
        for (long uid : server.uids("Lists")) {
            String text = new String(server.rawBodies("Lists").get(uid), StandardCharsets.US_ASCII);
            Flags flags = serverFlags("Lists", uid);
            assertThat(flags.contains(Flags.Flag.FLAGGED)).as("flagged: %s", text).isEqualTo(text.contains("to flag"));
            assertThat(flags.contains(Flags.Flag.SEEN)).as("read: %s", text).isEqualTo(text.contains("to read"));
        }
        assertMirrored("Lists");
    }

    @Test
    void aFolderGoneFromTheServer_isKeptHere_untilAllowed() throws Exception {
        server.append("Projects", ServerClient.message(1, "<p1@example.com>", "1"), ServerClient.message(2, "<p2@example.com>", "2"));
        server.append("Single", ServerClient.message(3, "<s@example.com>", "one message only"));
        sync();
        server.deleteFolder("Projects");
        server.deleteFolder("Single");
        MassDeletionException e = org.assertj.core.api.Assertions.catchThrowableOfType(this::sync, MassDeletionException.class);
        assertThat(e).isNotNull();
        assertThat(e.side()).isEqualTo(MassDeletionException.Side.SERVER);
        assertThat(e.deletions()).containsOnlyKeys("Projects");
        assertThat(e.report().orElseThrow().folder("Projects").orElseThrow().method()).isEqualTo("KEPT");
        assertThat(e.report().orElseThrow().folder("Single").orElseThrow().method())
                .as("one message is below the guard's minimum").isEqualTo("DELETED");
        assertThat(files(maildir, "Projects")).hasSize(2);
        try (ImapSynchronizer s = builder().allowMassDeletion().build()) {
            assertThat(s.syncOnce().folder("Projects").orElseThrow().method()).isEqualTo("DELETED");
        }
        assertThat(java.nio.file.Files.exists(MirrorAssertions.folderDir(maildir, "Projects"))).isFalse();
    }

    @Test
    void trashEmptiedAndAFolderRenamedOnTheServer_areNotTakenForMassDeletions() throws Exception {
        server.append("Trash", ServerClient.message(1, "<t1@example.com>", "1"), ServerClient.message(2, "<t2@example.com>", "2"));
        server.append("Projects", ServerClient.message(3, "<p1@example.com>", "3"), ServerClient.message(4, "<p2@example.com>", "4"));
        sync();
        for (long uid : server.uids("Trash")) {
            server.expunge("Trash", uid);
        }
        jakarta.mail.Folder projects = server.folder("Projects");
        assertThat(projects.renameTo(server.folder("Work"))).isTrue();
        SyncReport r = sync();
        assertThat(r.folder("Trash").orElseThrow().removed()).isEqualTo(2);
        assertThat(r.folder("Projects").orElseThrow().method()).isEqualTo("DELETED");
        assertThat(r.bytes()).as("the renamed folder's messages are linked, not downloaded").isZero();
        assertMirrored("Trash");
        assertMirrored("Work");
        assertThat(java.nio.file.Files.exists(MirrorAssertions.folderDir(maildir, "Projects"))).isFalse();
    }

    @Test
    void aResumedSync_reportsFilesAnInterruptedRunStored_asTakenOver_notAsNew() throws Exception {
        byte[][] six = new byte[6][];
        for (int i = 0; i < six.length; i++) {
            six[i] = ServerClient.message(i, "<r" + i + "@example.com>", "resume " + i);
        }
        server.append("INBOX", six);
        java.util.concurrent.atomic.AtomicInteger stored = new java.util.concurrent.atomic.AtomicInteger();
        SyncListener dies = new SyncListener() {
            @Override
            public void onMessage(String folder, long uid, long bytes) {
                if (stored.incrementAndGet() == 4) {
                    throw new IllegalStateException("the process dies here");
                }
            }
        };
        try (ImapSynchronizer s = builder().listener(dies).build()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(s::syncOnce).hasMessageContaining("dies here");
        }
        assertThat(files(maildir, "INBOX")).as("written before the interruption").hasSize(4);
        FolderReport r = sync().folder("INBOX").orElseThrow();
        assertThat(r.added()).as("downloaded now").isEqualTo(2);
        assertThat(r.notes()).anyMatch(n -> n.startsWith("4 message(s) already stored here"));
        assertMirrored("INBOX");
    }

    @Test
    void folderDurations_areEachFoldersOwn_notCumulative() throws Exception {
        for (String f : List.of("A1", "A2", "A3", "A4")) {
            server.append(f, ServerClient.message(1, "<" + f + "@example.com>", f));
        }
        SyncReport r = sync();
        long sum = r.folders().stream().mapToLong(f -> f.duration().toNanos()).sum();
        assertThat(sum).isLessThanOrEqualTo(r.duration().toNanos());
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
