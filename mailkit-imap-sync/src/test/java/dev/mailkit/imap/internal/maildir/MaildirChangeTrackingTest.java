package dev.mailkit.imap.internal.maildir;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.spi.MessageStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder the synchronizer changed itself stays "unchanged" (no re-read needed); any change by another
 * program makes it "changed". Outside changes arrive as file notifications, so the checks wait for them
 * (up to 10 s); own changes are announced before they happen, so no wait can make them count.
 */
class MaildirChangeTrackingTest {

    @TempDir
    Path root;

    private Maildir store;
    private MessageStore.StoredFolder inbox;
    private MessageStore.StoredFolder archive;

    @BeforeEach
    void open() {
        store = new Maildir(root);
        inbox = store.folder("INBOX", '/');
        archive = store.folder("Archive", '/');
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static String write(MessageStore.StoredFolder f, long uid, String text) throws IOException {
        try (MessageStore.MessageWriter w = f.newMessage(uid)) {
            w.stream().write(("Subject: " + text + "\r\n\r\n" + text + "\r\n").getBytes(StandardCharsets.US_ASCII));
            return w.commit(MessageFlags.NONE);
        }
    }

    private static boolean becomesChanged(MessageStore.StoredFolder f) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (f.changedSinceMark()) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static Path only(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.toList();
            assertThat(files).hasSize(1);
            return files.get(0);
        }
    }

    @Test
    void theSynchronizersOwnWrites_renames_copies_andDeletes_doNotCountAsChanges() throws Exception {
        String a = write(inbox, 1, "a");
        String b = write(inbox, 2, "b");
        String c = write(inbox, 3, "c");
        inbox.setFlags(a, MessageFlags.NONE.withSeen(true));
        inbox.remove(b);
        archive.copyIn(inbox, a, 7, MessageFlags.NONE);
        inbox.relabel(c, 9);
        try (MessageStore.MessageWriter w = inbox.replace(a)) {
            w.stream().write("Subject: a2\r\n\r\nfull\r\n".getBytes(StandardCharsets.US_ASCII));
            w.commit(MessageFlags.NONE.withFlagged(true));
        }
        Thread.sleep(300); // let every notification arrive: none of them may count
        assertThat(inbox.changedSinceMark()).isFalse();
        assertThat(archive.changedSinceMark()).isFalse();
    }

    @Test
    void messagesAddedLocally_withoutAServerUid_countAsChanges_soTheNextSyncFindsThem() throws Exception {
        String a = write(inbox, 1, "a");
        write(archive, 0, "appended");
        assertThat(archive.changedSinceMark()).isTrue();
        archive.mark();
        archive.moveIn(inbox, a);
        assertThat(archive.changedSinceMark()).isTrue();
        archive.mark();
        String b = write(inbox, 2, "b");
        archive.copyIn(inbox, b, 0, MessageFlags.NONE);
        assertThat(archive.changedSinceMark()).isTrue();
    }

    @Test
    void anotherProgramsRename_create_andDelete_countAsChanges_untilTheFolderIsReadAgain() throws Exception {
        write(inbox, 1, "a");
        Path file = only(root.resolve("cur"));
        Files.move(file, file.resolveSibling(file.getFileName() + "S")); // another client marks it read
        assertThat(becomesChanged(inbox)).isTrue();
        assertThat(archive.changedSinceMark()).isFalse();

        Thread.sleep(300); // a rename is two notifications (old name gone, new name there): let the second arrive
        inbox.mark();
        assertThat(inbox.changedSinceMark()).isFalse();
        Files.writeString(root.resolve("new").resolve("1790000000.M1P1.other"), "Subject: x\r\n\r\nx\r\n");
        assertThat(becomesChanged(inbox)).isTrue();

        archive.mark();
        write(archive, 5, "e");
        Files.delete(only(root.resolve(".Archive").resolve("cur")));
        assertThat(becomesChanged(archive)).isTrue();
    }

    @Test
    void aSecondInstanceOfTheSameFolder_sharesWhatIsKnown() throws Exception {
        MessageStore.StoredFolder again = store.folder("INBOX", '/');
        write(again, 1, "a");
        Thread.sleep(300);
        assertThat(inbox.changedSinceMark()).isFalse();
        assertThat(again.changedSinceMark()).isFalse();
    }
}
