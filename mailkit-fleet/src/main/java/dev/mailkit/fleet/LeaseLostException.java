package dev.mailkit.fleet;

import dev.mailkit.imap.SyncStateException;

/**
 * A worker wrote, or renewed, an account's lease it no longer holds: the lease expired and another worker took
 * the account (its fencing token is newer). Nothing was written. The worker must stop syncing the account.
 */
public class LeaseLostException extends SyncStateException {

    private static final long serialVersionUID = 1L;

    /** The account whose lease was lost. */
    private final String account;
    /** The token of the lost lease. */
    private final long fencingToken;

    /**
     * Creates the exception.
     *
     * @param account      the account
     * @param fencingToken the token of the lease that was lost
     */
    public LeaseLostException(String account, long fencingToken) {
        super("lease of account " + account + " (fencing token " + fencingToken
                + ") is lost: another worker holds the account now; nothing was written", null);
        this.account = account;
        this.fencingToken = fencingToken;
    }

    /**
     * The account.
     *
     * @return the account key
     */
    public String account() {
        return account;
    }

    /**
     * The token of the lost lease.
     *
     * @return the fencing token
     */
    public long fencingToken() {
        return fencingToken;
    }
}
