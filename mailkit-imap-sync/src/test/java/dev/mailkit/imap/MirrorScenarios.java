package dev.mailkit.imap;

import static dev.mailkit.imap.MirrorAssertions.assertExactMirror;
import static dev.mailkit.imap.MirrorAssertions.files;
import static dev.mailkit.imap.MirrorAssertions.folderDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.imap.spi.SyncStateStore;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mirror behaviour every server must pass; subclasses provide the server (GreenMail, Dovecot). */
abstract class MirrorScenarios {

    @TempDir
    Path dir;
    Path maildir;
    ServerClient server;

    abstract ServerEndpoint endpoint();

    abstract String user();

    abstract String password();

    abstract char separator();

    /** A fresh, empty account for each test. */
    abstract void newAccount() throws Exception;

    String sub(String parent, String child) {
        return parent + separator() + child;
    }

    @BeforeEach
    void open() throws Exception {
        newAccount();
        MirrorAssertions.separator = separator();
        maildir = dir.resolve("mail");
        server = new ServerClient(endpoint().host(), endpoint().port(), user(), password());
    }

    @AfterEach
    void closeClient() throws Exception {
        server.close();
    }

    ImapSynchronizer.Builder builder() {
        return ImapSynchronizer.builder().endpoint(endpoint())
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(Credentials.password(user(), password())).maildir(maildir);
    }

    ImapSynchronizer synchronizer() {
        return builder().build();
    }

    SyncReport sync() {
        try (ImapSynchronizer s = synchronizer()) {
            return s.syncOnce();
        }
    }

    void assertMirrored(String folder) throws Exception {
        try (SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
            assertExactMirror(maildir, folder, server.rawBodies(folder), state);
        }
    }

    @Test
    void initialSync_mirrorsEveryMessageByteForByte_withoutMarkingThemRead() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<m1@example.com>", "hello"),
                ServerClient.message(2, "<m2@example.com>", "Grüße, 你好 👋"),
                ServerClient.message(3, null, "no message id"));
        server.append("Archive", ServerClient.message(4, "<m4@example.com>", "archived"));
        SyncReport r = sync();
        assertThat(r.folder("INBOX").orElseThrow().added()).isEqualTo(3);
        assertThat(r.folder("Archive").orElseThrow().added()).isEqualTo(1);
        assertMirrored("INBOX");
        assertMirrored("Archive");
        Folder inbox = server.folder("INBOX");
        inbox.open(Folder.READ_ONLY);
        for (jakarta.mail.Message m : inbox.getMessages()) {
            assertThat(m.isSet(Flags.Flag.SEEN)).as("fetching must not mark mail read").isFalse();
        }
        inbox.close(false);
        try (SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
            assertThat(state.findByMessageId("<m2@example.com>")).singleElement()
                    .satisfies(m -> assertThat(m.folder()).isEqualTo("INBOX"));
        }
        assertThat(Files.exists(folderDir(maildir, "Archive").resolve("maildirfolder"))).isTrue();
    }

    @Test
    void secondSync_withoutServerChanges_changesNothing() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"), ServerClient.message(2, "<b@example.com>", "b"));
        sync();
        SyncReport again = sync();
        assertThat(again.added()).isZero();
        assertThat(again.changed()).isZero();
        assertThat(again.removed()).isZero();
        assertThat(again.bytes()).isZero();
        assertMirrored("INBOX");
    }

    @Test
    void flagChangesOnTheServer_reachTheMaildirFileNames() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"), ServerClient.message(2, "<b@example.com>", "b"));
        sync();
        long uid = server.uidOf("INBOX", 1);
        server.setFlag("INBOX", uid, Flags.Flag.SEEN, true);
        server.setFlag("INBOX", uid, Flags.Flag.FLAGGED, true);
        SyncReport r = sync();
        assertThat(r.folder("INBOX").orElseThrow().changed()).isEqualTo(1);
        assertThat(files(maildir, "INBOX")).anyMatch(f -> f.getFileName().toString().endsWith(",U=" + uid + ":2,FS"));
        server.setFlag("INBOX", uid, Flags.Flag.SEEN, false);
        sync();
        assertThat(files(maildir, "INBOX")).anyMatch(f -> f.getFileName().toString().endsWith(",U=" + uid + ":2,F"));
    }

    @Test
    void expungeOnTheServer_removesTheFile() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"), ServerClient.message(2, "<b@example.com>", "b"));
        sync();
        server.expunge("INBOX", server.uidOf("INBOX", 1));
        SyncReport r = sync();
        assertThat(r.folder("INBOX").orElseThrow().removed()).isEqualTo(1);
        assertThat(files(maildir, "INBOX")).hasSize(1);
        assertMirrored("INBOX");
    }

    @Test
    void newMessagesAfterTheFirstSync_areAddedIncrementally() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"));
        sync();
        server.append("INBOX", ServerClient.message(2, "<b@example.com>", "b"), ServerClient.message(3, "<c@example.com>", "c"));
        SyncReport r = sync();
        assertThat(r.folder("INBOX").orElseThrow().added()).isEqualTo(2);
        assertMirrored("INBOX");
    }

    @Test
    void foldersCreatedAndDeletedOnTheServer_followLocally() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"));
        server.append("Projects", ServerClient.message(2, "<p@example.com>", "p"));
        sync();
        assertThat(Files.isDirectory(folderDir(maildir, "Projects").resolve("cur"))).isTrue();
        server.deleteFolder("Projects");
        SyncReport r = sync();
        assertThat(r.folder("Projects").orElseThrow().method()).isEqualTo("DELETED");
        assertThat(Files.exists(folderDir(maildir, "Projects"))).isFalse();
    }

    @Test
    void deletedServerFolder_isKeptLocallyWhenItHoldsUnsyncedMail() throws Exception {
        server.append("Projects", ServerClient.message(2, "<p@example.com>", "p"));
        sync();
        Files.writeString(folderDir(maildir, "Projects").resolve("new").resolve("123.local.host"),
                "From: me\r\n\r\nwritten by mutt\r\n", StandardCharsets.US_ASCII);
        server.deleteFolder("Projects");
        SyncReport r = sync();
        assertThat(r.folder("Projects").orElseThrow().method()).isEqualTo("KEPT");
        assertThat(Files.exists(folderDir(maildir, "Projects").resolve("new").resolve("123.local.host"))).isTrue();
    }

    @Test
    void nonAsciiAndNestedFolderNames_areMirrored() throws Exception {
        String nested = sub("Отчёты", "2026 日本");
        server.append(nested, ServerClient.message(1, "<n@example.com>", "nested"));
        SyncReport r = sync();
        assertThat(r.folder(nested)).isPresent();
        assertMirrored(nested);
        assertThat(folderDir(maildir, nested).getFileName().toString()).startsWith(".").contains("&").doesNotContain("日本");
    }

    @Test
    void messageMovedByAnotherClient_isCopiedLocally_notDownloadedAgain() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<move-me@example.com>", "x".repeat(5000)),
                ServerClient.message(2, "<stay@example.com>", "stay"));
        server.append("Archive", ServerClient.message(3, "<other@example.com>", "other"));
        sync();
        server.move("INBOX", server.uidOf("INBOX", 1), "Archive");
        SyncReport r = sync();
        FolderReport archive = r.folder("Archive").orElseThrow();
        assertThat(archive.added()).isEqualTo(1);
        assertThat(archive.copiedLocally()).isEqualTo(1);
        assertThat(archive.bytes()).isZero();
        assertThat(r.folder("INBOX").orElseThrow().removed()).isEqualTo(1);
        assertMirrored("INBOX");
        assertMirrored("Archive");
    }

    @Test
    void crashAfterFilesWereWrittenButBeforeStateCommit_isAdoptedNotDuplicated() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"), ServerClient.message(2, "<b@example.com>", "b"));
        sync();
        // Simulate a crash: files are on disk but the state never learned about them.
        Map<Long, byte[]> bodies = server.rawBodies("INBOX");
        try (SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
            state.update("INBOX", java.util.List.of(), bodies.keySet());
            FolderState f = state.folder("INBOX").orElseThrow();
            state.saveFolder(new FolderState(f.name(), f.separator(), f.uidValidity(), 1, 0, f.specialUse()));
        }
        SyncReport r = sync();
        assertThat(r.folder("INBOX").orElseThrow().bytes()).as("nothing downloaded again").isZero();
        assertMirrored("INBOX");
    }

    @Test
    void severalConnections_syncFoldersInParallel_toTheSameMirror() throws Exception {
        List<String> names = List.of("INBOX", "A", "B", "C", "D");
        int n = 0;
        for (String name : names) {
            byte[][] batch = new byte[12][];
            for (int i = 0; i < batch.length; i++, n++) {
                batch[i] = ServerClient.message(n, "<p" + n + "@example.com>", "parallel " + n);
            }
            server.append(name, batch);
        }
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch twoThreads = new CountDownLatch(2);
        SyncListener listener = new SyncListener() {
            @Override
            public void onFolderStart(String folder, int messages) {
                if (threads.add(Thread.currentThread().getName())) {
                    twoThreads.countDown();
                }
                try {
                    twoThreads.await(5, TimeUnit.SECONDS); // only a second connection can release the first
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        SyncReport r;
        try (ImapSynchronizer s = builder().connections(3).listener(listener).build()) {
            r = s.syncOnce();
        }
        assertThat(threads).as("folders synced on more than one connection at once").hasSizeGreaterThanOrEqualTo(2);
        assertThat(r.added()).isEqualTo(60);
        for (String name : names) {
            assertMirrored(name);
        }
        try (ImapSynchronizer s = builder().connections(3).build()) {
            assertThat(s.syncOnce().added()).isZero();
        }
    }

    @Test
    void onlySince_leavesOlderMessagesOnTheServer() throws Exception {
        Instant cut = Instant.parse("2026-06-01T00:00:00Z");
        server.appendReceived("INBOX", java.util.Date.from(cut.minus(Duration.ofDays(30))),
                ServerClient.message(1, "<old@example.com>", "old"));
        server.appendReceived("INBOX", java.util.Date.from(cut.plus(Duration.ofDays(1))),
                ServerClient.message(2, "<new@example.com>", "new"));
        SyncReport r;
        try (ImapSynchronizer s = builder().onlySince(cut).build()) {
            r = s.syncOnce();
            assertThat(s.state().messages("INBOX")).extracting(MessageRecord::messageId).containsExactly("<new@example.com>");
        }
        assertThat(r.folder("INBOX").orElseThrow().added()).isEqualTo(1);
        assertThat(r.folder("INBOX").orElseThrow().notes()).anyMatch(note -> note.contains("1 message(s) older than"));
        assertThat(files(maildir, "INBOX")).hasSize(1);
        try (ImapSynchronizer s = builder().onlySince(cut).build()) {
            assertThat(s.syncOnce().added()).as("the old message stays skipped").isZero();
        }
    }

    @Test
    void headersOnlyAbove_storesTheHeader_andDownloadFullCompletesTheSameFile() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<big@example.com>", "x".repeat(40_000)),
                ServerClient.message(2, "<small@example.com>", "small"));
        long big = server.uidOf("INBOX", 1);
        byte[] raw = server.rawBodies("INBOX").get(big);
        byte[] header = java.util.Arrays.copyOf(raw, new String(raw, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4);
        try (ImapSynchronizer s = builder().headersOnlyAbove(10_000).build()) {
            FolderReport r = s.syncOnce().folder("INBOX").orElseThrow();
            assertThat(r.added()).isEqualTo(2);
            assertThat(r.notes()).anyMatch(note -> note.contains("1 message(s) above 10000 bytes stored headers-only"));
            MessageRecord rec = s.state().message("INBOX", big).orElseThrow();
            assertThat(rec.headersOnly()).isTrue();
            Path file = files(maildir, "INBOX").stream()
                    .filter(f -> f.getFileName().toString().contains(",U=" + big + ":")).findFirst().orElseThrow();
            assertThat(Files.readAllBytes(file)).isEqualTo(header);

            MessageRecord full = s.downloadFull("INBOX", big);
            assertThat(full.headersOnly()).isFalse();
            assertThat(full.localId()).isEqualTo(rec.localId());
            assertThat(s.state().message("INBOX", big).orElseThrow().headersOnly()).isFalse();
            assertThatThrownBy(() -> s.downloadFull("INBOX", 999_999)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("UID 999999");
            assertThat(s.syncOnce().bytes()).as("nothing downloaded again").isZero();
        }
        assertMirrored("INBOX");
    }

    @Test
    void oneSynchronizerPerMaildir_andLeftoversOfAKilledRunAreCleaned() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"));
        try (ImapSynchronizer first = synchronizer()) {
            assertThatThrownBy(this::synchronizer).isInstanceOf(SyncStateException.class)
                    .hasMessageContaining("another synchronizer is using");
            first.syncOnce();
        }
        Path tmp = folderDir(maildir, "INBOX").resolve("tmp");
        Path ours = tmp.resolve(dev.mailkit.imap.internal.maildir.MaildirNames.newBaseName(77));
        Path foreign = tmp.resolve("1764320000.M1P2.otherhost");
        Files.writeString(ours, "half a mess");
        Files.writeString(foreign, "being delivered by another program");
        sync();
        assertThat(ours).doesNotExist();
        assertThat(foreign).exists();
        assertMirrored("INBOX");
    }
}
