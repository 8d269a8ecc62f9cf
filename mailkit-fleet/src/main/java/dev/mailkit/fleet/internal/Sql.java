package dev.mailkit.fleet.internal;

import dev.mailkit.fleet.Lease;
import dev.mailkit.fleet.LeaseLostException;
import dev.mailkit.imap.SyncStateException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Transactions on a pooled data source. */
final class Sql {

    /** Work on a connection inside a transaction. */
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource pool;

    Sql(DataSource pool) {
        this.pool = pool;
    }

    /** Runs {@code work} in one transaction: all of it or, on any failure, none. */
    <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T out = work.run(c);
                c.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new SyncStateException("fleet database: cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs a write in one transaction under a lease's fence: the account row is locked {@code FOR SHARE} where the
     * lease's token is still the account's, else {@link LeaseLostException} and nothing written.
     */
    <T> T fenced(Lease lease, String what, Work<T> work) {
        return inTransaction(what + " of " + lease.account(), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM accounts WHERE account = ? AND fencing_token = ? FOR SHARE")) {
                ps.setString(1, lease.account());
                ps.setLong(2, lease.fencingToken());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new LeaseLostException(lease.account(), lease.fencingToken());
                    }
                }
            }
            return work.run(c);
        });
    }

    /** Runs {@code work} on a connection in auto-commit mode (single statements, reads). */
    <T> T read(String what, Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new SyncStateException("fleet database: cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /** The first column of a query's rows, as text, in the order returned. */
    static java.util.List<String> strings(Connection c, String query, String... params) throws SQLException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (java.sql.PreparedStatement ps = c.prepareStatement(query)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
