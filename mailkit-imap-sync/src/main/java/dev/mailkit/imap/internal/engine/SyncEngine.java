package dev.mailkit.imap.internal.engine;

import static dev.mailkit.imap.internal.engine.SyncContext.quoted;

import dev.mailkit.core.MailSession;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.imap.FolderFilter;
import dev.mailkit.imap.FolderReport;
import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.MassDeletionException;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.imap.SyncStateException;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.spi.SyncStateStore;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.ListInfo;
import org.eclipse.angus.mail.imap.protocol.MailboxInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One account's mirror algorithm (RFC 4549 as updated by RFC 7162 §6), over a single IMAP connection.
 *
 * <p>Phase 1, folder by folder: examine with the saved state (QRESYNC where offered, else CONDSTORE,
 * else a UID/FLAGS diff), apply flag changes, and add new messages — adopting a file already written
 * for the UID before a crash, copying a local file that holds the same message (same Message-ID and
 * size) when another client moved or copied it, else downloading whole UID ranges in one command each.
 * State is committed after every chunk of files. Phase 2, after every folder: remove what the server
 * expunged, then save each folder's UIDNEXT and HIGHESTMODSEQ. A crash anywhere repeats, on the next
 * run, only work that is idempotent.
 */
public final class SyncEngine extends EnginePart {

    private static final Logger LOG = LoggerFactory.getLogger(SyncEngine.class);

    private final MailSession imap;
    private final Map<String, MessageStore.StoredFolder> openFolders;
    private final Set<String> scanned;
    private final MassDeletionGuard guard;
    private final FolderActions folderActions;
    private final InterruptedFlagPushes interruptedFlagPushes;
    private final Puller puller;

    /**
     * Creates the engine.
     *
     * @param imap     the IMAP session
     * @param provider the provider, or null (IMAP ID)
     * @param local    the local store
     * @param state    the sync state
     * @param filter   the folders to mirror
     * @param listener progress
     * @param options  tuning
     */
    public SyncEngine(MailSession imap, ProviderSettings provider, MessageStore local, SyncStateStore state,
                      FolderFilter filter, SyncListener listener, SyncOptions options) {
        super(new SyncContext(imap, provider, local, state, filter, listener, options));
        this.imap = imap;
        this.openFolders = ctx.openFolders;
        this.scanned = ctx.scanned;
        this.guard = new MassDeletionGuard(ctx);
        this.folderActions = new FolderActions(ctx, guard);
        this.interruptedFlagPushes = new InterruptedFlagPushes(ctx);
        this.puller = new Puller(ctx, guard);
    }

    private volatile IMAPStore connection;

    /**
     * Runs one sync.
     *
     * @return the report
     * @throws dev.mailkit.core.MailkitException typed connection, TLS and authentication failures
     * @throws SyncStateException                when the local store or state fails
     */
    public SyncReport syncOnce() {
        long start = System.nanoTime();
        refusedOnServer.clear();
        // Folders opened by an earlier sync keep their index unless something changed them since.
        openFolders.values().removeIf(MessageStore.StoredFolder::changedSinceMark);
        Set<String> unchangedLocally = new HashSet<>(openFolders.keySet());
        unchangedLocally.retainAll(scanned); // a folder the API opened first was never looked at for edits
        unchangedLocally.removeAll(rescanNext); // folders the last sync left work in are looked at again
        rescanNext.clear();
        IMAPStore store = connection();
        boolean completed = false;
        try {
            ImapCommands commands = new ImapCommands(store);
            SyncContext.Capabilities[] caps = new SyncContext.Capabilities[1];
            ListInfo[] listed = commands.run(p -> {
                caps[0] = ctx.prepare(p);
                return p.list("", "*");
            });
            List<FolderReport> reports = new ArrayList<>();
            if (options.twoWay() && folderActions.push(commands, listed, reports)) {
                listed = commands.run(p -> p.list("", "*"));
            }
            FolderActions.Selection selection = folderActions.select(listed, reports);
            List<ServerFolder> folders = selection.folders();
            state.folders().forEach(f -> separators.putIfAbsent(f.name(), f.separator()));
            List<FolderRun> runs = new ArrayList<>();
            folders.forEach(f -> runs.add(new FolderRun(f)));
            if (options.twoWay()) {
                push(commands, caps[0], runs, unchangedLocally);
            }
            int workers = Math.min(options.connections(), runs.size());
            if (workers <= 1) {
                for (FolderRun run : runs) {
                    phaseOne(commands, caps[0], run);
                }
            } else {
                inParallel(commands, caps[0], runs, workers);
            }
            // The kept connection leaves its folder, so the next sync may ask for that folder's STATUS too.
            commands.run(p -> {
                try {
                    ImapCommands.unselect(p);
                } catch (ProtocolException e) {
                    // the sync's work is done; the next sync examines that folder instead of asking its STATUS
                    LOG.debug("UNSELECT failed: {}", e.getMessage());
                }
                return null;
            });
            for (FolderRun run : runs) {
                long t0 = System.nanoTime();
                puller.finish(run);
                run.nanos += System.nanoTime() - t0;
                FolderReport r = run.report(options);
                LOG.debug("{}", r);
                listener.onFolderDone(r);
                reports.add(r);
            }
            Set<String> onServer = new HashSet<>(selection.shadowed());
            folders.forEach(f -> onServer.add(f.name()));
            for (FolderState gone : state.folders()) {
                if (!onServer.contains(gone.name()) && ctx.filter.accepts(gone.name())) {
                    FolderReport r = folderActions.removeGone(gone);
                    listener.onFolderDone(r);
                    reports.add(r);
                }
            }
            completed = true;
            SyncReport report = new SyncReport(reports, Duration.ofNanos(System.nanoTime() - start));
            if (!refusedOnServer.isEmpty()) {
                StringBuilder why = new StringBuilder();
                refusedOnServer.forEach((f, n) -> why.append("; ").append(quoted(f)).append(": ").append(n)
                        .append(" message(s)"));
                throw new MassDeletionException("nothing was deleted locally: the server no longer shows mail mirrored"
                        + " here, which looks like a lost or broken server mailbox, not an edit" + why
                        + ". The rest of the account was synced. If the server is right, sync once with"
                        + " allowMassDeletion() (CLI: --allow-mass-deletion)", refusedOnServer,
                        MassDeletionException.Side.SERVER, report);
            }
            return report;
        } catch (MessagingException e) {
            throw unwrap(e);
        } catch (UncheckedIOException e) {
            LOG.debug("local store failure", e.getCause());
            throw new SyncStateException("local store failure: " + e.getCause().getMessage(), e.getCause());
        } finally {
            if (!completed) {
                openFolders.clear();
                scanned.clear();
                closeConnection();
            }
        }
    }

    /** The connection kept open between syncs: checked with a NOOP, replaced when it went away. */
    private IMAPStore connection() {
        IMAPStore s = connection;
        if (s != null && s.isConnected()) {
            return s;
        }
        closeConnection();
        connection = (IMAPStore) imap.connectStore();
        LOG.debug("connected to {}", imap.endpoint());
        return connection;
    }

    private void closeConnection() {
        SyncContext.close(connection);
        connection = null;
    }

    /** Closes the connection kept between syncs. */
    public void close() {
        closeConnection();
    }

    /**
     * Completes a message stored headers-only: streams its whole body into the same local file.
     *
     * @param folder the server folder
     * @param uid    the message's UID
     * @return the updated record
     * @throws IllegalArgumentException if the mirror does not hold that message
     * @throws SyncStateException       if the folder's UIDVALIDITY changed since the last sync, or the store fails
     */
    public MessageRecord downloadFull(String folder, long uid) {
        MessageRecord r = state.message(folder, uid).orElseThrow(() -> new IllegalArgumentException(
                "the mirror holds no message with UID " + uid + " in folder '" + folder + "'"));
        if (!r.headersOnly()) {
            return r;
        }
        FolderState saved = state.folder(folder).orElseThrow();
        MessageStore.StoredFolder lf = local.folder(folder, saved.separator());
        IMAPStore store = (IMAPStore) imap.connectStore();
        try {
            new ImapCommands(store).run(p -> {
                ctx.prepare(p);
                MailboxInfo mi = ImapCommands.examine(p, folder, null);
                if (mi.uidvalidity != saved.uidValidity()) {
                    throw new SyncStateException("folder '" + folder + "' was recreated on the server (UIDVALIDITY "
                            + saved.uidValidity() + " -> " + mi.uidvalidity + "); run syncOnce() first", null);
                }
                try (MessageStore.MessageWriter w = lf.replace(r.localId())) {
                    ImapCommands.bodyInParts(p, uid, options.partBytes(), w.stream(), r.size());
                    w.commit(lf.storedFlags(r.localId()).orElse(r.flags()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return null;
            });
        } catch (MessagingException e) {
            throw unwrap(e);
        } catch (UncheckedIOException e) {
            throw new SyncStateException("local store failure: " + e.getCause().getMessage(), e.getCause());
        } finally {
            SyncContext.close(store);
        }
        state.update(folder, List.of(r.complete()), List.of());
        return r.complete();
    }

    /** Finds local changes, refuses what looks like a lost local store, and pushes the rest, folder by folder. */
    private void push(ImapCommands commands, SyncContext.Capabilities caps, List<FolderRun> runs, Set<String> unchangedLocally)
            throws MessagingException {
        List<FolderState> known = new ArrayList<>();
        Map<String, FolderRun> byName = new HashMap<>();
        for (FolderRun run : runs) {
            state.folder(run.folder.name()).ifPresent(known::add);
            byName.put(run.folder.name(), run);
        }
        for (FolderState f : known) {
            Map<Long, SyncStateStore.FlagsInFlight> inFlight = state.flagsInFlight(f.name());
            if (!inFlight.isEmpty()) {
                commands.run(p -> {
                    interruptedFlagPushes.settle(p, f, inFlight);
                    return null;
                });
                unchangedLocally.remove(f.name());
            }
        }
        Map<String, LocalScan.FolderFiles> scan;
        try {
            scan = new LocalScan(state, local, ctx::localFolder, options.maxUploadBytes()).run(known, unchangedLocally);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        scanned.addAll(scan.keySet());
        guard.refuseLostLocalStore(scan);
        String trash = options.deleteToTrash() ? FolderActions.trashFolder(known, provider) : null;
        Pusher pusher = new Pusher(state, ctx::localFolder, options.policy(), trash, options.partBytes(),
                options.maxUploadBytes(), listener);
        for (FolderState saved : known) {
            LocalScan.FolderFiles files = scan.get(saved.name());
            FolderRun run = byName.get(saved.name());
            if (files.unavailable) {
                continue; // its local folder cannot be opened: its local changes wait, the pull reports it
            }
            run.adoptable = files.adoptable;
            run.adoptableByContent = files.adoptableByContent;
            for (String note : files.notes) {
                run.notes.add(note);
                LOG.warn("{}: {}", quoted(saved.name()), note);
            }
            long t0 = System.nanoTime();
            Pusher.Result r;
            try {
                r = commands.run(p -> {
                    try {
                        return pusher.push(p, saved, files, caps.condstore());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (MessagingException e) {
                String refusal = SyncContext.refusal(e);
                if (refusal == null) {
                    throw e;
                }
                // One folder the server will not let us change: its local changes wait, the others go on.
                r = new Pusher.Result();
                r.notes.add("the server refused a command while pushing (" + refusal + "); the local changes wait"
                        + " for the next sync");
                LOG.warn("{}: {}", quoted(saved.name()), r.notes.get(0));
            }
            run.nanos += System.nanoTime() - t0;
            run.pushed += r.pushed;
            run.conflicts += r.conflicts;
            run.notes.addAll(r.notes);
            if (!files.uploads.isEmpty() || !files.adoptable.isEmpty() || !files.adoptableByContent.isEmpty() || r.conflicts > 0 || !r.notes.isEmpty()
                    || !files.notes.isEmpty()) {
                rescanNext.add(saved.name());
            }
        }
    }

    private void phaseOne(ImapCommands commands, SyncContext.Capabilities caps, FolderRun run) throws MessagingException {
        long t0 = System.nanoTime();
        try {
            commands.run(p -> {
                puller.syncFolder(p, run, caps.qresync(), caps.condstore());
                return null;
            });
        } catch (MessagingException e) {
            String refusal = SyncContext.refusal(e);
            if (refusal == null) {
                throw e;
            }
            // A folder the server refuses to open or read (NO, BAD): skipped this time, the rest of the
            // account syncs. What was stored before the refusal stays recorded; the state is not advanced.
            run.skip("the server refused a command (" + refusal + "); not synced this time");
        } finally {
            run.nanos += System.nanoTime() - t0;
        }
    }

    /**
     * Phase 1 of several folders on {@code workers} connections (the first is the one already open), each
     * taking the next folder when done. The first failure stops the others after their current folder
     * and is thrown; phase 2 then does not run, so nothing is removed and the next run resumes.
     */
    private void inParallel(ImapCommands first, SyncContext.Capabilities firstCaps, List<FolderRun> runs, int workers)
            throws MessagingException {
        Queue<FolderRun> queue = new ConcurrentLinkedQueue<>(runs);
        AtomicReference<Exception> failure = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(workers - 1, r -> {
            Thread t = new Thread(r, "mailkit-sync");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> others = new ArrayList<>();
            for (int i = 1; i < workers; i++) {
                others.add(pool.submit(() -> {
                    IMAPStore store = null;
                    try {
                        store = (IMAPStore) imap.connectStore();
                        ImapCommands commands = new ImapCommands(store);
                        drain(commands, commands.run(ctx::prepare), queue, failure);
                    } catch (RuntimeException | MessagingException e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        SyncContext.close(store);
                    }
                }));
            }
            try {
                drain(first, firstCaps, queue, failure);
            } catch (RuntimeException | MessagingException e) {
                failure.compareAndSet(null, e);
            }
            for (Future<?> f : others) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure.compareAndSet(null, new MessagingException("interrupted", e));
                } catch (ExecutionException e) {
                    failure.compareAndSet(null, e.getCause() instanceof Exception ex ? ex : e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        Exception e = failure.get();
        if (e instanceof MessagingException m) {
            throw m;
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e != null) {
            throw new MessagingException(e.toString(), e);
        }
    }

    private void drain(ImapCommands commands, SyncContext.Capabilities caps, Queue<FolderRun> queue, AtomicReference<Exception> failure)
            throws MessagingException {
        FolderRun run;
        while (failure.get() == null && (run = queue.poll()) != null) {
            phaseOne(commands, caps, run);
        }
    }

    /**
     * The engine's open instance of a local folder, also used by the local-change API so a folder's index
     * is built once, not per call.
     *
     * @param name      the server folder name
     * @param separator its hierarchy separator
     * @return the folder
     */
    public MessageStore.StoredFolder folder(String name, char separator) {
        return ctx.folder(name, separator);
    }

    private RuntimeException unwrap(MessagingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SyncStateException s) {
                return s;
            }
            if (t instanceof UncheckedIOException u) {
                return new SyncStateException("local store failure: " + u.getCause().getMessage(), u.getCause());
            }
        }
        return imap.translate(e);
    }

}
