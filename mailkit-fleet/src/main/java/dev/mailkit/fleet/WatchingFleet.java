package dev.mailkit.fleet;

import dev.mailkit.core.AuthenticationException;
import dev.mailkit.core.ConnectionException;
import dev.mailkit.core.InvalidConfigurationException;
import dev.mailkit.core.MailSession;
import dev.mailkit.core.TlsException;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.imap.internal.idle.IdleSignals;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link SyncFleet} in watch mode: this process keeps its share of the accounts leased (the accounts divided by
 * the live watching processes, at most {@link SyncFleet.Builder#watch(int)}), renews all its leases in one
 * statement, watches each account on one IDLE connection to its INBOX (with NOTIFY, where the server offers it,
 * covering every other folder of the account on that same connection), and syncs an account on the fleet's
 * bounded pool when its server tells of a change, after a local change, and every interval. A server without
 * IDLE costs no connection between syncs: the account is synced every interval.
 *
 * <p>Threads: the pool's, three service threads (balance, renewal, IDLE control) and one per watched account
 * with IDLE, with a small stack; Jakarta Mail's IDLE blocks its thread, so one per connection is the floor.
 */
final class WatchingFleet {

    private static final Logger LOG = LoggerFactory.getLogger(WatchingFleet.class);
    /** Leases taken per balance round, so that workers starting together share the accounts from the start. */
    private static final int TAKE_PER_ROUND = 50;
    private static final Duration MAX_IDLE_BACKOFF = Duration.ofMinutes(5);
    /** Stack of an IDLE thread: it only waits on a socket. */
    private static final long IDLE_STACK = 256 * 1024;
    /** Threads that refresh and close IDLE connections. */
    private static final int IDLE_WORKERS = 4;

    private final SyncFleet fleet;
    private final FleetDatabase db;
    private final SyncFleet.Builder config;
    private final String worker;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    /** Accounts no longer held whose sync still runs: their leases are renewed until it ends, then given back. */
    private final Map<String, Held> draining = new ConcurrentHashMap<>();
    private final AtomicInteger idleThreads = new AtomicInteger();
    private final AtomicInteger syncing = new AtomicInteger();
    private volatile boolean closed;
    private ExecutorService syncs;
    private ScheduledExecutorService balancer;
    private ScheduledExecutorService renewer;
    private ScheduledExecutorService idleControl;
    /** Refreshes and closings of IDLE connections, a few at a time: one stalled server holds up one thread. */
    private ExecutorService idleWork;

    /** One account held by this process. Its fields change under its own lock. */
    private final class Held {
        final Lease lease;
        final AtomicBoolean lost = new AtomicBoolean();
        final AtomicBoolean queued = new AtomicBoolean();
        volatile long renewedAt = System.nanoTime();
        volatile long dueAt = System.nanoTime();
        volatile int failures;
        volatile Idler idler;
        /** The server offers no IDLE: synced every interval, no connection between syncs. */
        volatile boolean noIdle;
        boolean running;
        /** A change was told while a sync ran: sync again after it. */
        boolean again;
        boolean dropped;
        boolean giveBackWanted;
        boolean givenBack;

        Held(Lease lease) {
            this.lease = lease;
        }

        String account() {
            return lease.account();
        }
    }

    WatchingFleet(SyncFleet fleet, FleetDatabase db, SyncFleet.Builder config) {
        this.fleet = fleet;
        this.db = db;
        this.config = config;
        this.worker = config.workerName;
    }

    void start() {
        AtomicInteger n = new AtomicInteger();
        syncs = Executors.newFixedThreadPool(config.threads, daemon(() -> "mailkit-fleet-" + n.incrementAndGet()));
        balancer = Executors.newSingleThreadScheduledExecutor(daemon(() -> "mailkit-fleet-balance"));
        renewer = Executors.newSingleThreadScheduledExecutor(daemon(() -> "mailkit-fleet-renew"));
        idleControl = Executors.newSingleThreadScheduledExecutor(daemon(() -> "mailkit-fleet-idle-control"));
        AtomicInteger w = new AtomicInteger();
        idleWork = Executors.newFixedThreadPool(IDLE_WORKERS, daemon(() -> "mailkit-fleet-idle-work-" + w.incrementAndGet()));
        long poll = config.poll.toMillis();
        balancer.scheduleWithFixedDelay(this::balance, 0, poll, TimeUnit.MILLISECONDS);
        long every = Math.max(1, config.leaseDuration.toMillis() / 3);
        renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        long refresh = config.idleRefresh.toMillis();
        idleControl.scheduleWithFixedDelay(this::refreshIdle, refresh, refresh, TimeUnit.MILLISECONDS);
    }

    private static ThreadFactory daemon(java.util.function.Supplier<String> name) {
        return r -> {
            Thread t = new Thread(r, name.get());
            t.setDaemon(true);
            return t;
        };
    }

    int watched() {
        return held.size();
    }

    int idleConnections() {
        return idleThreads.get();
    }

    int syncing() {
        return syncing.get();
    }

    /**
     * One round: heartbeat, give back what is above this process's share, lease up to it, queue due syncs.
     */
    private void balance() {
        if (closed) {
            return;
        }
        try {
            // alive for a lease, and for three polls at least: a slow poll must not make it look dead between two
            List<WorkerLoad> live = db.heartbeat(worker, config.watchAccounts, aliveFor());
            List<Integer> capacities = live.stream().map(WorkerLoad::capacity).toList();
            int accounts = db.accountCount();
            int share = share(accounts, capacities, config.watchAccounts, true);
            int surplus = held.size() - share;
            if (surplus > 0) {
                giveBack(surplus);
            }
            for (int taken = 0; held.size() < share && taken < TAKE_PER_ROUND && !closed; taken++) {
                Optional<Lease> lease = db.leaseAny(worker, config.leaseDuration);
                if (lease.isEmpty()) {
                    break;
                }
                Held h = new Held(lease.get());
                if (held.putIfAbsent(h.account(), h) != null || draining.containsKey(h.account())) {
                    // its last sync here still winds down (the lease was lost meanwhile): not two syncs of one
                    // account in this process — give it back; it is taken again once that sync has ended
                    held.remove(h.account(), h);
                    giveBack(h);
                    continue;
                }
                SyncFleet.listen(() -> config.listener.onLeased(h.lease));
            }
            // Shares are rounded up, so the first workers may take one account more each and leave one with fewer
            // than its rounded-down share (4 accounts, 3 workers: 2, 2, 0). When every account is held (nothing
            // free: not while a dead worker's leases expire or a new one is still leasing), a worker above its
            // rounded-down share gives the difference back if another is below its own.
            int minimum = share(accounts, capacities, config.watchAccounts, false);
            boolean allHeld = live.stream().mapToLong(WorkerLoad::held).sum() >= accounts;
            if (allHeld && held.size() > minimum && live.stream().anyMatch(w ->
                    !w.worker().equals(worker) && w.held() < share(accounts, capacities, w.capacity(), false))) {
                giveBack(held.size() - minimum);
            }
        } catch (Throwable e) { // a throwing task would never run again: no heartbeat, no leases
            LOG.warn("fleet {}: cannot balance the accounts: {}", worker, e.toString());
        }
        try {
            long now = System.nanoTime();
            for (Held h : held.values()) {
                if (now - h.dueAt >= 0) {
                    queueSync(h);
                }
            }
        } catch (Throwable e) {
            LOG.warn("fleet {}: cannot queue the due syncs: {}", worker, e.toString());
        }
    }

    /**
     * This process's share of the accounts: the live processes' capacities filled to one level, as evenly as their
     * capacities allow (a process that takes only 10 leaves the rest to the others), at most {@code mine}.
     *
     * @param accounts   the fleet's accounts
     * @param capacities the live watching processes' {@code watch(n)}, this one's included
     * @param mine       this process's
     * @return how many accounts this process should hold
     */
    static int share(int accounts, List<Integer> capacities, int mine) {
        return share(accounts, capacities, mine, true);
    }

    /** {@link #share(int, List, int)}, the level rounded up or down. */
    static int share(int accounts, List<Integer> capacities, int mine, boolean roundUp) {
        List<Integer> caps = new ArrayList<>(capacities);
        if (caps.isEmpty()) {
            caps.add(mine);
        }
        caps.sort(null);
        long remaining = accounts;
        for (int i = 0; i < caps.size(); i++) {
            long others = caps.size() - i; // this one and every larger one
            if ((long) caps.get(i) * others >= remaining) { // the level remaining / others is within this capacity
                long level = roundUp ? (remaining + others - 1) / others : remaining / others;
                return (int) Math.min(mine, level);
            }
            remaining -= caps.get(i);
        }
        return mine; // the fleet's capacity is below its accounts: every process takes all it may
    }

    private Duration aliveFor() {
        Duration polls = config.poll.multipliedBy(3);
        return polls.compareTo(config.leaseDuration) > 0 ? polls : config.leaseDuration;
    }

    /** Gives back {@code count} accounts, those not syncing first (they go at once). */
    private void giveBack(int count) {
        List<Held> order = new ArrayList<>(held.values());
        order.sort(Comparator.comparing(h -> h.running));
        for (Held h : order.subList(0, Math.min(count, order.size()))) {
            drop(h, true);
        }
    }

    private void queueSync(Held h) {
        if (!closed && !h.lost.get() && h.queued.compareAndSet(false, true)) {
            try {
                syncs.execute(() -> runSync(h));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                h.queued.set(false); // closing
            }
        }
    }

    private void runSync(Held h) {
        h.queued.set(false);
        synchronized (h) {
            if (h.dropped || h.lost.get()) {
                return;
            }
            if (h.running) {
                h.again = true; // one sync per account at a time
                return;
            }
            if (h.failures > 0 && System.nanoTime() - h.dueAt < 0) {
                return; // backing off after a failure: a change told meanwhile waits for the retry (not a login a message)
            }
            h.running = true;
            h.dueAt = System.nanoTime() + config.interval.toNanos(); // not queued again by the timer meanwhile
        }
        syncing.incrementAndGet();
        Lease lease = h.lease;
        try {
            SyncFleet.Target target = fleet.target(h.account());
            Semaphore permits = fleet.permitsOf(target.host());
            if (permits != null && !permits.tryAcquire(config.connectionsPerAccount)) {
                h.dueAt = System.nanoTime() + config.poll.toNanos();
                SyncFleet.listen(() -> config.listener.onPostponed(lease, target.host()));
                return;
            }
            try {
                SyncFleet.listen(() -> config.listener.onStarted(lease));
                SyncReport report = fleet.sync(lease, target, h.lost);
                if (h.lost.get()) {
                    throw new LeaseLostException(h.account(), lease.fencingToken());
                }
                h.failures = 0;
                h.dueAt = System.nanoTime() + config.interval.toNanos();
                db.record(lease, config.interval, null);
                SyncFleet.listen(() -> config.listener.onSynced(lease, report));
                if (h.idler == null && !h.noIdle) {
                    startIdler(h, target);
                }
            } finally {
                if (permits != null) {
                    permits.release(config.connectionsPerAccount);
                }
            }
        } catch (LeaseLostException e) {
            lost(h, e);
        } catch (RuntimeException e) {
            if (h.lost.get()) {
                LeaseLostException l = new LeaseLostException(h.account(), lease.fencingToken());
                l.addSuppressed(e);
                lost(h, l);
            } else {
                failed(h, e);
            }
        } finally {
            syncing.decrementAndGet();
            boolean giveBack;
            boolean again;
            synchronized (h) {
                h.running = false;
                again = h.again;
                h.again = false;
                giveBack = h.dropped && h.giveBackWanted && !h.givenBack;
                h.givenBack |= giveBack;
            }
            draining.remove(h.account(), h);
            if (giveBack) {
                giveBack(h);
            } else if (again && h.failures == 0) {
                queueSync(h);
            }
        }
    }

    private void failed(Held h, RuntimeException e) {
        int failures = ++h.failures;
        Duration retryIn = fleet.backoff(failures - 1);
        h.dueAt = System.nanoTime() + retryIn.toNanos();
        LOG.warn("fleet: sync of {} failed ({} in a row), retry in {}: {}", h.account(), failures, retryIn, e.toString());
        try {
            db.record(h.lease, retryIn, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (LeaseLostException lostNow) {
            lost(h, lostNow);
            return;
        } catch (RuntimeException dbError) {
            LOG.warn("fleet: cannot record the failure of {}: {}", h.account(), dbError.toString());
        }
        SyncFleet.listen(() -> config.listener.onFailed(h.lease, e, failures, retryIn));
    }

    private void lost(Held h, LeaseLostException e) {
        h.lost.set(true);
        if (drop(h, false)) {
            LOG.info("fleet: lease of {} lost (another worker holds it now)", h.account());
            SyncFleet.listen(() -> config.listener.onLeaseLost(h.lease, e));
        }
    }

    /** Stops holding an account; given back to the fleet (due at once) unless its lease was lost. */
    private boolean drop(Held h, boolean giveBack) {
        boolean now;
        synchronized (h) {
            if (h.dropped) {
                return false;
            }
            h.dropped = true;
            h.giveBackWanted = giveBack;
            now = giveBack && !h.running;
            h.givenBack |= now;
            if (h.running) {
                // kept until the sync ends: its lease renewed (unless lost), and the account not leased again here
                draining.put(h.account(), h);
            }
        }
        held.remove(h.account(), h);
        Idler idler = h.idler;
        if (idler != null) {
            idler.close();
        }
        if (now) {
            giveBack(h);
        }
        return true;
    }

    private void giveBack(Held h) {
        try {
            db.giveBack(h.lease, Duration.ZERO);
            SyncFleet.listen(() -> config.listener.onGivenBack(h.lease));
        } catch (LeaseLostException e) {
            LOG.debug("fleet: {} was taken over before it was given back", h.account());
        } catch (RuntimeException e) {
            LOG.warn("fleet: cannot give back {} (its lease will expire): {}", h.account(), e.toString());
        }
    }

    /** All leases in one statement (those draining too); one that was not renewed was taken over. */
    private void renew() {
        List<Held> all = new ArrayList<>(held.values());
        draining.values().stream().filter(h -> !h.lost.get()).forEach(all::add);
        if (all.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        try {
            Set<String> renewed = db.renewAll(all.stream().map(h -> h.lease).toList(), config.leaseDuration);
            for (Held h : all) {
                if (renewed.contains(h.account())) {
                    h.renewedAt = start;
                } else if (!h.givenBack) {
                    lost(h, new LeaseLostException(h.account(), h.lease.fencingToken()));
                }
            }
        } catch (Throwable e) { // a throwing task would never run again
            LOG.warn("fleet {}: cannot renew {} leases: {}", worker, all.size(), e.toString());
            for (Held h : all) {
                // the database did not answer: a lease may still be ours until it expires
                if (start - h.renewedAt > config.leaseDuration.toNanos()) {
                    lost(h, new LeaseLostException(h.account(), h.lease.fencingToken()));
                }
            }
        }
    }

    private void refreshIdle() {
        try {
            for (Held h : held.values()) {
                Idler idler = h.idler;
                if (idler != null) {
                    idleWork.execute(idler::refresh);
                }
            }
        } catch (Throwable e) { // a throwing task would never run again
            LOG.warn("fleet {}: cannot refresh IDLE: {}", worker, e.toString());
        }
    }

    private void startIdler(Held h, SyncFleet.Target target) {
        if (target.provider() != null && target.provider().idleUnreliable()) {
            return;
        }
        Idler idler = new Idler(h);
        synchronized (h) {
            if (h.dropped || h.idler != null) {
                return;
            }
            h.idler = idler;
        }
        Thread t = new Thread(null, idler, "mailkit-fleet-idle-" + h.account(), IDLE_STACK);
        t.setDaemon(true);
        t.start();
    }

    static boolean permanent(RuntimeException e) {
        return e instanceof AuthenticationException || e instanceof TlsException
                || e instanceof InvalidConfigurationException || e instanceof ConnectionException c && c.isPermanent();
    }

    /** The IDLE connection of one account, on its own thread; every change it reports queues a sync. */
    private final class Idler implements Runnable {
        private final Held h;
        private volatile boolean stopped;
        private volatile IMAPFolder folder;
        private volatile Thread thread;

        Idler(Held h) {
            this.h = h;
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            idleThreads.incrementAndGet();
            try {
                loop();
            } finally {
                idleThreads.decrementAndGet();
                synchronized (h) {
                    if (h.idler == this) {
                        h.idler = null; // started again after the next successful sync, unless the server has no IDLE
                    }
                }
            }
        }

        private void loop() {
            Duration wait = Duration.ofSeconds(1);
            while (!stopped && !closed) {
                Store store = null;
                MailSession session = null;
                try {
                    session = fleet.session(h.account(), fleet.target(h.account()));
                    store = session.connectStore();
                    IMAPStore imap = (IMAPStore) store;
                    if (!imap.hasCapability("IDLE")) {
                        LOG.info("fleet: {} offers no IDLE; synced every {}", h.account(), config.interval);
                        h.noIdle = true;
                        return;
                    }
                    IMAPFolder f = (IMAPFolder) store.getFolder("INBOX");
                    f.open(Folder.READ_ONLY);
                    if (imap.hasCapability("NOTIFY")) {
                        notifyAll(f);
                    }
                    // every change this connection hears of queues a sync, whichever thread reads it; after a
                    // NOTIFY overflow the server tells no more: sync, and connect again to ask anew
                    AtomicBoolean overflowed = new AtomicBoolean();
                    IdleSignals.onChange(f, () -> {
                        if (!stopped && !closed) {
                            queueSync(h);
                        }
                    }, () -> overflowed.set(true));
                    folder = f;
                    if (stopped) {
                        break;
                    }
                    queueSync(h); // whatever changed while nothing listened
                    while (!stopped && !closed && f.isOpen() && !overflowed.get()) {
                        f.idle(true);
                        // an IDLE that ended normally: the server takes IDLE, so the next failure starts the
                        // backoff anew (not before: a server that drops every IDLE at once must not be asked
                        // for a login and a sync every second)
                        if (!overflowed.get()) {
                            wait = Duration.ofSeconds(1);
                        }
                        // no sync for the IDLE's end itself: a server's keep-alive ("* OK Still here") or the
                        // refresh ends it too; the changes queued theirs as they came
                    }
                    if (overflowed.get() && !stopped && !closed) {
                        // connect again to set NOTIFY anew, after the backoff: a server that overflows at once
                        // every time must not get a login a second
                        sleep(wait);
                        wait = wait.multipliedBy(2).compareTo(MAX_IDLE_BACKOFF) > 0 ? MAX_IDLE_BACKOFF : wait.multipliedBy(2);
                    }
                } catch (MessagingException | RuntimeException e) {
                    if (stopped || closed) {
                        break;
                    }
                    RuntimeException typed = e instanceof RuntimeException r ? r
                            : session.translate((MessagingException) e);
                    if (permanent(typed)) {
                        LOG.warn("fleet: IDLE of {} stopped ({}); synced every {}", h.account(), typed.toString(),
                                config.interval);
                        return;
                    }
                    LOG.debug("fleet: IDLE of {} failed, reconnecting in {}: {}", h.account(), wait, typed.toString());
                    sleep(wait);
                    wait = wait.multipliedBy(2).compareTo(MAX_IDLE_BACKOFF) > 0 ? MAX_IDLE_BACKOFF : wait.multipliedBy(2);
                } finally {
                    folder = null;
                    if (store != null) {
                        try {
                            store.close();
                        } catch (MessagingException | RuntimeException e) {
                            LOG.debug("closing the IDLE connection of {}: {}", h.account(), e.toString());
                        }
                    }
                }
            }
        }

        /**
         * RFC 5465: new, expunged and re-flagged messages in every folder of the account end this IDLE too.
         * Refused: the INBOX is watched, the rest synced every interval.
         */
        private void notifyAll(IMAPFolder f) {
            try {
                IdleSignals.notifyEveryFolder(f);
            } catch (MessagingException e) {
                LOG.debug("fleet: NOTIFY refused for {}: {}", h.account(), e.toString());
            }
        }

        /** Any command ends the IDLE, which is then issued again, before servers time it out. */
        void refresh() {
            IMAPFolder f = folder;
            if (f != null) {
                try {
                    f.getMessageCount();
                } catch (MessagingException | RuntimeException e) {
                    LOG.debug("IDLE refresh of {} failed: {}", h.account(), e.toString());
                }
            }
        }

        /** Ends the IDLE and the thread, on the IDLE work pool (a stalled server cannot block the caller). */
        void close() {
            stopped = true;
            Thread t = thread;
            if (t != null && folder == null) {
                t.interrupt(); // waiting to reconnect: wake it
            }
            try {
                idleWork.execute(() -> {
                    IMAPFolder f = folder;
                    if (f != null) {
                        try {
                            f.close(false);
                        } catch (MessagingException | RuntimeException e) {
                            LOG.debug("ending the IDLE of {}: {}", h.account(), e.toString());
                        }
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shutting down: the daemon thread ends with the process
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            // closed: the loop sees it
        }
    }

    /**
     * Stops leasing, gives every account back (one syncing is given back when its sync ends), waits for the syncs
     * under way, and leaves the fleet.
     */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        shutdown(balancer, Duration.ofSeconds(10));
        try {
            db.leave(worker); // first: the others' shares grow now, and they take what is given back below
        } catch (RuntimeException e) {
            LOG.debug("fleet {}: cannot leave: {}", worker, e.toString());
        }
        for (Held h : new ArrayList<>(held.values())) {
            drop(h, true);
        }
        syncs.shutdown();
        try {
            if (!syncs.awaitTermination(config.closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("fleet {}: {} sync(s) still running after {}; interrupted, their leases will expire",
                        worker, syncing.get(), config.closeTimeout);
                syncs.shutdownNow();
            }
        } catch (InterruptedException e) {
            syncs.shutdownNow();
            Thread.currentThread().interrupt();
        }
        renewer.shutdownNow();
        shutdown(idleControl, Duration.ofSeconds(10));
        shutdown(idleWork, Duration.ofSeconds(10)); // the closings queued above run first
    }

    private static void shutdown(ExecutorService s, Duration wait) {
        s.shutdown();
        try {
            if (!s.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                s.shutdownNow();
            }
        } catch (InterruptedException e) {
            s.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
