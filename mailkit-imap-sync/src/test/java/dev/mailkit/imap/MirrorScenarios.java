package dev.mailkit.imap;

import static dev.mailkit.imap.MirrorAssertions.assertExactMirror;
import static dev.mailkit.imap.MirrorAssertions.files;
import static dev.mailkit.imap.MirrorAssertions.folderDir;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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

    ImapSynchronizer synchronizer() {
        return ImapSynchronizer.builder().endpoint(endpoint())
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(Credentials.password(user(), password())).maildir(maildir).build();
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
}
