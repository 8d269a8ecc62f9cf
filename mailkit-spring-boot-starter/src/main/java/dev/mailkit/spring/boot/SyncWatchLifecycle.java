package dev.mailkit.spring.boot;

import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.imap.SyncWatch;
import dev.mailkit.micrometer.SyncMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.util.Objects;
import java.util.Optional;

/**
 * Runs {@link ImapSynchronizer#watch()} while the application runs: starts it once the context has started
 * (the last phase to start), and closes it at shutdown (the first phase to stop), off the shutdown thread:
 * closing ends IDLE and waits for a sync under way, for as long as
 * {@code spring.lifecycle.timeout-per-shutdown-phase} allows (30 seconds by default). A watch that stopped on
 * its own (see {@link SyncWatch#failure()}) is not started again; the health indicator reports it.
 */
public class SyncWatchLifecycle implements SmartLifecycle, SyncWatchStatus {

    private static final Logger LOG = LoggerFactory.getLogger(SyncWatchLifecycle.class);

    private final ImapSynchronizer synchronizer;
    private final SyncMetrics metrics;
    private volatile SyncWatch watch;
    private volatile boolean running;

    /**
     * A lifecycle for the watch of this synchronizer.
     *
     * @param synchronizer the synchronizer to watch with
     * @param metrics      the syncing meters to bind the watch to, or null
     */
    public SyncWatchLifecycle(ImapSynchronizer synchronizer, SyncMetrics metrics) {
        this.synchronizer = Objects.requireNonNull(synchronizer, "synchronizer");
        this.metrics = metrics;
    }

    /** Starts the watch: a sync now, then whenever the server or the Maildir changes. */
    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        SyncWatch w = synchronizer.watch();
        watch = w;
        running = true;
        if (metrics != null) {
            metrics.bindWatch(w);
        }
        LOG.info("mailbox watch started");
    }

    /** Closes the watch on this thread: ends IDLE and waits for a running sync. */
    @Override
    public void stop() {
        SyncWatch w;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            w = watch;
        }
        w.close();
        LOG.info("mailbox watch stopped");
    }

    /**
     * Closes the watch on a thread of its own and tells {@code callback} when it is closed, so the shutdown
     * waits for it only as long as its phase allows.
     *
     * @param callback called once the watch is closed
     */
    @Override
    public void stop(Runnable callback) {
        Thread t = new Thread(() -> {
            try {
                stop();
            } finally {
                callback.run();
            }
        }, "mailkit-watch-shutdown");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Whether the lifecycle started the watch and has not stopped it yet (the watch may have stopped on its
     * own meanwhile: see {@link #isWatching()}).
     *
     * @return true between {@link #start()} and {@link #stop()}
     */
    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public boolean isWatching() {
        SyncWatch w = watch;
        return running && w != null && w.isRunning();
    }

    @Override
    public Optional<RuntimeException> failure() {
        SyncWatch w = watch;
        return w == null ? Optional.empty() : w.failure();
    }

    /**
     * The watch, once started.
     *
     * @return the watch, or empty before {@link #start()}
     */
    public Optional<SyncWatch> watch() {
        return Optional.ofNullable(watch);
    }

    @Override
    public String toString() {
        return "SyncWatchLifecycle[running=" + running + "]";
    }
}
