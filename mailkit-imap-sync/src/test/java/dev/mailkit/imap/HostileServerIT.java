package dev.mailkit.imap;

import static dev.mailkit.imap.MirrorAssertions.assertExactMirror;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.MailkitException;
import dev.mailkit.core.Security;
import dev.mailkit.core.testing.ManInTheMiddle;
import dev.mailkit.imap.spi.SyncStateStore;
import dev.mailkit.imap.testing.DovecotServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile or broken server, made from Dovecot and a proxy that rewrites its k-th tagged reply: NO, BAD,
 * an unexpected BYE, an overlong line, or a literal announced larger than what follows. For every kind
 * and every k in a sync, the sync ends within its timeouts with a typed {@link MailkitException} (or
 * succeeds when the reply did not matter); nothing else escapes; and a clean sync afterwards leaves an
 * exact mirror.
 */
class HostileServerIT extends DovecotTestBase {

    private static final String USER = "carol";

    @TempDir
    Path maildir;

    private static UnaryOperator<String> kth(int k, String kind, AtomicInteger seen) {
        return line -> {
            if (!line.matches("[A-Z]+\\d+ OK.*") || seen.incrementAndGet() != k) {
                return line;
            }
            String tag = line.substring(0, line.indexOf(' '));
            return switch (kind) {
                case "NO" -> tag + " NO [SERVERBUG] hostile refusal";
                case "BAD" -> tag + " BAD hostile complaint";
                case "BYE" -> "* BYE hostile goodbye\r\n" + ManInTheMiddle.HANG_UP;
                case "LONG" -> "* " + "x".repeat(4 << 20) + "\r\n" + line;
                // Announces 2 GB and then keeps the connection open: only a bound on literals stops the client
                // from allocating for it and waiting for bytes that never come.
                case "HUGE" -> "* 1 FETCH (UID 1 BODY[] {2000000000}\r\nonly a few bytes";
                default -> "* 1 FETCH (UID 1 BODY[] {5000000}\r\nonly a few bytes" + ManInTheMiddle.HANG_UP;
            };
        };
    }

    @Test
    void everyRewrittenReply_endsInATypedErrorOrSuccess_andACleanSyncConverges() throws Exception {
        List<String> outcomes = new ArrayList<>();
        try (ServerClient server = new ServerClient("127.0.0.1", DOVECOT.server().port(), USER, DovecotServer.PASSWORD)) {
            for (int i = 0; i < 6; i++) {
                server.append(i % 2 == 0 ? "INBOX" : "Archive", ServerClient.message(i, "<h" + i + "@example.com>", "m" + i));
            }
            int next = 100;
            for (String kind : List.of("NO", "BAD", "BYE", "LONG", "LITERAL")) {
                for (int k = 1; k <= 14; k++) {
                    server.append("INBOX", ServerClient.message(next, "<h" + next + "@example.com>", "m" + next));
                    next++;
                    AtomicInteger seen = new AtomicInteger();
                    try (ManInTheMiddle proxy = new ManInTheMiddle(DOVECOT.server().port(), kth(k, kind, seen))) {
                        ImapSynchronizer.Builder b = ImapSynchronizer.builder().endpoint("127.0.0.1", proxy.port(), Security.PLAIN)
                                .options(ConnectionOptions.builder().allowPlaintext().readTimeout(Duration.ofSeconds(3)).build())
                                .credentials(Credentials.password(USER, DovecotServer.PASSWORD)).maildir(maildir)
                                .folders(FolderFilter.only("INBOX", "Archive"));
                        try (ImapSynchronizer s = b.build()) {
                            SyncReport r = s.syncOnce();
                            // A refused command inside one folder skips that folder only: the sync goes on.
                            String skipped = r.folders().stream().filter(f -> f.method().equals("SKIPPED"))
                                    .map(FolderReport::folder).findFirst().map(f -> " (" + f + " skipped)").orElse("");
                            outcomes.add(kind + "@" + k + ": ok" + skipped
                                    + (proxy.connections() > 1 ? " after reconnecting" : ""));
                        } catch (MailkitException e) {
                            outcomes.add(kind + "@" + k + ": " + e.getClass().getSimpleName());
                        }
                    }
                }
            }
            System.out.println("hostile replies: " + outcomes);
            // The rewriting reached the client: refusals became typed errors, or skipped the one folder they
            // were about; cut connections were reopened.
            assertThat(outcomes).filteredOn(o -> o.startsWith("NO@") && !o.endsWith(": ok")).hasSizeGreaterThan(5);
            assertThat(outcomes).filteredOn(o -> o.startsWith("BAD@") && !o.endsWith(": ok")).hasSizeGreaterThan(5);
            assertThat(outcomes).filteredOn(o -> o.contains("skipped")).isNotEmpty();
            assertThat(outcomes).filteredOn(o -> o.startsWith("BYE@") && !o.endsWith(": ok")).hasSizeGreaterThan(5);
            try (ImapSynchronizer s = ImapSynchronizer.builder().endpoint("127.0.0.1", DOVECOT.server().port(), Security.PLAIN)
                    .options(ConnectionOptions.builder().allowPlaintext().build())
                    .credentials(Credentials.password(USER, DovecotServer.PASSWORD)).maildir(maildir)
                    .folders(FolderFilter.only("INBOX", "Archive")).build()) {
                s.syncOnce();
            }
            Map<String, Integer> kinds = new TreeMap<>();
            outcomes.forEach(o -> kinds.merge(o.substring(o.indexOf(": ") + 2), 1, Integer::sum));
            System.out.println("hostile replies by outcome: " + kinds);
            try (SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
                for (String f : List.of("INBOX", "Archive")) {
                    assertExactMirror(maildir, f, server.rawBodies(f), state);
                }
            }
        }
    }

    @Test
    void aHugeAnnouncedLiteral_orAnOverlongLine_failsTheConnectionAtTheLimit_withATypedError() throws Exception {
        try (ServerClient server = new ServerClient("127.0.0.1", DOVECOT.server().port(), USER, DovecotServer.PASSWORD)) {
            server.append("INBOX", ServerClient.message(1, "<huge1@example.com>", "m1"));
        }
        for (String kind : List.of("HUGE", "LONG")) {
            for (int k = 2; k <= 6; k += 2) {
                AtomicInteger seen = new AtomicInteger();
                try (ManInTheMiddle proxy = new ManInTheMiddle(DOVECOT.server().port(), kth(k, kind, seen))) {
                    ImapSynchronizer.Builder b = ImapSynchronizer.builder().endpoint("127.0.0.1", proxy.port(), Security.PLAIN)
                            // the 4 MiB line of LONG is over a 1 MiB limit; HUGE's 2 GB literal is over the default
                            .options(ConnectionOptions.builder().allowPlaintext().readTimeout(Duration.ofSeconds(20))
                                    .maxResponseBytes(kind.equals("LONG") ? 1 << 20 : ConnectionOptions.DEFAULT_MAX_RESPONSE_BYTES)
                                    .build())
                            .credentials(Credentials.password(USER, DovecotServer.PASSWORD)).maildir(maildir)
                            .folders(FolderFilter.only("INBOX"));
                    long start = System.nanoTime();
                    try (ImapSynchronizer s = b.build()) {
                        org.assertj.core.api.Assertions.assertThatThrownBy(s::syncOnce)
                                .as("%s at reply %d", kind, k)
                                .isInstanceOf(MailkitException.class)
                                .hasMessageContaining(kind.equals("HUGE")
                                        ? "announced a literal of more than 67108864 bytes"
                                        : "response line longer than 1048576 bytes");
                    }
                    // refused at once, not after the 20 s read timeout
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
                }
            }
        }
    }
}
