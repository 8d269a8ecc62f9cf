package dev.mailkit.fleet;

import dev.mailkit.fleet.internal.DefaultFleetDatabase;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.spi.SyncStateStore;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The fleet's PostgreSQL database: the accounts, their leases, and every account's sync state in one schema
 * (created and upgraded by Flyway migrations on {@link Builder#build()}). Thread-safe; share one per process and
 * close it at shutdown (it owns a connection pool).
 */
public interface FleetDatabase extends AutoCloseable {

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Registers an account (doing nothing when it exists); it is due at once.
     *
     * @param account the account key, for example the e-mail address
     * @throws NullPointerException if account is null
     */
    void addAccount(String account);

    /**
     * Every registered account, sorted.
     *
     * @return the account keys
     */
    List<String> accounts();

    /**
     * Leases the due account that waited longest, among those nobody holds or whose lease expired, skipping rows
     * another worker is leasing at this moment ({@code FOR UPDATE SKIP LOCKED}).
     *
     * @param worker   the worker's name (for operators; not used for fencing)
     * @param duration how long the lease lasts unless renewed
     * @return the lease, or empty when no account is available
     */
    Optional<Lease> leaseNext(String worker, Duration duration);

    /**
     * Leases the account whose sync is due soonest, due yet or not, among those nobody holds or whose lease
     * expired (for workers that keep accounts leased while they watch them).
     *
     * @param worker   the worker's name
     * @param duration how long the lease lasts unless renewed
     * @return the lease, or empty when every account is held
     */
    Optional<Lease> leaseAny(String worker, Duration duration);

    /**
     * Leases one account, if nobody holds it or its lease expired.
     *
     * @param account  the account key
     * @param worker   the worker's name
     * @param duration how long the lease lasts unless renewed
     * @return the lease, or empty when another worker holds it
     */
    Optional<Lease> lease(String account, String worker, Duration duration);

    /**
     * Extends a lease.
     *
     * @param lease    the lease held
     * @param duration how long from now it lasts
     * @return the renewed lease (same token)
     * @throws LeaseLostException if another worker took the account
     */
    Lease renew(Lease lease, Duration duration);

    /**
     * Extends many leases in one statement.
     *
     * @param leases   leases held
     * @param duration how long from now they last
     * @return the accounts whose leases were extended; a lease missing from it was taken over (lost)
     */
    java.util.Set<String> renewAll(java.util.Collection<Lease> leases, Duration duration);

    /**
     * Records the outcome of a sync under a lease that stays held: the account is due again after
     * {@code nextSyncIn} (what another worker goes by if it takes the account over), and its failure count and
     * last error are updated as {@link #release} does.
     *
     * @param lease      the lease held
     * @param nextSyncIn when the account is next due
     * @param error      why the sync failed, or null after a success
     * @throws LeaseLostException if another worker took the account
     */
    void record(Lease lease, Duration nextSyncIn, String error);

    /**
     * Gives a lease back; the account is due again after {@code nextSyncIn}.
     *
     * @param lease      the lease held
     * @param nextSyncIn when the account is next due
     * @param error      why the sync failed (the account's failure count grows), or null after a success (reset)
     * @throws LeaseLostException if another worker took the account
     */
    void release(Lease lease, Duration nextSyncIn, String error);

    /**
     * Gives a lease back without a sync (for example because the account's server is at its connection cap):
     * the account is due again after {@code nextSyncIn}, its failure count and last error are unchanged.
     *
     * @param lease      the lease held
     * @param nextSyncIn when the account is next due
     * @throws LeaseLostException if another worker took the account
     */
    void giveBack(Lease lease, Duration nextSyncIn);

    /**
     * Tells the fleet this worker is alive for {@code aliveFor} from now and watches at most {@code capacity}
     * accounts, and forgets workers dead for an hour.
     *
     * @param worker   the worker's name
     * @param capacity the most accounts it watches
     * @param aliveFor how long it counts as alive without another heartbeat
     * @return the live workers, this one included, with their capacities and how many accounts each holds
     */
    List<WorkerLoad> heartbeat(String worker, int capacity, Duration aliveFor);

    /**
     * Tells the fleet this worker has stopped (it no longer counts when the others share the accounts).
     *
     * @param worker the worker's name
     */
    void leave(String worker);

    /**
     * How many accounts the fleet has.
     *
     * @return the count
     */
    int accountCount();

    /**
     * How many syncs of an account failed in a row.
     *
     * @param account the account key
     * @return the count, 0 after a success
     */
    int failures(String account);

    /**
     * The sync state of a leased account. Reads see the committed state; every write checks, in its own
     * transaction, that the lease's fencing token is still the account's, and else throws
     * {@link LeaseLostException} and writes nothing.
     *
     * @param lease the lease held
     * @return the store (closing it releases nothing: the pool belongs to this database)
     */
    SyncStateStore stateStore(Lease lease);

    /**
     * The mirrored messages of a leased account, in this database so that every worker reaches them: content is
     * stored once per SHA-256 (a message in three folders, or in two accounts, takes its bytes once), in chunks,
     * so a message of any size is written and read in bounded memory. Every write is fenced as the state's are.
     *
     * @param lease the lease held
     * @return the store
     */
    MessageStore messageStore(Lease lease);

    /**
     * Deletes message content no mirrored message refers to any more (after deletions and expunges). Safe to run
     * while workers sync: a foreign key keeps referenced content, so a race with a worker storing the same content
     * at that moment fails one of the two (this call, or that worker's write, which its next sync repeats) and
     * loses nothing.
     *
     * @return how many distinct contents were deleted
     * @throws dev.mailkit.imap.SyncStateException if the database refused (run it again)
     */
    int deleteUnreferencedContent();

    /** Closes the connection pool. */
    @Override
    void close();

    /** Mutable, not thread-safe builder; {@link #build()} leaves it untouched. */
    final class Builder {
        private String jdbcUrl;
        private String user;
        private String password;
        private javax.sql.DataSource dataSource;
        private int maxConnections = 10;

        Builder() {
        }

        /**
         * The database, for example {@code jdbc:postgresql://db:5432/mailkit}.
         *
         * @param url the JDBC URL
         * @return this builder
         * @throws NullPointerException     if url is null
         * @throws IllegalArgumentException if it is not a PostgreSQL URL
         */
        public Builder jdbcUrl(String url) {
            Objects.requireNonNull(url, "url");
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("not a PostgreSQL JDBC URL (jdbc:postgresql://host/db): " + url);
            }
            this.jdbcUrl = url;
            return this;
        }

        /**
         * The database user and password.
         *
         * @param user     the user
         * @param password the password
         * @return this builder
         * @throws NullPointerException if either is null
         */
        public Builder credentials(String user, String password) {
            this.user = Objects.requireNonNull(user, "user");
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * An application's own pooled data source instead of a URL (the database then does not close it).
         *
         * @param dataSource the data source
         * @return this builder
         * @throws NullPointerException if dataSource is null
         */
        public Builder dataSource(javax.sql.DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * The pool's size (default 10).
         *
         * @param max the most connections open at once
         * @return this builder
         * @throws IllegalArgumentException if max is below 2
         */
        public Builder maxConnections(int max) {
            if (max < 2) {
                throw new IllegalArgumentException("maxConnections must be at least 2, got " + max);
            }
            this.maxConnections = max;
            return this;
        }

        /**
         * Opens the pool and migrates the schema to this version.
         *
         * @return the database
         * @throws IllegalStateException               if neither a URL nor a data source was set
         * @throws dev.mailkit.imap.SyncStateException if the database cannot be reached or migrated
         */
        public FleetDatabase build() {
            if (jdbcUrl == null && dataSource == null) {
                throw new IllegalStateException("set jdbcUrl(...) or dataSource(...)");
            }
            return new DefaultFleetDatabase(jdbcUrl, user, password, dataSource, maxConnections);
        }
    }
}
