package dev.mailkit.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.fleet.testing.Mailboxes;
import dev.mailkit.fleet.testing.ManyUsersDovecot;
import dev.mailkit.fleet.testing.PostgresExtension;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.imap.SyncReport;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two {@link SyncFleet}s on one database sync a few dozen Dovecot accounts while mail arrives: every account ends
 * an exact mirror, no account is synced by both at once, a sync longer than the lease keeps it, the host cap holds,
 * and an account with a wrong password backs off without holding the others up.
 */
class SyncFleetIT {

    @RegisterExtension
    static final ManyUsersDovecot DOVECOT = new ManyUsersDovecot();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final int ACCOUNTS = Integer.getInteger("mailkit.fleet.accounts", 30);
    private static final String WRONG = "wrong-password";
    private static final String SLOW = "user-slow";
    private static final Duration LEASE = Duration.ofMillis(1000);

    /** One sync as seen from inside the lease: from building the synchronizer to its last folder (ms, monotonic). */
    record Span(String fleet, String account, long start, long end) {
    }

    /** One sync's moments, kept by its worker thread (the configure hook and the fleet listener run there). */
    static final class Trace {
        final long start;
        volatile long end;
        volatile boolean slowed;

        Trace(long start) {
            this.start = start;
            this.end = start;
        }
    }

    private static final ThreadLocal<Trace> TRACE = new ThreadLocal<>();

    @Test
    void twoFleets_keepEveryAccountAnExactMirror_whileMailArrives_oneSyncPerAccountAtATime_wrongPasswordBacksOff()
            throws Exception {
        long seed = Long.getLong("mailkit.fleet.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("SyncFleetIT seed " + seed + " (replay with -Dmailkit.fleet.seed=" + seed + ")");
        List<String> accounts = new ArrayList<>();
        for (int i = 1; i < ACCOUNTS - 1; i++) {
            accounts.add(String.format("user-%02d", i));
        }
        accounts.add(SLOW);
        AtomicInteger ids = new AtomicInteger();
        for (String a : accounts) {
            try (Store store = Mailboxes.imap(DOVECOT.port(), a, ManyUsersDovecot.PASSWORD)) {
                Mailboxes.append(store, "INBOX", a + "-" + ids.incrementAndGet(), a + "-" + ids.incrementAndGet());
                Mailboxes.append(store, "Archive", a + "-" + ids.incrementAndGet());
            }
        }
        String url = POSTGRES.server().newDatabase();
        List<Span> spans = new CopyOnWriteArrayList<>();
        Map<String, List<Long>> syncedAt = new ConcurrentHashMap<>();
        List<Long> wrongStarts = new CopyOnWriteArrayList<>();
        List<Duration> wrongRetries = new CopyOnWriteArrayList<>();
        List<String> failedOthers = new CopyOnWriteArrayList<>();
        List<String> leasesLost = new CopyOnWriteArrayList<>();
        AtomicInteger concurrentA = new AtomicInteger();
        AtomicInteger maxConcurrentA = new AtomicInteger();
        AtomicBoolean slowDone = new AtomicBoolean();
        AtomicLong slowSyncMillis = new AtomicLong();
        long[] lastChange = new long[1];

        try (FleetDatabase dbA = FleetDatabase.builder().jdbcUrl(url).build();
             FleetDatabase dbB = FleetDatabase.builder().jdbcUrl(url).build()) {
            for (String a : accounts) {
                dbA.addAccount(a);
            }
            dbA.addAccount(WRONG);
            try (SyncFleet a = fleet(dbA, "A", spans, syncedAt, wrongStarts, wrongRetries, failedOthers, leasesLost,
                    concurrentA, maxConcurrentA, slowDone, slowSyncMillis).maxConnectionsPerHost("127.0.0.1", 2).build();
                 SyncFleet b = fleet(dbB, "B", spans, syncedAt, wrongStarts, wrongRetries, failedOthers, leasesLost,
                         new AtomicInteger(), new AtomicInteger(), slowDone, slowSyncMillis).build()) {
                a.start();
                b.start();
                // mail arrives and flags change on the server while both fleets run
                long arrivalsEnd = System.currentTimeMillis() + 6000;
                int arrived = 0;
                while (System.currentTimeMillis() < arrivalsEnd) {
                    String account = accounts.get(random.nextInt(accounts.size()));
                    try (Store store = Mailboxes.imap(DOVECOT.port(), account, ManyUsersDovecot.PASSWORD)) {
                        Mailboxes.append(store, random.nextBoolean() ? "INBOX" : "Archive", account + "-" + ids.incrementAndGet());
                        Folder inbox = store.getFolder("INBOX");
                        inbox.open(Folder.READ_WRITE);
                        inbox.getMessage(1 + random.nextInt(inbox.getMessageCount()))
                                .setFlags(new Flags(random.nextBoolean() ? Flags.Flag.SEEN : Flags.Flag.FLAGGED), random.nextBoolean());
                        inbox.close(false);
                    }
                    arrived++;
                    Thread.sleep(50 + random.nextInt(100));
                }
                long changedAt = System.nanoTime() / 1_000_000;
                lastChange[0] = changedAt;
                // every good account synced once more, from start to end, after the last change
                long deadline = changedAt + 30_000;
                // (and the wrong password tried at least 3 times: Dovecot delays each refusal by 2 s)
                // (and, as asserted below, every account's second sync completed: the slowed one takes longer)
                while (System.nanoTime() / 1_000_000 < deadline && (wrongRetries.size() < 3 || !accounts.stream().allMatch(acc ->
                        spans.stream().anyMatch(s -> s.account().equals(acc) && s.start() > changedAt)
                                && syncedAt.getOrDefault(acc, List.of()).size() >= 2))) {
                    Thread.sleep(100);
                }
                System.out.println("SyncFleetIT: " + arrived + " arrivals; " + spans.size() + " syncs; caught up "
                        + (System.nanoTime() / 1_000_000 - changedAt) + " ms after the last");
            }
            assertThat(failedOthers).as("failures of accounts with the right password").isEmpty();
            assertThat(leasesLost).as("leases lost (renewal keeps them)").isEmpty();
            assertThat(slowDone).as("the account whose sync outlasted its lease was synced").isTrue();
            assertThat(slowSyncMillis.get()).as("that sync outlasted the lease").isGreaterThan(LEASE.toMillis());
            assertThat(maxConcurrentA.get()).as("fleet A's syncs at once on its capped host").isBetween(1, 2);

            // no account synced by two fleets (or two threads) at once
            Map<String, List<Span>> byAccount = new ConcurrentHashMap<>();
            spans.forEach(s -> byAccount.computeIfAbsent(s.account(), k -> new ArrayList<>()).add(s));
            for (List<Span> list : byAccount.values()) {
                list.sort((x, y) -> Long.compare(x.start(), y.start()));
                for (int i = 1; i < list.size(); i++) {
                    assertThat(list.get(i).start()).as("%s overlaps %s", list.get(i), list.get(i - 1))
                            .isGreaterThanOrEqualTo(list.get(i - 1).end());
                }
            }
            assertThat(spans.stream().map(Span::fleet).distinct()).as("both fleets synced").hasSize(2);
            // nobody starved: every account synced during the arrivals and again after the last change
            for (String acc : accounts) {
                assertThat(syncedAt.getOrDefault(acc, List.of()).size()).as("syncs of %s", acc).isGreaterThanOrEqualTo(2);
            }
            assertThat(accounts).as("accounts synced after the last change").allMatch(acc ->
                    spans.stream().anyMatch(s -> s.account().equals(acc) && s.start() > lastChange[0]));

            // the wrong password: failures in a row, each retry later than the one before, within the bounds
            assertThat(wrongRetries.size()).as("failed syncs of the wrong password").isGreaterThanOrEqualTo(3);
            for (int n = 0; n < wrongRetries.size(); n++) {
                long full = Math.min(2000, 250L << n);
                assertThat(wrongRetries.get(n).toMillis()).as("retry after failure %d", n + 1).isBetween(full / 2, full);
            }
            List<Long> starts = new ArrayList<>(wrongStarts);
            Collections.sort(starts);
            for (int n = 1; n < starts.size(); n++) {
                assertThat(starts.get(n) - starts.get(n - 1)).as("gap before attempt %d", n + 1)
                        .isGreaterThanOrEqualTo(wrongRetries.get(n - 1).toMillis() - 50);
            }
            assertThat(dbA.failures(WRONG)).isEqualTo(wrongRetries.size());

            // every account an exact mirror: UIDs, flags and content per folder
            for (String acc : accounts) {
                assertThat(Mailboxes.mirror(dbA, acc)).as("mirror of %s", acc)
                        .isEqualTo(Mailboxes.server(DOVECOT.port(), acc, ManyUsersDovecot.PASSWORD));
            }
        }
    }

    private static SyncFleet.Builder fleet(FleetDatabase db, String name, List<Span> spans, Map<String, List<Long>> syncedAt,
                                           List<Long> wrongStarts, List<Duration> wrongRetries, List<String> failedOthers,
                                           List<String> leasesLost, AtomicInteger concurrent, AtomicInteger maxConcurrent,
                                           AtomicBoolean slowDone, AtomicLong slowSyncMillis) {
        return SyncFleet.builder(db)
                .workerName(name)
                .threads(3)
                .leaseDuration(LEASE)
                .poll(Duration.ofMillis(100))
                .interval(Duration.ofMillis(300))
                .backoff(Duration.ofMillis(250), Duration.ofSeconds(2))
                .closeTimeout(Duration.ofSeconds(20))
                .endpoints(account -> ServerEndpoint.of("127.0.0.1", DOVECOT.port(), Security.PLAIN))
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(account -> Credentials.password(account,
                        account.equals(WRONG) ? "not-the-password" : ManyUsersDovecot.PASSWORD))
                .configure((account, b) -> {
                    // on the worker thread, inside the lease: the sync's first and last moments
                    Trace trace = new Trace(System.nanoTime());
                    TRACE.set(trace);
                    b.listener(new SyncListener() {
                        @Override
                        public void onFolderStart(String folder, int newOnServer) {
                            // the first sync of one account takes longer than its lease
                            if (account.equals(SLOW) && !slowDone.get() && !trace.slowed) {
                                trace.slowed = true;
                                try {
                                    Thread.sleep(LEASE.toMillis() * 2);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                        }

                        @Override
                        public void onFolderDone(dev.mailkit.imap.FolderReport report) {
                            trace.end = System.nanoTime();
                        }
                    });
                })
                .listener(new FleetListener() {
                    @Override
                    public void onStarted(Lease lease) {
                        maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                        if (lease.account().equals(WRONG)) {
                            wrongStarts.add(System.currentTimeMillis());
                        }
                    }

                    @Override
                    public void onSynced(Lease lease, SyncReport report) {
                        concurrent.decrementAndGet();
                        Trace trace = TRACE.get();
                        spans.add(new Span(name, lease.account(), trace.start / 1_000_000, trace.end / 1_000_000));
                        if (trace.slowed) {
                            slowSyncMillis.set((trace.end - trace.start) / 1_000_000);
                            slowDone.set(true);
                        }
                        syncedAt.computeIfAbsent(lease.account(), k -> new CopyOnWriteArrayList<>()).add(System.currentTimeMillis());
                    }

                    @Override
                    public void onFailed(Lease lease, RuntimeException error, int failures, Duration retryIn) {
                        concurrent.decrementAndGet();
                        if (lease.account().equals(WRONG)) {
                            wrongRetries.add(retryIn);
                        } else {
                            failedOthers.add(lease.account() + ": " + error);
                        }
                    }

                    @Override
                    public void onLeaseLost(Lease lease, LeaseLostException error) {
                        concurrent.decrementAndGet();
                        leasesLost.add(lease.account() + " by " + lease.worker());
                    }
                });
    }
}
