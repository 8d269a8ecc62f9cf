package dev.mailkit.imap;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Flags;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync in its own JVM ({@link SyncProcess}) killed with SIGKILL at seeded points while it downloads, with
 * flag changes, expunges and new mail on the server between runs: after every kill, before anything repairs
 * it, the envelope index equals the state (read straight from the SQLite file), and at the end every message
 * is found by the words of its subject. {@code -Dmailkit.indexKillSeed} replays a run.
 */
class IndexKillTest {

    @TempDir
    Path dir;
    GreenMail mail;

    @BeforeEach
    void start() {
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
        mail.start();
        mail.setUser("alice@localhost", "alice", "alice-pw");
    }

    @AfterEach
    void stop() {
        mail.stop();
    }

    /** Runs a sync in a child JVM, killed after {@code killAfter} stored messages (0: never); whether it was killed. */
    private boolean run(Path maildir, int killAfter) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                SyncProcess.class.getName(), "127.0.0.1", String.valueOf(mail.getImap().getPort()), "alice", maildir.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("stderr.log").toFile()));
        pb.environment().put("MAILKIT_TEST_PASSWORD", "alice-pw");
        Process child = pb.start();
        int stored = 0;
        boolean killed = false;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("MESSAGE ") && ++stored == killAfter) {
                    child.destroyForcibly();
                    killed = true;
                    break;
                }
            }
        }
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        if (!killed) {
            assertThat(child.exitValue()).as("an unkilled sync ends well").isZero();
        }
        return killed;
    }

    /** The folder's UIDs in one FETCH (ServerClient asks for them one by one, which GreenMail answers slowly). */
    private static List<Long> uids(ServerClient server, String folder) throws Exception {
        org.eclipse.angus.mail.imap.IMAPFolder f = (org.eclipse.angus.mail.imap.IMAPFolder) server.folder(folder);
        f.open(jakarta.mail.Folder.READ_ONLY);
        try {
            jakarta.mail.Message[] all = f.getMessages();
            jakarta.mail.FetchProfile fp = new jakarta.mail.FetchProfile();
            fp.add(jakarta.mail.UIDFolder.FetchProfileItem.UID);
            f.fetch(all, fp);
            List<Long> out = new ArrayList<>();
            for (jakarta.mail.Message m : all) {
                out.add(f.getUID(m));
            }
            return out;
        } finally {
            f.close(false);
        }
    }

    private static byte[] message(int n, Random random) {
        String body = ("line " + n + " of message " + n + " zq" + n + "\r\n").repeat(20 + random.nextInt(200));
        return ("From: sender" + n + "@example.com\r\nTo: alice@example.com\r\nSubject: subject zq" + n + "\r\nMessage-ID: <k"
                + n + "@x>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void killedAnywhereDuringSyncs_theIndexAlwaysEqualsTheState() throws Exception {
        long seed = Long.getLong("mailkit.indexKillSeed", new java.security.SecureRandom().nextLong());
        System.out.println("index kill test: seed " + seed + " (replay: -Dmailkit.indexKillSeed=" + seed + ")");
        Random random = new Random(seed);
        Path maildir = dir.resolve("mail");
        int next = 0;
        List<Integer> present = new ArrayList<>();
        try (ServerClient server = new ServerClient("127.0.0.1", mail.getImap().getPort(), "alice", "alice-pw")) {
            for (String folder : List.of("INBOX", "Archive")) {
                List<byte[]> batch = new ArrayList<>();
                for (int i = 0; i < 80; i++) {
                    batch.add(message(next, random));
                    present.add(next++);
                }
                server.append(folder, batch.toArray(new byte[0][]));
            }
            int kills = 0;
            for (int round = 0; round < 6; round++) {
                if (run(maildir, 1 + random.nextInt(60))) {
                    kills++;
                }
                IndexConsistency.assertConsistent(maildir, "seed " + seed + ", after run " + round);
                // the other device: flags, an expunge, new mail
                List<Long> uids = uids(server, "INBOX");
                if (uids.size() > 3) {
                    server.setFlag("INBOX", uids.get(random.nextInt(uids.size())), Flags.Flag.FLAGGED, true);
                    long gone = uids.get(random.nextInt(uids.size()));
                    server.expunge("INBOX", gone);
                }
                byte[][] more = new byte[5][];
                for (int i = 0; i < more.length; i++) {
                    more[i] = message(next++, random);
                }
                server.append("Archive", more);
            }
            assertThat(run(maildir, 0)).isFalse();
            long messages = IndexConsistency.assertConsistent(maildir, "seed " + seed + ", at the end");
            assertThat(kills).as("killed at least once (seed %d)", seed).isPositive();
            try (LocalMailbox box = LocalMailbox.open(maildir, ZoneOffset.UTC)) {
                int total = box.count("INBOX") + box.count("Archive");
                assertThat(total).isEqualTo(messages).isEqualTo(uids(server, "INBOX").size() + uids(server, "Archive").size());
                for (String folder : List.of("INBOX", "Archive")) {
                    for (Envelope e : box.list(folder, EnvelopeSort.DATE, 0, 1000)) {
                        String word = e.subject().substring("subject ".length());
                        assertThat(box.search("subject:" + word + " folder:" + folder, 0, 10))
                                .as("seed %d: %s found by its subject", seed, e.id()).extracting(Envelope::uid).containsExactly(e.uid());
                    }
                }
            }
        }
    }
}
