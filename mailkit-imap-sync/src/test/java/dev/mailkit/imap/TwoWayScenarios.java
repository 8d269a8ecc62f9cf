package dev.mailkit.imap;

import static dev.mailkit.imap.MirrorAssertions.files;
import static dev.mailkit.imap.MirrorAssertions.folderDir;
import static dev.mailkit.imap.MirrorAssertions.stateStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.imap.spi.SyncStateStore;
import dev.mailkit.imap.testing.HostileMaildir;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two-way behaviour every server must pass: local changes reach the server, "the other device" is {@link ServerClient}. */
abstract class TwoWayScenarios extends MirrorScenarios {

    Flags serverFlags(String folder, long uid) throws Exception {
        jakarta.mail.UIDFolder f = (jakarta.mail.UIDFolder) server.folder(folder);
        ((Folder) f).open(Folder.READ_ONLY);
        try {
            Message m = f.getMessageByUID(uid);
            return m == null ? null : m.getFlags();
        } finally {
            ((Folder) f).close(false);
        }
    }

    List<String> serverMessageIds(String folder) throws Exception {
        return server.rawBodies(folder).values().stream().map(b -> {
            String s = new String(b, StandardCharsets.ISO_8859_1);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?im)^message-id:\\s*(\\S+)").matcher(s);
            return m.find() ? m.group(1) : "";
        }).sorted().toList();
    }

    boolean hasTrash() {
        try (SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
            return state.folders().stream().anyMatch(f -> f.specialUse().equalsIgnoreCase("\\Trash"));
        }
    }

    @Test
    void apiFlagChanges_arePushed_andNothingIsDownloadedAgain() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"), ServerClient.message(2, "<b@example.com>", "b"));
        sync();
        long a = server.uidOf("INBOX", 1);
        long b = server.uidOf("INBOX", 2);
        try (ImapSynchronizer s = synchronizer()) {
            MirroredFolder inbox = s.local().folder("INBOX");
            inbox.markRead(a);
            inbox.flag(b);
            inbox.setKeywords(b, Set.of("project-x"));
            assertThat(inbox.messages()).filteredOn(m -> m.uid() == b).singleElement()
                    .satisfies(m -> assertThat(m.flags().keywords()).containsExactly("project-x"));
            SyncReport r = s.syncOnce();
            assertThat(r.pushed()).isEqualTo(2);
            assertThat(r.bytes()).isZero();
            assertThat(s.syncOnce().pushed()).as("pushed once").isZero();
        }
        assertThat(serverFlags("INBOX", a).contains(Flags.Flag.SEEN)).isTrue();
        assertThat(serverFlags("INBOX", b).contains(Flags.Flag.FLAGGED)).isTrue();
        assertThat(serverFlags("INBOX", b).contains("project-x")).isTrue();
        assertThat(files(maildir, "INBOX")).anyMatch(f -> f.toString().endsWith(",U=" + a + ":2,S"))
                .anyMatch(f -> f.toString().endsWith(",U=" + b + ":2,F"));
        assertMirrored("INBOX");
    }

    @Test
    void durableWrites_mirrorAndPushTheSame() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"), ServerClient.message(2, "<b@example.com>", "b"));
        try (ImapSynchronizer s = builder().durableWrites().build()) {
            assertThat(s.syncOnce().added()).isEqualTo(2);
            long a = server.uidOf("INBOX", 1);
            s.local().folder("INBOX").markRead(a);
            server.append("INBOX", ServerClient.message(3, "<c@example.com>", "c"));
            SyncReport r = s.syncOnce();
            assertThat(r.pushed()).isEqualTo(1);
            assertThat(r.added()).isEqualTo(1);
            assertThat(serverFlags("INBOX", a).contains(Flags.Flag.SEEN)).isTrue();
        }
        assertMirrored("INBOX");
    }

    @Test
    void flagsChangedOnBothSides_mergeFlagByFlag() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"));
        sync();
        long a = server.uidOf("INBOX", 1);
        try (ImapSynchronizer s = synchronizer()) {
            s.local().folder("INBOX").markRead(a);
            server.setFlag("INBOX", a, Flags.Flag.FLAGGED, true);
            assertThat(s.syncOnce().conflicts()).isZero();
        }
        assertThat(serverFlags("INBOX", a).contains(Flags.Flag.SEEN)).isTrue();
        assertThat(serverFlags("INBOX", a).contains(Flags.Flag.FLAGGED)).isTrue();
        assertThat(files(maildir, "INBOX")).singleElement().satisfies(f -> assertThat(f.toString()).endsWith(":2,FS"));
    }

    @Test
    void apiDelete_removesTheMessageOnTheServer_toTheTrashWhereThereIsOne() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<gone@example.com>", "a"), ServerClient.message(2, "<b@example.com>", "b"));
        sync();
        boolean trash = hasTrash();
        long a = server.uidOf("INBOX", 1);
        try (ImapSynchronizer s = synchronizer()) {
            s.local().folder("INBOX").delete(a);
            assertThat(s.local().folder("INBOX").messages()).extracting(MessageRecord::uid).doesNotContain(a);
            assertThat(s.syncOnce().pushed()).isEqualTo(1);
        }
        assertThat(serverMessageIds("INBOX")).containsExactly("<b@example.com>");
        if (trash) {
            assertThat(serverMessageIds("Trash")).containsExactly("<gone@example.com>");
            assertMirrored("Trash");
        }
        assertMirrored("INBOX");
    }

    @Test
    void deletedHere_changedThere_serverWinsByDefault_localWinsWhenAsked() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"), ServerClient.message(2, "<b@example.com>", "b"));
        sync();
        long a = server.uidOf("INBOX", 1);
        long b = server.uidOf("INBOX", 2);
        try (ImapSynchronizer s = builder().deleteToTrash(false).build()) {
            s.local().folder("INBOX").delete(a);
            server.setFlag("INBOX", a, Flags.Flag.FLAGGED, true);
            SyncReport r = s.syncOnce();
            assertThat(r.conflicts()).isEqualTo(1);
            assertThat(r.folder("INBOX").orElseThrow().notes()).anyMatch(n -> n.contains("kept (SERVER_WINS)"));
        }
        assertThat(serverMessageIds("INBOX")).containsExactly("<a@example.com>", "<b@example.com>");
        assertThat(files(maildir, "INBOX")).anyMatch(f -> f.toString().endsWith(",U=" + a + ":2,F"));
        assertMirrored("INBOX");

        try (ImapSynchronizer s = builder().deleteToTrash(false).conflictPolicy(ConflictPolicy.LOCAL_WINS).build()) {
            s.local().folder("INBOX").delete(b);
            server.setFlag("INBOX", b, Flags.Flag.SEEN, true);
            s.syncOnce();
        }
        assertThat(serverMessageIds("INBOX")).containsExactly("<a@example.com>");
        assertMirrored("INBOX");
    }

    @Test
    void apiMove_movesOnTheServer_withoutDownloadingAgain() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<m@example.com>", "x".repeat(3000)));
        server.append("Archive", ServerClient.message(2, "<o@example.com>", "other"));
        sync();
        long a = server.uidOf("INBOX", 1);
        try (ImapSynchronizer s = synchronizer()) {
            s.local().folder("INBOX").markRead(a);
            s.local().folder("INBOX").move("Archive", a);
            assertThat(files(maildir, "INBOX")).isEmpty();
            SyncReport r = s.syncOnce();
            assertThat(r.bytes()).isZero();
            assertThatThrownBy(() -> s.local().folder("INBOX").move("Nowhere", 1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(serverMessageIds("INBOX")).isEmpty();
        assertThat(serverMessageIds("Archive")).containsExactly("<m@example.com>", "<o@example.com>");
        assertMirrored("INBOX");
        assertMirrored("Archive");
        assertThat(files(maildir, "Archive")).anyMatch(f -> f.toString().endsWith(":2,S"));
    }

    @Test
    void apiAppend_uploadsOnce_includingALargeMessage() throws Exception {
        server.append("Archive", ServerClient.message(1, "<o@example.com>", "other"));
        sync();
        byte[] draft = ServerClient.message(7, "<draft@example.com>", "my draft");
        byte[] large = ServerClient.message(8, "<large@example.com>", "0123456789abcdef\r\n".repeat(200_000)); // 3.6 MB
        try (ImapSynchronizer s = synchronizer()) {
            s.local().folder("Archive").append(draft, MessageFlags.NONE.withSeen(true));
            s.local().folder("Archive").append(large, MessageFlags.NONE);
            assertThatThrownBy(() -> s.local().folder("Archive").append(new byte[0], MessageFlags.NONE))
                    .isInstanceOf(IllegalArgumentException.class);
            SyncReport r = s.syncOnce();
            assertThat(r.pushed()).isEqualTo(2);
            assertThat(r.bytes()).as("uploaded messages are not downloaded back").isZero();
            assertThat(s.syncOnce().pushed()).isZero();
        }
        assertThat(serverMessageIds("Archive")).containsExactly("<draft@example.com>", "<large@example.com>", "<o@example.com>");
        assertMirrored("Archive");
    }

    @Test
    void maildirEditsByAnotherClient_arePushed() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<flag@example.com>", "1"), ServerClient.message(2, "<del@example.com>", "2"),
                ServerClient.message(3, "<mv@example.com>", "3"), ServerClient.message(4, "<keep@example.com>", "4"));
        server.append("Archive", ServerClient.message(5, "<a@example.com>", "5"));
        sync();
        Path inbox = folderDir(maildir, "INBOX");
        Path archive = folderDir(maildir, "Archive");
        Map<String, Path> byId = new java.util.HashMap<>();
        for (Path f : files(maildir, "INBOX")) {
            String text = Files.readString(f, StandardCharsets.ISO_8859_1);
            for (String id : List.of("flag", "del", "mv", "keep")) {
                if (text.contains("<" + id + "@example.com>")) {
                    byId.put(id, f);
                }
            }
        }
        // What mutt does: rename for flags, unlink to delete, rename into another folder to move, write into new/.
        Path flagged = byId.get("flag");
        Files.move(flagged, flagged.resolveSibling(flagged.getFileName().toString().replace(":2,", ":2,RS")));
        Files.delete(byId.get("del"));
        Files.move(byId.get("mv"), archive.resolve("cur").resolve(byId.get("mv").getFileName()));
        Files.write(archive.resolve("new").resolve("1795860000.M1P1.mutthost"),
                "From: me@example.com\nSubject: written by mutt\nMessage-ID: <mutt@example.com>\n\nbody\n"
                        .getBytes(StandardCharsets.US_ASCII));
        SyncReport r;
        try (ImapSynchronizer s = builder().deleteToTrash(false).build()) {
            r = s.syncOnce();
        }
        assertThat(r.pushed()).isEqualTo(4);
        assertThat(serverMessageIds("INBOX")).containsExactly("<flag@example.com>", "<keep@example.com>");
        assertThat(serverMessageIds("Archive")).containsExactly("<a@example.com>", "<mutt@example.com>", "<mv@example.com>");
        Flags f = serverFlags("INBOX", server.uidOf("INBOX", 1));
        assertThat(f.contains(Flags.Flag.SEEN) && f.contains(Flags.Flag.ANSWERED)).isTrue();
        byte[] mutt = server.rawBodies("Archive").values().stream()
                .filter(b -> new String(b, StandardCharsets.US_ASCII).contains("<mutt@example.com>")).findFirst().orElseThrow();
        assertThat(new String(mutt, StandardCharsets.US_ASCII)).as("uploaded with CRLF line ends")
                .isEqualTo("From: me@example.com\r\nSubject: written by mutt\r\nMessage-ID: <mutt@example.com>\r\n\r\nbody\r\n");
        assertMirrored("INBOX");
        assertThat(files(maildir, "Archive")).hasSize(3);
        try (ImapSynchronizer s = synchronizer()) {
            SyncReport again = s.syncOnce();
            assertThat(again.pushed()).isZero();
            assertThat(again.bytes()).isZero();
        }
    }

    @Test
    void massDeletion_isRefusedUntilAllowed() throws Exception {
        byte[][] six = new byte[6][];
        for (int i = 0; i < six.length; i++) {
            six[i] = ServerClient.message(i, "<m" + i + "@example.com>", "m" + i);
        }
        server.append("INBOX", six);
        sync();
        List<Path> local = files(maildir, "INBOX");
        for (Path p : local.subList(0, 5)) {
            Files.delete(p);
        }
        assertThatThrownBy(this::sync).isInstanceOf(MassDeletionException.class)
                .hasMessageContaining("would lose 5 of 6").hasMessageContaining("allowMassDeletion")
                .satisfies(e -> assertThat(((MassDeletionException) e).deletions()).containsEntry("INBOX", 5));
        assertThat(serverMessageIds("INBOX")).hasSize(6);
        try (ImapSynchronizer s = builder().deleteToTrash(false).allowMassDeletion().build()) {
            assertThat(s.syncOnce().pushed()).isEqualTo(5);
        }
        assertThat(serverMessageIds("INBOX")).hasSize(1);
        assertMirrored("INBOX");
    }

    @Test
    void aMissingLocalFolder_isNeverTakenForDeletes() throws Exception {
        server.append("Archive", ServerClient.message(1, "<a@example.com>", "a"));
        sync();
        try (java.util.stream.Stream<Path> walk = Files.walk(folderDir(maildir, "Archive"))) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        assertThatThrownBy(this::sync).isInstanceOf(MassDeletionException.class)
                .hasMessageContaining("local folder 'Archive' is missing").hasMessageContaining("forgetFolder(name)");
        assertThat(serverMessageIds("Archive")).containsExactly("<a@example.com>");
        try (ImapSynchronizer s = synchronizer()) {
            s.forgetFolder("Archive"); // the documented way to download it again
            assertThat(s.syncOnce().folder("Archive").orElseThrow().added()).isEqualTo(1);
        }
        assertMirrored("Archive");
    }

    @Test
    void actionsTakenOffline_surviveARestart() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"));
        sync();
        long a = server.uidOf("INBOX", 1);
        try (ImapSynchronizer s = synchronizer()) {
            s.local().folder("INBOX").flag(a);   // no sync: the process ends here
        }
        try (ImapSynchronizer s = synchronizer()) {
            assertThat(stateStore(s).localChanges("INBOX")).singleElement()
                    .satisfies(c -> assertThat(c.flags().flagged()).isTrue());
            assertThat(s.syncOnce().pushed()).isEqualTo(1);
            assertThat(stateStore(s).localChanges("INBOX")).isEmpty();
        }
        assertThat(serverFlags("INBOX", a).contains(Flags.Flag.FLAGGED)).isTrue();
    }

    @Test
    void moveInterruptedAfterTheServerMovedIt_isNotRepeatedNorDuplicated() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<m@example.com>", "moving"));
        server.append("Archive", ServerClient.message(2, "<o@example.com>", "other"));
        sync();
        long a = server.uidOf("INBOX", 1);
        try (ImapSynchronizer s = synchronizer()) {
            s.local().folder("INBOX").move("Archive", a);
        }
        server.move("INBOX", a, "Archive"); // the UID MOVE went through, then the process died
        SyncReport r = sync();
        assertThat(r.bytes()).as("the moved file is adopted, not downloaded").isZero();
        assertThat(serverMessageIds("Archive")).containsExactly("<m@example.com>", "<o@example.com>");
        assertMirrored("INBOX");
        assertMirrored("Archive");
        assertThat(sync().pushed()).isZero();
        assertThat(serverMessageIds("Archive")).hasSize(2);
    }

    @Test
    void appendInterruptedAfterTheServerStoredIt_isNotUploadedTwice() throws Exception {
        server.append("Archive", ServerClient.message(1, "<o@example.com>", "other"));
        sync();
        byte[] draft = ServerClient.message(7, "<draft@example.com>", "my draft");
        String id;
        try (ImapSynchronizer s = synchronizer()) {
            id = s.local().folder("Archive").append(draft, MessageFlags.NONE);
            stateStore(s).markUpload("Archive", id, true); // recorded before the APPEND ...
        }
        server.append("Archive", draft);              // ... which reached the server, then the process died
        SyncReport r = sync();
        assertThat(r.pushed()).isZero();
        assertThat(r.bytes()).isZero();
        assertThat(serverMessageIds("Archive")).containsExactly("<draft@example.com>", "<o@example.com>");
        assertMirrored("Archive");
        assertThat(sync().pushed()).isZero();
        assertThat(serverMessageIds("Archive")).hasSize(2);
    }

    static void within5s(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 5 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void watch_pullsServerChanges_andPushesLocalChanges_withinSeconds() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"));
        sync();
        long a = server.uidOf("INBOX", 1);
        java.util.List<RuntimeException> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        SyncListener listener = new SyncListener() {
            @Override
            public void onWatchError(RuntimeException error, java.time.Duration retryIn) {
                errors.add(error);
            }
        };
        SyncWatch watch;
        try (ImapSynchronizer s = builder().listener(listener).build()) {
            watch = s.watch();
            try (watch) {
                assertThatThrownBy(s::watch).isInstanceOf(IllegalStateException.class);
                Thread.sleep(500); // the first sync and IDLE start
                server.append("INBOX", ServerClient.message(2, "<b@example.com>", "b"));
                within5s("a new server message is mirrored", () -> files(maildir, "INBOX").size() == 2);
                s.local().folder("INBOX").markRead(a);
                within5s("a local change reaches the server", () -> serverFlags("INBOX", a).contains(Flags.Flag.SEEN));
                Path f = files(maildir, "INBOX").stream().filter(p -> !p.toString().contains(",U=" + a + ":"))
                        .findFirst().orElseThrow();
                Files.move(f, f.resolveSibling(f.getFileName().toString().replaceAll(":2,.*", ":2,F")));
                long b = server.uidOf("INBOX", 2);
                within5s("a Maildir edit by another client reaches the server",
                        () -> serverFlags("INBOX", b).contains(Flags.Flag.FLAGGED));
            }
            assertThat(watch.isRunning()).isFalse();
        }
        assertThat(errors).isEmpty();
        assertMirrored("INBOX");
    }

    private static String messageIdOf(byte[] raw) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?im)^message-id:\\s*(\\S+)")
                .matcher(new String(raw, StandardCharsets.ISO_8859_1));
        return m.find() ? m.group(1) : "";
    }

    /** Steps of the randomized convergence test on this server. */
    int convergenceSteps() {
        return 200;
    }

    /**
     * Seeded random interleavings of changes on the server ("another device") and locally (API and
     * Maildir edits), with syncs at random points: afterwards both sides hold the same messages with the
     * same flags, and every message not deliberately deleted still exists.
     */
    @Test
    void randomInterleavings_converge_withoutLosingMail() throws Exception {
        long seed = Long.getLong("mailkit.convergenceSeed", 4549L);
        int steps = Integer.getInteger("mailkit.convergenceSteps", convergenceSteps());
        java.util.Random random = new java.util.Random(seed);
        List<String> folders = List.of("INBOX", "Archive");
        Set<String> alive = new java.util.TreeSet<>();
        int next = 0;
        for (String f : folders) {
            for (int i = 0; i < 4; i++, next++) {
                server.append(f, ServerClient.message(next, "<r" + next + "@example.com>", "message " + next));
                alive.add("<r" + next + "@example.com>");
            }
        }
        Flags.Flag[] flags = {Flags.Flag.SEEN, Flags.Flag.FLAGGED, Flags.Flag.ANSWERED};
        StringBuilder log = new StringBuilder("seed " + seed + ":");
        try (ImapSynchronizer s = builder().deleteToTrash(false).build()) {
            s.syncOnce();
            for (int step = 0; step < steps; step++) {
                String folder = folders.get(random.nextInt(folders.size()));
                String other = folders.get(1 - folders.indexOf(folder));
                List<Long> onServer = server.uids(folder);
                List<MessageRecord> here = s.local().folder(folder).messages();
                int action = random.nextInt(10);
                log.append(' ').append(step).append(':').append(action);
                switch (action) {
                    case 0 -> {
                        server.append(folder, ServerClient.message(next, "<r" + next + "@example.com>", "server " + next));
                        alive.add("<r" + next++ + "@example.com>");
                    }
                    case 1 -> {
                        if (!onServer.isEmpty()) {
                            server.setFlag(folder, onServer.get(random.nextInt(onServer.size())),
                                    flags[random.nextInt(flags.length)], random.nextBoolean());
                        }
                    }
                    case 2 -> {
                        if (!onServer.isEmpty()) {
                            server.move(folder, onServer.get(random.nextInt(onServer.size())), other);
                        }
                    }
                    case 3 -> {
                        if (!onServer.isEmpty() && random.nextInt(3) == 0) {
                            long uid = onServer.get(random.nextInt(onServer.size()));
                            alive.remove(messageIdOf(server.rawBodies(folder).get(uid)));
                            server.expunge(folder, uid);
                        }
                    }
                    case 4 -> {
                        if (!here.isEmpty()) {
                            long uid = here.get(random.nextInt(here.size())).uid();
                            switch (random.nextInt(4)) {
                                case 0 -> s.local().folder(folder).markRead(uid);
                                case 1 -> s.local().folder(folder).markUnread(uid);
                                case 2 -> s.local().folder(folder).flag(uid);
                                default -> s.local().folder(folder).unflag(uid);
                            }
                        }
                    }
                    case 5 -> {
                        if (!here.isEmpty()) {
                            s.local().folder(folder).move(other, here.get(random.nextInt(here.size())).uid());
                        }
                    }
                    case 6 -> {
                        if (!here.isEmpty() && random.nextInt(3) == 0) {
                            MessageRecord r = here.get(random.nextInt(here.size()));
                            alive.remove(r.messageId());
                            s.local().folder(folder).delete(r.uid());
                        }
                    }
                    case 7 -> {
                        s.local().folder(folder).append(ServerClient.message(next, "<r" + next + "@example.com>",
                                "local " + next), MessageFlags.NONE);
                        alive.add("<r" + next++ + "@example.com>");
                    }
                    case 8 -> {
                        List<Path> files = files(maildir, folder);
                        if (!files.isEmpty()) {
                            Path f = files.get(random.nextInt(files.size()));
                            String name = f.getFileName().toString();
                            String letters = name.contains(":2,") ? name.substring(name.indexOf(":2,") + 3) : "";
                            String toggled = letters.contains("S") ? letters.replace("S", "") : letters + "S";
                            char[] sorted = toggled.toCharArray();
                            java.util.Arrays.sort(sorted);
                            Files.move(f, f.resolveSibling(name.replaceAll(":2,.*$", "") + ":2," + new String(sorted)));
                        }
                    }
                    default -> s.syncOnce();
                }
            }
            s.syncOnce();
            s.syncOnce();
        }
        java.util.Set<String> everywhere = new java.util.TreeSet<>();
        for (String f : folders) {
            Map<Long, byte[]> bodies = server.rawBodies(f);
            bodies.values().forEach(b -> everywhere.add(messageIdOf(b)));
            assertMirrored(f);
            try (SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
                assertThat(state.localChanges(f)).as("nothing left to push in %s (%s)", f, log).isEmpty();
                for (MessageRecord r : state.messages(f)) {
                    Flags sf = serverFlags(f, r.uid());
                    assertThat(r.flags().seen()).as("\\Seen of UID %d in %s (%s)", r.uid(), f, log)
                            .isEqualTo(sf.contains(Flags.Flag.SEEN));
                    assertThat(r.flags().flagged()).as("\\Flagged of UID %d in %s", r.uid(), f)
                            .isEqualTo(sf.contains(Flags.Flag.FLAGGED));
                    assertThat(r.flags().answered()).isEqualTo(sf.contains(Flags.Flag.ANSWERED));
                }
            }
        }
        assertThat(everywhere).as("no message lost that was not deliberately deleted (%s)", log).containsAll(alive);
    }

    @Test
    void flagsChangedHere_expungedThere_isRemovedHereToo() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"), ServerClient.message(2, "<b@example.com>", "b"));
        sync();
        long a = server.uidOf("INBOX", 1);
        try (ImapSynchronizer s = synchronizer()) {
            s.local().folder("INBOX").flag(a);
            server.expunge("INBOX", a);
            SyncReport r = s.syncOnce();
            assertThat(r.conflicts()).isEqualTo(1);
            assertThat(stateStore(s).localChanges("INBOX")).isEmpty();
        }
        assertThat(serverMessageIds("INBOX")).containsExactly("<b@example.com>");
        assertMirrored("INBOX");
    }

    @Test
    void flagsChangedHere_movedThere_endsInTheOtherFolder_withoutDownloading() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"));
        server.append("Archive", ServerClient.message(2, "<o@example.com>", "o"));
        sync();
        long a = server.uidOf("INBOX", 1);
        try (ImapSynchronizer s = synchronizer()) {
            s.local().folder("INBOX").flag(a);
            server.move("INBOX", a, "Archive");
            SyncReport r = s.syncOnce();
            assertThat(r.bytes()).isZero();
        }
        assertThat(serverMessageIds("INBOX")).isEmpty();
        assertThat(serverMessageIds("Archive")).containsExactly("<a@example.com>", "<o@example.com>");
        assertMirrored("INBOX");
        assertMirrored("Archive");
    }

    @Test
    void movedHere_expungedThere_isKeptInTheTarget() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"));
        server.append("Archive", ServerClient.message(2, "<o@example.com>", "o"));
        sync();
        long a = server.uidOf("INBOX", 1);
        try (ImapSynchronizer s = synchronizer()) {
            s.local().folder("INBOX").move("Archive", a);
            server.expunge("INBOX", a);
            assertThat(s.syncOnce().conflicts()).isEqualTo(1);
            s.syncOnce(); // the upload waits one sync: the first looked for it on the server
        }
        assertThat(serverMessageIds("INBOX")).isEmpty();
        assertThat(serverMessageIds("Archive")).containsExactly("<a@example.com>", "<o@example.com>");
        assertMirrored("Archive");
    }

    @Test
    void movedHere_movedElsewhereThere_isInBothFolders_nothingLost() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"));
        server.append("Archive", ServerClient.message(2, "<o@example.com>", "o"));
        server.append("Later", ServerClient.message(3, "<l@example.com>", "l"));
        sync();
        long a = server.uidOf("INBOX", 1);
        try (ImapSynchronizer s = synchronizer()) {
            s.local().folder("INBOX").move("Archive", a);
            server.move("INBOX", a, "Later");
            s.syncOnce();
            s.syncOnce();
        }
        assertThat(serverMessageIds("Later")).containsExactly("<a@example.com>", "<l@example.com>");
        assertThat(serverMessageIds("Archive")).containsExactly("<a@example.com>", "<o@example.com>");
        assertMirrored("Later");
        assertMirrored("Archive");
    }

    private boolean serverHasFolder(String name) throws Exception {
        return server.folder(name).exists();
    }

    @Test
    void aFolderDeletedHere_isDeletedOnTheServer() throws Exception {
        server.append("Scratch", ServerClient.message(3, "<s@example.com>", "s"));
        server.append("INBOX", ServerClient.message(4, "<i@example.com>", "i"));
        sync();
        try (ImapSynchronizer s = synchronizer()) {
            s.local().deleteFolder("Scratch");
            assertThatThrownBy(() -> s.local().deleteFolder("INBOX")).isInstanceOf(IllegalArgumentException.class);
            assertThat(s.syncOnce().folder("Scratch").orElseThrow().method()).isEqualTo("DELETE");
            assertThat(s.state().folder("Scratch")).isEmpty();
        }
        assertThat(serverHasFolder("Scratch")).isFalse();
        assertThat(Files.exists(folderDir(maildir, "Scratch"))).isFalse();
        assertMirrored("INBOX");
    }

    @Test
    void foldersCreatedAndRenamedHere_followOnTheServer() throws Exception {
        server.append("Projects", ServerClient.message(1, "<p@example.com>", "p"));
        server.append(sub("Projects", "Old"), ServerClient.message(2, "<po@example.com>", "po"));
        server.append("INBOX", ServerClient.message(4, "<i@example.com>", "i"));
        sync();
        try (ImapSynchronizer s = synchronizer()) {
            s.local().createFolder("Receipts");
            assertThatThrownBy(() -> s.local().createFolder("Projects")).isInstanceOf(IllegalArgumentException.class);
            s.local().renameFolder("Projects", "Work");
            assertThat(Files.isDirectory(folderDir(maildir, "Work").resolve("cur"))).isTrue();
            assertThat(Files.exists(folderDir(maildir, "Projects"))).isFalse();
            SyncReport r = s.syncOnce();
            assertThat(r.bytes()).as("a renamed folder is not downloaded again").isZero();
            s.local().folder("INBOX").move("Receipts", server.uidOf("INBOX", 1));
            s.local().folder(sub("Work", "Old")).copy("Receipts", server.uidOf(sub("Work", "Old"), 1));
            s.syncOnce();
        }
        assertThat(serverHasFolder("Projects")).isFalse();
        assertThat(serverMessageIds("Work")).containsExactly("<p@example.com>");
        assertThat(serverMessageIds(sub("Work", "Old"))).containsExactly("<po@example.com>");
        assertThat(serverMessageIds("Receipts")).containsExactly("<i@example.com>", "<po@example.com>");
        assertMirrored("Work");
        assertMirrored(sub("Work", "Old"));
        assertMirrored("Receipts");
        assertMirrored("INBOX");
    }

    @Test
    void aFolderDeletedHere_thatReceivedMailMeanwhile_isKeptAndMirroredAgain() throws Exception {
        server.append("Scratch", ServerClient.message(1, "<s@example.com>", "s"));
        sync();
        try (ImapSynchronizer s = synchronizer()) {
            s.local().deleteFolder("Scratch");
        }
        server.append("Scratch", ServerClient.message(2, "<new@example.com>", "arrived meanwhile"));
        SyncReport r = sync();
        assertThat(r.folder("Scratch").orElseThrow().notes()).isNotEmpty();
        assertThat(serverMessageIds("Scratch")).containsExactly("<new@example.com>", "<s@example.com>");
        assertMirrored("Scratch");
    }

    @Test
    void aFolderAnotherMaildirClientCreated_isCreatedOnTheServer_withItsMessages() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<i@example.com>", "i"));
        sync();
        Path dir = folderDir(maildir, "Mutt");
        for (String d : List.of("cur", "new", "tmp")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.write(dir.resolve("cur").resolve("1795860000.M2P2.mutthost:2,S"),
                ServerClient.message(9, "<mutt@example.com>", "filed by mutt"));
        SyncReport r = sync();
        assertThat(serverHasFolder("Mutt")).isTrue();
        assertThat(serverMessageIds("Mutt")).as("uploaded by the sync that created the folder")
                .containsExactly("<mutt@example.com>");
        assertThat(r.folder("Mutt")).hasValueSatisfying(f -> assertThat(f.pushed()).isEqualTo(1));
        assertMirrored("Mutt");
        SyncReport again = sync();
        assertThat(again.pushed()).isZero();
        assertThat(serverMessageIds("Mutt")).hasSize(1);
    }

    /**
     * Everything {@link HostileMaildir} plants, in INBOX: each is named in a note on every sync, nothing of
     * it reaches the server or is changed here, and changes on both sides, in INBOX and in another folder,
     * sync. Run in its own thread so that a sync stuck on the FIFO or on /dev/zero fails instead of hanging.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aHostileMaildir_isSkippedWithNotes_andEverythingElseSyncsBothWays() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"));
        server.append("Archive", ServerClient.message(2, "<b@example.com>", "b"));
        sync();
        try (HostileMaildir hostile = new HostileMaildir(folderDir(maildir, "INBOX"), dir.resolve("outside"))) {
            for (HostileMaildir.Plant p : HostileMaildir.Plant.values()) {
                hostile.plant(p);
            }
            Files.write(folderDir(maildir, "Archive").resolve("new").resolve("1795864000.M1P1.mutthost"),
                    ServerClient.message(3, "<local@example.com>", "filed here"));
            server.append("INBOX", ServerClient.message(4, "<c@example.com>", "c"));
            long a = server.uidOf("INBOX", 1);
            Path first = files(maildir, "INBOX").stream()
                    .filter(f -> f.getFileName().toString().contains(",U=" + a + ":2,")).findFirst().orElseThrow();
            Files.move(first, first.resolveSibling(first.getFileName().toString().replaceAll(":2,.*$", ":2,S")));
            for (int run = 0; run < 2; run++) {
                long start = System.nanoTime();
                SyncReport r = sync();
                assertThat(System.nanoTime() - start).as("nanoseconds of sync %d", run).isLessThan(60_000_000_000L);
                assertThat(r.pushed()).as("pushed in sync %d", run).isEqualTo(run == 0 ? 2 : 0);
                for (Path p : hostile.planted()) {
                    String name = dev.mailkit.imap.internal.maildir.MaildirNames.baseName(p.getFileName().toString())
                            .replace("\u001b", "\\u001b");
                    assertThat(r.folder("INBOX").orElseThrow().notes()).as("sync %d", run).anyMatch(n -> n.contains(name));
                }
                assertThat(hostile.changed()).as("planted entries changed by sync %d", run).isEmpty();
            }
            assertThat(serverMessageIds("INBOX")).containsExactly("<a@example.com>", "<c@example.com>");
            assertThat(serverMessageIds("Archive")).containsExactly("<b@example.com>", "<local@example.com>");
            assertThat(serverFlags("INBOX", a).contains(Flags.Flag.SEEN)).isTrue();
            for (String folder : List.of("INBOX", "Archive")) {
                for (byte[] body : server.rawBodies(folder).values()) {
                    assertThat(new String(body, StandardCharsets.ISO_8859_1)).doesNotContain(HostileMaildir.SECRET);
                }
            }
            try (SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
                assertThat(state.messages("INBOX")).extracting(MessageRecord::messageId)
                        .containsExactlyInAnyOrder("<a@example.com>", "<c@example.com>");
                assertThat(state.messages("Archive")).extracting(MessageRecord::messageId)
                        .containsExactlyInAnyOrder("<b@example.com>", "<local@example.com>");
            }
            assertMirrored("Archive");
        }
    }

    @Test
    void aFolderCreatedThroughTheApi_takesMovesAndAppendsAtOnce() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<r@example.com>", "receipt"), ServerClient.message(2, "<i@example.com>", "i"));
        sync();
        long a = server.uidOf("INBOX", 1);
        try (ImapSynchronizer s = synchronizer()) {
            s.local().createFolder("Receipts");
            s.local().folder("INBOX").move("Receipts", a); // no sync in between
            s.local().folder("Receipts").append(ServerClient.message(3, "<d@example.com>", "draft"), MessageFlags.NONE);
            SyncReport r = s.syncOnce();
            assertThat(r.bytes()).as("nothing downloaded back").isZero();
            assertThat(s.syncOnce().pushed()).isZero();
        }
        assertThat(serverMessageIds("INBOX")).containsExactly("<i@example.com>");
        assertThat(serverMessageIds("Receipts")).containsExactly("<d@example.com>", "<r@example.com>");
        assertMirrored("INBOX");
        assertMirrored("Receipts");
    }

    /** The permanent system flags, by IMAP name (a session's \\Recent left out). */
    static Set<String> systemFlags(Flags f) {
        Set<String> out = new java.util.TreeSet<>();
        Map<Flags.Flag, String> names = Map.of(Flags.Flag.SEEN, "\\Seen", Flags.Flag.ANSWERED, "\\Answered",
                Flags.Flag.FLAGGED, "\\Flagged", Flags.Flag.DRAFT, "\\Draft", Flags.Flag.DELETED, "\\Deleted");
        names.forEach((flag, name) -> {
            if (f.contains(flag)) {
                out.add(name);
            }
        });
        return out;
    }

    /** Renames one file's flag suffix the way neomutt or Python's mailbox.Maildir do. */
    private static void renameSuffix(Path file, String letters) throws Exception {
        String name = file.getFileName().toString();
        Files.move(file, file.resolveSibling(name.substring(0, name.indexOf(":2,") + 3) + letters));
    }

    @Test
    void aMaildirEditAddingOneFlagAndRemovingAnother_pushesBothHalves() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<sr@example.com>", "s to r"), ServerClient.message(2, "<fs@example.com>", "f to s"),
                ServerClient.message(3, "<fsr@example.com>", "fs to r"));
        long a = server.uidOf("INBOX", 1);
        long b = server.uidOf("INBOX", 2);
        long c = server.uidOf("INBOX", 3);
        server.setFlag("INBOX", a, Flags.Flag.SEEN, true);
        server.setFlag("INBOX", b, Flags.Flag.FLAGGED, true);
        server.setFlag("INBOX", c, Flags.Flag.FLAGGED, true);
        server.setFlag("INBOX", c, Flags.Flag.SEEN, true);
        sync();
        for (Path f : files(maildir, "INBOX")) {
            String n = f.getFileName().toString();
            if (n.contains(",U=" + a + ":")) {
                renameSuffix(f, "R");   // read -> unread + answered
            } else if (n.contains(",U=" + b + ":")) {
                renameSuffix(f, "S");   // flagged -> read + unflagged
            } else {
                renameSuffix(f, "R");   // flagged + read -> answered only
            }
        }
        SyncReport first = sync();
        assertThat(first.pushed()).isEqualTo(3);
        assertThat(first.folder("INBOX").orElseThrow().notes()).noneMatch(n -> n.contains("changed on the server"));
        assertThat(sync().pushed()).isZero();
        assertThat(systemFlags(serverFlags("INBOX", a))).containsExactly("\\Answered");
        assertThat(systemFlags(serverFlags("INBOX", b))).containsExactly("\\Seen");
        assertThat(systemFlags(serverFlags("INBOX", c))).containsExactly("\\Answered");
        assertThat(files(maildir, "INBOX")).anyMatch(f -> f.toString().endsWith(",U=" + a + ":2,R"))
                .anyMatch(f -> f.toString().endsWith(",U=" + b + ":2,S"))
                .anyMatch(f -> f.toString().endsWith(",U=" + c + ":2,R"));
        assertMirrored("INBOX");
    }

    @Test
    void aMaildirMoveDoneAsCopyAndDelete_isAMove_keepingKeywordsAndLeavingNoCopyInTrash() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<cd@example.com>", "copied then deleted"));
        server.append("Archive", ServerClient.message(2, "<o@example.com>", "o"));
        sync();
        long a = server.uidOf("INBOX", 1);
        try (ImapSynchronizer s = synchronizer()) {
            s.local().folder("INBOX").setKeywords(a, Set.of("project-x"));
            s.syncOnce();
        }
        Path original = files(maildir, "INBOX").get(0);
        // What a client without rename does: a new file in the target, then the original unlinked.
        Files.copy(original, folderDir(maildir, "Archive").resolve("cur").resolve("1795860001.M5P5.otherhost:2,S"));
        Files.delete(original);
        SyncReport r = sync();
        assertThat(r.bytes()).as("adopted in Archive, not downloaded").isZero();
        assertThat(serverMessageIds("INBOX")).isEmpty();
        assertThat(serverMessageIds("Archive")).containsExactly("<cd@example.com>", "<o@example.com>");
        if (hasTrash()) {
            assertThat(serverMessageIds("Trash")).as("a move leaves nothing in Trash").isEmpty();
        }
        long moved = server.uids("Archive").stream().filter(u -> {
            try {
                return serverFlags("Archive", u).contains("project-x");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).count();
        assertThat(moved).as("the keyword travelled with the message").isEqualTo(1);
        assertThat(serverFlags("Archive", server.uids("Archive").get(server.uids("Archive").size() - 1))
                .contains(Flags.Flag.SEEN)).as("the flags of the copy").isTrue();
        assertMirrored("INBOX");
        assertMirrored("Archive");
        assertThat(sync().pushed()).isZero();
    }

    @Test
    void everyMessageMovedOutOnTheServer_isNotTakenForAMassDeletion() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<z1@example.com>", "1"), ServerClient.message(2, "<z2@example.com>", "2"),
                ServerClient.message(3, "<z3@example.com>", "3"));
        server.append("Archive", ServerClient.message(4, "<o@example.com>", "o"));
        sync();
        for (long uid : server.uids("INBOX")) {
            server.move("INBOX", uid, "Archive"); // inbox zero, on another device
        }
        SyncReport r = sync();
        assertThat(r.folder("INBOX").orElseThrow().removed()).isEqualTo(3);
        assertThat(r.bytes()).as("linked from the local files, not downloaded").isZero();
        assertMirrored("INBOX");
        assertMirrored("Archive");
    }

    @Test
    void aFolderTheServerShowsEmpty_isNotEmptiedHere_untilAllowed() throws Exception {
        server.append("Lists", ServerClient.message(1, "<l1@example.com>", "1"), ServerClient.message(2, "<l2@example.com>", "2"),
                ServerClient.message(3, "<l3@example.com>", "3"));
        server.append("INBOX", ServerClient.message(4, "<i@example.com>", "i"));
        sync();
        for (long uid : server.uids("Lists")) {
            server.expunge("Lists", uid);
        }
        server.append("INBOX", ServerClient.message(5, "<new@example.com>", "new"));
        MassDeletionException e = org.assertj.core.api.Assertions.catchThrowableOfType(this::sync, MassDeletionException.class);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.side()).isEqualTo(MassDeletionException.Side.SERVER);
        assertThat(e.deletions()).containsEntry("Lists", 3);
        assertThat(e.getMessage()).contains("allowMassDeletion").contains("--allow-mass-deletion");
        assertThat(e.report()).isPresent();
        assertThat(files(maildir, "Lists")).as("nothing deleted locally").hasSize(3);
        assertMirrored("INBOX"); // the rest of the account was synced
        assertThatThrownBy(this::sync).as("not forgotten").isInstanceOf(MassDeletionException.class);
        assertThat(files(maildir, "Lists")).hasSize(3);
        try (ImapSynchronizer s = builder().allowMassDeletion().build()) {
            assertThat(s.syncOnce().folder("Lists").orElseThrow().removed()).isEqualTo(3);
        }
        assertThat(files(maildir, "Lists")).isEmpty();
        assertMirrored("Lists");
        assertThat(sync().removed()).isZero();
    }
}
