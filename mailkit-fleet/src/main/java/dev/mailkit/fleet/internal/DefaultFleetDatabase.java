package dev.mailkit.fleet.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mailkit.fleet.FleetDatabase;
import dev.mailkit.fleet.Lease;
import dev.mailkit.fleet.LeaseLostException;
import dev.mailkit.fleet.WorkerLoad;
import dev.mailkit.imap.SyncStateException;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.spi.SyncStateStore;
import org.flywaydb.core.Flyway;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link FleetDatabase} on a HikariCP pool, schema by Flyway; lease times by the database's clock. */
public final class DefaultFleetDatabase implements FleetDatabase {

    private final DataSource pool;
    private final HikariDataSource owned;
    private final Sql sql;

    /**
     * Opens the pool and migrates.
     *
     * @param jdbcUrl        the URL, or null when a data source is given
     * @param user           the user, or null
     * @param password       the password, or null
     * @param dataSource     the application's data source, or null
     * @param maxConnections the pool size
     */
    public DefaultFleetDatabase(String jdbcUrl, String user, String password, DataSource dataSource, int maxConnections) {
        if (dataSource != null) {
            pool = dataSource;
            owned = null;
        } else {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(jdbcUrl);
            if (user != null) {
                config.setUsername(user);
                config.setPassword(password);
            }
            config.setMaximumPoolSize(maxConnections);
            config.setPoolName("mailkit-fleet");
            config.setConnectionTimeout(30_000);
            try {
                owned = new HikariDataSource(config);
            } catch (RuntimeException e) {
                throw new SyncStateException("fleet database: cannot connect to " + jdbcUrl.replaceAll("password=[^&]*", "password=***")
                        + ": " + e.getMessage(), e);
            }
            pool = owned;
        }
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            close();
            throw new SyncStateException("fleet database: cannot migrate the schema: " + e.getMessage(), e);
        }
        sql = new Sql(pool);
    }

    @Override
    public void addAccount(String account) {
        Objects.requireNonNull(account, "account");
        sql.read("add account " + account, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (account) VALUES (?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, account);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public List<String> accounts() {
        return sql.read("list accounts", c -> Sql.strings(c, "SELECT account FROM accounts ORDER BY account"));
    }

    @Override
    public Optional<Lease> leaseNext(String worker, Duration duration) {
        return take(null, worker, duration, true);
    }

    @Override
    public Optional<Lease> leaseAny(String worker, Duration duration) {
        return take(null, worker, duration, false);
    }

    @Override
    public Optional<Lease> lease(String account, String worker, Duration duration) {
        return take(Objects.requireNonNull(account, "account"), worker, duration, false);
    }

    private Optional<Lease> take(String account, String worker, Duration duration, boolean dueOnly) {
        Objects.requireNonNull(worker, "worker");
        requirePositive(duration);
        return sql.inTransaction("lease an account", c -> {
            String chosen;
            try (PreparedStatement ps = c.prepareStatement("SELECT account FROM accounts"
                    + " WHERE (lease_expires IS NULL OR lease_expires < clock_timestamp())"
                    + (account == null ? (dueOnly ? " AND next_due <= clock_timestamp()" : "")
                            + " ORDER BY next_due, account LIMIT 1"
                            : " AND account = ?")
                    + " FOR UPDATE SKIP LOCKED")) {
                if (account != null) {
                    ps.setString(1, account);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Lease>empty();
                    }
                    chosen = rs.getString(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET holder = ?,"
                    + " fencing_token = nextval('fencing_tokens'),"
                    + " lease_expires = clock_timestamp() + ? * interval '1 millisecond'"
                    + " WHERE account = ? RETURNING fencing_token, lease_expires")) {
                ps.setString(1, worker);
                ps.setLong(2, duration.toMillis());
                ps.setString(3, chosen);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return Optional.of(new Lease(chosen, worker, rs.getLong(1), rs.getTimestamp(2).toInstant()));
                }
            }
        });
    }

    @Override
    public Lease renew(Lease lease, Duration duration) {
        requirePositive(duration);
        return sql.inTransaction("renew the lease of " + lease.account(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts"
                    + " SET lease_expires = clock_timestamp() + ? * interval '1 millisecond'"
                    + " WHERE account = ? AND fencing_token = ? AND holder IS NOT NULL RETURNING lease_expires")) {
                ps.setLong(1, duration.toMillis());
                ps.setString(2, lease.account());
                ps.setLong(3, lease.fencingToken());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new LeaseLostException(lease.account(), lease.fencingToken());
                    }
                    return new Lease(lease.account(), lease.worker(), lease.fencingToken(), rs.getTimestamp(1).toInstant());
                }
            }
        });
    }

    @Override
    public void release(Lease lease, Duration nextSyncIn, String error) {
        finish(lease, nextSyncIn, error, false);
    }

    @Override
    public void record(Lease lease, Duration nextSyncIn, String error) {
        finish(lease, nextSyncIn, error, true);
    }

    private void finish(Lease lease, Duration nextSyncIn, String error, boolean keep) {
        Objects.requireNonNull(nextSyncIn, "nextSyncIn");
        sql.inTransaction((keep ? "record a sync of " : "release the lease of ") + lease.account(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET "
                    + (keep ? "" : "holder = NULL, lease_expires = NULL, ")
                    + " next_due = clock_timestamp() + ? * interval '1 millisecond',"
                    + " failures = CASE WHEN ? THEN failures + 1 ELSE 0 END, last_error = ?"
                    + " WHERE account = ? AND fencing_token = ?")) {
                ps.setLong(1, nextSyncIn.toMillis());
                ps.setBoolean(2, error != null);
                ps.setString(3, error);
                ps.setString(4, lease.account());
                ps.setLong(5, lease.fencingToken());
                if (ps.executeUpdate() == 0) {
                    throw new LeaseLostException(lease.account(), lease.fencingToken());
                }
                return null;
            }
        });
    }

    @Override
    public Set<String> renewAll(Collection<Lease> leases, Duration duration) {
        requirePositive(duration);
        if (leases.isEmpty()) {
            return Set.of();
        }
        String[] accounts = new String[leases.size()];
        Long[] tokens = new Long[leases.size()];
        int i = 0;
        for (Lease l : leases) {
            accounts[i] = l.account();
            tokens[i++] = l.fencingToken();
        }
        return sql.inTransaction("renew " + accounts.length + " leases", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts a"
                    + " SET lease_expires = clock_timestamp() + ? * interval '1 millisecond'"
                    + " FROM unnest(?::text[], ?::bigint[]) AS held(account, token)"
                    + " WHERE a.account = held.account AND a.fencing_token = held.token AND a.holder IS NOT NULL"
                    + " RETURNING a.account")) {
                ps.setLong(1, duration.toMillis());
                ps.setArray(2, c.createArrayOf("text", accounts));
                ps.setArray(3, c.createArrayOf("bigint", tokens));
                Set<String> renewed = new HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        renewed.add(rs.getString(1));
                    }
                }
                return renewed;
            }
        });
    }

    @Override
    public List<WorkerLoad> heartbeat(String worker, int capacity, Duration aliveFor) {
        Objects.requireNonNull(worker, "worker");
        requirePositive(aliveFor);
        return sql.inTransaction("heartbeat of " + worker, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO workers (worker, capacity, alive_until)"
                    + " VALUES (?, ?, clock_timestamp() + ? * interval '1 millisecond')"
                    + " ON CONFLICT (worker) DO UPDATE SET capacity = EXCLUDED.capacity, alive_until = EXCLUDED.alive_until")) {
                ps.setString(1, worker);
                ps.setInt(2, capacity);
                ps.setLong(3, aliveFor.toMillis());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM workers WHERE alive_until < clock_timestamp() - interval '1 hour'")) {
                ps.executeUpdate();
            }
            List<WorkerLoad> out = new java.util.ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT w.worker, w.capacity, count(a.account)"
                    + " FROM workers w LEFT JOIN accounts a ON a.holder = w.worker AND a.lease_expires >= clock_timestamp()"
                    + " WHERE w.alive_until >= clock_timestamp() GROUP BY w.worker, w.capacity");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new WorkerLoad(rs.getString(1), rs.getInt(2), rs.getInt(3)));
                }
            }
            return out;
        });
    }

    @Override
    public void leave(String worker) {
        Objects.requireNonNull(worker, "worker");
        sql.read("remove worker " + worker, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM workers WHERE worker = ?")) {
                ps.setString(1, worker);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public int accountCount() {
        return sql.read("count accounts", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM accounts");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Override
    public void giveBack(Lease lease, Duration nextSyncIn) {
        Objects.requireNonNull(nextSyncIn, "nextSyncIn");
        sql.inTransaction("give back the lease of " + lease.account(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET holder = NULL, lease_expires = NULL,"
                    + " next_due = clock_timestamp() + ? * interval '1 millisecond'"
                    + " WHERE account = ? AND fencing_token = ?")) {
                ps.setLong(1, nextSyncIn.toMillis());
                ps.setString(2, lease.account());
                ps.setLong(3, lease.fencingToken());
                if (ps.executeUpdate() == 0) {
                    throw new LeaseLostException(lease.account(), lease.fencingToken());
                }
                return null;
            }
        });
    }

    @Override
    public int failures(String account) {
        return sql.read("read failures of " + account, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT failures FROM accounts WHERE account = ?")) {
                ps.setString(1, account);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
        });
    }

    @Override
    public SyncStateStore stateStore(Lease lease) {
        return new PostgresSyncStateStore(sql, Objects.requireNonNull(lease, "lease"));
    }

    @Override
    public MessageStore messageStore(Lease lease) {
        return new PostgresMessageStore(sql, Objects.requireNonNull(lease, "lease"));
    }

    @Override
    public int deleteUnreferencedContent() {
        return sql.read("delete unreferenced content", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM blobs b"
                    + " WHERE NOT EXISTS (SELECT 1 FROM local_messages m WHERE m.sha256 = b.sha256)")) {
                return ps.executeUpdate();
            }
        });
    }

    /**
     * The pool, for the other stores of this package.
     *
     * @return the data source
     */
    public DataSource pool() {
        return pool;
    }

    private static void requirePositive(Duration d) {
        Objects.requireNonNull(d, "duration");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("lease duration must be positive, got " + d);
        }
    }

    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        }
    }
}
