package dev.mailkit.fleet;

import java.time.Instant;
import java.util.Objects;

/**
 * One worker's right to sync one account until {@code expires} (by the database's clock). The fencing token is
 * larger than that of every earlier lease of any account; every state write made under the lease checks it in
 * the same transaction, so a worker whose lease was taken over can no longer write.
 *
 * @param account      the account key
 * @param worker       the worker holding it
 * @param fencingToken the token every write under this lease carries
 * @param expires      when the lease ends unless renewed
 */
public record Lease(String account, String worker, long fencingToken, Instant expires) {

    /**
     * Validates.
     *
     * @param account      the account key
     * @param worker       the worker holding it
     * @param fencingToken the token every write under this lease carries
     * @param expires      when the lease ends unless renewed
     * @throws NullPointerException if a component is null
     */
    public Lease {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(expires, "expires");
    }
}
