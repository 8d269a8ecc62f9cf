package dev.mailkit.fleet;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.MailSession;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.fleet.internal.LeaseGuard;
import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.spi.SyncStateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Syncs many accounts of a {@link FleetDatabase} in one process, with a bounded pool of worker threads; run one
 * per worker process, as many processes as the accounts need. Each thread leases the account due longest
 * ({@link FleetDatabase#leaseNext}), renews the lease while the sync runs (every third of its duration), and
 * gives the account back due again after the {@linkplain Builder#interval interval}, or after a failure with an
 * exponential backoff with jitter. The credentials come from the application for each sync and are never stored.
 *
 * <pre>{@code
 * try (FleetDatabase db = FleetDatabase.builder().jdbcUrl(url).credentials("mailkit", dbPassword).build();
 *      SyncFleet fleet = SyncFleet.builder(db)
 *              .credentials(account -> Credentials.password(account, secrets.get(account)))
 *              .threads(16).interval(Duration.ofMinutes(5))
 *              .maxConnectionsPerHost("imap.gmail.com", 8)
 *              .build()) {
 *     fleet.start();
 *     ...                                  // until shutdown
 * }
 * }</pre>
 *
 * <p>What is enforced: at most {@link Builder#threads threads} syncs at once in this process; one sync per account
 * across every process sharing the database (the lease, with fencing); at most
 * {@link Builder#connectionsPerAccount connectionsPerAccount} IMAP connections per sync; and, per server host, at
 * most {@link Builder#maxConnectionsPerHost(String, int) the host's cap} sync connections opened by this process (not
 * counted across processes: divide a provider's budget by the number of processes). In {@linkplain Builder#watch
 * watch mode} each watched account also holds one IDLE connection, which the host cap does not count: bound those
 * with {@code watch(n)}. A provider's own per-account
 * limit (Gmail: 15 connections) is never reached by the fleet alone, which holds one account on one sync at a time;
 * the user's other mail clients count against it too.
 */
public final class SyncFleet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncFleet.class);

    private final FleetDatabase db;
    private final Builder config;
    private final Map<String, Semaphore> hostPermits = new ConcurrentHashMap<>();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicInteger running = new AtomicInteger();
    private ExecutorService workers;
    private volatile WatchingFleet watching;
    private ScheduledExecutorService renewer;

    private SyncFleet(FleetDatabase db, Builder config) {
        this.db = db;
        this.config = config;
    }

    /**
     * Starts a builder.
     *
     * @param db the fleet's database (not closed by the fleet)
     * @return a new builder
     * @throws NullPointerException if db is null
     */
    public static Builder builder(FleetDatabase db) {
        return new Builder(Objects.requireNonNull(db, "db"));
    }

    /**
     * Starts the worker threads; returns at once.
     *
     * @throws IllegalStateException if already started or closed
     */
    public void start() {
        if (!started.compareAndSet(false, true) || stopping.getCount() == 0) {
            throw new IllegalStateException("the fleet was already started");
        }
        if (config.watchAccounts > 0) {
            watching = new WatchingFleet(this, db, config);
            watching.start();
            return;
        }
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newFixedThreadPool(config.threads, r -> {
            Thread t = new Thread(r, "mailkit-fleet-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mailkit-fleet-renew");
            t.setDaemon(true);
            return t;
        });
        for (int i = 1; i <= config.threads; i++) {
            String worker = config.workerName + "#" + i;
            workers.execute(() -> loop(worker));
        }
    }

    /**
     * How many syncs run at this moment.
     *
     * @return the count
     */
    public int syncing() {
        WatchingFleet w = watching;
        return w != null ? w.syncing() : running.get();
    }

    /**
     * In watch mode, how many accounts this process holds and watches.
     *
     * @return the count (0 in the default mode)
     */
    public int watched() {
        WatchingFleet w = watching;
        return w != null ? w.watched() : 0;
    }

    /**
     * In watch mode, how many IDLE connections (one per watched account whose server offers IDLE) are open
     * or being opened.
     *
     * @return the count (0 in the default mode)
     */
    public int idleConnections() {
        WatchingFleet w = watching;
        return w != null ? w.idleConnections() : 0;
    }

    /**
     * Stops taking accounts, waits up to the {@linkplain Builder#closeTimeout close timeout} for the syncs under
     * way to finish (their accounts are given back as usual), then interrupts the rest, whose leases expire.
     * The database stays open.
     */
    @Override
    public void close() {
        stopping.countDown();
        if (watching != null) {
            watching.close();
            return;
        }
        if (workers == null) {
            return;
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(config.closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("fleet {}: {} sync(s) still running after {}; interrupted, their leases will expire",
                        config.workerName, running.get(), config.closeTimeout);
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            renewer.shutdownNow();
        }
    }

    private boolean stopped() {
        return stopping.getCount() == 0;
    }

    private void idle(Duration d) {
        try {
            stopping.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Duration jittered(Duration d) {
        long ms = d.toMillis();
        return Duration.ofMillis(ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1));
    }

    private void loop(String worker) {
        while (!stopped() && !Thread.currentThread().isInterrupted()) {
            Optional<Lease> next;
            try {
                next = db.leaseNext(worker, config.leaseDuration);
            } catch (RuntimeException e) {
                LOG.warn("fleet {}: cannot lease an account: {}", worker, e.toString());
                idle(jittered(config.poll.multipliedBy(2)));
                continue;
            }
            if (next.isEmpty()) {
                idle(jittered(config.poll)); // jittered so that idle workers do not ask in step
                continue;
            }
            try {
                run(next.get());
            } catch (RuntimeException e) { // a listener's or the database's; the lease expires if not given back
                LOG.warn("fleet {}: account {}: {}", worker, next.get().account(), e.toString(), e);
            }
        }
    }

    /** An account's IMAP server: the application's endpoint, else its provider's from the registry. */
    record Target(ServerEndpoint endpoint, ProviderSettings provider) {
        String host() {
            return endpoint.host().toLowerCase(Locale.ROOT);
        }
    }

    Target target(String account) {
        ServerEndpoint endpoint = config.endpoints != null ? config.endpoints.apply(account) : null;
        if (endpoint != null) {
            return new Target(endpoint, null);
        }
        ProviderSettings provider = config.registry.lookup(account);
        return new Target(provider.endpoint(Protocol.IMAP).orElseThrow(() -> new IllegalStateException(
                "provider " + provider.id() + " has no IMAP server")), provider);
    }

    /** A session for one more connection to the account's server (the watch's), with fresh credentials. */
    MailSession session(String account, Target target) {
        MailSession.Builder b = MailSession.builder(Protocol.IMAP, target.endpoint()).credentials(credentials(account))
                .options(config.options);
        if (target.provider() != null) {
            b.provider(target.provider());
        }
        return b.build();
    }

    private Credentials credentials(String account) {
        return Objects.requireNonNull(config.credentials.apply(account),
                "the credentials callback returned null for " + account);
    }

    /** One account: cap, renewal, sync, give back. */
    private void run(Lease lease) {
        String account = lease.account();
        Target target;
        try {
            target = target(account);
        } catch (RuntimeException e) {
            fail(lease, e);
            return;
        }
        String host = target.host();
        Semaphore permits = permitsOf(host);
        if (permits != null && !permits.tryAcquire(config.connectionsPerAccount)) {
            try {
                db.giveBack(lease, config.poll);
                listen(() -> config.listener.onPostponed(lease, host));
            } catch (LeaseLostException e) {
                listen(() -> config.listener.onLeaseLost(lease, e));
            }
            return;
        }
        running.incrementAndGet();
        AtomicBoolean lost = new AtomicBoolean();
        AtomicLong renewedAt = new AtomicLong(System.nanoTime());
        long every = Math.max(1, config.leaseDuration.toMillis() / 3);
        ScheduledFuture<?> renewal = renewer.scheduleAtFixedRate(() -> {
            if (lost.get()) {
                return;
            }
            long start = System.nanoTime();
            try {
                db.renew(lease, config.leaseDuration);
                renewedAt.set(start);
            } catch (LeaseLostException e) {
                lost.set(true);
            } catch (RuntimeException e) {
                // the database did not answer: the lease may still be ours until it expires
                if (System.nanoTime() - renewedAt.get() > config.leaseDuration.toNanos()) {
                    lost.set(true);
                }
                LOG.warn("fleet: cannot renew the lease of {}: {}", account, e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        try {
            listen(() -> config.listener.onStarted(lease));
            SyncReport report;
            try {
                report = sync(lease, target, lost);
            } finally {
                renewal.cancel(false);
            }
            if (lost.get()) {
                throw new LeaseLostException(account, lease.fencingToken());
            }
            db.release(lease, config.interval, null);
            listen(() -> config.listener.onSynced(lease, report));
        } catch (LeaseLostException e) {
            LOG.info("fleet: lease of {} lost (another worker holds it now)", account);
            listen(() -> config.listener.onLeaseLost(lease, e));
        } catch (RuntimeException e) {
            if (lost.get()) {
                LeaseLostException l = new LeaseLostException(account, lease.fencingToken());
                l.addSuppressed(e);
                listen(() -> config.listener.onLeaseLost(lease, l));
            } else {
                fail(lease, e);
            }
        } finally {
            running.decrementAndGet();
            if (permits != null) {
                permits.release(config.connectionsPerAccount);
            }
        }
    }

    /** One sync of a leased account, every write fenced; {@code lost} set means the lease is gone. */
    SyncReport sync(Lease lease, Target target, AtomicBoolean lost) {
        Credentials credentials = credentials(lease.account());
        ImapSynchronizer.Builder b = ImapSynchronizer.builder();
        if (target.provider() != null) {
            b.provider(target.provider());
        } else {
            b.endpoint(target.endpoint());
        }
        b.credentials(credentials).options(config.options).connections(config.connectionsPerAccount)
                .stateStore(LeaseGuard.guard(SyncStateStore.class, db.stateStore(lease), lease, lost::get))
                .messageStore(LeaseGuard.guard(MessageStore.class, db.messageStore(lease), lease, lost::get));
        if (config.configure != null) {
            config.configure.accept(lease.account(), b);
        }
        try (ImapSynchronizer sync = b.build()) {
            return sync.syncOnce();
        }
    }

    private void fail(Lease lease, RuntimeException e) {
        int before;
        try {
            before = db.failures(lease.account());
        } catch (RuntimeException dbError) {
            before = 0;
        }
        Duration retryIn = backoff(before);
        LOG.warn("fleet: sync of {} failed ({} in a row), retry in {}: {}", lease.account(), before + 1, retryIn, e.toString());
        try {
            db.release(lease, retryIn, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (LeaseLostException lostNow) {
            listen(() -> config.listener.onLeaseLost(lease, lostNow));
            return;
        }
        int failures = before + 1;
        listen(() -> config.listener.onFailed(lease, e, failures, retryIn));
    }

    /**
     * The delay after the {@code failuresBefore + 1}th failure in a row: the initial backoff doubled per earlier
     * failure, capped at the maximum, then "equal jitter" (uniform between half and all of it).
     */
    Duration backoff(int failuresBefore) {
        long initial = config.backoffInitial.toMillis();
        long max = config.backoffMax.toMillis();
        long d = initial;
        for (int i = 0; i < failuresBefore && d < max; i++) {
            d *= 2;
        }
        return jittered(Duration.ofMillis(Math.min(d, max)));
    }

    Semaphore permitsOf(String host) {
        Integer cap = config.hostCaps.getOrDefault(host, config.defaultHostCap);
        if (cap == null) {
            return null;
        }
        return hostPermits.computeIfAbsent(host, h -> new Semaphore(cap));
    }

    static void listen(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("fleet listener failed: {}", e.toString(), e);
        }
    }

    /** Mutable, not thread-safe builder; {@link #build()} copies what it needs. */
    public static final class Builder {
        private final FleetDatabase db;
        Function<String, Credentials> credentials;
        Function<String, ServerEndpoint> endpoints;
        ProviderRegistry registry = ProviderRegistry.defaults();
        ConnectionOptions options = ConnectionOptions.defaults();
        BiConsumer<String, ImapSynchronizer.Builder> configure;
        String workerName; // null: defaultWorkerName() when built
        int threads = 4;
        int connectionsPerAccount = 1;
        Duration leaseDuration = Duration.ofSeconds(60);
        Duration poll = Duration.ofSeconds(1);
        Duration interval = Duration.ofMinutes(5);
        Duration backoffInitial = Duration.ofSeconds(30);
        Duration backoffMax = Duration.ofHours(1);
        Duration closeTimeout = Duration.ofSeconds(30);
        int watchAccounts;
        Duration idleRefresh = Duration.ofMinutes(25);
        final Map<String, Integer> hostCaps = new HashMap<>();
        Integer defaultHostCap;
        FleetListener listener = new FleetListener() {
        };

        private Builder(FleetDatabase db) {
            this.db = db;
        }

        /** Fleets built in this JVM: the second and later get a suffix, so that two never share a name. */
        private static final AtomicInteger BUILT = new AtomicInteger();

        private static String defaultWorkerName() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "localhost";
            }
            int n = BUILT.incrementAndGet();
            return host + ":" + ManagementFactory.getRuntimeMXBean().getPid() + (n == 1 ? "" : "/" + n);
        }

        /**
         * The login of an account, asked for at the start of each of its syncs (required). mailkit keeps it only
         * for that sync; a rotated password or a revoked token is picked up by the next sync. For OAuth2 return
         * {@code Credentials.oauth2(user, tokenProvider)}: the token provider is asked for a token at each login.
         * An exception thrown here fails that sync (with backoff).
         *
         * @param credentials the account key to its login
         * @return this builder
         * @throws NullPointerException if credentials is null
         */
        public Builder credentials(Function<String, Credentials> credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /**
         * The IMAP server of an account. Default (and for an account the function maps to null): the provider
         * found in the {@linkplain #registry registry} from the account key, which must then be an e-mail address
         * (its limits and quirks apply too).
         *
         * @param endpoints the account key to its server, or to null for the registry's
         * @return this builder
         * @throws NullPointerException if endpoints is null
         */
        public Builder endpoints(Function<String, ServerEndpoint> endpoints) {
            this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
            return this;
        }

        /**
         * The registry that finds an account's provider when no {@link #endpoints} callback is set (default
         * {@link ProviderRegistry#defaults()}).
         *
         * @param registry the registry
         * @return this builder
         * @throws NullPointerException if registry is null
         */
        public Builder registry(ProviderRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Timeouts and TLS trust of every connection (default {@link ConnectionOptions#defaults()}).
         *
         * @param options the options
         * @return this builder
         * @throws NullPointerException if options is null
         */
        public Builder options(ConnectionOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Sets anything else of an account's synchronizer (folder filter, {@code onlySince}, a
         * {@link dev.mailkit.imap.SyncListener}); called for each sync after the fleet's own settings. The
         * stores, the server and the login are the fleet's: do not replace them.
         *
         * @param configure the account key and its builder
         * @return this builder
         * @throws NullPointerException if configure is null
         */
        public Builder configure(BiConsumer<String, ImapSynchronizer.Builder> configure) {
            this.configure = Objects.requireNonNull(configure, "configure");
            return this;
        }

        /**
         * This process's name in the leases (default host name and process id, and {@code /n} for the n-th fleet
         * built in the JVM); in the default mode thread {@code i} leases as {@code name#i}. Two fleets on one
         * database must not share a name.
         *
         * @param name the name
         * @return this builder
         * @throws NullPointerException if name is null
         */
        public Builder workerName(String name) {
            this.workerName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * How many accounts this process syncs at once (default 4).
         *
         * @param threads 1 to 1024
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder threads(int threads) {
            if (threads < 1 || threads > 1024) {
                throw new IllegalArgumentException("threads must be between 1 and 1024, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * IMAP connections of one sync (default 1; see {@link ImapSynchronizer.Builder#connections(int)}).
         *
         * @param connections 1 to 8
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder connectionsPerAccount(int connections) {
            if (connections < 1 || connections > 8) {
                throw new IllegalArgumentException("connectionsPerAccount must be between 1 and 8, got " + connections);
            }
            this.connectionsPerAccount = connections;
            return this;
        }

        /**
         * At most this many connections to one server host from this process (the host as the endpoint names it,
         * case-insensitive). An account whose host is at its cap is given back, due again after the
         * {@linkplain #poll poll} interval, and another account is taken.
         *
         * @param host        the host, for example {@code imap.gmail.com}
         * @param connections the cap, at least {@link #connectionsPerAccount}
         * @return this builder
         * @throws IllegalArgumentException if connections is below 1
         */
        public Builder maxConnectionsPerHost(String host, int connections) {
            Objects.requireNonNull(host, "host");
            if (connections < 1) {
                throw new IllegalArgumentException("connections must be at least 1, got " + connections);
            }
            hostCaps.put(host.toLowerCase(Locale.ROOT), connections);
            return this;
        }

        /**
         * The cap of every host without its own {@link #maxConnectionsPerHost(String, int)} (default none: only
         * {@link #threads} bounds them).
         *
         * @param connections the cap
         * @return this builder
         * @throws IllegalArgumentException if connections is below 1
         */
        public Builder maxConnectionsPerHost(int connections) {
            if (connections < 1) {
                throw new IllegalArgumentException("connections must be at least 1, got " + connections);
            }
            this.defaultHostCap = connections;
            return this;
        }

        /**
         * How long a lease lasts unless renewed (default 60 s); renewed every third of it while the sync runs.
         * A worker that dies is replaced after at most this plus one {@linkplain #poll poll}.
         *
         * @param duration at least 300 ms
         * @return this builder
         * @throws IllegalArgumentException if shorter
         */
        public Builder leaseDuration(Duration duration) {
            if (duration.toMillis() < 300) {
                throw new IllegalArgumentException("leaseDuration must be at least 300 ms, got " + duration);
            }
            this.leaseDuration = duration;
            return this;
        }

        /**
         * How long an idle thread waits before asking for a due account again, jittered between half and all of
         * it (default 1 s).
         *
         * @param poll a positive duration
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder poll(Duration poll) {
            this.poll = positive(poll, "poll");
            return this;
        }

        /**
         * How long after a successful sync an account is due again (default 5 minutes).
         *
         * @param interval a positive duration
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder interval(Duration interval) {
            this.interval = positive(interval, "interval");
            return this;
        }

        /**
         * The backoff after failed syncs (default 30 s doubling up to 1 h): after the n-th failure in a row the
         * account is due again after {@code min(max, initial * 2^(n-1))}, jittered between half and all of it.
         *
         * @param initial the delay after a first failure
         * @param max     the longest delay
         * @return this builder
         * @throws IllegalArgumentException if not positive, or max is below initial
         */
        public Builder backoff(Duration initial, Duration max) {
            positive(initial, "initial");
            positive(max, "max");
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("backoff max " + max + " is below initial " + initial);
            }
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        /**
         * How long {@link SyncFleet#close()} waits for syncs under way (default 30 s).
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = positive(timeout, "closeTimeout");
            return this;
        }

        /**
         * Watch mode: this process keeps up to {@code maxAccounts} accounts leased — its share, the fleet's
         * accounts divided by the live watching processes, so that processes started together, or one that
         * joins later, even out — and syncs each when its server tells of a change, not only every
         * {@linkplain #interval interval}. Each watched account holds one IDLE connection to its INBOX; where
         * the server offers NOTIFY (RFC 5465) that same connection also reports changes in every other folder,
         * so an account costs one connection and one thread however many folders it has. Without NOTIFY the other
         * folders are synced every interval; without IDLE the account holds no connection between its syncs.
         * Syncs run on the {@linkplain #threads bounded pool} as in the default mode, one at a time per account.
         * Leases are renewed for all accounts at once; a process that dies leaves its accounts to the others
         * after at most a {@linkplain #leaseDuration lease} and a {@linkplain #poll poll}, one that is
         * {@linkplain SyncFleet#close closed} gives them back at once.
         *
         * @param maxAccounts the most accounts this process watches, 1 to 100,000
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder watch(int maxAccounts) {
            if (maxAccounts < 1 || maxAccounts > 100_000) {
                throw new IllegalArgumentException("watch must be between 1 and 100000 accounts, got " + maxAccounts);
            }
            this.watchAccounts = maxAccounts;
            return this;
        }

        /**
         * In watch mode, how often each IDLE is ended and issued again, before servers time it out (default 25
         * minutes; RFC 3501 servers wait at least 30).
         *
         * @param every between 1 second and 29 minutes
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder idleRefresh(Duration every) {
            Objects.requireNonNull(every, "every");
            if (every.compareTo(Duration.ofSeconds(1)) < 0 || every.compareTo(Duration.ofMinutes(29)) > 0) {
                throw new IllegalArgumentException("idleRefresh must be between 1 second and 29 minutes, got " + every);
            }
            this.idleRefresh = every;
            return this;
        }

        /**
         * Told about every account's syncs (see {@link FleetListener}).
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException if listener is null
         */
        public Builder listener(FleetListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Builds the fleet (not started).
         *
         * @return the fleet
         * @throws IllegalStateException if no credentials callback was set, or a host cap is below
         *                               {@link #connectionsPerAccount}
         */
        public SyncFleet build() {
            if (credentials == null) {
                throw new IllegalStateException("set credentials(account -> Credentials...): mailkit stores no passwords");
            }
            for (Map.Entry<String, Integer> cap : hostCaps.entrySet()) {
                if (cap.getValue() < connectionsPerAccount) {
                    throw new IllegalStateException("maxConnectionsPerHost(" + cap.getKey() + ", " + cap.getValue()
                            + ") is below connectionsPerAccount " + connectionsPerAccount + ": no sync could start");
                }
            }
            if (defaultHostCap != null && defaultHostCap < connectionsPerAccount) {
                throw new IllegalStateException("maxConnectionsPerHost(" + defaultHostCap
                        + ") is below connectionsPerAccount " + connectionsPerAccount + ": no sync could start");
            }
            Builder copy = new Builder(db);
            copy.credentials = credentials;
            copy.endpoints = endpoints;
            copy.registry = registry;
            copy.options = options;
            copy.configure = configure;
            copy.workerName = workerName != null ? workerName : defaultWorkerName();
            copy.threads = threads;
            copy.connectionsPerAccount = connectionsPerAccount;
            copy.leaseDuration = leaseDuration;
            copy.poll = poll;
            copy.interval = interval;
            copy.backoffInitial = backoffInitial;
            copy.backoffMax = backoffMax;
            copy.closeTimeout = closeTimeout;
            copy.hostCaps.putAll(hostCaps);
            copy.defaultHostCap = defaultHostCap;
            copy.listener = listener;
            copy.watchAccounts = watchAccounts;
            copy.idleRefresh = idleRefresh;
            return new SyncFleet(db, copy);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }
    }
}
