package dev.mailkit.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.fleet.testing.PostgresExtension;
import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.spi.SyncStateStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Leases: one holder per account, takeover after expiry, and no write from a worker that lost its lease. */
class LeaseFencingIT {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private String url;
    private FleetDatabase db;

    @BeforeEach
    void open() throws Exception {
        url = POSTGRES.server().newDatabase();
        db = FleetDatabase.builder().jdbcUrl(url).maxConnections(20).build();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void workersLeasingAtOnce_neverGetTheSameAccount() throws Exception {
        for (int i = 0; i < 40; i++) {
            db.addAccount("a" + i);
        }
        ExecutorService workers = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Lease>>> results = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                String name = "w" + w;
                results.add(workers.submit(() -> {
                    List<Lease> mine = new ArrayList<>();
                    for (Optional<Lease> l = db.leaseNext(name, Duration.ofMinutes(1)); l.isPresent();
                         l = db.leaseNext(name, Duration.ofMinutes(1))) {
                        mine.add(l.get());
                    }
                    return mine;
                }));
            }
            List<String> leased = new ArrayList<>();
            List<Long> tokens = new ArrayList<>();
            for (Future<List<Lease>> f : results) {
                for (Lease l : f.get()) {
                    leased.add(l.account());
                    tokens.add(l.fencingToken());
                }
            }
            assertThat(leased).hasSize(40).doesNotHaveDuplicates();
            assertThat(tokens).doesNotHaveDuplicates();
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void aHeldLease_isNotGivenOut_untilItExpires_thenTheTakeoverHasALargerToken() throws Exception {
        db.addAccount("me@example.com");
        Lease first = db.lease("me@example.com", "w1", Duration.ofMillis(400)).orElseThrow();
        assertThat(db.lease("me@example.com", "w2", Duration.ofMinutes(1))).isEmpty();
        assertThat(db.leaseNext("w2", Duration.ofMinutes(1))).isEmpty();
        Lease renewed = db.renew(first, Duration.ofMillis(400));
        assertThat(renewed.fencingToken()).isEqualTo(first.fencingToken());
        Thread.sleep(600);
        Lease second = db.leaseNext("w2", Duration.ofMinutes(1)).orElseThrow();
        assertThat(second.account()).isEqualTo("me@example.com");
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        assertThatThrownBy(() -> db.renew(first, Duration.ofMinutes(1))).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> db.release(first, Duration.ZERO, null)).isInstanceOf(LeaseLostException.class);
    }

    @Test
    void aWorkerPausedPastItsLease_hasItsWriteRefused_andTheStateIsTheNewHolders() throws Exception {
        db.addAccount("me@example.com");
        Lease paused = db.lease("me@example.com", "w1", Duration.ofMillis(300)).orElseThrow();
        SyncStateStore pausedState = db.stateStore(paused);
        pausedState.saveFolder(new FolderState("INBOX", '/', 1, 5, 10, ""));
        // w1 stalls (a GC pause, a slow server) past its lease; w2 takes the account over and syncs
        Thread.sleep(500);
        Lease taker = db.leaseNext("w2", Duration.ofMinutes(1)).orElseThrow();
        SyncStateStore takerState = db.stateStore(taker);
        takerState.saveFolder(new FolderState("INBOX", '/', 1, 8, 20, ""));
        takerState.update("INBOX", List.of(record(7)), List.of());
        // w1 wakes up and writes what it had fetched: every kind of write is refused, nothing changes
        assertThatThrownBy(() -> pausedState.saveFolder(new FolderState("INBOX", '/', 1, 6, 11, "")))
                .isInstanceOf(LeaseLostException.class)
                .satisfies(e -> assertThat(((LeaseLostException) e).fencingToken()).isEqualTo(paused.fencingToken()));
        assertThatThrownBy(() -> pausedState.update("INBOX", List.of(record(5)), List.of(7L)))
                .isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> pausedState.deleteFolder("INBOX")).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> pausedState.renameFolder("INBOX", "X", '/')).isInstanceOf(LeaseLostException.class);
        assertThat(takerState.folder("INBOX")).contains(new FolderState("INBOX", '/', 1, 8, 20, ""));
        assertThat(takerState.messages("INBOX")).extracting(MessageRecord::uid).containsExactly(7L);
        // and the new holder still writes
        takerState.update("INBOX", List.of(), List.of(7L));
        assertThat(takerState.messages("INBOX")).isEmpty();
    }

    @Test
    void aWriteInProgress_holdsOffTheTakeover_untilItCommits() throws Exception {
        db.addAccount("me@example.com");
        Lease lease = db.lease("me@example.com", "w1", Duration.ofMillis(200)).orElseThrow();
        Thread.sleep(400); // expired, but w1 is in the middle of a write: it locked the account row as every write does
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM accounts WHERE account = ? AND fencing_token = ? FOR SHARE")) {
                ps.setString(1, lease.account());
                ps.setLong(2, lease.fencingToken());
                assertThat(ps.executeQuery().next()).isTrue();
            }
            assertThat(db.leaseNext("w2", Duration.ofMinutes(1))).isEmpty();
            assertThat(db.lease("me@example.com", "w2", Duration.ofMinutes(1))).isEmpty();
            c.commit();
        }
        assertThat(db.leaseNext("w2", Duration.ofMinutes(1))).isPresent();
    }

    @Test
    void release_schedulesTheNextSync_andCountsFailuresInARow() {
        db.addAccount("me@example.com");
        Lease l1 = db.leaseNext("w", Duration.ofMinutes(1)).orElseThrow();
        db.release(l1, Duration.ZERO, "connection refused");
        Lease l2 = db.leaseNext("w", Duration.ofMinutes(1)).orElseThrow();
        db.release(l2, Duration.ZERO, "connection refused");
        assertThat(db.failures("me@example.com")).isEqualTo(2);
        Lease l3 = db.leaseNext("w", Duration.ofMinutes(1)).orElseThrow();
        db.release(l3, Duration.ofHours(1), null);
        assertThat(db.failures("me@example.com")).isZero();
        assertThat(db.leaseNext("w", Duration.ofMinutes(1))).isEmpty(); // not due for an hour
        assertThat(db.accounts()).containsExactly("me@example.com");
        assertThat(Collections.max(List.of(l1.fencingToken(), l2.fencingToken(), l3.fencingToken())))
                .isEqualTo(l3.fencingToken());
    }

    @Test
    void aRenewalRacingAGiveBack_doesNotReviveTheLease_andTheAccountCanBeLeasedAtOnce() {
        db.addAccount("a@example.com");
        db.addAccount("b@example.com");
        Lease a = db.leaseAny("w1", Duration.ofMinutes(1)).orElseThrow();
        Lease b = db.leaseAny("w1", Duration.ofMinutes(1)).orElseThrow();
        db.giveBack(a, Duration.ZERO); // given back while a renewal of both was on its way
        assertThat(db.renewAll(List.of(a, b), Duration.ofMinutes(1))).containsExactly(b.account());
        assertThatThrownBy(() -> db.renew(a, Duration.ofMinutes(1))).isInstanceOf(LeaseLostException.class);
        assertThat(db.leaseAny("w2", Duration.ofMinutes(1))).get().extracting(Lease::account).isEqualTo(a.account());
        assertThat(db.leaseAny("w2", Duration.ofMinutes(1))).as("b is still held").isEmpty();
    }

    @Test
    void heartbeats_tellTheLiveWorkers_withTheirCapacitiesAndLeases_andALeftWorkerNoLonger() throws Exception {
        db.addAccount("x@example.com");
        db.addAccount("y@example.com");
        assertThat(db.accountCount()).isEqualTo(2);
        db.leaseAny("w1", Duration.ofMinutes(1)).orElseThrow();
        assertThat(db.heartbeat("w1", 100, Duration.ofMinutes(1))).containsExactly(new WorkerLoad("w1", 100, 1));
        assertThat(db.heartbeat("w2", 10, Duration.ofMillis(300)))
                .containsExactlyInAnyOrder(new WorkerLoad("w1", 100, 1), new WorkerLoad("w2", 10, 0));
        Thread.sleep(500); // w2's heartbeat expired
        assertThat(db.heartbeat("w1", 100, Duration.ofMinutes(1))).extracting(WorkerLoad::worker).containsExactly("w1");
        db.heartbeat("w3", 50, Duration.ofMinutes(1));
        db.leave("w3");
        assertThat(db.heartbeat("w1", 100, Duration.ofMinutes(1))).extracting(WorkerLoad::worker).containsExactly("w1");
    }

    private static MessageRecord record(long uid) {
        return new MessageRecord("INBOX", uid, "f" + uid, MessageFlags.NONE, "", 1, Instant.EPOCH, false);
    }
}
