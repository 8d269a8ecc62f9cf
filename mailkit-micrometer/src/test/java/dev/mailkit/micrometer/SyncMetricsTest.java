package dev.mailkit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.AuthenticationException;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.imap.FolderReport;
import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.imap.MassDeletionException;
import dev.mailkit.imap.MirrorState;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.imap.SyncStateException;
import dev.mailkit.imap.SyncWatch;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The syncing meters, fed by a real synchronizer against GreenMail. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SyncMetricsTest {

    private static final String PASSWORD = "s3cret-pw-4417";

    @TempDir
    Path dir;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private GreenMail greenMail;

    @BeforeEach
    void start() {
        greenMail = new GreenMail(new ServerSetup[] {
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        greenMail.start();
        greenMail.setUser("alice@localhost", "alice", PASSWORD);
    }

    @AfterEach
    void stop() {
        greenMail.stop();
    }

    private ImapSynchronizer.Builder synchronizer(int port, SyncListener listener) {
        return ImapSynchronizer.builder().endpoint("127.0.0.1", port, Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(Credentials.password("alice", PASSWORD)).maildir(dir.resolve("mail")).listener(listener);
    }

    private double count(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void pulledMessagesAndBytes_pushedChanges_andFolderTimes_areCounted_byFolderRole() {
        for (int i = 0; i < 3; i++) {
            GreenMailUtil.sendTextEmail("alice@localhost", "bob@localhost", "m" + i, "body " + i,
                    greenMail.getSmtp().getServerSetup());
        }
        SyncMetrics metrics = new SyncMetrics(registry);
        try (ImapSynchronizer sync = synchronizer(greenMail.getImap().getPort(), metrics).build()) {
            metrics.folderRolesFrom(sync.state());
            SyncReport first = sync.syncOnce();
            metrics.onSyncDone(first); // syncOnce() reports are timed by hand; a watch does it itself
            var inbox = sync.local().folder("INBOX");
            inbox.markRead(inbox.messages().get(0).uid());
            inbox.flag(inbox.messages().get(1).uid());
            sync.syncOnce();
        }
        assertThat(count(SyncMetrics.MESSAGES_PULLED, SyncMetrics.FOLDER_ROLE, "inbox")).isEqualTo(3);
        assertThat(count(SyncMetrics.BYTES_PULLED, SyncMetrics.FOLDER_ROLE, "inbox")).isPositive();
        assertThat(count(SyncMetrics.CHANGES_PUSHED, "action", "flags", SyncMetrics.FOLDER_ROLE, "inbox")).isEqualTo(2);
        assertThat(count(SyncMetrics.CONFLICTS, SyncMetrics.FOLDER_ROLE, "inbox")).isZero();
        var folderTimes = registry.find(SyncMetrics.FOLDER_DURATION).tags(SyncMetrics.FOLDER_ROLE, "inbox").timers();
        assertThat(folderTimes.stream().mapToLong(t -> t.count()).sum()).isEqualTo(2);
        assertThat(folderTimes).allSatisfy(t -> assertThat(t.getId().getTag("method"))
                .isIn("initial", "full", "unchanged", "qresync", "condstore"));
        assertThat(registry.get(SyncMetrics.SYNC_DURATION).timer().count()).isEqualTo(1);
        assertNoSecretOrName();
    }

    @Test
    void aWatchThatCannotConnect_isCountedAsStopped_andItsGaugeFallsToZero() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        SyncMetrics metrics = new SyncMetrics(registry);
        try (ImapSynchronizer sync = synchronizer(closed, metrics).build(); SyncWatch watch = sync.watch()) {
            metrics.bindWatch(watch);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (watch.isRunning() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(watch.isRunning()).isFalse();
        }
        assertThat(count(SyncMetrics.WATCH_STOPPED, "reason", "connection")).isEqualTo(1);
        assertThat(registry.get(SyncMetrics.WATCH_RUNNING).gauge().value()).isZero();
    }

    @Test
    void aWatchOnGreenMail_timesItsSyncs_andReadsOneWhileRunning() throws Exception {
        SyncMetrics metrics = new SyncMetrics(registry);
        try (ImapSynchronizer sync = synchronizer(greenMail.getImap().getPort(), metrics).build();
             SyncWatch watch = sync.watch()) {
            metrics.folderRolesFrom(sync.state()).bindWatch(watch);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (registry.get(SyncMetrics.SYNC_DURATION).timer().count() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(registry.get(SyncMetrics.SYNC_DURATION).timer().count()).isPositive();
            assertThat(registry.get(SyncMetrics.WATCH_RUNNING).gauge().value()).isEqualTo(1);
        }
        assertThat(registry.get(SyncMetrics.WATCH_RUNNING).gauge().value()).isZero();
    }

    @Test
    void rolesComeFromTheStatesSpecialUse_andNamesNeverBecomeTags() {
        Map<String, String> specialUse = Map.of("Sent Items", "\\Sent", "Corbeille", "\\Trash",
                "Projects/Acme merger", "", "Odd", "\\Whatever");
        MirrorState state = (MirrorState) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MirrorState.class}, (proxy, method, args) -> {
                    if (method.getName().equals("folder")) {
                        String name = (String) args[0];
                        return Optional.ofNullable(specialUse.get(name))
                                .map(u -> new FolderState(name, '/', 1, 1, 0, u));
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        SyncMetrics metrics = new SyncMetrics(registry).folderRolesFrom(state);
        for (String folder : List.of("INBOX", "Sent Items", "Corbeille", "Projects/Acme merger", "Odd", "Unknown")) {
            metrics.onMessage(folder, 1, 100);
        }
        assertThat(count(SyncMetrics.MESSAGES_PULLED, SyncMetrics.FOLDER_ROLE, "inbox")).isEqualTo(1);
        assertThat(count(SyncMetrics.MESSAGES_PULLED, SyncMetrics.FOLDER_ROLE, "sent")).isEqualTo(1);
        assertThat(count(SyncMetrics.MESSAGES_PULLED, SyncMetrics.FOLDER_ROLE, "trash")).isEqualTo(1);
        assertThat(count(SyncMetrics.MESSAGES_PULLED, SyncMetrics.FOLDER_ROLE, "other")).isEqualTo(3);
        assertThat(count(SyncMetrics.BYTES_PULLED, SyncMetrics.FOLDER_ROLE, "other")).isEqualTo(300);

        metrics.onPushed("Projects/Acme merger", 7, "MOVE");
        metrics.onPushed("INBOX", 0, "SOMETHING NEW");
        metrics.onFolderDone(new FolderReport("Projects/Acme merger", "WEIRD", 0, 0, 2, 1, 0, 1, 0,
                Duration.ofMillis(5), List.of()));
        assertThat(count(SyncMetrics.CHANGES_PUSHED, "action", "move", SyncMetrics.FOLDER_ROLE, "other")).isEqualTo(1);
        assertThat(count(SyncMetrics.CHANGES_PUSHED, "action", "other", SyncMetrics.FOLDER_ROLE, "inbox")).isEqualTo(1);
        assertThat(count(SyncMetrics.MESSAGES_CHANGED, SyncMetrics.FOLDER_ROLE, "other")).isEqualTo(2);
        assertThat(count(SyncMetrics.MESSAGES_REMOVED, SyncMetrics.FOLDER_ROLE, "other")).isEqualTo(1);
        assertThat(count(SyncMetrics.CONFLICTS, SyncMetrics.FOLDER_ROLE, "other")).isEqualTo(1);
        assertThat(registry.get(SyncMetrics.FOLDER_DURATION).tags("method", "other").timer().count()).isEqualTo(1);
        assertNoSecretOrName();
    }

    @Test
    void aCustomFolderRule_andAndThen() {
        List<String> heard = new CopyOnWriteArrayList<>();
        SyncMetrics metrics = new SyncMetrics(registry).folderTag(f -> f.startsWith("Clients/") ? "clients" : null);
        SyncListener both = metrics.andThen(new SyncListener() {
            @Override
            public void onMessage(String folder, long uid, long bytes) {
                heard.add(folder + " " + uid);
            }
        });
        both.onMessage("Clients/Initech", 4, 10);
        both.onMessage("INBOX", 5, 10);
        assertThat(count(SyncMetrics.MESSAGES_PULLED, SyncMetrics.FOLDER_ROLE, "clients")).isEqualTo(1);
        assertThat(count(SyncMetrics.MESSAGES_PULLED, SyncMetrics.FOLDER_ROLE, "other")).isEqualTo(1);
        assertThat(heard).containsExactly("Clients/Initech 4", "INBOX 5");
    }

    @Test
    void watchErrors_areCountedByKind() {
        SyncMetrics metrics = new SyncMetrics(registry);
        metrics.onWatchError(new AuthenticationException("no", null, null, null, null, null), Duration.ofSeconds(1));
        metrics.onWatchError(new SyncStateException("disk full", null), Duration.ofSeconds(2));
        metrics.onWatchError(new IllegalStateException("?"), Duration.ofSeconds(4));
        assertThat(count(SyncMetrics.WATCH_ERRORS, "reason", "authentication")).isEqualTo(1);
        assertThat(count(SyncMetrics.WATCH_ERRORS, "reason", "sync_state")).isEqualTo(1);
        assertThat(count(SyncMetrics.WATCH_ERRORS, "reason", "other")).isEqualTo(1);
        assertThat(SyncMetrics.reason(new MassDeletionException("lost", Map.of("INBOX", 5),
                MassDeletionException.Side.SERVER, null))).isEqualTo("mass_deletion");
    }

    private void assertNoSecretOrName() {
        for (Meter m : registry.getMeters()) {
            String id = m.getId().getName() + m.getId().getTags();
            assertThat(id).doesNotContain("@").doesNotContain(PASSWORD).doesNotContain("alice")
                    .doesNotContain("Acme").doesNotContain("Sent Items").doesNotContain("Corbeille");
            for (Tag t : m.getId().getTags()) {
                assertThat(t.getValue()).matches("[a-z0-9_]+");
            }
        }
    }
}
