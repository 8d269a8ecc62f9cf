package dev.mailkit.imap;

import static dev.mailkit.imap.MirrorAssertions.files;
import static dev.mailkit.imap.MirrorAssertions.folderDir;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.imap.internal.maildir.MaildirNames;
import dev.mailkit.imap.testing.HostileImapServer;
import dev.mailkit.imap.testing.HostileMaildir;
import dev.mailkit.imap.testing.HostileMaildir.Plant;
import dev.mailkit.imap.testing.RecordingMessageStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A Maildir with things planted in it that are not messages (links to files outside the store, to
 * {@code /dev/zero} and to a directory, a FIFO, a directory, a 2 GiB sparse file, a file whose name is
 * not a Maildir name, an empty file): each is skipped with a note naming it, never opened (a recording
 * store proves it), never uploaded, deleted or changed, and everything else of the account syncs both
 * ways. The time bound runs the test in its own thread, so a sync stuck on a FIFO or on
 * {@code /dev/zero} fails the test instead of hanging the build.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileMaildirTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "alice-pw";

    @TempDir
    Path dir;
    Path maildir;
    HostileImapServer server;
    RecordingMessageStore store;
    HostileMaildir hostile;

    @BeforeEach
    void start() throws Exception {
        MirrorAssertions.separator = '/';
        maildir = dir.resolve("mail");
        server = new HostileImapServer(USER, PASSWORD);
        server.createFolder("Archive");
    }

    @AfterEach
    void stop() throws Exception {
        if (hostile != null) {
            hostile.close();
        }
        server.close();
    }

    private ImapSynchronizer.Builder builder() {
        store = new RecordingMessageStore(MaildirStore.at(maildir));
        return ImapSynchronizer.builder().endpoint("127.0.0.1", server.port(), Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(Credentials.password(USER, PASSWORD)).maildir(maildir).messageStore(store);
    }

    static byte[] message(int i) {
        return ServerClient.message(i, "<m" + i + "@example.com>", "message " + i);
    }

    /** The Message-IDs of a server folder, sorted. */
    private List<String> serverIds(String folder) {
        List<String> ids = new ArrayList<>();
        for (byte[] b : server.messages(folder).values()) {
            Matcher m = Pattern.compile("(?im)^message-id:\\s*(\\S+)").matcher(new String(b, StandardCharsets.ISO_8859_1));
            ids.add(m.find() ? m.group(1) : "");
        }
        ids.sort(null);
        return ids;
    }

    private void assertNothingPlantedOnTheServer() {
        for (String folder : server.folders()) {
            for (byte[] b : server.messages(folder).values()) {
                assertThat(new String(b, StandardCharsets.ISO_8859_1)).as("a message in %s", folder)
                        .doesNotContain(HostileMaildir.SECRET);
            }
        }
    }

    /**
     * How reports and logs name a planted file: by its name without the Maildir flags (the local id a
     * regular file has; links and other entries are named by their whole path), control characters escaped.
     */
    static String shown(Path p) {
        StringBuilder b = new StringBuilder();
        for (char c : MaildirNames.baseName(p.getFileName().toString()).toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    private static void write(Path file, byte[] bytes) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    @ParameterizedTest
    @EnumSource(Plant.class)
    void aPlantedEntry_isSkippedWithANote_neverOpenedNorUploaded_andTheRestSyncsBothWays(Plant kind) throws Exception {
        server.append("INBOX", message(1));
        server.append("Archive", message(2));
        try (ImapSynchronizer sync = builder().build()) {
            sync.syncOnce();
        }
        hostile = new HostileMaildir(folderDir(maildir, "INBOX"), dir.resolve("outside"));
        Path planted = hostile.plant(kind);
        // Legitimate changes on both sides, in the same folder and in another.
        Path inboxCur = folderDir(maildir, "INBOX").resolve("cur");
        write(inboxCur.resolve("1795861000.M1P1.legit:2,S"), message(10));
        write(folderDir(maildir, "Archive").resolve("new").resolve("1795861001.M2P2.legit"), message(11));
        Path first = files(maildir, "INBOX").stream()
                .filter(f -> f.getFileName().toString().contains(",U=1:2,")).findFirst().orElseThrow();
        Files.move(first, first.resolveSibling(first.getFileName().toString().replace(":2,", ":2,F")));
        server.append("INBOX", message(3));
        server.append("Archive", message(4));

        long start = System.nanoTime();
        SyncReport report;
        try (ImapSynchronizer sync = builder().build()) {
            report = sync.syncOnce();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(millis).as("the sync's time").isLessThan(20_000);

            assertThat(serverIds("INBOX")).containsExactly("<m10@example.com>", "<m1@example.com>", "<m3@example.com>");
            assertThat(serverIds("Archive")).containsExactly("<m11@example.com>", "<m2@example.com>", "<m4@example.com>");
            assertThat(server.commands("APPEND")).as("uploads").hasSize(2);
            assertNothingPlantedOnTheServer();
            assertThat(server.flags("INBOX", 1)).contains("\\Flagged");
            assertThat(sync.state().messages("INBOX")).extracting(MessageRecord::messageId)
                    .containsExactlyInAnyOrder("<m1@example.com>", "<m3@example.com>", "<m10@example.com>");
            assertThat(sync.state().messages("Archive")).extracting(MessageRecord::messageId)
                    .containsExactlyInAnyOrder("<m2@example.com>", "<m4@example.com>", "<m11@example.com>");
            assertThat(report.folder("INBOX").orElseThrow().notes()).as("INBOX notes")
                    .anyMatch(n -> n.contains(shown(planted)));
            assertThat(report.folders()).allMatch(f -> !f.method().equals("SKIPPED"));
            String base = MaildirNames.baseName(planted.getFileName().toString());
            assertThat(store.opened()).as("local files opened").doesNotContain(base, planted.getFileName().toString());
            assertThat(hostile.changed()).as("planted entries changed").isEmpty();

            // Every later sync skips it again, says so again, and takes it for nothing else.
            SyncReport again = sync.syncOnce();
            assertThat(again.pushed()).isZero();
            assertThat(again.folder("INBOX").orElseThrow().notes()).anyMatch(n -> n.contains(shown(planted)));
            assertThat(server.commands("APPEND")).hasSize(2);
            assertThat(serverIds("INBOX")).hasSize(3);
        }
        assertThat(hostile.changed()).isEmpty();
        assertThat(store.opened()).doesNotContain(MaildirNames.baseName(planted.getFileName().toString()));
    }

    @Test
    void everythingPlantedAtOnce_inTwoFolders_isSkipped_andTheAccountSyncs() throws Exception {
        server.append("INBOX", message(1));
        server.append("Archive", message(2));
        try (ImapSynchronizer sync = builder().build()) {
            sync.syncOnce();
        }
        hostile = new HostileMaildir(folderDir(maildir, "INBOX"), dir.resolve("outside"));
        HostileMaildir inArchive = new HostileMaildir(folderDir(maildir, "Archive"), dir.resolve("outside2"));
        try (inArchive) {
            for (Plant p : Plant.values()) {
                hostile.plant(p);
                inArchive.plant(p);
            }
            write(folderDir(maildir, "Archive").resolve("cur").resolve("1795861001.M2P2.legit:2,"), message(11));
            server.append("INBOX", message(3));
            try (ImapSynchronizer sync = builder().build()) {
                SyncReport r = sync.syncOnce();
                assertThat(r.pushed()).isEqualTo(1);
                assertThat(r.added()).isEqualTo(1);
                for (Path p : hostile.planted()) {
                    assertThat(r.folder("INBOX").orElseThrow().notes()).anyMatch(n -> n.contains(shown(p)));
                }
                for (Path p : inArchive.planted()) {
                    assertThat(r.folder("Archive").orElseThrow().notes()).anyMatch(n -> n.contains(shown(p)));
                }
            }
            assertThat(serverIds("INBOX")).containsExactly("<m1@example.com>", "<m3@example.com>");
            assertThat(serverIds("Archive")).containsExactly("<m11@example.com>", "<m2@example.com>");
            assertNothingPlantedOnTheServer();
            assertThat(hostile.changed()).isEmpty();
            assertThat(inArchive.changed()).isEmpty();
        }
    }

    @Test
    void aLocalFileAboveTheUploadLimit_isLeftAlone_untilTheLimitAllowsIt_andDownloadsAreNotLimited() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<big-download@example.com>", "x".repeat(5000)));
        try (ImapSynchronizer sync = builder().maxUploadBytes(1000).build()) {
            assertThat(sync.syncOnce().added()).as("a message larger than the limit is downloaded").isEqualTo(1);
        }
        // Here: a 3 KB message and a small one written by another client, and the downloaded 5 KB message
        // flagged and moved to Archive by renaming its file.
        Path inboxCur = folderDir(maildir, "INBOX").resolve("cur");
        Path large = inboxCur.resolve("1795862000.M1P1.large:2,S");
        write(large, ServerClient.message(20, "<large-local@example.com>", "y".repeat(3000)));
        write(inboxCur.resolve("1795862001.M2P2.small:2,"), message(21));
        Path downloaded = files(maildir, "INBOX").stream()
                .filter(f -> f.getFileName().toString().contains(",U=1:2,")).findFirst().orElseThrow();
        Path archiveCur = folderDir(maildir, "Archive").resolve("cur");
        Files.createDirectories(archiveCur);
        server.append("Archive", message(2));
        try (ImapSynchronizer sync = builder().maxUploadBytes(1000).build()) {
            sync.syncOnce(); // Archive mirrored
            Files.move(downloaded, archiveCur.resolve(downloaded.getFileName().toString().replace(":2,", ":2,F")));
            SyncReport r = sync.syncOnce();
            long size = Files.size(large);
            assertThat(r.folder("INBOX").orElseThrow().notes()).anyMatch(n -> n.contains("1795862000.M1P1.large")
                    && n.contains(size + " bytes, above the upload limit of 1000 bytes"));
            assertThat(serverIds("INBOX")).containsExactly("<m21@example.com>");
            assertThat(serverIds("Archive")).as("the downloaded message moved, whatever its size")
                    .containsExactly("<big-download@example.com>", "<m2@example.com>");
            assertThat(store.opened()).doesNotContain("1795862000.M1P1.large");
            SyncReport again = sync.syncOnce();
            assertThat(again.pushed()).isZero();
            assertThat(again.folder("INBOX").orElseThrow().notes()).anyMatch(n -> n.contains("1795862000.M1P1.large"));
            assertThat(store.opened()).doesNotContain("1795862000.M1P1.large");
        }
        assertThat(large).exists();
        assertThat(Files.readString(large)).contains("<large-local@example.com>");
        assertThat(server.flags("Archive", server.uids("Archive").get(server.uids("Archive").size() - 1)))
                .contains("\\Flagged");
        try (ImapSynchronizer sync = builder().build()) {
            SyncReport r = sync.syncOnce();
            assertThat(r.pushed()).as("uploaded once the limit allows it").isEqualTo(1);
            assertThat(r.folder("INBOX").orElseThrow().notes()).noneMatch(n -> n.contains("1795862000.M1P1.large"));
        }
        assertThat(serverIds("INBOX")).containsExactly("<large-local@example.com>", "<m21@example.com>");
    }

    @Test
    void aSyncedMessageReplacedByALink_isNotTakenForADeletion_andTheLinkIsLeftAlone() throws Exception {
        server.append("INBOX", message(1));
        server.append("INBOX", message(2));
        try (ImapSynchronizer sync = builder().build()) {
            sync.syncOnce();
        }
        Path file = files(maildir, "INBOX").stream()
                .filter(f -> f.getFileName().toString().contains(",U=1:2,")).findFirst().orElseThrow();
        Path secret = dir.resolve("outside").resolve("secret.eml");
        write(secret, HostileMaildir.secretMessage("<outside@example.com>"));
        Files.delete(file);
        Files.createSymbolicLink(file, secret);
        server.setFlags("INBOX", 1, "\\Seen", "\\Answered");
        try (ImapSynchronizer sync = builder().build()) {
            SyncReport r = sync.syncOnce();
            assertThat(r.pushed()).isZero();
            assertThat(r.folder("INBOX").orElseThrow().notes()).anyMatch(n -> n.contains(shown(file)));
            assertThat(sync.state().messages("INBOX")).extracting(MessageRecord::uid).containsExactlyInAnyOrder(1L, 2L);
            sync.syncOnce();
        }
        assertThat(server.uids("INBOX")).containsExactly(1L, 2L);
        assertThat(server.commands("APPEND")).isEmpty();
        assertNothingPlantedOnTheServer();
        assertThat(Files.isSymbolicLink(file)).as("the link is where it was").isTrue();
        assertThat(Files.readSymbolicLink(file)).isEqualTo(secret);
        assertThat(store.opened()).doesNotContain(MaildirNames.baseName(file.getFileName().toString()));
    }
}
