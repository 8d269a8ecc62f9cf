package dev.mailkit.fleet;

import dev.mailkit.imap.SyncReport;

import java.time.Duration;

/**
 * What a {@link SyncFleet} did with each account, for reports and metrics. Called on the fleet's worker threads
 * (several at once, for different accounts); every method has an empty default and should return quickly. An
 * exception thrown here is logged and otherwise ignored.
 */
public interface FleetListener {

    /**
     * A sync of the account starts: the lease is held and the account's server is below its connection cap.
     *
     * @param lease the lease held
     */
    default void onStarted(Lease lease) {
    }

    /**
     * The account was synced and given back; it is due again after the fleet's interval. Called while the
     * account's connection permit is still held, so that syncs counted between {@link #onStarted} and this call
     * never exceed the cap.
     *
     * @param lease  the lease the sync ran under (released now)
     * @param report what changed
     */
    default void onSynced(Lease lease, SyncReport report) {
    }

    /**
     * The sync failed (login refused, connection lost, server or database error, or the credentials callback
     * failed); the account was given back with a backoff.
     *
     * @param lease    the lease the sync ran under (released now)
     * @param error    why
     * @param failures how many syncs of the account failed in a row, this one included
     * @param retryIn  when the account is due again
     */
    default void onFailed(Lease lease, RuntimeException error, int failures, Duration retryIn) {
    }

    /**
     * The fleet lost the account's lease while syncing it (a renewal or a write was refused: the lease expired
     * and another worker holds the account). Nothing was written after the loss; the other worker continues.
     *
     * @param lease the lost lease
     * @param error the refusal
     */
    default void onLeaseLost(Lease lease, LeaseLostException error) {
    }

    /**
     * The account's server was at its connection cap in this process: the account was given back, due again
     * after the fleet's poll interval, its failure count unchanged.
     *
     * @param lease the lease given back
     * @param host  the server's host
     */
    default void onPostponed(Lease lease, String host) {
    }

    /**
     * Watch mode: this process leased an account to watch it (its first sync follows).
     *
     * @param lease the lease
     */
    default void onLeased(Lease lease) {
    }

    /**
     * Watch mode: this process gave an account back to the fleet (its share shrank as another process joined, or
     * the fleet is closing); another process takes it.
     *
     * @param lease the lease given back
     */
    default void onGivenBack(Lease lease) {
    }
}
