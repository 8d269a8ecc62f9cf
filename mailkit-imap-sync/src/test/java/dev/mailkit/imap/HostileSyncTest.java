package dev.mailkit.imap;

import static dev.mailkit.imap.MirrorAssertions.assertExactMirror;
import static dev.mailkit.imap.MirrorAssertions.files;
import static dev.mailkit.imap.MirrorAssertions.folderDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.imap.testing.HostileImapServer;
import dev.mailkit.imap.testing.HostileImapServer.Command;
import dev.mailkit.imap.testing.HostileImapServer.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A server that breaks IMAP's promises (a body left out of a FETCH reply, a UID answered twice or not
 * asked for, UIDs renumbered under the same UIDVALIDITY, no UIDVALIDITY, two folders with one local
 * name, a folder suddenly shown empty or not listed) costs no mail and leaves no duplicate: what it
 * did not send is asked for again, what it sent unasked is not stored, and what looks like a lost
 * mailbox is not deleted locally without {@code allowMassDeletion()}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileSyncTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "alice-pw";

    @TempDir
    Path dir;
    Path maildir;
    HostileImapServer server;

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
        return ServerClient.message(i, "<hostile" + i + "@example.com>", "message " + i);
    }

    private void assertMirrored(ImapSynchronizer sync, String... folders) throws Exception {
        for (String f : folders) {
            assertExactMirror(maildir, f, server.messages(f), sync.state());
        }
    }

    /** Whether this is the FETCH of whole bodies (in one go, or in parts), not of metadata or flags. */
    private static boolean bodyFetch(Command c) {
        return c.name().equals("UID FETCH") && c.mentions("BODY.PEEK[]");
    }

    enum Omission { LEFT_OUT, NIL }

    @ParameterizedTest
    @EnumSource(Omission.class)
    void aBodyTheServerDoesNotSend_isAskedForAgain_andStoredByTheNextSync(Omission omission) throws Exception {
        for (int i = 1; i <= 4; i++) {
            server.append("INBOX", message(i));
        }
        long missing = 2;
        server.onCommand("UID FETCH", (cmd, normal) -> {
            if (!bodyFetch(cmd)) {
                return normal;
            }
            List<Response> out = new ArrayList<>();
            for (Response r : normal) {
                if (r.uid() != missing) {
                    out.add(r);
                } else if (omission == Omission.NIL) {
                    out.add(Response.untagged(missing + " FETCH (UID " + missing + " BODY[] NIL)"));
                }
            }
            return out; // the tagged OK stays: the server claims success
        });
        try (ImapSynchronizer sync = builder().build()) {
            SyncReport first = sync.syncOnce();
            FolderReport inbox = first.folder("INBOX").orElseThrow();
            assertThat(inbox.notes()).anyMatch(n -> n.contains("sent no content") && n.contains("UID " + missing));
            assertThat(server.commands("UID FETCH")).filteredOn(HostileSyncTest::bodyFetch)
                    .as("asked for again, alone")
                    .anyMatch(c -> c.names(missing) && !c.names(1) && !c.names(3) && !c.names(4));
            assertThat(files(maildir, "INBOX")).as("the others of the chunk are stored").hasSize(3)
                    .noneMatch(f -> f.getFileName().toString().contains(",U=" + missing + ":"));
            assertThat(sync.state().messages("INBOX")).extracting(MessageRecord::uid).containsExactlyInAnyOrder(1L, 3L, 4L);
            assertThat(sync.state().folder("INBOX").orElseThrow().uidNext()).as("saved UIDNEXT").isLessThanOrEqualTo(missing);

            server.clearScripts();
            sync.syncOnce();
            assertMirrored(sync, "INBOX");
            sync.syncOnce();
            assertMirrored(sync, "INBOX");
            assertThat(server.commands("APPEND")).isEmpty();
            assertThat(server.uids("INBOX")).hasSize(4);
        }
    }

    @Test
    void aHeaderTheServerDoesNotSend_isAskedForAgain_andStoredByTheNextSync() throws Exception {
        for (int i = 1; i <= 3; i++) {
            server.append("INBOX", message(i));
        }
        long missing = 3;
        server.onCommand("UID FETCH", (cmd, normal) -> cmd.mentions("BODY.PEEK[HEADER]")
                ? normal.stream().filter(r -> r.uid() != missing).toList() : normal);
        try (ImapSynchronizer sync = builder().headersOnlyAbove(1).build()) {
            FolderReport inbox = sync.syncOnce().folder("INBOX").orElseThrow();
            assertThat(inbox.notes()).anyMatch(n -> n.contains("sent no content") && n.contains("UID " + missing));
            assertThat(server.commands("UID FETCH")).as("asked for again, alone")
                    .anyMatch(c -> c.mentions("BODY.PEEK[HEADER]") && c.names(missing) && !c.names(1) && !c.names(2));
            assertThat(sync.state().messages("INBOX")).extracting(MessageRecord::uid).containsExactlyInAnyOrder(1L, 2L);
            assertThat(sync.state().folder("INBOX").orElseThrow().uidNext()).isLessThanOrEqualTo(missing);

            server.clearScripts();
            sync.syncOnce();
            assertThat(sync.state().messages("INBOX")).extracting(MessageRecord::uid).containsExactlyInAnyOrder(1L, 2L, 3L);
            assertThat(sync.state().messages("INBOX")).allMatch(MessageRecord::headersOnly);
            List<Path> stored = files(maildir, "INBOX");
            assertThat(stored).hasSize(3);
            for (long uid = 1; uid <= 3; uid++) {
                String raw = new String(server.messages("INBOX").get(uid), StandardCharsets.ISO_8859_1);
                String header = raw.substring(0, raw.indexOf("\r\n\r\n") + 4);
                long u = uid;
                assertThat(stored).filteredOn(f -> f.getFileName().toString().contains(",U=" + u + ":")).singleElement()
                        .satisfies(f -> assertThat(Files.readString(f, StandardCharsets.ISO_8859_1))
                                .isEqualTo(header));
            }
            assertThat(server.commands("APPEND")).isEmpty();
        }
    }

    @Test
    void twoFetchResponsesForOneUid_storeOneFile_andUploadNothing() throws Exception {
        for (int i = 1; i <= 3; i++) {
            server.append("INBOX", message(i));
        }
        server.onCommand("UID FETCH", (cmd, normal) -> normal.stream()
                .flatMap(r -> r.uid() == 2 ? Stream.of(r, r) : Stream.of(r)).toList());
        try (ImapSynchronizer sync = builder().build()) {
            sync.syncOnce();
            assertThat(server.commands("UID FETCH")).as("the script was used").anyMatch(HostileSyncTest::bodyFetch);
            assertThat(files(maildir, "INBOX")).filteredOn(f -> f.getFileName().toString().contains(",U=2:")).hasSize(1);
            assertMirrored(sync, "INBOX");

            sync.syncOnce(); // still answering twice
            server.clearScripts();
            sync.syncOnce();
            assertThat(server.commands("APPEND")).isEmpty();
            assertThat(server.uids("INBOX")).containsExactly(1L, 2L, 3L);
            assertMirrored(sync, "INBOX");
        }
    }

    @Test
    void fetchResponsesForUidsNotAskedFor_orAboveUidNext_areNotStored() throws Exception {
        for (int i = 1; i <= 3; i++) {
            server.append("INBOX", message(i));
        }
        try (ImapSynchronizer sync = builder().build()) {
            sync.syncOnce();
            server.append("INBOX", message(4));
            long aboveUidNext = server.uidNext("INBOX") + 10;
            byte[] phantom = ServerClient.message(99, "<phantom@example.com>", "never in the folder");
            byte[] impostor = ServerClient.message(98, "<impostor@example.com>", "not UID 1's bytes");
            // Every UID FETCH reply (metadata, flags and bodies) also answers for a UID above UIDNEXT and
            // for UID 1, which no FETCH of this sync asks for; the tagged OK stays.
            server.onCommand("UID FETCH", (cmd, normal) -> {
                List<Response> out = new ArrayList<>(normal.subList(0, normal.size() - 1));
                out.add(cmd.fetchResponse(aboveUidNext, phantom));
                if (!cmd.names(1)) {
                    out.add(cmd.fetchResponse(1, impostor));
                }
                out.add(normal.get(normal.size() - 1));
                return out;
            });
            sync.syncOnce();
            assertThat(server.commands("UID FETCH")).as("the metadata of UID 4 was fetched with the script on")
                    .anyMatch(c -> c.names(4) && !c.names(1) && c.mentions("RFC822.SIZE"));
            assertThat(sync.state().messages("INBOX")).extracting(MessageRecord::uid).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
            assertThat(sync.state().findByMessageId("<phantom@example.com>")).isEmpty();
            assertThat(sync.state().findByMessageId("<impostor@example.com>")).isEmpty();
            assertMirrored(sync, "INBOX");
            assertThat(sync.state().folder("INBOX").orElseThrow().uidNext()).isLessThanOrEqualTo(server.uidNext("INBOX"));

            server.clearScripts();
            sync.syncOnce();
            assertThat(server.commands("APPEND")).isEmpty();
            assertThat(server.uids("INBOX")).containsExactly(1L, 2L, 3L, 4L);
            assertMirrored(sync, "INBOX");
        }
    }

    @Test
    void uidNextGoingBack_underTheSameUidValidity_isRecoveredLikeANewUidValidity() throws Exception {
        for (int i = 1; i <= 6; i++) {
            server.append("INBOX", message(i));
        }
        server.expunge("INBOX", 2, 4); // UIDs 1, 3, 5, 6; UIDNEXT 7
        server.setFlags("INBOX", 5, "\\Seen");
        try (ImapSynchronizer sync = builder().build()) {
            sync.syncOnce();
            assertMirrored(sync, "INBOX");
            long validity = server.uidValidity("INBOX");

            server.renumber("INBOX", validity, 1); // UIDs 1, 2, 3, 4; UIDNEXT 5
            assertThat(server.uidNext("INBOX")).isEqualTo(5);
            FolderReport r = sync.syncOnce().folder("INBOX").orElseThrow();
            assertThat(r.method()).isEqualTo("UIDVALIDITY");
            assertThat(r.notes()).anyMatch(n -> n.contains("UIDNEXT went back"));
            assertMirrored(sync, "INBOX");
            assertThat(files(maildir, "INBOX")).anyMatch(f -> f.toString().endsWith(",U=3:2,S"));

            sync.syncOnce();
            sync.syncOnce();
            assertThat(server.commands("APPEND")).as("nothing uploaded back").isEmpty();
            assertThat(server.uids("INBOX")).containsExactly(1L, 2L, 3L, 4L);
            assertThat(files(maildir, "INBOX")).hasSize(4);
            assertMirrored(sync, "INBOX");
        }
    }

    enum BadValidity { ZERO, MISSING }

    @ParameterizedTest
    @EnumSource(BadValidity.class)
    void aFolderWithoutAValidUidValidity_isSkipped_andTheOthersSync(BadValidity bad) throws Exception {
        server.append("INBOX", message(1));
        server.append("Archive", message(2));
        server.append("Archive", message(3));
        if (bad == BadValidity.ZERO) {
            server.setUidValidity("Archive", 0);
        } else {
            server.onCommand(c -> "Archive".equals(c.folder()) && c.name().matches("SELECT|EXAMINE|STATUS"),
                    (cmd, normal) -> normal.stream().filter(r -> !r.contains("UIDVALIDITY")).toList());
        }
        try (ImapSynchronizer sync = builder().build()) {
            SyncReport report = sync.syncOnce();
            FolderReport archive = report.folder("Archive").orElseThrow();
            assertThat(archive.method()).isEqualTo("SKIPPED");
            assertThat(archive.notes()).anyMatch(n -> n.contains("UIDVALIDITY"));
            assertThat(archive.added()).isZero();
            assertThat(sync.state().folder("Archive")).isEmpty();
            assertThat(sync.state().messages("Archive")).isEmpty();
            Path archiveDir = folderDir(maildir, "Archive");
            if (Files.isDirectory(archiveDir)) {
                assertThat(files(maildir, "Archive")).isEmpty();
            }
            assertThat(report.folder("INBOX").orElseThrow().added()).isEqualTo(1);
            assertMirrored(sync, "INBOX");

            server.append("INBOX", message(4));
            assertThat(sync.syncOnce().folder("Archive").orElseThrow().method()).isEqualTo("SKIPPED");
            assertThat(sync.state().folder("Archive")).isEmpty();
            assertMirrored(sync, "INBOX");

            // the server mends its ways: the folder is mirrored from scratch
            server.clearScripts();
            server.setUidValidity("Archive", 77);
            assertThat(sync.syncOnce().folder("Archive").orElseThrow().added()).isEqualTo(2);
            assertMirrored(sync, "INBOX", "Archive");
        }
    }

    enum Order { DOT_FIRST, SLASH_FIRST }

    @ParameterizedTest
    @EnumSource(Order.class)
    void twoServerFoldersWithOneMaildirDirectory_oneIsMirrored_theOtherSkipped_everySync(Order order) throws Exception {
        // "a.b" under separator '.' and "a/b" under '/' are both the Maildir++ directory ".a.b"
        String dot = "a.b";
        String slash = "a/b";
        assertThat(dev.mailkit.imap.internal.maildir.MaildirNames.folderDirectory(dot, '.'))
                .isEqualTo(dev.mailkit.imap.internal.maildir.MaildirNames.folderDirectory(slash, '/'));
        if (order == Order.DOT_FIRST) {
            server.createFolder(dot, '.');
            server.createFolder(slash, '/');
        } else {
            server.createFolder(slash, '/');
            server.createFolder(dot, '.');
        }
        for (int i = 1; i <= 3; i++) {
            server.append(dot, message(i));
            server.append(slash, message(10 + i));
        }
        server.append("INBOX", message(20));
        try (ImapSynchronizer sync = builder().build()) {
            SyncReport first = sync.syncOnce();
            FolderReport dotReport = first.folder(dot).orElseThrow();
            FolderReport slashReport = first.folder(slash).orElseThrow();
            assertThat(List.of(dotReport.method(), slashReport.method())).containsOnlyOnce("SKIPPED");
            String skipped = dotReport.method().equals("SKIPPED") ? dot : slash;
            String mirrored = skipped.equals(dot) ? slash : dot;
            char mirroredSeparator = mirrored.equals(dot) ? '.' : '/';
            assertThat(first.folder(skipped).orElseThrow().notes()).anyMatch(n -> n.contains(mirrored));

            for (int round = 0; round < 3; round++) {
                SyncReport r = sync.syncOnce();
                assertThat(r.folder(skipped).orElseThrow().method()).isEqualTo("SKIPPED");
                assertThat(r.folder(mirrored).orElseThrow().method()).isNotEqualTo("SKIPPED");
                assertThat(sync.state().folder(skipped)).isEmpty();
                assertThat(sync.state().messages(skipped)).isEmpty();
                MirrorAssertions.separator = mirroredSeparator;
                assertMirrored(sync, mirrored);
                MirrorAssertions.separator = '/';
                assertMirrored(sync, "INBOX");
                server.append(mirrored, message(30 + round));
                server.append(skipped, message(40 + round));
            }
            assertThat(server.commands("APPEND")).isEmpty();
            assertThat(server.uids(skipped)).hasSize(6);
            assertThat(server.uids(mirrored)).hasSize(6);
        }
    }

    enum Loss { SHOWN_EMPTY, NOT_LISTED }

    @ParameterizedTest
    @EnumSource(Loss.class)
    void aServerFolderShownEmpty_orNotListed_isNotDeletedLocally_withoutAllowMassDeletion(Loss loss) throws Exception {
        for (int i = 1; i <= 3; i++) {
            server.append("Archive", message(i));
        }
        server.append("INBOX", message(10));
        try (ImapSynchronizer sync = builder().build()) {
            sync.syncOnce();
            assertMirrored(sync, "Archive", "INBOX");
        }
        List<Path> archived = files(maildir, "Archive");
        assertThat(archived).hasSize(3);
        long validity = server.uidValidity("Archive");

        if (loss == Loss.SHOWN_EMPTY) {
            server.showEmpty("Archive", true);
        } else {
            server.onCommand("LIST", (cmd, normal) -> normal.stream().filter(r -> !r.contains("\"Archive\"")).toList());
        }
        server.append("INBOX", message(11));
        try (ImapSynchronizer sync = builder().build()) {
            MassDeletionException e = catchThrowableOfType(MassDeletionException.class, sync::syncOnce);
            assertThat(e).as("the sync refuses").isNotNull();
            assertThat(e.side()).isEqualTo(MassDeletionException.Side.SERVER);
            assertThat(e.deletions()).containsOnlyKeys("Archive");
            assertThat(e.deletions().get("Archive")).isEqualTo(3);
            assertThat(e.getMessage()).contains("allowMassDeletion").contains("--allow-mass-deletion");
            assertThat(e.report()).isPresent();
            assertThat(e.report().orElseThrow().folder("INBOX").orElseThrow().added()).isEqualTo(1);
            assertThat(files(maildir, "Archive")).containsExactlyElementsOf(archived);
            assertMirrored(sync, "INBOX"); // the other folder's new message was mirrored in that same sync
            assertThat(sync.state().messages("Archive")).hasSize(3);

            assertThatThrownBy(sync::syncOnce).as("not forgotten by the next sync")
                    .isInstanceOfSatisfying(MassDeletionException.class,
                            again -> assertThat(again.deletions()).containsOnlyKeys("Archive"));
            assertThat(files(maildir, "Archive")).containsExactlyElementsOf(archived);
        }
        assertThat(server.uidValidity("Archive")).isEqualTo(validity);
        assertThat(server.commands("APPEND")).isEmpty();

        try (ImapSynchronizer sync = builder().allowMassDeletion().build()) {
            SyncReport r = sync.syncOnce();
            if (loss == Loss.SHOWN_EMPTY) {
                assertThat(r.folder("Archive").orElseThrow().removed()).isEqualTo(3);
                assertThat(files(maildir, "Archive")).isEmpty();
                assertThat(sync.state().messages("Archive")).isEmpty();
            } else {
                assertThat(Files.exists(folderDir(maildir, "Archive"))).isFalse();
                assertThat(sync.state().folder("Archive")).isEmpty();
            }
            assertMirrored(sync, "INBOX");
        }
        assertThat(server.messages("Archive")).as("nothing deleted on the server").hasSize(3);
    }

    @Test
    void aMessageLeftOutOfTheMetadataReply_isAskedForAgain_andMirroredByTheNextSync() throws Exception {
        for (int i = 1; i <= 4; i++) {
            server.append("INBOX", message(i));
        }
        long missing = 2;
        server.onCommand("UID FETCH", (cmd, normal) -> cmd.mentions("RFC822.SIZE")
                ? normal.stream().filter(r -> r.uid() != missing).toList() : normal);
        try (ImapSynchronizer sync = builder().build()) {
            FolderReport inbox = sync.syncOnce().folder("INBOX").orElseThrow();
            assertThat(inbox.notes()).anyMatch(n -> n.contains("sent no content") && n.contains("UID " + missing));
            assertThat(server.commands("UID FETCH")).as("asked for again, alone")
                    .anyMatch(c -> c.mentions("RFC822.SIZE") && c.names(missing) && !c.names(1) && !c.names(3));
            assertThat(sync.state().messages("INBOX")).extracting(MessageRecord::uid).containsExactlyInAnyOrder(1L, 3L, 4L);
            assertThat(sync.state().folder("INBOX").orElseThrow().uidNext()).as("saved UIDNEXT").isLessThanOrEqualTo(missing);

            server.clearScripts();
            sync.syncOnce();
            sync.syncOnce();
            assertMirrored(sync, "INBOX");
            assertThat(server.commands("APPEND")).isEmpty();
        }
    }

    @Test
    void aUidNextBelowUidsTheServerStillHas_losesNothing_andUploadsNothing() throws Exception {
        for (int i = 1; i <= 4; i++) {
            server.append("INBOX", message(i));
        }
        try (ImapSynchronizer sync = builder().build()) {
            sync.syncOnce();
            server.onCommand("EXAMINE", (cmd, normal) -> normal.stream()
                    .map(r -> r.replace("UIDNEXT \\d+", "UIDNEXT 3")).toList());
            FolderReport r = sync.syncOnce().folder("INBOX").orElseThrow();
            assertThat(r.notes()).anyMatch(n -> n.contains("UIDNEXT 3") && n.contains("UID 4"));
            assertThat(files(maildir, "INBOX")).hasSize(4);
            sync.syncOnce();
            server.clearScripts();
            sync.syncOnce();
            assertThat(server.commands("APPEND")).isEmpty();
            assertThat(server.uids("INBOX")).containsExactly(1L, 2L, 3L, 4L);
            assertMirrored(sync, "INBOX");
        }
    }

    @Test
    void existsZero_whileTheServerStillHasTheMessage_removesNoLocalCopy() throws Exception {
        server.append("INBOX", message(1));
        try (ImapSynchronizer sync = builder().build()) {
            sync.syncOnce();
            server.append("INBOX", message(2));
            List<String> sent = new ArrayList<>();
            server.onCommand("EXAMINE", (cmd, normal) -> {
                List<Response> out = normal.stream().map(r -> r.replace("^\\* \\d+ EXISTS", "* 0 EXISTS")).toList();
                out.forEach(r -> sent.add(r.firstLine()));
                return out;
            });
            FolderReport r = sync.syncOnce().folder("INBOX").orElseThrow();
            assertThat(sent).contains("* 0 EXISTS");
            assertThat(r.removed()).isZero();
            assertMirrored(sync, "INBOX");
            server.clearScripts();
            sync.syncOnce();
            assertMirrored(sync, "INBOX");
        }
    }

    @Test
    void aFolderTheServerRefusesToOpen_isSkipped_andTheOthersSync() throws Exception {
        server.append("Broken", message(1));
        server.append("INBOX", message(2));
        server.append("Later", message(3));
        server.onCommand("EXAMINE", (cmd, normal) -> "Broken".equals(cmd.folder())
                ? List.of(Response.of(cmd.tag() + " NO [SERVERBUG] cannot open \u001b[2Jthis mailbox")) : normal);
        server.onCommand("SELECT", (cmd, normal) -> "Broken".equals(cmd.folder())
                ? List.of(Response.of(cmd.tag() + " NO [SERVERBUG] cannot open this mailbox")) : normal);
        try (ImapSynchronizer sync = builder().build()) {
            SyncReport r = sync.syncOnce();
            assertThat(r.folder("Broken").orElseThrow().method()).isEqualTo("SKIPPED");
            assertThat(r.folder("Broken").orElseThrow().notes()).anyMatch(n -> n.contains("refused"))
                    .noneMatch(n -> n.contains("\u001b"));
            assertThat(sync.state().folder("Broken")).as("nothing recorded for it").isEmpty();
            assertMirrored(sync, "INBOX", "Later");
            server.clearScripts();
            sync.syncOnce();
            assertMirrored(sync, "Broken", "INBOX", "Later");
        }
    }

    @Test
    void aVanishedSetOfFourBillionUids_costsNoMemory_andIsRefusedAsAMassDeletion() throws Exception {
        server.capabilities("IMAP4rev1", "UIDPLUS", "MOVE", "UNSELECT", "ENABLE", "ID", "LITERAL+", "CONDSTORE", "QRESYNC");
        for (int i = 1; i <= 3; i++) {
            server.append("INBOX", message(i));
        }
        java.util.concurrent.atomic.AtomicBoolean hostile = new java.util.concurrent.atomic.AtomicBoolean();
        server.onCommand("EXAMINE", (cmd, normal) -> {
            List<Response> out = new ArrayList<>();
            out.add(Response.untagged("OK [HIGHESTMODSEQ " + (hostile.get() ? 8 : 7) + "] modseq"));
            if (hostile.get()) {
                out.add(Response.untagged("VANISHED (EARLIER) 1:4294967295"));
            }
            out.addAll(normal);
            return out;
        });
        try (ImapSynchronizer sync = builder().build()) {
            sync.syncOnce();
            hostile.set(true);
            MassDeletionException e = org.assertj.core.api.Assertions.catchThrowableOfType(sync::syncOnce,
                    MassDeletionException.class);
            assertThat(e).as("the three mirrored messages are what the set names; nothing else is allocated").isNotNull();
            assertThat(e.deletions()).containsEntry("INBOX", 3);
            assertThat(files(maildir, "INBOX")).hasSize(3);
        }
    }

    @Test
    void aMalformedVanishedSet_isATypedError_andCostsNoMail() throws Exception {
        server.capabilities("IMAP4rev1", "UIDPLUS", "MOVE", "UNSELECT", "ENABLE", "ID", "LITERAL+", "CONDSTORE", "QRESYNC");
        server.append("INBOX", message(1));
        java.util.concurrent.atomic.AtomicBoolean hostile = new java.util.concurrent.atomic.AtomicBoolean();
        server.onCommand("EXAMINE", (cmd, normal) -> {
            List<Response> out = new ArrayList<>();
            out.add(Response.untagged("OK [HIGHESTMODSEQ " + (hostile.get() ? 8 : 7) + "] modseq"));
            if (hostile.get()) {
                out.add(Response.untagged("VANISHED (EARLIER) 1:99999999999999999999"));
            }
            out.addAll(normal);
            return out;
        });
        try (ImapSynchronizer sync = builder().build()) {
            sync.syncOnce();
            hostile.set(true);
            assertThatThrownBy(sync::syncOnce).isInstanceOf(dev.mailkit.core.MailkitException.class)
                    .hasMessageContaining("VANISHED");
            assertThat(files(maildir, "INBOX")).hasSize(1);
            hostile.set(false);
        }
    }

    @Test
    void aServerThatNeverStopsSendingABody_fillsNoDisk_andTheMessageComesNextSync() throws Exception {
        byte[] big = ServerClient.message(1, "<big@example.com>", "0123456789abcdef\r\n".repeat(500_000)); // 9 MB: fetched in parts
        server.append("INBOX", big);
        server.append("INBOX", message(2));
        java.util.concurrent.atomic.AtomicInteger parts = new java.util.concurrent.atomic.AtomicInteger();
        java.util.regex.Pattern origin = java.util.regex.Pattern.compile("<(\\d+)\\.");
        server.onCommand("UID FETCH", (cmd, normal) -> {
            java.util.regex.Matcher m = origin.matcher(cmd.line());
            if (!m.find()) {
                return normal;
            }
            parts.incrementAndGet(); // a full part every time, whatever was asked and announced
            return List.of(Response.untagged("1 FETCH (UID 1 BODY[]<" + m.group(1) + "> ", new byte[1 << 20], ")"),
                    normal.get(normal.size() - 1));
        });
        try (ImapSynchronizer sync = builder().build()) {
            SyncReport r = sync.syncOnce();
            assertThat(r.folder("INBOX").orElseThrow().notes()).anyMatch(n -> n.contains("announced as " + big.length));
            assertThat(parts.get()).as("partial fetches: at most twice the announced size, plus two parts")
                    .isLessThanOrEqualTo((int) (2L * big.length / (1 << 20)) + 3);
            assertThat(files(maildir, "INBOX")).as("only the other message").hasSize(1);
            try (java.util.stream.Stream<Path> tmp = java.nio.file.Files.list(maildir.resolve("tmp"))) {
                assertThat(tmp.count()).as("nothing left in tmp/").isZero();
            }
            server.clearScripts();
            sync.syncOnce();
            assertMirrored(sync, "INBOX");
        }
    }

    @Test
    void keywords_areReadByTheirWholeName_inUtf8_andGoBackUnchanged() throws Exception {
        server.append("INBOX", message(1));
        server.setFlags("INBOX", 1, "été", "\\Foo", "$Label1", "\\Seen");
        try (ImapSynchronizer sync = builder().build()) {
            sync.syncOnce();
            MessageFlags f = sync.state().message("INBOX", 1).orElseThrow().flags();
            assertThat(f.flagged()).as("\\Foo is not \\Flagged").isFalse();
            assertThat(f.seen()).isTrue();
            assertThat(f.keywords()).containsExactlyInAnyOrder("été", "\\Foo", "$Label1");
            java.util.Set<String> keywords = new java.util.TreeSet<>(f.keywords());
            keywords.add("naïve");
            sync.local().folder("INBOX").setKeywords(1, keywords);
            sync.local().folder("INBOX").markUnread(1);
            assertThat(sync.syncOnce().pushed()).isEqualTo(1);
        }
        assertThat(server.flags("INBOX", 1)).containsExactlyInAnyOrder("été", "naïve", "\\Foo", "$Label1");
    }
}
