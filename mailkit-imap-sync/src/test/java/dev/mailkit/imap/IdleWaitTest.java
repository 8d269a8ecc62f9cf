package dev.mailkit.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.DeadlineExceededException;
import dev.mailkit.core.DeadlineExceededException.Deadline;
import dev.mailkit.core.Security;
import dev.mailkit.imap.testing.HostileImapServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * IMAP IDLE waits as long as the server has nothing to say: neither the read timeout nor the reply
 * deadline cuts it (servers stay silent in IDLE for many minutes, and RFC 2177 lets a client wait 29),
 * only a silence longer than {@code idleTimeout} does, with a typed timeout, and {@code watch()} then
 * connects again.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdleWaitTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "alice-pw";

    @TempDir
    Path dir;
    HostileImapServer server;
    final List<RuntimeException> watchErrors = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        List<String> caps = new ArrayList<>(HostileImapServer.DEFAULT_CAPABILITIES);
        caps.add("IDLE");
        server = new HostileImapServer(USER, PASSWORD, caps);
        server.append("INBOX", ServerClient.message(1, "<idle1@example.com>", "before"));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private ImapSynchronizer synchronizer(ConnectionOptions.Builder options) {
        return ImapSynchronizer.builder().endpoint("127.0.0.1", server.port(), Security.PLAIN)
                .options(options.allowPlaintext().build())
                .credentials(Credentials.password(USER, PASSWORD)).maildir(dir.resolve("mail"))
                .listener(new SyncListener() {
                    @Override
                    public void onWatchError(RuntimeException error, Duration retryIn) {
                        watchErrors.add(error);
                    }
                }).build();
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void aSilentIdle_outlastsTheReadTimeoutAndTheReplyDeadline_andNewMailStillArrives() throws Exception {
        ConnectionOptions.Builder quick = ConnectionOptions.builder().readTimeout(Duration.ofSeconds(1))
                .replyTimeout(Duration.ofSeconds(2));
        try (ImapSynchronizer s = synchronizer(quick); SyncWatch w = s.watch()) {
            waitFor(() -> s.state().findByMessageId("<idle1@example.com>").size() == 1, "the first sync");
            waitFor(() -> !server.commands("IDLE").isEmpty(), "IDLE");
            int connections = server.connections();
            Thread.sleep(6_000); // six read timeouts, three reply deadlines, not a word from the server
            assertThat(watchErrors).as("errors while the server was silent in IDLE").isEmpty();
            assertThat(server.connections()).as("connections opened again").isEqualTo(connections);
            assertThat(server.commands("IDLE")).hasSize(1);
            server.append("INBOX", ServerClient.message(2, "<idle2@example.com>", "during a long IDLE"));
            waitFor(() -> s.state().findByMessageId("<idle2@example.com>").size() == 1, "mail announced in IDLE");
        }
        assertThat(watchErrors).isEmpty();
    }

    @Test
    void keepAlivesInIdle_startNoSync_butAChangeDoes() throws Exception {
        server.idleKeepAlive(Duration.ofMillis(100));
        try (ImapSynchronizer s = synchronizer(ConnectionOptions.builder()); SyncWatch w = s.watch()) {
            waitFor(() -> s.state().findByMessageId("<idle1@example.com>").size() == 1, "the first sync");
            waitFor(() -> !server.commands("IDLE").isEmpty(), "IDLE");
            Thread.sleep(1_000); // the sync asked for once IDLE listens
            int selects = server.commands("SELECT").size() + server.commands("EXAMINE").size();
            Thread.sleep(3_000); // thirty keep-alives
            assertThat(server.commands("SELECT").size() + server.commands("EXAMINE").size())
                    .as("folders opened while the server only said it is still there").isEqualTo(selects);
            server.append("INBOX", ServerClient.message(4, "<idle4@example.com>", "between keep-alives"));
            waitFor(() -> s.state().findByMessageId("<idle4@example.com>").size() == 1, "mail announced in IDLE");
        }
        assertThat(watchErrors).isEmpty();
    }

    @Test
    void aServerOverflowingItsNotificationsAtOnce_isAskedAgainWithBackoff_notInALoop() throws Exception {
        server.idleUntagged("* OK [NOTIFICATIONOVERFLOW] too many", Duration.ofMillis(50));
        try (ImapSynchronizer s = synchronizer(ConnectionOptions.builder()); SyncWatch w = s.watch()) {
            waitFor(() -> !server.commands("IDLE").isEmpty(), "IDLE");
            int idles = server.commands("IDLE").size();
            Thread.sleep(4_000); // an overflow 50 ms into every IDLE
            // reconnections after 1, 2 and 4 s at most: without the backoff one every few milliseconds
            assertThat(server.commands("IDLE").size() - idles).as("IDLEs issued again in 4 s").isBetween(1, 3);
        }
    }

    @Test
    void anIdleSilentForLongerThanTheIdleTimeout_endsWithATypedTimeout_andIsEstablishedAgain() throws Exception {
        ConnectionOptions.Builder options = ConnectionOptions.builder().readTimeout(Duration.ofSeconds(1))
                .idleTimeout(Duration.ofSeconds(2));
        try (ImapSynchronizer s = synchronizer(options); SyncWatch w = s.watch()) {
            waitFor(() -> !watchErrors.isEmpty(), "the IDLE timeout");
            assertThat(watchErrors.get(0)).isInstanceOfSatisfying(DeadlineExceededException.class, d -> {
                assertThat(d.deadline()).isEqualTo(Deadline.IDLE);
                assertThat(d.timeout()).contains(Duration.ofSeconds(2));
            }).hasMessageContaining("idleTimeout");
            waitFor(() -> server.commands("IDLE").size() >= 2, "IDLE issued again on a new connection");
            server.append("INBOX", ServerClient.message(3, "<idle3@example.com>", "after the IDLE timeout"));
            waitFor(() -> s.state().findByMessageId("<idle3@example.com>").size() == 1, "mail after the IDLE timeout");
        }
    }
}
