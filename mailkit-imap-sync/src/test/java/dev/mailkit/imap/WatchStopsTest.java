package dev.mailkit.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.AuthenticationException;
import dev.mailkit.core.ConnectionException;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.imap.testing.HostileImapServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A watch whose first sync fails, or that meets a failure retrying cannot fix, stops with it instead of retrying for ever. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchStopsTest {

    @TempDir
    Path dir;
    final List<RuntimeException> stopped = new CopyOnWriteArrayList<>();
    final List<RuntimeException> retried = new CopyOnWriteArrayList<>();

    private ImapSynchronizer synchronizer(int port, String password) {
        return ImapSynchronizer.builder().endpoint("127.0.0.1", port, Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(Credentials.password("alice", password)).maildir(dir.resolve("mail"))
                .listener(new SyncListener() {
                    @Override
                    public void onWatchStopped(RuntimeException error) {
                        stopped.add(error);
                    }

                    @Override
                    public void onWatchError(RuntimeException error, Duration retryIn) {
                        retried.add(error);
                    }
                }).build();
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aFirstSyncAgainstAClosedPort_stopsTheWatch_withTheFailure() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (ImapSynchronizer sync = synchronizer(closed, "alice-pw"); SyncWatch watch = sync.watch()) {
            waitFor(() -> !watch.isRunning(), "the watch to stop");
            assertThat(watch.failure()).get().isInstanceOf(ConnectionException.class);
            assertThat(stopped).hasSize(1);
            assertThat(retried).isEmpty();
        }
    }

    @Test
    void aRefusedLogin_stopsTheWatch_andIsNotTriedAgain() throws Exception {
        try (HostileImapServer server = new HostileImapServer("alice", "alice-pw");
             ImapSynchronizer sync = synchronizer(server.port(), "wrong-pw"); SyncWatch watch = sync.watch()) {
            waitFor(() -> !watch.isRunning(), "the watch to stop");
            assertThat(watch.failure()).get().isInstanceOf(AuthenticationException.class);
            Thread.sleep(1500); // a retry would come after 1 s
            assertThat(server.commands("LOGIN").size() + server.commands("AUTHENTICATE").size()).isEqualTo(1);
            assertThat(stopped).hasSize(1);
        }
    }

    @Test
    void aWatchThatSynced_keepsRunning_andHasNoFailure() throws Exception {
        try (HostileImapServer server = new HostileImapServer("alice", "alice-pw");
             ImapSynchronizer sync = synchronizer(server.port(), "alice-pw"); SyncWatch watch = sync.watch()) {
            waitFor(() -> !server.commands("LOGOUT").isEmpty() || sync.state().folder("INBOX").isPresent(), "a sync");
            Thread.sleep(300);
            assertThat(watch.isRunning()).isTrue();
            assertThat(watch.failure()).isEmpty();
            assertThat(stopped).isEmpty();
        }
    }
}
