package dev.mailkit.imap;

import static dev.mailkit.imap.MirrorAssertions.assertExactMirror;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.MailkitException;
import dev.mailkit.core.Security;
import dev.mailkit.core.testing.FaultProxy;
import dev.mailkit.imap.spi.SyncStateStore;
import dev.mailkit.imap.testing.DovecotServer;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.UIDFolder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection soak on Dovecot: the synchronizer talks to the server through a proxy that cuts the
 * connection at a seeded random byte offset, in a seeded direction, during every sync of a seeded run of
 * changes on both sides (new mail, flags, moves and expunges on the server; flags, moves, deletions and
 * appends — some of them 1.5 MB, so cuts land inside FETCH and APPEND literals — through the API). A
 * fault schedule is one such sync with its cut. Afterwards, with the proxy relaying again, two syncs must
 * leave both sides equal, byte for byte, with nothing left to push, no message lost that was not
 * deliberately deleted, and no message twice in a folder (no action applied twice).
 *
 * <p>{@code -Dmailkit.soak.schedules=N} (default 200) and {@code -Dmailkit.soak.seed=N} (default: a new
 * seed each run, printed) select the run; a failure names the seed to replay it.
 */
class FaultSoakIT extends DovecotTestBase {

    private static final String USER = "bob";

    @TempDir
    Path maildir;

    private static String messageIdOf(byte[] raw) {
        Matcher m = Pattern.compile("(?im)^message-id:\\s*(\\S+)").matcher(new String(raw, StandardCharsets.ISO_8859_1));
        return m.find() ? m.group(1) : "";
    }

    /** Adds the Message-IDs present on the server in both folders now. */
    private static void noteInBoth(ServerClient server, Set<String> inBoth) throws Exception {
        Set<String> inbox = messageIds(server, "INBOX");
        for (String id : messageIds(server, "Archive")) {
            if (inbox.contains(id)) {
                inBoth.add(id);
            }
        }
    }

    private static Set<String> messageIds(ServerClient server, String folder) throws Exception {
        org.eclipse.angus.mail.imap.IMAPFolder f = (org.eclipse.angus.mail.imap.IMAPFolder) server.folder(folder);
        f.open(Folder.READ_ONLY);
        try {
            Set<String> out = new TreeSet<>();
            if (f.getMessageCount() == 0) {
                return out;
            }
            Object r = f.doCommand(p -> p.command("UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])", null));
            for (org.eclipse.angus.mail.iap.Response resp : (org.eclipse.angus.mail.iap.Response[]) r) {
                if (resp instanceof org.eclipse.angus.mail.imap.protocol.FetchResponse fr
                        && fr.getItem(org.eclipse.angus.mail.imap.protocol.BODY.class) != null) {
                    var b = fr.getItem(org.eclipse.angus.mail.imap.protocol.BODY.class).getByteArray();
                    out.add(messageIdOf(java.util.Arrays.copyOfRange(b.getBytes(), b.getStart(), b.getStart() + b.getCount())));
                }
            }
            return out;
        } finally {
            f.close(false);
        }
    }

    private static byte[] message(int n, String text, boolean large) {
        return ServerClient.message(n, "<s" + n + "@example.com>", large ? text + "\r\n" + "0123456789abcdef\r\n".repeat(90_000) : text);
    }

    @Test
    void everyInjectedFault_isFollowedByConvergence_withNothingLostOrDoubled() throws Exception {
        long seed = Long.getLong("mailkit.soak.seed", new SecureRandom().nextLong());
        int schedules = Integer.getInteger("mailkit.soak.schedules", 200);
        String replay = "replay: -Dmailkit.soak.seed=" + seed + " -Dmailkit.soak.schedules=" + schedules;
        System.out.println("fault soak: " + schedules + " schedules, seed " + seed);
        Random random = new Random(seed);
        List<String> folders = List.of("INBOX", "Archive");
        Set<String> alive = new TreeSet<>();
        // A message may legitimately end up twice: a move here racing a move or copy there keeps both copies
        // (nothing is lost), and a later move on the server can bring both into one folder. Those are the
        // messages ever seen in both folders at once; any other one twice in a folder was applied twice.
        Set<String> inBothFolders = new TreeSet<>();
        int failedSyncs = 0;
        try (FaultProxy proxy = new FaultProxy(DOVECOT.server().port());
             ServerClient server = new ServerClient("127.0.0.1", DOVECOT.server().port(), USER, DovecotServer.PASSWORD)) {
            int next = 0;
            for (String f : folders) {
                for (int i = 0; i < 4; i++, next++) {
                    server.append(f, message(next, "message " + next, i == 0));
                    alive.add("<s" + next + "@example.com>");
                }
            }
            ImapSynchronizer.Builder b = ImapSynchronizer.builder().endpoint("127.0.0.1", proxy.port(), Security.PLAIN)
                    .options(ConnectionOptions.builder().allowPlaintext().readTimeout(Duration.ofSeconds(10)).build())
                    .credentials(Credentials.password(USER, DovecotServer.PASSWORD)).maildir(maildir)
                    .folders(FolderFilter.only("INBOX", "Archive")).deleteToTrash(false)
                    // Every deletion here is deliberate and accounted for by the checks below; with syncs cut
                    // short, several intervals' expunges can land in one sync and empty a small folder, which
                    // the mass-deletion guard (tested on its own in TwoWayScenarios) would rightly refuse.
                    .allowMassDeletion();
            Flags.Flag[] flags = {Flags.Flag.SEEN, Flags.Flag.FLAGGED, Flags.Flag.ANSWERED};
            try (ImapSynchronizer s = b.build()) {
                s.syncOnce();
                for (int schedule = 0; schedule < schedules; schedule++) {
                    noteInBoth(server, inBothFolders);
                    int changes = 1 + random.nextInt(3);
                    for (int c = 0; c < changes; c++) {
                        String folder = folders.get(random.nextInt(2));
                        String other = folders.get(1 - folders.indexOf(folder));
                        List<Long> onServer = server.uids(folder);
                        List<MessageRecord> here = s.local().folder(folder).messages();
                        switch (random.nextInt(8)) {
                            case 0 -> {
                                server.append(folder, message(next, "server " + next, random.nextInt(6) == 0));
                                alive.add("<s" + next++ + "@example.com>");
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
                                    if (random.nextBoolean()) {
                                        s.local().folder(folder).markRead(uid);
                                    } else {
                                        s.local().folder(folder).flag(uid);
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
                            default -> {
                                s.local().folder(folder).append(message(next, "local " + next, random.nextInt(4) == 0),
                                        MessageFlags.NONE);
                                alive.add("<s" + next++ + "@example.com>");
                            }
                        }
                    }
                    FaultProxy.Direction direction = random.nextBoolean() ? FaultProxy.Direction.TO_CLIENT
                            : FaultProxy.Direction.TO_SERVER;
                    long offset = random.nextInt(5) == 0 ? random.nextInt(2_000_000) : random.nextInt(2_500);
                    proxy.cutAfter(direction, offset);
                    try {
                        s.syncOnce();
                    } catch (MailkitException e) {
                        failedSyncs++;
                    } finally {
                        proxy.disarm();
                    }
                    noteInBoth(server, inBothFolders);
                }
                s.syncOnce();
                s.syncOnce();
            }
            System.out.printf("fault soak: %d schedules, %d cuts, %d syncs failed and were resumed (seed %d)%n",
                    schedules, proxy.cuts(), failedSyncs, seed);
            assertThat(proxy.cuts()).as("faults actually fired (%s)", replay).isGreaterThan(schedules / 3);

            Set<String> everywhere = new TreeSet<>();
            try (SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
                for (String f : folders) {
                    Map<Long, byte[]> bodies = server.rawBodies(f);
                    Map<String, Integer> perId = new HashMap<>();
                    for (byte[] body : bodies.values()) {
                        String id = messageIdOf(body);
                        everywhere.add(id);
                        perId.merge(id, 1, Integer::sum);
                    }
                    perId.forEach((id, n) -> assertThat(n == 1 || inBothFolders.contains(id))
                            .as("%s is %d times in %s and never was in both folders: applied twice (%s)", id, n, f, replay)
                            .isTrue());
                    assertExactMirror(maildir, f, bodies, state);
                    assertThat(state.localChanges(f)).as("nothing left to push in %s (%s)", f, replay).isEmpty();
                    UIDFolder uf = (UIDFolder) server.folder(f);
                    ((Folder) uf).open(Folder.READ_ONLY);
                    try {
                        for (MessageRecord r : state.messages(f)) {
                            Message m = uf.getMessageByUID(r.uid());
                            assertThat(r.flags().seen()).as("\\Seen of %d in %s (%s)", r.uid(), f, replay)
                                    .isEqualTo(m.isSet(Flags.Flag.SEEN));
                            assertThat(r.flags().flagged()).as("\\Flagged of %d in %s (%s)", r.uid(), f, replay)
                                    .isEqualTo(m.isSet(Flags.Flag.FLAGGED));
                        }
                    } finally {
                        ((Folder) uf).close(false);
                    }
                }
            }
            List<String> lost = new ArrayList<>(alive);
            lost.removeAll(everywhere);
            assertThat(lost).as("messages lost (%s)", replay).isEmpty();
        }
    }

    @Test
    void anIdleConnectionCutByTheNetwork_isReestablished_andNewMailStillArrives() throws Exception {
        try (FaultProxy proxy = new FaultProxy(DOVECOT.server().port());
             ServerClient server = new ServerClient("127.0.0.1", DOVECOT.server().port(), "alice", DovecotServer.PASSWORD)) {
            server.append("INBOX", message(900, "before", false));
            ImapSynchronizer.Builder b = ImapSynchronizer.builder().endpoint("127.0.0.1", proxy.port(), Security.PLAIN)
                    .options(ConnectionOptions.builder().allowPlaintext().build())
                    .credentials(Credentials.password("alice", DovecotServer.PASSWORD)).maildir(maildir)
                    .folders(FolderFilter.only("INBOX"));
            try (ImapSynchronizer s = b.build(); SyncWatch w = s.watch()) {
                waitFor(() -> s.state().findByMessageId("<s900@example.com>").size() == 1, "the first sync");
                for (int cut = 0; cut < 3; cut++) {
                    Thread.sleep(500);
                    proxy.cutNow(); // IDLE and the sync connection die without a BYE
                    server.append("INBOX", message(901 + cut, "after cut " + cut, false));
                    String id = "<s" + (901 + cut) + "@example.com>";
                    waitFor(() -> s.state().findByMessageId(id).size() == 1, "mail after cut " + cut);
                }
            }
            try (SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
                assertExactMirror(maildir, "INBOX", server.rawBodies("INBOX"), state);
            }
        }
    }

    @Test
    void aSlowThinLink_withLatency_stillSyncs_becauseTimeoutsArePerRead() throws Exception {
        try (FaultProxy proxy = new FaultProxy(DOVECOT.server().port());
             ServerClient server = new ServerClient("127.0.0.1", DOVECOT.server().port(), "carol", DovecotServer.PASSWORD)) {
            server.append("Slow", message(950, "large over a thin link", true), message(951, "small", false));
            proxy.slow(Duration.ofMillis(40), 400_000); // 40 ms per chunk each way, 400 KB/s: the 1.5 MB message takes ~4 s
            ImapSynchronizer.Builder b = ImapSynchronizer.builder().endpoint("127.0.0.1", proxy.port(), Security.PLAIN)
                    .options(ConnectionOptions.builder().allowPlaintext().readTimeout(Duration.ofSeconds(2)).build())
                    .credentials(Credentials.password("carol", DovecotServer.PASSWORD)).maildir(maildir)
                    .folders(FolderFilter.only("Slow"));
            long start = System.nanoTime();
            try (ImapSynchronizer s = b.build()) {
                assertThat(s.syncOnce().added()).isEqualTo(2);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the link really was slow").isGreaterThan(Duration.ofSeconds(2));
            try (SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
                assertExactMirror(maildir, "Slow", server.rawBodies("Slow"), state);
            }
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
