package dev.mailkit.imap;

import static dev.mailkit.imap.MirrorAssertions.assertExactMirror;
import static dev.mailkit.imap.MirrorAssertions.folderDir;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.imap.testing.HostileImapServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server folder names whose Maildir directory name would not fit in a file name (255 bytes): 300 ASCII
 * characters, a deep hierarchy, 96 CJK characters (about 260 bytes in modified UTF-7), two long names that
 * differ only at the end. Each is mirrored in a directory of its own whose name fits, the same on every
 * sync, and none is taken for a folder another Maildir client made; a folder whose directory cannot be made
 * at all is reported SKIPPED; the folders listed after them sync.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LongFolderNamesTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "alice-pw";

    static final String ASCII_300 = "A".repeat(300);
    static final String DEEP = deep();
    static final String CJK_96 = cjk();
    static final String TWIN_X = "T".repeat(300) + "x";
    static final String TWIN_Y = "T".repeat(300) + "y";
    static final String PARENT = "Parent";
    static final String CHILD = PARENT + "/" + "C".repeat(300);

    @TempDir
    Path dir;
    Path maildir;
    HostileImapServer server;

    private static String deep() {
        List<String> parts = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            parts.add(String.format("level%02d", i));
        }
        return String.join("/", parts);
    }

    private static String cjk() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 96; i++) {
            b.append((char) (0x4E00 + i * 37));
        }
        return b.toString();
    }

    @BeforeEach
    void start() throws Exception {
        MirrorAssertions.separator = '/';
        maildir = dir.resolve("mail");
        server = new HostileImapServer(USER, PASSWORD);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private ImapSynchronizer.Builder builder() {
        return ImapSynchronizer.builder().endpoint("127.0.0.1", server.port(), Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(Credentials.password(USER, PASSWORD)).maildir(maildir);
    }

    private static byte[] message(int i) {
        return ServerClient.message(i, "<long" + i + "@example.com>", "message " + i);
    }

    private List<String> directories() throws Exception {
        try (Stream<Path> s = Files.list(maildir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> n.startsWith("."))
                    .sorted().toList();
        }
    }

    @Test
    void longNames_areMirrored_inDirectoriesThatFit_andNeverCreatedAgainOnTheServer() throws Exception {
        List<String> names = List.of(ASCII_300, DEEP, CJK_96, TWIN_X, TWIN_Y, "Zeta");
        int i = 0;
        for (String name : names) {
            server.append(name, message(i++));
        }
        List<String> listed = server.folders();
        try (ImapSynchronizer sync = builder().build()) {
            SyncReport first = sync.syncOnce();
            for (String name : names) {
                assertThat(first.folder(name)).as(name).hasValueSatisfying(f -> assertThat(f.method()).isEqualTo("INITIAL"));
                assertExactMirror(maildir, name, server.messages(name), sync.state());
            }
            for (String d : directories()) {
                assertThat(d.getBytes(StandardCharsets.UTF_8).length).as(d).isLessThanOrEqualTo(255);
            }
            Set<String> distinct = new HashSet<>();
            for (String name : names) {
                assertThat(distinct.add(folderDir(maildir, name).getFileName().toString())).as(name).isTrue();
            }
            List<String> before = directories();

            SyncReport second = sync.syncOnce();
            assertThat(second.folders()).as("nothing created on the server").noneMatch(f -> f.method().equals("CREATE"));
            assertThat(second.folders()).noneMatch(f -> f.method().equals("SKIPPED"));
            assertThat(second.added() + second.pushed()).isZero();
            assertThat(server.folders()).containsExactlyElementsOf(listed);
            assertThat(server.commands("CREATE")).isEmpty();
            assertThat(directories()).as("the same directories").isEqualTo(before);
        }
        try (ImapSynchronizer sync = builder().build()) {
            // A new process: the same directories, nothing to do.
            SyncReport third = sync.syncOnce();
            assertThat(third.added() + third.pushed() + third.removed()).isZero();
            assertThat(third.folders()).noneMatch(f -> f.method().equals("CREATE") || f.method().equals("SKIPPED"));
        }
    }

    @Test
    void longNames_syncBothWays() throws Exception {
        server.append(ASCII_300, message(1));
        server.append(CJK_96, message(2));
        try (ImapSynchronizer sync = builder().build()) {
            sync.syncOnce();
        }
        // Another Maildir client adds a message to the long-named folder; the server gets one in the other.
        Path fresh = folderDir(maildir, ASCII_300).resolve("new").resolve("1795863000.M1P1.mutthost");
        Files.write(fresh, message(3));
        server.append(CJK_96, message(4));
        try (ImapSynchronizer sync = builder().build()) {
            SyncReport r = sync.syncOnce();
            assertThat(r.folder(ASCII_300).orElseThrow().pushed()).isEqualTo(1);
            assertThat(r.folder(CJK_96).orElseThrow().added()).isEqualTo(1);
            assertThat(server.messages(ASCII_300)).hasSize(2);
            assertExactMirror(maildir, ASCII_300, server.messages(ASCII_300), sync.state());
            assertExactMirror(maildir, CJK_96, server.messages(CJK_96), sync.state());
        }
    }

    @Test
    void aParentRenamedHere_takesItsLongNamedChildAlong_withoutLosingOrDownloadingAnything() throws Exception {
        server.append(PARENT, message(1));
        server.append(CHILD, message(2));
        server.append(CHILD, message(3));
        try (ImapSynchronizer sync = builder().build()) {
            sync.syncOnce();
            sync.local().renameFolder(PARENT, "Renamed");
            String movedChild = "Renamed" + CHILD.substring(PARENT.length());
            assertThat(sync.local().folder(movedChild).messages()).hasSize(2);
            SyncReport r = sync.syncOnce();
            assertThat(r.bytes()).as("nothing downloaded again").isZero();
            assertThat(r.removed()).isZero();
            assertThat(server.folders()).contains("Renamed", movedChild).doesNotContain(PARENT, CHILD);
            assertThat(server.messages(movedChild)).hasSize(2);
            assertExactMirror(maildir, movedChild, server.messages(movedChild), sync.state());
            assertThat(directories()).allMatch(d -> d.getBytes(StandardCharsets.UTF_8).length <= 255);
            assertThat(sync.syncOnce().folders()).noneMatch(f -> f.method().equals("CREATE"));
        }
    }

    @Test
    void aFolderWhoseDirectoryCannotBeMade_isSkipped_andTheOthersSync() throws Exception {
        server.append("Blocked", message(1));
        server.append("Zeta", message(2));
        Files.createDirectories(maildir);
        Files.writeString(maildir.resolve(".Blocked"), "a file where the folder's directory would go");
        try (ImapSynchronizer sync = builder().build()) {
            SyncReport r = sync.syncOnce();
            assertThat(r.folder("Blocked")).hasValueSatisfying(f -> {
                assertThat(f.method()).isEqualTo("SKIPPED");
                assertThat(f.notes()).anyMatch(n -> n.contains(".Blocked"));
            });
            assertThat(r.folder("Zeta").orElseThrow().added()).isEqualTo(1);
            assertExactMirror(maildir, "Zeta", server.messages("Zeta"), sync.state());
            assertThat(sync.state().folder("Blocked")).isEmpty();
        }
        assertThat(Files.readString(maildir.resolve(".Blocked"))).startsWith("a file where");
    }
}
