package dev.mailkit.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.imap.spi.SyncStateStore;
import dev.mailkit.imap.testing.DovecotServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Syncs in a separate JVM ({@link SyncProcess}) against Dovecot: killed forcibly (SIGKILL) at seeded
 * random points and resumed, and with the heap capped at 128 MB.
 */
class SeparateJvmSyncIT {

    @RegisterExtension
    static final DovecotServer.PerClass DOVECOT = new DovecotServer.PerClass();

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        MirrorAssertions.separator = '/';
    }


    /** The result of one child run. */
    private record Run(boolean killed, boolean done, String lastLine, int messages) {
    }

    /** Runs {@link SyncProcess}; kills it forcibly after {@code killAfter} stored messages (0: never). */
    private Run run(String user, Path maildir, int killAfter, String... jvmOptions) throws Exception {
        return run(user, maildir, "MESSAGE ", killAfter, jvmOptions);
    }

    /** Runs {@link SyncProcess}; kills it forcibly after {@code killAfter} lines starting with {@code event} (0: never). */
    private Run run(String user, Path maildir, String event, int killAfter, String... jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmOptions));
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=debug");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SyncProcess.class.getName(),
                "127.0.0.1", String.valueOf(DOVECOT.server().port()), user, maildir.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("child-stderr.log").toFile()));
        pb.environment().put("MAILKIT_TEST_PASSWORD", DovecotServer.PASSWORD);
        Process child = pb.start();
        int messages = 0;
        String last = "";
        boolean killed = false;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                last = line;
                if (line.startsWith(event) && ++messages == killAfter) {
                    child.destroyForcibly();
                    killed = true;
                    break;
                }
            }
        }
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("child exits").isTrue();
        if (!killed) {
            assertThat(child.exitValue()).as("child exit; stderr: %s", stderr()).isZero();
        }
        return new Run(killed, last.startsWith("DONE"), last, messages);
    }

    private String stderr() throws IOException {
        return Files.readString(dir.resolve("child-stderr.log"));
    }

    private static void fill(ServerClient server, String folder, int count, int firstNumber, Random random)
            throws Exception {
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = firstNumber + i;
            String body = ("line " + n + " of a generated message\r\n").repeat(60 + random.nextInt(200));
            batch.add(ServerClient.message(n, "<gen" + n + "@example.com>", body));
            if (batch.size() == 250 || i == count - 1) {
                server.append(folder, batch.toArray(new byte[0][]));
                batch.clear();
            }
        }
    }

    private static void assertExactlyOnce(ServerClient server, Path maildir, List<String> folders) throws Exception {
        try (SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
            for (String f : folders) {
                MirrorAssertions.assertExactMirror(maildir, f, server.rawBodies(f), state);
            }
        }
        try (Stream<Path> walk = Files.walk(maildir)) {
            assertThat(walk.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("tmp")))
                    .as("no orphan file in any tmp/").isEmpty();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + maildir.resolve("mailkit-state.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            assertThat(rs.getString(1)).isEqualTo("ok");
        }
    }

    @Test
    void killedAtRandomPoints_thenResumed_endsWithEveryMessageExactlyOnce() throws Exception {
        String user = "alice";
        long seed = Long.getLong("mailkit.killSeed", 20261128L);
        Random random = new Random(seed);
        List<String> folders = List.of("INBOX", "Archive", "Отчёты/2026");
        try (ServerClient server = new ServerClient("127.0.0.1", DOVECOT.server().port(), user, DovecotServer.PASSWORD)) {
            fill(server, "INBOX", 400, 0, random);
            fill(server, "Archive", 300, 1000, random);
            fill(server, "Отчёты/2026", 100, 2000, random);
            // Two messages above the 8 MB limit take the partial-fetch path, so kills also land inside one.
            server.append("Archive", ServerClient.message(3000, "<large1@example.com>", "L".repeat(9 << 20)),
                    ServerClient.message(3001, "<large2@example.com>", "M".repeat(9 << 20)));
            Path maildir = dir.resolve("mail");
            int kills = 0;
            int remaining = 802;
            for (int round = 0; round < 5 && remaining > 1; round++) {
                int killAfter = 1 + random.nextInt(Math.min(remaining, 300));
                Run r = run(user, maildir, killAfter);
                if (r.killed()) {
                    kills++;
                    remaining -= r.messages();
                } else {
                    break;
                }
            }
            assertThat(kills).as("the sync was killed at least once (seed %d)", seed).isPositive();
            Run last = run(user, maildir, 0);
            if (Boolean.getBoolean("mailkit.keepKillTest")) {
                new ProcessBuilder("cp", "-a", dir.toString(), "/tmp/killdebug").start().waitFor();
            }
            assertThat(last.done()).as("the resumed sync finishes: %s", last.lastLine()).isTrue();
            assertExactlyOnce(server, maildir, folders);
            Run again = run(user, maildir, 0);
            assertThat(again.lastLine()).as("a further run has nothing to add").startsWith("DONE added=0 ");
        }
    }

    /**
     * Seeded kills at random points of pulls and pushes, with changes on both sides between them:
     * {@code -Dmailkit.kills=N} kills (default 10; the full soak uses 50), {@code -Dmailkit.killSoakSeed=S}
     * (default: a new seed each run, printed). After every kill the next run resumes; at the end both sides
     * are equal byte for byte, each message is once in its folder, nothing deliberately kept is lost, and
     * SQLite's integrity check passes.
     */
    @Test
    void seededKills_duringPullsAndPushes_loseAndDoubleNothing() throws Exception {
        String user = "dave";
        int wanted = Integer.getInteger("mailkit.kills", 10);
        long seed = Long.getLong("mailkit.killSoakSeed", new java.security.SecureRandom().nextLong());
        String replay = "replay: -Dmailkit.killSoakSeed=" + seed + " -Dmailkit.kills=" + wanted;
        System.out.println("kill soak: " + wanted + " kills, seed " + seed);
        Random random = new Random(seed);
        Path maildir = dir.resolve("soak");
        List<String> folders = List.of("INBOX", "Archive");
        java.util.Set<String> alive = new java.util.TreeSet<>();
        int next = 10_000;
        int kills = 0;
        int runs = 0;
        try (ServerClient server = new ServerClient("127.0.0.1", DOVECOT.server().port(), user, DovecotServer.PASSWORD)) {
            fill(server, "INBOX", 120, next, random);
            fill(server, "Archive", 40, next + 1000, random);
            server.append("Archive", ServerClient.message(next + 2000, "<big-soak@example.com>", "B".repeat(9 << 20)));
            for (int i = 0; i < 120; i++) {
                alive.add("<gen" + (next + i) + "@example.com>");
            }
            for (int i = 0; i < 40; i++) {
                alive.add("<gen" + (next + 1000 + i) + "@example.com>");
            }
            alive.add("<big-soak@example.com>");
            next += 3000;
            while (kills < wanted && runs < wanted * 4) {
                runs++;
                boolean push = random.nextBoolean();
                int events;
                if (push && new java.io.File(maildir.resolve("mailkit-state.db").toString()).exists()) {
                    events = 0;
                    try (ImapSynchronizer s = ImapSynchronizer.builder().endpoint("127.0.0.1", DOVECOT.server().port(),
                                    dev.mailkit.core.Security.PLAIN)
                            .options(dev.mailkit.core.ConnectionOptions.builder().allowPlaintext().build())
                            .credentials(dev.mailkit.core.Credentials.password(user, DovecotServer.PASSWORD))
                            .maildir(maildir).deleteToTrash(false).build()) {
                        for (String f : folders) {
                            String other = folders.get(1 - folders.indexOf(f));
                            if (s.state().folder(f).isEmpty() || s.state().folder(other).isEmpty()) {
                                continue; // a killed first pull has not recorded this folder yet
                            }
                            for (MessageRecord r : s.local().folder(f).messages()) {
                                switch (random.nextInt(12)) {
                                    case 0 -> {
                                        s.local().folder(f).markRead(r.uid());
                                        events++;
                                    }
                                    case 1 -> {
                                        s.local().folder(f).move(other, r.uid());
                                        events++;
                                    }
                                    case 2 -> {
                                        if (random.nextInt(4) == 0) {
                                            s.local().folder(f).delete(r.uid());
                                            alive.remove(r.messageId());
                                            events++;
                                        }
                                    }
                                    default -> { }
                                }
                            }
                            for (int a = random.nextInt(4); a > 0; a--) {
                                String id = "<up" + next + "@example.com>";
                                s.local().folder(f).append(ServerClient.message(next++, id, "appended here"), MessageFlags.NONE);
                                alive.add(id);
                                events++;
                            }
                        }
                    }
                } else {
                    events = 1 + random.nextInt(60);
                    fill(server, folders.get(random.nextInt(2)), events, next, random);
                    for (int i = 0; i < events; i++) {
                        alive.add("<gen" + (next + i) + "@example.com>");
                    }
                    next += events;
                    List<Long> uids = server.uids("INBOX");
                    if (!uids.isEmpty()) {
                        server.setFlag("INBOX", uids.get(random.nextInt(uids.size())), jakarta.mail.Flags.Flag.FLAGGED, true);
                    }
                }
                if (events == 0) {
                    continue;
                }
                Run r = run(user, maildir, push ? "PUSH " : "MESSAGE ", 1 + random.nextInt(events));
                if (r.killed()) {
                    kills++;
                } else {
                    assertThat(r.done()).as("an unkilled run finishes (%s): %s", replay, r.lastLine()).isTrue();
                }
            }
            Run last = run(user, maildir, 0);
            assertThat(last.done()).as("the resumed sync finishes (%s): %s", replay, last.lastLine()).isTrue();
            // Some conflicts settle over two syncs (a message moved here and gone there is uploaded by the next
            // one): a few more runs must reach a state with nothing left to do.
            Run again = run(user, maildir, 0);
            for (int extra = 0; extra < 3 && !again.lastLine().startsWith("DONE added=0 "); extra++) {
                again = run(user, maildir, 0);
            }
            assertThat(again.lastLine()).as("nothing left after a few syncs (%s)", replay).startsWith("DONE added=0 ");
            System.out.println("kill soak: " + kills + " kills in " + runs + " runs (seed " + seed + ")");
            assertThat(kills).as("kills (%s)", replay).isEqualTo(wanted);
            java.util.Set<String> everywhere = new java.util.TreeSet<>();
            for (String f : folders) {
                java.util.Map<String, Integer> counts = messageIdCounts(server, f);
                assertThat(counts.values()).as("each message once in %s (%s)", f, replay).allMatch(n -> n == 1);
                everywhere.addAll(counts.keySet());
            }
            java.util.Set<String> lost = new java.util.TreeSet<>(alive);
            lost.removeAll(everywhere);
            assertThat(lost).as("lost messages (%s)", replay).isEmpty();
            assertExactlyOnce(server, maildir, folders);
            try (SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
                for (String f : folders) {
                    assertThat(state.localChanges(f)).as("nothing left to push in %s (%s)", f, replay).isEmpty();
                }
            }
        }
    }

    @Test
    void fiveThousandMessages_mirrorWithTheHeapCappedAt128MB() throws Exception {
        String user = "bob";
        Random random = new Random(5000);
        try (ServerClient server = new ServerClient("127.0.0.1", DOVECOT.server().port(), user, DovecotServer.PASSWORD)) {
            fill(server, "INBOX", 5000, 0, random);
            // More bytes than the heap: four 24 MB messages on top of ~45 MB of ordinary mail.
            for (int i = 0; i < 4; i++) {
                server.append("INBOX", ServerClient.message(9000 + i, "<huge" + i + "@example.com>",
                        String.valueOf((char) ('a' + i)).repeat(24 << 20)));
            }
            Path maildir = dir.resolve("mail");
            Run r = run(user, maildir, 0, "-Xmx128m");
            assertThat(r.lastLine()).startsWith("DONE added=5004 ");
            System.out.println("5,004 messages (~140 MB) mirrored with -Xmx128m: " + r.lastLine());
            assertExactlyOnce(server, maildir, List.of("INBOX"));
        }
    }

    private static java.util.Map<String, Integer> messageIdCounts(ServerClient server, String folder) throws Exception {
        java.util.Map<String, Integer> out = new java.util.TreeMap<>();
        for (byte[] b : server.rawBodies(folder).values()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?im)^message-id:\\s*(\\S+)")
                    .matcher(new String(b, StandardCharsets.ISO_8859_1));
            out.merge(m.find() ? m.group(1) : "", 1, Integer::sum);
        }
        return out;
    }

    @Test
    void pushKilledAtRandomMoments_thenResumed_appliesEveryLocalChangeExactlyOnce() throws Exception {
        String user = "carol";
        long seed = Long.getLong("mailkit.killSeed", 20261128L);
        Random random = new Random(seed);
        Path maildir = dir.resolve("mail");
        try (ServerClient server = new ServerClient("127.0.0.1", DOVECOT.server().port(), user, DovecotServer.PASSWORD)) {
            fill(server, "INBOX", 120, 0, random);
            server.append("Archive", ServerClient.message(999, "<archived@example.com>", "already archived"));
            java.util.Set<String> expectInbox = new java.util.TreeSet<>();
            java.util.Set<String> expectArchive = new java.util.TreeSet<>(List.of("<archived@example.com>"));
            java.util.Set<String> readAndFlagged = new java.util.TreeSet<>();
            try (ImapSynchronizer s = ImapSynchronizer.builder().endpoint("127.0.0.1", DOVECOT.server().port(), dev.mailkit.core.Security.PLAIN)
                    .options(dev.mailkit.core.ConnectionOptions.builder().allowPlaintext().build())
                    .credentials(dev.mailkit.core.Credentials.password(user, DovecotServer.PASSWORD)).maildir(maildir).build()) {
                s.syncOnce();
                MirroredFolder inbox = s.local().folder("INBOX");
                int i = 0;
                for (MessageRecord r : inbox.messages()) {
                    switch (i++ % 4) {
                        case 0 -> {
                            inbox.move("Archive", r.uid());
                            expectArchive.add(r.messageId());
                        }
                        case 1 -> {
                            inbox.markRead(r.uid());
                            inbox.flag(r.uid());
                            readAndFlagged.add(r.messageId());
                            expectInbox.add(r.messageId());
                        }
                        case 2 -> {
                            String id = "<local" + i + "@example.com>";
                            s.local().folder("Archive").append(ServerClient.message(5000 + i, id, "written here " + i),
                                    MessageFlags.NONE);
                            expectArchive.add(id);
                            expectInbox.add(r.messageId());
                        }
                        default -> expectInbox.add(r.messageId());
                    }
                }
            }
            int kills = 0;
            for (int round = 0; round < 6; round++) {
                Run r = run(user, maildir, "PUSH ", 1 + random.nextInt(60));
                if (!r.killed()) {
                    break;
                }
                kills++;
            }
            Run last = run(user, maildir, 0);
            assertThat(last.done()).as("the resumed sync finishes: %s", last.lastLine()).isTrue();
            assertThat(kills).as("the push was killed at least once (seed %d)", seed).isPositive();
            run(user, maildir, 0);
            System.out.println("push killed " + kills + " time(s) (seed " + seed + ")");
            java.util.Map<String, Integer> inbox = messageIdCounts(server, "INBOX");
            java.util.Map<String, Integer> archive = messageIdCounts(server, "Archive");
            assertThat(inbox.keySet()).as("INBOX after %d kills", kills).isEqualTo(expectInbox);
            assertThat(archive.keySet()).as("Archive after %d kills", kills).isEqualTo(expectArchive);
            assertThat(inbox.values()).as("each message once in INBOX").allMatch(n -> n == 1);
            assertThat(archive.values()).as("each message once in Archive").allMatch(n -> n == 1);
            assertExactlyOnce(server, maildir, List.of("INBOX", "Archive"));
            try (SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
                assertThat(state.localChanges("INBOX")).isEmpty();
                for (MessageRecord r : state.messages("INBOX")) {
                    boolean wanted = readAndFlagged.contains(r.messageId());
                    assertThat(r.flags().seen() && r.flags().flagged()).as("flags of %s", r.messageId()).isEqualTo(wanted);
                }
            }
        }
    }
}
