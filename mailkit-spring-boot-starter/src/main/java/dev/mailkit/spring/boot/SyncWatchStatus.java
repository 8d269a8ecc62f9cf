package dev.mailkit.spring.boot;

import java.util.Optional;

/**
 * The state of the mailbox watch that runs with the application ({@code mailkit.sync.watch=true}), for the
 * health indicator: implemented by {@link SyncWatchLifecycle}.
 */
public interface SyncWatchStatus {

    /**
     * Whether the watch runs: started with the context, not stopped by a failure nor by the shutdown.
     *
     * @return true while it runs
     */
    boolean isWatching();

    /**
     * What stopped the watch on its own: its first sync failed, or a failure that retrying cannot fix (an
     * unknown host, a refused login or certificate).
     *
     * @return the failure, or empty while it runs, before it starts and after the shutdown
     */
    Optional<RuntimeException> failure();
}
