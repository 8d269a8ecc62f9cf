package dev.mailkit.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.fleet.testing.Mailboxes;
import dev.mailkit.fleet.testing.ManyUsersDovecot;
import dev.mailkit.fleet.testing.PostgresExtension;
import dev.mailkit.imap.SyncReport;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link SyncFleet} in watch mode against Dovecot (which offers IDLE and NOTIFY): two processes' worth of fleets
 * share the accounts evenly, each account costs one IDLE connection and one thread although it has two folders,
 * mail arriving in either folder, a flag change and a move on the server are synced at once (the interval is ten minutes, so only the server's
 * notification can start those syncs), a closed fleet's accounts move to the other, no sync of one account
 * overlaps another, and every account ends an exact mirror.
 */
class SyncFleetWatchIT {

    @RegisterExtension
    static final ManyUsersDovecot DOVECOT = new ManyUsersDovecot();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final int ACCOUNTS = 12;

    /** Per account, when each completed sync started (System.nanoTime). */
    private final Map<String, List<Long>> synced = new ConcurrentHashMap<>();
    private static final ThreadLocal<Long> STARTED = new ThreadLocal<>(); // onStarted and onSynced share a thread
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    private final List<String> overlaps = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final AtomicInteger givenBack = new AtomicInteger();

    @Test
    void watchingFleets_shareTheAccounts_syncOnNotification_inEveryFolder_andHandOverOnClose() throws Exception {
        long seed = Long.getLong("mailkit.fleet.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("SyncFleetWatchIT seed " + seed + " (replay with -Dmailkit.fleet.seed=" + seed + ")");
        List<String> accounts = new ArrayList<>();
        int ids = 0;
        for (int i = 1; i <= ACCOUNTS; i++) {
            String a = String.format("watch-%02d", i);
            accounts.add(a);
            try (Store store = Mailboxes.imap(DOVECOT.port(), a, ManyUsersDovecot.PASSWORD)) {
                Mailboxes.append(store, "INBOX", a + "-" + ++ids);
                Mailboxes.append(store, "Archive", a + "-" + ++ids);
            }
        }
        String url = POSTGRES.server().newDatabase();
        long poolThreadsBefore = unnamedPoolThreads();
        try (FleetDatabase dbA = FleetDatabase.builder().jdbcUrl(url).build();
             FleetDatabase dbB = FleetDatabase.builder().jdbcUrl(url).build()) {
            accounts.forEach(dbA::addAccount);
            try (SyncFleet a = fleet(dbA, "A")) {
                a.start();
                await("A watches every account, each synced once", 20_000,
                        () -> a.watched() == ACCOUNTS && accounts.stream().allMatch(synced::containsKey));
                await("A holds an IDLE connection per account", 10_000, () -> a.idleConnections() == ACCOUNTS);
                try (SyncFleet b = fleet(dbB, "B")) {
                    b.start();
                    await("A and B share the accounts evenly", 20_000, () -> a.watched() == ACCOUNTS / 2
                            && b.watched() == ACCOUNTS / 2 && b.idleConnections() == ACCOUNTS / 2
                            && a.idleConnections() == ACCOUNTS / 2);
                    assertThat(givenBack.get()).as("accounts A gave back to B").isGreaterThanOrEqualTo(ACCOUNTS / 2);
                    assertThat(unnamedPoolThreads()).as("threads of unnamed pools (a write-timeout scheduler per"
                            + " connection)").isEqualTo(poolThreadsBefore);
                    long idleThreads = Thread.getAllStackTraces().keySet().stream()
                            .filter(t -> t.getName().startsWith("mailkit-fleet-idle-watch-")).count();
                    assertThat(idleThreads).as("IDLE threads for %d accounts of two folders each", ACCOUNTS)
                            .isEqualTo(ACCOUNTS);

                    // mail and flag changes, in the INBOX and in a folder no IDLE is on: each synced at once
                    List<Long> latencies = new ArrayList<>();
                    for (int n = 0; n < 16; n++) {
                        String account = accounts.get(random.nextInt(ACCOUNTS));
                        long t0 = System.nanoTime();
                        try (Store store = Mailboxes.imap(DOVECOT.port(), account, ManyUsersDovecot.PASSWORD)) {
                            if (n % 4 == 3) {
                                // moved on the server: mirrored by a copy of the message the mirror has
                                Folder from = store.getFolder("Archive");
                                from.open(Folder.READ_WRITE);
                                if (from.getMessageCount() == 0) {
                                    from.close(false);
                                    from = store.getFolder("INBOX");
                                    from.open(Folder.READ_WRITE);
                                }
                                ((org.eclipse.angus.mail.imap.IMAPFolder) from).moveMessages(new jakarta.mail.Message[] {
                                        from.getMessage(1)}, store.getFolder(from.getName().equals("INBOX") ? "Archive" : "INBOX"));
                                from.close(false);
                            } else if (n % 3 == 2) {
                                Folder inbox = store.getFolder("INBOX");
                                inbox.open(Folder.READ_WRITE);
                                jakarta.mail.Message m = inbox.getMessage(1); // a real change: the flag toggled
                                m.setFlags(new Flags(Flags.Flag.FLAGGED), !m.isSet(Flags.Flag.FLAGGED));
                                inbox.close(false);
                            } else {
                                Mailboxes.append(store, n % 3 == 0 ? "INBOX" : "Archive", account + "-" + ++ids);
                            }
                        }
                        long changed = System.nanoTime();
                        // a sync that started after the change: one under way before it may have missed it
                        await("a sync of " + account + " after change " + n, 10_000,
                                () -> synced.get(account).stream().anyMatch(start -> start > changed));
                        latencies.add((System.nanoTime() - t0) / 1_000_000);
                    }
                    System.out.println("SyncFleetWatchIT: change to sync ms " + latencies);
                }
                // B closed: it gave its accounts back and left; A takes them over and watches them
                await("A watches every account again", 10_000,
                        () -> a.watched() == ACCOUNTS && a.idleConnections() == ACCOUNTS);
                String account = accounts.get(random.nextInt(ACCOUNTS));
                try (Store store = Mailboxes.imap(DOVECOT.port(), account, ManyUsersDovecot.PASSWORD)) {
                    Mailboxes.append(store, "Archive", account + "-" + ++ids);
                }
                long appended = System.nanoTime();
                await("a sync of " + account + " by A after the takeover", 10_000,
                        () -> synced.get(account).stream().anyMatch(start -> start > appended));
            }
            assertThat(problems).as("failures and lost leases").isEmpty();
            assertThat(overlaps).as("syncs of one account at once").isEmpty();
            for (String acc : accounts) {
                assertThat(Mailboxes.mirror(dbA, acc)).as("mirror of %s", acc)
                        .isEqualTo(Mailboxes.server(DOVECOT.port(), acc, ManyUsersDovecot.PASSWORD));
            }
        }
    }

    private static long unnamedPoolThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("pool-")).count();
    }

    private static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within " + millis + " ms: " + what);
            }
            Thread.sleep(20);
        }
    }

    private SyncFleet fleet(FleetDatabase db, String name) {
        return SyncFleet.builder(db)
                .workerName(name)
                .watch(100)
                .threads(3)
                .leaseDuration(Duration.ofSeconds(3))
                .poll(Duration.ofMillis(200))
                .interval(Duration.ofMinutes(10))
                .idleRefresh(Duration.ofSeconds(30)) // a change heard between two IDLEs must not wait for it
                .endpoints(account -> ServerEndpoint.of("127.0.0.1", DOVECOT.port(), Security.PLAIN))
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(account -> Credentials.password(account, ManyUsersDovecot.PASSWORD))
                .listener(new FleetListener() {
                    @Override
                    public void onStarted(Lease lease) {
                        STARTED.set(System.nanoTime());
                        if (running.computeIfAbsent(lease.account(), k -> new AtomicInteger()).incrementAndGet() > 1) {
                            overlaps.add(lease.account());
                        }
                    }

                    @Override
                    public void onSynced(Lease lease, SyncReport report) {
                        running.get(lease.account()).decrementAndGet();
                        synced.computeIfAbsent(lease.account(), k -> new CopyOnWriteArrayList<>()).add(STARTED.get());
                    }

                    @Override
                    public void onFailed(Lease lease, RuntimeException error, int failures, Duration retryIn) {
                        running.get(lease.account()).decrementAndGet();
                        problems.add(name + ": " + lease.account() + " failed: " + error);
                    }

                    @Override
                    public void onLeaseLost(Lease lease, LeaseLostException error) {
                        problems.add(name + ": " + lease.account() + " lost");
                    }

                    @Override
                    public void onGivenBack(Lease lease) {
                        if (name.equals("A")) {
                            givenBack.incrementAndGet();
                        }
                    }
                })
                .build();
    }
}
