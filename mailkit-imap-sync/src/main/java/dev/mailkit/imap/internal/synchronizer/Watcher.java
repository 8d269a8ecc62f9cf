package dev.mailkit.imap.internal.synchronizer;

import dev.mailkit.core.MailSession;
import dev.mailkit.core.internal.Closing;
import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.imap.SyncWatch;
import dev.mailkit.imap.internal.idle.IdleSignals;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * {@link SyncWatch}: one IDLE connection per watched folder, each on its own thread, re-issued before
 * servers time it out, a sync asked for each change it reports (not for keep-alives); a scheduler that runs debounced syncs, a periodic sync for unwatched folders,
 * and a cheap poll of the Maildir directories' modification times for edits by other clients.
 */
public final class Watcher implements SyncWatch {

    private static final Logger LOG = LoggerFactory.getLogger(Watcher.class);
    private static final Duration DEBOUNCE = Duration.ofMillis(300);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final ImapSynchronizer sync;
    private final MailSession session;
    private final List<String> folders;
    private final Duration idleRefresh;
    private final Duration fullSyncEvery;
    private final Path maildir;
    private final SyncListener listener;
    private final ScheduledExecutorService scheduler;
    private final List<Thread> idlers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<Thread, IMAPFolder> idling = new HashMap<>();
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile boolean closed;
    private final boolean idleUsable;
    /** Whether a sync has completed since the watch started. */
    private volatile boolean synced;
    /** What stopped the watch: a failure retrying cannot fix, or a first sync that failed. */
    private volatile RuntimeException failure;
    private volatile Map<Path, FileTime> snapshot = Map.of();
    private Duration backoff = Duration.ofSeconds(1);

    Watcher(ImapSynchronizer sync, MailSession session, List<String> folders, Duration idleRefresh,
            Duration fullSyncEvery, boolean idleUsable, Path maildir, SyncListener listener) {
        this.sync = sync;
        this.session = session;
        this.folders = List.copyOf(folders);
        this.idleRefresh = idleRefresh;
        this.fullSyncEvery = fullSyncEvery;
        this.maildir = maildir;
        this.listener = listener;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mailkit-watch");
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // close() waits only for a running sync
        this.scheduler = executor;
        scheduler.execute(this::runSync);
        scheduler.scheduleWithFixedDelay(this::syncSoon, fullSyncEvery.toMillis(), fullSyncEvery.toMillis(),
                TimeUnit.MILLISECONDS);
        if (maildir != null) {
            scheduler.scheduleWithFixedDelay(this::pollMaildir, 1, 1, TimeUnit.SECONDS);
        }
        this.idleUsable = idleUsable;
    }

    /** IDLE starts once a first sync has worked: a wrong port or password is then told once, by that sync. */
    private void startIdle() {
        if (!idleUsable || closed) {
            return;
        }
        for (String folder : this.folders) {
            Thread t = new Thread(() -> idleLoop(folder), "mailkit-idle-" + folder);
            t.setDaemon(true);
            idlers.add(t);
            t.start();
        }
        scheduler.scheduleWithFixedDelay(this::refreshIdle, idleRefresh.toMillis(), idleRefresh.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean isRunning() {
        return !closed;
    }

    @Override
    public java.util.Optional<RuntimeException> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    /**
     * A failure another attempt cannot fix until something is changed: an unknown host or a server of another
     * protocol, a refused login (retrying a wrong password can lock the account), a refused certificate, a
     * configuration the provider does not take.
     */
    static boolean permanent(RuntimeException e) {
        return e instanceof dev.mailkit.core.AuthenticationException || e instanceof dev.mailkit.core.TlsException
                || e instanceof dev.mailkit.core.InvalidConfigurationException
                || e instanceof dev.mailkit.core.ConnectionException c && c.isPermanent();
    }

    /** Stops the watch for good after {@code e}; closing happens off the thread that saw it. */
    private void stop(RuntimeException e) {
        if (failure != null || closed) {
            return;
        }
        failure = e;
        LOG.warn("watch stopped: {}", e.toString());
        listener.onWatchStopped(e);
        Thread t = new Thread(this::close, "mailkit-watch-stop");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void syncSoon() {
        if (!closed && queued.compareAndSet(false, true)) {
            scheduler.schedule(this::runSync, DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void runSync() {
        queued.set(false);
        if (closed) {
            return;
        }
        try {
            Map<Path, FileTime> before = maildirTimes(); // taken first: an edit made during the sync triggers another
            SyncReport report = sync.syncOnce();
            snapshot = before;
            if (!synced) {
                synced = true;
                startIdle();
            }
            backoff = Duration.ofSeconds(1);
            listener.onSyncDone(report);
        } catch (RuntimeException e) {
            if (!synced || permanent(e)) {
                stop(e);
                return;
            }
            Duration wait = backoff;
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            LOG.warn("sync failed, retrying in {}: {}", wait, e.toString());
            listener.onWatchError(e, wait);
            if (!closed && queued.compareAndSet(false, true)) {
                scheduler.schedule(this::runSync, wait.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** IDLE on one folder; every notification asks for a sync; reconnects with backoff. */
    private void idleLoop(String name) {
        Duration wait = Duration.ofSeconds(1);
        while (!closed) {
            Store store = null;
            try {
                store = session.connectStore();
                IMAPFolder folder = (IMAPFolder) store.getFolder(name);
                folder.open(Folder.READ_ONLY);
                if (name.equals(folders.get(0)) && ((IMAPStore) store).hasCapability("NOTIFY")) {
                    notifyAll(folder);
                }
                // after a NOTIFY overflow the server tells no more: a sync, and a new connection to ask anew
                java.util.concurrent.atomic.AtomicBoolean overflowed = new java.util.concurrent.atomic.AtomicBoolean();
                IdleSignals.onChange(folder, () -> {
                    if (!closed) {
                        syncSoon();
                    }
                }, () -> overflowed.set(true));
                synchronized (idling) {
                    idling.put(Thread.currentThread(), folder);
                }
                // Whatever changed while no IDLE was listening (before the first one, or while the connection
                // was down) produced no notification: sync once now that one is listening.
                syncSoon();
                while (!closed && folder.isOpen() && !overflowed.get()) {
                    // no sync for the IDLE's end itself: a server's keep-alive ("* OK Still here") or the refresh
                    // ends it too; the changes asked for theirs as they came
                    folder.idle(true);
                    if (!overflowed.get()) {
                        // an IDLE that worked: the next failure starts the backoff anew (not merely a connection
                        // that worked: a server that ends every IDLE at once gets no login a second)
                        wait = Duration.ofSeconds(1);
                    }
                }
                if (overflowed.get() && !closed) {
                    // connect again to set NOTIFY anew, after the backoff: a server that overflows at once every
                    // time gets no login a second
                    sleep(wait);
                    wait = wait.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait.multipliedBy(2);
                }
            } catch (MessagingException | RuntimeException e) {
                if (closed) {
                    break;
                }
                RuntimeException typed = e instanceof RuntimeException r ? r : session.translate((MessagingException) e);
                if (permanent(typed)) {
                    stop(typed);
                    break;
                }
                listener.onWatchError(typed, wait);
                LOG.warn("IDLE on {} failed, reconnecting in {}: {}", name, wait, typed.toString());
                sleep(wait);
                wait = wait.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait.multipliedBy(2);
            } finally {
                synchronized (idling) {
                    idling.remove(Thread.currentThread());
                }
                closeQuietly(store);
            }
        }
    }

    /**
     * RFC 5465 NOTIFY: new, expunged and re-flagged messages in every folder of the account also end the
     * IDLE of this connection, so one connection watches the whole account. Refused: IDLE covers the
     * watched folders only, and the periodic sync the rest.
     */
    private void notifyAll(IMAPFolder folder) {
        try {
            IdleSignals.notifyEveryFolder(folder);
        } catch (MessagingException e) {
            LOG.debug("NOTIFY refused, watching {} only: {}", folder.getFullName(), e.toString());
        }
    }

    /** Ends each IDLE (any command on the folder does) so it is re-issued before the server's timeout. */
    private void refreshIdle() {
        List<IMAPFolder> folders;
        synchronized (idling) {
            folders = new ArrayList<>(idling.values());
        }
        for (IMAPFolder f : folders) {
            try {
                f.getMessageCount();
            } catch (MessagingException | RuntimeException e) {
                LOG.debug("IDLE refresh failed: {}", e.toString());
            }
        }
    }

    private void pollMaildir() {
        Map<Path, FileTime> now = maildirTimes();
        if (!now.equals(snapshot) && !snapshot.isEmpty()) {
            snapshot = now;
            syncSoon();
        }
    }

    /** Modification times of every cur/ and new/ directory: they change when a file is added, renamed or removed. */
    private Map<Path, FileTime> maildirTimes() {
        if (maildir == null) {
            return Map.of();
        }
        Map<Path, FileTime> out = new HashMap<>();
        try (Stream<Path> dirs = Files.list(maildir)) {
            List<Path> roots = new ArrayList<>(dirs.filter(d -> d.getFileName().toString().startsWith(".")
                    && Files.isDirectory(d)).toList());
            roots.add(maildir);
            for (Path root : roots) {
                for (String sub : new String[] {"cur", "new"}) {
                    Path d = root.resolve(sub);
                    if (Files.isDirectory(d)) {
                        out.put(d, Files.getLastModifiedTime(d));
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot poll {}: {}", maildir, e.toString());
        }
        return out;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Store store) {
        if (store != null) {
            Closing.quietly(store::close, LOG, "the IDLE connection");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<IMAPFolder> open;
        synchronized (idling) {
            open = new ArrayList<>(idling.values());
        }
        for (IMAPFolder f : open) {
            try {
                f.close(false); // ends IDLE (DONE) and the loop
            } catch (MessagingException | RuntimeException e) {
                LOG.debug("ending IDLE failed: {}", e.toString());
            }
        }
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(2, TimeUnit.MINUTES)) {
                scheduler.shutdownNow();
            }
            for (Thread t : idlers) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
