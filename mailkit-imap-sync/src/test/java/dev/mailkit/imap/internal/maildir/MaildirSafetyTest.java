package dev.mailkit.imap.internal.maildir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.SyncStateException;
import dev.mailkit.imap.spi.MessageStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Server folder names and links planted in the Maildir cannot make mailkit write outside the store. */
class MaildirSafetyTest {

    @TempDir
    Path base;

    private static List<Path> tree(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.toList();
        }
    }

    @Test
    void hostileFolderNames_stayInsideTheStore() throws Exception {
        Path root = base.resolve("store");
        Path outside = base.resolve("outside");
        Files.createDirectories(outside);
        Maildir store = new Maildir(root);
        try {
            String[][] names = {{"..", "/"}, {"../../outside", "/"}, {"a/../../outside", "/"}, {"/etc/passwd", "."},
                {"x\u0000y", "/"}, {".", "/"}, {"..", "."}, {"\\..\\outside", "\\"}};
            for (String[] n : names) {
                char sep = n[1].charAt(0);
                if (!store.canStore(n[0], sep)) {
                    assertThatThrownBy(() -> store.folder(n[0], sep)).isInstanceOf(SyncStateException.class);
                    continue;
                }
                MessageStore.StoredFolder f = store.folder(n[0], sep);
                try (MessageStore.MessageWriter w = f.newMessage(1)) {
                    w.stream().write("Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
                    w.commit(MessageFlags.NONE);
                }
                assertThat(store.directory(n[0], sep).getParent()).isEqualTo(root);
            }
            assertThat(tree(outside)).containsExactly(outside);
            assertThat(tree(base)).allMatch(p -> p.startsWith(root) || p.startsWith(outside) || p.equals(base));
        } finally {
            store.close();
        }
    }

    @Test
    void emptyNameComponents_areRefused_notMappedToDotDot() {
        Maildir store = new Maildir(base.resolve("store"));
        try {
            for (String name : new String[] {"/", "a//b", "/abs", "trailing/", ""}) {
                assertThat(store.canStore(name, '/')).as(name).isFalse();
                assertThatThrownBy(() -> store.folder(name, '/')).isInstanceOf(SyncStateException.class);
            }
        } finally {
            store.close();
        }
    }

    @Test
    void aFolderDirectoryThatIsASymlink_isRefused_andNothingIsWrittenThroughIt() throws Exception {
        Path root = base.resolve("store");
        Path outside = base.resolve("outside");
        Files.createDirectories(outside.resolve("cur"));
        Files.createDirectories(root);
        Files.createSymbolicLink(root.resolve(".Archive"), outside);
        Maildir store = new Maildir(root);
        try {
            assertThatThrownBy(() -> store.folder("Archive", '/')).isInstanceOf(SyncStateException.class)
                    .hasMessageContaining("symbolic link");
            Files.createDirectories(root.resolve(".Work"));
            Files.createSymbolicLink(root.resolve(".Work").resolve("tmp"), outside);
            assertThatThrownBy(() -> store.folder("Work", '/')).isInstanceOf(SyncStateException.class);
        } finally {
            store.close();
        }
        assertThat(tree(outside)).containsExactlyInAnyOrder(outside, outside.resolve("cur"));
    }

    @Test
    void shortenedFolderDirectories_areListedByTheNameTheyRecord_andOnlyWhenItMapsBackToThem() throws Exception {
        Path root = base.resolve("store");
        String longName = "Projects/" + "x".repeat(300);
        Maildir store = new Maildir(root);
        try {
            store.folder(longName, '/');
            Path dir = store.directory(longName, '/');
            assertThat(dir.getFileName().toString().length()).isLessThanOrEqualTo(255);
            assertThat(store.folderNames('/')).containsExactlyInAnyOrder("INBOX", longName);
            // A directory with the marker but no name, or a name that does not lead to it, is nobody's folder.
            Files.createDirectories(root.resolve(".Other&AH4-0123456789abcdef0123456789abcdef").resolve("cur"));
            Path lying = root.resolve(".Lying&AH4-0123456789abcdef0123456789abcdef");
            Files.createDirectories(lying.resolve("cur"));
            Files.writeString(lying.resolve(Maildir.NAME_FILE), "Lying");
            Path linked = root.resolve(".Linked&AH4-0123456789abcdef0123456789abcdef");
            Files.createDirectories(linked.resolve("cur"));
            Files.createSymbolicLink(linked.resolve(Maildir.NAME_FILE), dir.resolve(Maildir.NAME_FILE));
            assertThat(store.folderNames('/')).containsExactlyInAnyOrder("INBOX", longName);
            // Renamed with its parent, it records its new name, and its old directory is gone.
            store.folder("Projects", '/');
            store.renameFolder("Projects", "Done", '/');
            String renamed = "Done/" + "x".repeat(300);
            assertThat(store.folderNames('/')).containsExactlyInAnyOrder("INBOX", "Done", renamed);
            assertThat(dir).doesNotExist();
            assertThat(store.exists(renamed, '/')).isTrue();
        } finally {
            store.close();
        }
    }

    @Test
    void aMaildirPathThatIsAFile_isATypedError() throws Exception {
        Path file = Files.writeString(base.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> new Maildir(file)).isInstanceOf(SyncStateException.class).hasMessageContaining("is a file");
    }
}
