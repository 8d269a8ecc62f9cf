package dev.mailkit.imap.internal.engine;

import dev.mailkit.core.MailSession;
import dev.mailkit.core.ProviderSettings;
import dev.mailkit.core.FolderRole;
import dev.mailkit.imap.ConflictPolicy;
import dev.mailkit.imap.FolderAction;
import dev.mailkit.imap.FolderFilter;
import dev.mailkit.imap.LocalChange;
import dev.mailkit.imap.MassDeletionException;
import dev.mailkit.imap.FolderReport;
import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.LocalStore;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.imap.SyncStateException;
import dev.mailkit.imap.SyncStateStore;
import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.ResyncData;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.ListInfo;
import org.eclipse.angus.mail.imap.protocol.MailboxInfo;
import org.eclipse.angus.mail.imap.protocol.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

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
public final class SyncEngine {

    private static final Logger LOG = LoggerFactory.getLogger(SyncEngine.class);
    private static final int METADATA_WINDOW = 2000;
    private static final int MAX_MESSAGES_PER_FETCH = 500;

    /**
     * Tuning and partial-sync options.
     *
     * @param chunkBytes        bytes of bodies per FETCH command
     * @param largeMessageBytes messages above this are streamed in parts
     * @param partBytes         the part size for large messages
     * @param connections       connections for folders synced in parallel (1: one folder at a time)
     * @param since             messages with an earlier INTERNALDATE are not mirrored, or null for all
     * @param headersOnlyAbove  messages above this size get only their header, or 0 for whole messages
     * @param twoWay            push local changes before pulling (false: mirror only)
     * @param policy            who wins a conflict
     * @param deleteToTrash     local deletes move the message to the server's Trash (else \Deleted + UID EXPUNGE)
     * @param massDeletionShare the share of a folder that may be deleted on the server in one sync
     * @param allowMassDeletion push deletions even above the share, or of a missing local folder
     */
    public record Options(long chunkBytes, long largeMessageBytes, int partBytes, int connections, Instant since,
                          long headersOnlyAbove, boolean twoWay, ConflictPolicy policy, boolean deleteToTrash,
                          double massDeletionShare, boolean allowMassDeletion) {
        /** 4 MB per body FETCH, messages above 8 MB streamed in 1 MB parts, one connection, everything, two-way. */
        public static final Options DEFAULTS = new Options(4L << 20, 8L << 20, 1 << 20, 1, null, 0, true,
                ConflictPolicy.SERVER_WINS, true, 0.5, false);
    }

    /** Deleting fewer messages than this from a folder never trips the mass-deletion guard. */
    static final int MASS_DELETION_MINIMUM = 5;

    private final MailSession imap;
    private final ProviderSettings provider;
    private final LocalStore local;
    private final SyncStateStore state;
    private final FolderFilter filter;
    private final SyncListener listener;
    private final Options options;

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
    public SyncEngine(MailSession imap, ProviderSettings provider, LocalStore local, SyncStateStore state,
                      FolderFilter filter, SyncListener listener, Options options) {
        this.imap = imap;
        this.provider = provider;
        this.local = local;
        this.state = state;
        this.filter = filter;
        this.listener = listener;
        this.options = options;
    }

    private record ServerFolder(String name, char separator, String specialUse) {
    }

    /** Per-folder work carried from phase 1 to phase 2. */
    private final class FolderRun {
        final ServerFolder folder;
        final long start = System.nanoTime();
        final List<String> notes = new ArrayList<>();
        LocalStore.LocalFolder localFolder;
        String method;
        int added;
        int copied;
        int changed;
        int removed;
        int skippedOld;
        int pushed;
        int conflicts;
        Map<String, String> adoptable = new HashMap<>();
        int headersOnly;
        long bytes;
        long uidValidity;
        long uidNext;
        long highestModSeq;
        final List<MessageRecord> toRemove = new ArrayList<>();

        FolderRun(ServerFolder folder) {
            this.folder = folder;
        }

        FolderReport report() {
            if (skippedOld > 0) {
                notes.add(skippedOld + " message(s) older than " + options.since() + " not mirrored");
            }
            if (headersOnly > 0) {
                notes.add(headersOnly + " message(s) above " + options.headersOnlyAbove() + " bytes stored headers-only");
            }
            return new FolderReport(folder.name(), method, added, copied, changed, removed, pushed, conflicts, bytes,
                    Duration.ofNanos(System.nanoTime() - start), notes);
        }
    }

    private final Map<String, LocalStore.LocalFolder> openFolders = new ConcurrentHashMap<>();
    /** Folders whose last push left something for a later sync (uploads, adoptions, conflicts, refusals). */
    private final Set<String> rescanNext = ConcurrentHashMap.newKeySet();
    private volatile IMAPStore connection;
    private final Map<String, Character> separators = new ConcurrentHashMap<>();

    /** What the server offers on a connection, after ENABLE. */
    private record Capabilities(boolean qresync, boolean condstore) {
    }

    /** Enables what the engine uses on a fresh connection: QRESYNC, UTF8=ACCEPT, and IMAP ID where the provider needs it. */
    private Capabilities prepare(IMAPProtocol p) throws ProtocolException {
        boolean qresync = p.hasCapability("QRESYNC");
        if (qresync && !p.isEnabled("QRESYNC")) {
            p.enable("QRESYNC");
        }
        if (p.hasCapability("UTF8=ACCEPT") && !p.isEnabled("UTF8=ACCEPT")) {
            p.enable("UTF8=ACCEPT"); // folder names then travel as UTF-8 instead of modified UTF-7
        }
        if (provider != null && provider.imapIdRequired() && p.hasCapability("ID")) {
            p.id(Map.of("name", "mailkit", "vendor", "mailkit"));
        }
        return new Capabilities(qresync, qresync || p.hasCapability("CONDSTORE"));
    }

    /**
     * Runs one sync.
     *
     * @return the report
     * @throws dev.mailkit.core.MailkitException typed connection, TLS and authentication failures
     * @throws SyncStateException                when the local store or state fails
     */
    public SyncReport syncOnce() {
        long start = System.nanoTime();
        // Folders opened by an earlier sync keep their index unless something changed them since.
        openFolders.values().removeIf(LocalStore.LocalFolder::changedSinceMark);
        Set<String> unchangedLocally = new HashSet<>(openFolders.keySet());
        unchangedLocally.removeAll(rescanNext); // folders the last sync left work in are looked at again
        rescanNext.clear();
        IMAPStore store = connection();
        boolean completed = false;
        try {
            ImapCommands commands = new ImapCommands(store);
            Capabilities[] caps = new Capabilities[1];
            ListInfo[] listed = commands.run(p -> {
                caps[0] = prepare(p);
                return p.list("", "*");
            });
            List<FolderReport> folderActions = new ArrayList<>();
            if (options.twoWay() && pushFolderActions(commands, listed, folderActions)) {
                listed = commands.run(p -> p.list("", "*"));
            }
            ListInfo[] list = listed;
            List<ServerFolder> folders = new ArrayList<>();
            for (ListInfo li : list == null ? new ListInfo[0] : list) {
                if (li.canOpen && !hasAttribute(li, "\\NonExistent") && filter.accepts(li.name)) {
                    if (!local.canStore(li.name, li.separator)) {
                        // A name the local store cannot hold safely (for Maildir: an empty component, which
                        // would make the directory "." or ".."): never let a server name leave the store.
                        LOG.warn("not mirroring server folder {}: its name cannot be stored safely here", quoted(li.name));
                        folderActions.add(new FolderReport(li.name, "SKIPPED", 0, 0, 0, 0, 0, 0, 0, Duration.ZERO,
                                List.of("not mirrored: the local store cannot hold a folder of this name safely")));
                        continue;
                    }
                    folders.add(new ServerFolder(li.name, li.separator, specialUse(li.attrs)));
                    separators.put(li.name, li.separator);
                }
            }
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
            List<FolderReport> reports = new ArrayList<>(folderActions);
            for (FolderRun run : runs) {
                finish(run);
                FolderReport r = run.report();
                LOG.debug("{}", r);
                listener.onFolderDone(r);
                reports.add(r);
            }
            Set<String> onServer = new HashSet<>();
            folders.forEach(f -> onServer.add(f.name()));
            for (FolderState gone : state.folders()) {
                if (!onServer.contains(gone.name()) && filter.accepts(gone.name())) {
                    FolderReport r = removeGoneFolder(gone);
                    listener.onFolderDone(r);
                    reports.add(r);
                }
            }
            completed = true;
            return new SyncReport(reports, Duration.ofNanos(System.nanoTime() - start));
        } catch (MessagingException e) {
            throw unwrap(e);
        } catch (UncheckedIOException e) {
            throw new SyncStateException("local store failure: " + e.getCause().getMessage(), e.getCause());
        } finally {
            if (!completed) {
                openFolders.clear();
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
        close(connection);
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
        LocalStore.LocalFolder lf = local.folder(folder, saved.separator());
        IMAPStore store = (IMAPStore) imap.connectStore();
        try {
            new ImapCommands(store).run(p -> {
                prepare(p);
                MailboxInfo mi = ImapCommands.examine(p, folder, null);
                if (mi.uidvalidity != saved.uidValidity()) {
                    throw new SyncStateException("folder '" + folder + "' was recreated on the server (UIDVALIDITY "
                            + saved.uidValidity() + " -> " + mi.uidvalidity + "); run syncOnce() first", null);
                }
                try (LocalStore.MessageWriter w = lf.replace(r.localId())) {
                    ImapCommands.bodyInParts(p, uid, options.partBytes(), w.stream());
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
            close(store);
        }
        state.update(folder, List.of(r.complete()), List.of());
        return r.complete();
    }

    /**
     * The account's hierarchy separator as the state knows it ('/' before the first sync).
     *
     * @param state the state
     * @return the separator
     */
    public static char separator(SyncStateStore state) {
        for (FolderState f : state.folders()) {
            if (f.separator() != 0) {
                return f.separator();
            }
        }
        return '/';
    }

    /**
     * Applies a queued folder action to the state and the local store, idempotently: done at once by the
     * API, and again before pushing it (a crash in between leaves nothing half renamed).
     *
     * @param state the state
     * @param local the local store
     * @param a     the action
     */
    public static void completeLocally(SyncStateStore state, LocalStore local, FolderAction a) {
        char sep = separator(state);
        switch (a.kind()) {
            case CREATE -> local.folder(a.name(), sep);
            case RENAME -> {
                if (state.folder(a.name()).isPresent() && state.folder(a.newName()).isEmpty()) {
                    state.renameFolder(a.name(), a.newName(), sep);
                }
                if (local.exists(a.name(), sep) && !local.exists(a.newName(), sep)) {
                    local.renameFolder(a.name(), a.newName(), sep);
                }
            }
            case DELETE -> {
                if (local.exists(a.name(), sep)) {
                    local.deleteFolder(a.name(), sep);
                }
            }
        }
    }

    /**
     * Pushes queued folder actions, then creates on the server the folders other Maildir clients made.
     *
     * @return whether the server's folder list may have changed
     */
    private boolean pushFolderActions(ImapCommands commands, ListInfo[] listed, List<FolderReport> reports)
            throws MessagingException {
        Set<String> onServer = new HashSet<>();
        char sep = separator(state);
        for (ListInfo li : listed == null ? new ListInfo[0] : listed) {
            onServer.add(li.name);
            if (li.separator != 0) {
                sep = li.separator;
            }
        }
        boolean changed = false;
        for (FolderAction a : state.folderActions()) {
            completeLocally(state, local, a);
            List<String> notes = new ArrayList<>();
            commands.run(p -> {
                applyFolderAction(p, a, onServer, notes);
                return null;
            });
            onServer.add(a.kind() == FolderAction.Kind.RENAME ? a.newName() : a.name()); // not created again below
            state.removeFolderAction(a.id());
            reports.add(new FolderReport(a.name(), a.kind().name(), 0, 0, 0, 0, 1, 0, 0, Duration.ZERO, notes));
            changed = true;
        }
        for (String name : local.folderNames(sep)) {
            if (!onServer.contains(name) && state.folder(name).isEmpty() && filter.accepts(name)
                    && !name.equalsIgnoreCase("INBOX")) {
                String outcome = commands.run(p -> {
                    try {
                        p.create(name);
                    } catch (CommandFailedException e) {
                        return "a Maildir client made the folder locally, but the server refused to create it: "
                                + e.getMessage();
                    }
                    subscribe(p, name);
                    return "created on the server: a Maildir client made the folder locally";
                });
                reports.add(new FolderReport(name, "CREATE", 0, 0, 0, 0, 1, 0, 0, Duration.ZERO, List.of(outcome)));
                changed = true;
            }
        }
        return changed;
    }

    private static void subscribe(IMAPProtocol p, String name) {
        try {
            p.subscribe(name);
        } catch (ProtocolException e) {
            LOG.debug("SUBSCRIBE {} refused: {}", name, e.toString());
        }
    }

    private void applyFolderAction(IMAPProtocol p, FolderAction a, Set<String> onServer, List<String> notes)
            throws ProtocolException {
        switch (a.kind()) {
            case CREATE -> {
                if (!onServer.contains(a.name())) {
                    try {
                        p.create(a.name());
                    } catch (CommandFailedException e) {
                        notes.add("the server refused to create it: " + e.getMessage());
                        return;
                    }
                }
                subscribe(p, a.name());
            }
            case RENAME -> {
                if (onServer.contains(a.name())) {
                    try {
                        p.rename(a.name(), a.newName());
                        subscribe(p, a.newName());
                    } catch (CommandFailedException e) {
                        char sep = separator(state);
                        state.renameFolder(a.newName(), a.name(), sep);
                        local.renameFolder(a.newName(), a.name(), sep);
                        notes.add("the server refused to rename it to '" + a.newName() + "' (" + e.getMessage()
                                + "); renamed back locally");
                    }
                } else if (!onServer.contains(a.newName())) {
                    notes.add("it is gone from the server; '" + a.newName() + "' follows the server");
                }
            }
            case DELETE -> {
                Optional<FolderState> saved = state.folder(a.name());
                if (onServer.contains(a.name()) && saved.isPresent()) {
                    Status st = p.status(a.name(), new String[] {"UIDNEXT", "UIDVALIDITY"});
                    if (st.uidvalidity != saved.get().uidValidity() || st.uidnext > saved.get().uidNext()) {
                        notes.add("it received mail since the last sync: kept on the server and mirrored again");
                    } else {
                        try {
                            p.delete(a.name());
                        } catch (CommandFailedException e) {
                            notes.add("the server refused to delete it (" + e.getMessage() + "); mirrored again");
                        }
                    }
                }
                state.deleteFolder(a.name());
            }
        }
    }

    /** Finds local changes, refuses what looks like a lost local store, and pushes the rest, folder by folder. */
    private void push(ImapCommands commands, Capabilities caps, List<FolderRun> runs, Set<String> unchangedLocally)
            throws MessagingException {
        List<FolderState> known = new ArrayList<>();
        Map<String, FolderRun> byName = new HashMap<>();
        for (FolderRun run : runs) {
            state.folder(run.folder.name()).ifPresent(known::add);
            byName.put(run.folder.name(), run);
        }
        Map<String, LocalScan.FolderFiles> scan;
        try {
            scan = new LocalScan(state, local, this::localFolder).run(known, unchangedLocally);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        guardMassDeletion(scan);
        String trash = options.deleteToTrash() ? trashFolder(known, provider) : null;
        Pusher pusher = new Pusher(state, this::localFolder, options.policy(), trash, options.partBytes(), listener);
        for (FolderState saved : known) {
            LocalScan.FolderFiles files = scan.get(saved.name());
            FolderRun run = byName.get(saved.name());
            run.adoptable = files.adoptable;
            Pusher.Result r = commands.run(p -> {
                try {
                    return pusher.push(p, saved, files, caps.condstore());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            run.pushed += r.pushed;
            run.conflicts += r.conflicts;
            run.notes.addAll(r.notes);
            if (!files.uploads.isEmpty() || !files.adoptable.isEmpty() || r.conflicts > 0 || !r.notes.isEmpty()) {
                rescanNext.add(saved.name());
            }
        }
    }

    /**
     * The mirrored Trash folder: by SPECIAL-USE, else by the provider's folder name, else none.
     *
     * @param folders  the mirrored folders
     * @param provider the provider, or null
     * @return its name, or null
     */
    public static String trashFolder(List<FolderState> folders, ProviderSettings provider) {
        for (FolderState f : folders) {
            if (f.specialUse().equalsIgnoreCase("\\Trash")) {
                return f.name();
            }
        }
        Optional<String> named = provider == null ? Optional.empty() : provider.specialFolder(FolderRole.TRASH);
        return named.filter(n -> folders.stream().anyMatch(f -> f.name().equals(n))).orElse(null);
    }

    private void guardMassDeletion(Map<String, LocalScan.FolderFiles> scan) {
        Map<String, Integer> refused = new LinkedHashMap<>();
        StringBuilder why = new StringBuilder();
        for (Map.Entry<String, LocalScan.FolderFiles> e : scan.entrySet()) {
            LocalScan.FolderFiles f = e.getValue();
            if (f.missing && f.known > 0) {
                refused.put(e.getKey(), f.known);
                why.append("; local folder '").append(e.getKey()).append("' is missing (").append(f.known)
                        .append(" messages)");
            } else if (f.deleted >= 2 && f.deleted == f.known
                    || f.deleted >= MASS_DELETION_MINIMUM && f.deleted > options.massDeletionShare() * f.known) {
                refused.put(e.getKey(), f.deleted);
                why.append("; '").append(e.getKey()).append("' would lose ").append(f.deleted).append(" of ")
                        .append(f.known).append(" messages");
            }
        }
        if (refused.isEmpty()) {
            return;
        }
        if (!options.allowMassDeletion()) {
            throw new MassDeletionException("nothing was changed on the server: the local store looks lost, not edited"
                    + why + ". If these deletions are wanted, sync once with allowMassDeletion(); to download a"
                    + " folder again instead, forget it with state().deleteFolder(name)", refused);
        }
        for (Map.Entry<String, LocalScan.FolderFiles> e : scan.entrySet()) {
            if (e.getValue().missing) {
                for (MessageRecord r : state.messages(e.getKey())) {
                    state.saveLocalChange(new LocalChange(e.getKey(), r.uid(), null, LocalChange.Kind.DELETED, null));
                }
            }
        }
    }

    private void phaseOne(ImapCommands commands, Capabilities caps, FolderRun run) throws MessagingException {
        listener.onFolderStart(run.folder.name(), -1);
        commands.run(p -> {
            syncFolder(p, run, caps.qresync(), caps.condstore());
            return null;
        });
    }

    /**
     * Phase 1 of several folders on {@code workers} connections (the first is the one already open), each
     * taking the next folder when done. The first failure stops the others after their current folder
     * and is thrown; phase 2 then does not run, so nothing is removed and the next run resumes.
     */
    private void inParallel(ImapCommands first, Capabilities firstCaps, List<FolderRun> runs, int workers)
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
                        drain(commands, commands.run(this::prepare), queue, failure);
                    } catch (RuntimeException | MessagingException e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        close(store);
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

    private void drain(ImapCommands commands, Capabilities caps, Queue<FolderRun> queue, AtomicReference<Exception> failure)
            throws MessagingException {
        FolderRun run;
        while (failure.get() == null && (run = queue.poll()) != null) {
            phaseOne(commands, caps, run);
        }
    }

    private static void close(IMAPStore store) {
        if (store != null) {
            try {
                store.close();
            } catch (MessagingException e) {
                LOG.debug("closing the IMAP connection failed: {}", e.toString());
            }
        }
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

    /** Carries a local I/O failure out of a protocol action. */
    private static final class UncheckedIOException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncheckedIOException(IOException cause) {
            super(cause);
        }
    }

    /** A server-supplied name for a log line: quoted, control characters escaped. */
    private static String quoted(String name) {
        StringBuilder b = new StringBuilder("'");
        for (char c : name.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.append('\'').toString();
    }

    private static boolean hasAttribute(ListInfo li, String attribute) {
        for (String a : li.attrs == null ? new String[0] : li.attrs) {
            if (a.equalsIgnoreCase(attribute)) {
                return true;
            }
        }
        return false;
    }

    private static String specialUse(String[] attrs) {
        if (attrs != null) {
            for (String a : attrs) {
                switch (a.toLowerCase(Locale.ROOT)) {
                    case "\\sent", "\\drafts", "\\trash", "\\junk", "\\archive", "\\all", "\\flagged" -> {
                        return a;
                    }
                    default -> { }
                }
            }
        }
        return "";
    }

    /**
     * The engine's open instance of a local folder, also used by the local-change API so a folder's index
     * is built once, not per call.
     *
     * @param name      the server folder name
     * @param separator its hierarchy separator
     * @return the folder
     */
    public LocalStore.LocalFolder folder(String name, char separator) {
        LocalStore.LocalFolder open = openFolders.get(name);
        if (open != null && open.changedSinceMark()) {
            // Another program changed the folder: read it again for the caller, and have the next sync still
            // look for what that program did (the fresh instance's mark would otherwise hide it).
            rescanNext.add(name);
            openFolders.remove(name, open);
        }
        return openFolders.computeIfAbsent(name, n -> local.folder(n, separator));
    }

    private LocalStore.LocalFolder localFolder(String name) {
        return openFolders.computeIfAbsent(name, n -> local.folder(n, separators.getOrDefault(n, '/')));
    }

    private void syncFolder(IMAPProtocol p, FolderRun run, boolean qresync, boolean condstore) throws ProtocolException {
        String name = run.folder.name();
        run.localFolder = localFolder(name);
        Optional<FolderState> saved = state.folder(name);
        if (condstore && saved.isPresent() && saved.get().highestModSeq() > 0 && !ImapCommands.mayBeSelected(p, name)) {
            // STATUS first: an unchanged folder costs one small round trip, whatever its size (an EXAMINE
            // with QRESYNC makes the server look through the whole folder for changes).
            Status st = ImapCommands.status(p, name);
            if (st.uidvalidity == saved.get().uidValidity() && st.uidnext == saved.get().uidNext()
                    && st.highestmodseq == saved.get().highestModSeq()) {
                run.method = "UNCHANGED";
                run.uidValidity = st.uidvalidity;
                run.uidNext = st.uidnext;
                run.highestModSeq = st.highestmodseq;
                return;
            }
        }
        boolean useQresync = qresync && saved.isPresent() && saved.get().highestModSeq() > 0;
        MailboxInfo mi = ImapCommands.examine(p, name, useQresync
                ? new ResyncData(saved.get().uidValidity(), saved.get().highestModSeq())
                : condstore ? ResyncData.CONDSTORE : null);
        run.uidValidity = mi.uidvalidity;
        run.highestModSeq = Math.max(0, mi.highestmodseq);
        run.uidNext = mi.uidnext;
        long fromUid = 1;
        try {
            if (saved.isEmpty()) {
                run.method = "INITIAL";
                state.saveFolder(new FolderState(name, run.folder.separator(), mi.uidvalidity, 1, 0,
                        run.folder.specialUse()));
            } else if (saved.get().uidValidity() != mi.uidvalidity) {
                run.method = "UIDVALIDITY";
                recoverUidValidity(p, run, saved.get());
                fromUid = Long.MAX_VALUE; // everything was handled by the recovery
            } else {
                fromUid = saved.get().uidNext();
                boolean unchanged = condstore && saved.get().highestModSeq() > 0
                        && mi.highestmodseq == saved.get().highestModSeq() && mi.uidnext == saved.get().uidNext();
                if (unchanged) {
                    run.method = "UNCHANGED";
                } else {
                    applyChanges(p, run, saved.get(), mi, useQresync, condstore);
                }
            }
            if (fromUid != Long.MAX_VALUE && (mi.uidnext <= 0 || mi.uidnext > fromUid)) {
                addNew(p, run, fromUid, mi.uidnext);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void applyChanges(IMAPProtocol p, FolderRun run, FolderState saved, MailboxInfo mi, boolean qresync,
                              boolean condstore) throws ProtocolException, IOException {
        String name = run.folder.name();
        // Only messages below the saved UIDNEXT are settled; records above it come from an interrupted run
        // and are re-checked by addNew, which sees exactly which of those UIDs still exist.
        Map<Long, MessageRecord> known = new LinkedHashMap<>();
        long maxKnown = saved.uidNext() - 1;
        Set<Long> gone = new HashSet<>();
        Map<Long, MessageFlags> flags;
        if (qresync) {
            // Only the messages the server names are read from the state: the cost follows the changes,
            // not the folder size.
            run.method = "QRESYNC";
            flags = ImapCommands.fetchedFlags(mi.responses == null ? List.of() : mi.responses);
            gone.addAll(ImapCommands.vanished(mi.responses == null ? List.of() : mi.responses));
            Set<Long> named = new HashSet<>(flags.keySet());
            named.addAll(gone);
            for (long uid : named) {
                if (uid < saved.uidNext()) {
                    state.message(name, uid).ifPresent(r -> known.put(r.uid(), r));
                }
            }
        } else {
            for (MessageRecord r : state.messages(name)) {
                if (r.uid() < saved.uidNext()) {
                    known.put(r.uid(), r);
                }
            }
            if (condstore && saved.highestModSeq() > 0) {
                run.method = "CONDSTORE";
                flags = maxKnown < 1 ? Map.of() : ImapCommands.flags(p, "1:" + maxKnown, saved.highestModSeq());
                if (maxKnown >= 1 && !known.isEmpty()) {
                    Set<Long> exist = ImapCommands.existingUids(p, "1:" + maxKnown);
                    known.keySet().stream().filter(u -> !exist.contains(u)).forEach(gone::add);
                }
            } else {
                run.method = "FULL";
                Map<Long, MessageFlags> all = maxKnown < 1 || mi.total == 0 ? Map.of() : ImapCommands.flags(p, "1:" + maxKnown, 0);
                known.keySet().stream().filter(u -> !all.containsKey(u)).forEach(gone::add);
                flags = all;
            }
        }
        List<MessageRecord> updates = new ArrayList<>();
        for (Map.Entry<Long, MessageFlags> e : flags.entrySet()) {
            MessageRecord r = known.get(e.getKey());
            if (r != null && !gone.contains(r.uid()) && !r.flags().equals(e.getValue())) {
                run.localFolder.setFlags(r.localId(), e.getValue());
                updates.add(r.withFlags(e.getValue()));
                run.changed++;
            }
        }
        state.update(name, updates, List.of());
        for (long uid : gone) {
            MessageRecord r = known.get(uid);
            if (r != null) {
                run.toRemove.add(r);
            }
        }
    }

    private void addNew(IMAPProtocol p, FolderRun run, long fromUid, long uidNext) throws ProtocolException, IOException {
        List<String> windows = new ArrayList<>();
        if (uidNext > 0) {
            for (long a = fromUid; a < uidNext; a += METADATA_WINDOW) {
                windows.add(a + ":" + Math.min(a + METADATA_WINDOW - 1, uidNext - 1));
            }
        } else {
            windows.add(fromUid + ":*");
        }
        long maxUid = fromUid - 1;
        // Records at or above fromUid were stored by an interrupted run; those the server no longer has go.
        Map<Long, MessageRecord> interrupted = new HashMap<>();
        for (MessageRecord r : state.messagesFrom(run.folder.name(), fromUid)) {
            interrupted.put(r.uid(), r);
        }
        for (String window : windows) {
            TreeMap<Long, ServerMessage> meta = ImapCommands.metadata(p, window);
            meta.headMap(fromUid).clear(); // "n:*" also returns the last message when all are below n
            meta.keySet().forEach(interrupted::remove);
            List<ServerMessage> download = new ArrayList<>();
            List<MessageRecord> records = new ArrayList<>();
            // The same messages elsewhere, in one query per 500 (the state does not change until the update below)
            Map<String, List<MessageRecord>> sameIds = state.findByMessageIds(meta.values().stream()
                    .filter(m -> !tooOld(m) && !m.messageId().isEmpty()).map(ServerMessage::messageId).toList());
            for (ServerMessage m : meta.values()) {
                maxUid = Math.max(maxUid, m.uid());
                if (tooOld(m)) {
                    run.skippedOld++;
                    continue;
                }
                MessageRecord reused = reuseLocal(run, m, sameIds.getOrDefault(m.messageId(), List.of()));
                if (reused != null) {
                    records.add(reused);
                } else {
                    download.add(m);
                }
            }
            state.update(run.folder.name(), records, List.of());
            download(p, run, download);
        }
        run.toRemove.addAll(interrupted.values());
        if (run.uidNext <= 0) {
            run.uidNext = maxUid + 1;
        }
    }

    private boolean tooOld(ServerMessage m) {
        return options.since() != null && m.internalDate().isBefore(options.since());
    }

    private boolean headersOnly(ServerMessage m) {
        return options.headersOnlyAbove() > 0 && m.size() > options.headersOnlyAbove();
    }

    /** Whether a file found for a UID (after a crash) holds only the header: it was due to, and is shorter. */
    private boolean adoptedHeadersOnly(FolderRun run, ServerMessage m, String localId) {
        return headersOnly(m) && run.localFolder.size(localId) < m.size();
    }

    /**
     * A file already holding this message: written before a crash, uploaded or moved here by a push
     * whose UID the server did not name, or the same message in another folder.
     */
    private MessageRecord reuseLocal(FolderRun run, ServerMessage m, List<MessageRecord> sameId) throws IOException {
        // A file named with this UID under the current UIDVALIDITY is this message (UID recovery relabels
        // or unlabels every file of an older UIDVALIDITY before new UIDs are used), unless another client
        // put a file from elsewhere here with its old name: then its Message-ID differs and it stays local.
        Optional<String> adopted = run.localFolder.findByUid(m.uid());
        if (adopted.isPresent() && !m.messageId().isEmpty()) {
            String inFile = LocalScan.messageId(run.localFolder, adopted.get());
            if (!inFile.isEmpty() && !inFile.equals(m.messageId())) {
                run.localFolder.relabel(adopted.get(), 0);
                adopted = Optional.empty();
            }
        }
        if (adopted.isEmpty() && !m.messageId().isEmpty()) {
            String pending = run.adoptable.remove(m.messageId());
            if (pending != null && run.localFolder.size(pending) >= 0) {
                adopted = Optional.of(run.localFolder.relabel(pending, m.uid()));
                state.markUpload(run.folder.name(), pending, false);
            }
        }
        if (adopted.isPresent()) {
            run.localFolder.setFlags(adopted.get(), m.flags());
            run.added++;
            listener.onMessage(run.folder.name(), m.uid(), 0);
            return record(run, m, adopted.get(), adoptedHeadersOnly(run, m, adopted.get()));
        }
        if (!m.messageId().isEmpty()) {
            for (MessageRecord other : sameId) {
                // Same Message-ID, size and INTERNALDATE (which COPY and MOVE keep): taken for the same
                // message. Two different messages agreeing on all three are still stored as one.
                if (other.size() != m.size() || !other.internalDate().equals(m.internalDate())
                        || !separators.containsKey(other.folder())) {
                    continue;
                }
                LocalStore.LocalFolder source = localFolder(other.folder());
                if (source.size(other.localId()) >= 0) {
                    String id = run.localFolder.copyIn(source, other.localId(), m.uid(), m.flags());
                    run.added++;
                    run.copied++;
                    listener.onMessage(run.folder.name(), m.uid(), 0);
                    return record(run, m, id, other.headersOnly());
                }
            }
        }
        return null;
    }

    private MessageRecord record(FolderRun run, ServerMessage m, String localId, boolean headersOnly) {
        return new MessageRecord(run.folder.name(), m.uid(), localId, m.flags(), m.messageId(), m.size(), m.internalDate(),
                headersOnly);
    }

    private void download(IMAPProtocol p, FolderRun run, List<ServerMessage> messages) throws ProtocolException, IOException {
        Map<Long, ServerMessage> chunk = new LinkedHashMap<>();
        Map<Long, ServerMessage> headers = new LinkedHashMap<>();
        long chunkSize = 0;
        for (ServerMessage m : messages) {
            if (headersOnly(m)) {
                headers.put(m.uid(), m);
                if (headers.size() >= MAX_MESSAGES_PER_FETCH) {
                    downloadChunk(p, run, headers, true);
                    headers.clear();
                }
                continue;
            }
            if (m.size() > options.largeMessageBytes()) {
                downloadLarge(p, run, m);
                continue;
            }
            if (!chunk.isEmpty() && (chunkSize + m.size() > options.chunkBytes() || chunk.size() >= MAX_MESSAGES_PER_FETCH)) {
                downloadChunk(p, run, chunk, false);
                chunk.clear();
                chunkSize = 0;
            }
            chunk.put(m.uid(), m);
            chunkSize += m.size();
        }
        if (!chunk.isEmpty()) {
            downloadChunk(p, run, chunk, false);
        }
        if (!headers.isEmpty()) {
            downloadChunk(p, run, headers, true);
        }
    }

    /** Downloads whole messages, or ({@code headersOnly}) only their headers, in one FETCH. */
    private void downloadChunk(IMAPProtocol p, FolderRun run, Map<Long, ServerMessage> chunk, boolean headersOnly)
            throws ProtocolException, IOException {
        List<MessageRecord> records = new ArrayList<>();
        ImapCommands.bodies(p, UidSets.format(chunk.keySet()), headersOnly ? "HEADER" : "", (uid, bytes) -> {
            ServerMessage m = chunk.get(uid);
            if (m == null) {
                return;
            }
            try (LocalStore.MessageWriter w = run.localFolder.newMessage(uid)) {
                w.stream().write(bytes.getBytes(), bytes.getStart(), bytes.getCount());
                if (headersOnly && !endsWithBlankLine(bytes)) {
                    w.stream().write(CRLF); // some servers omit the header's closing empty line
                }
                records.add(record(run, m, w.commit(m.flags()), headersOnly));
            }
            run.added++;
            if (headersOnly) {
                run.headersOnly++;
            }
            run.bytes += bytes.getCount();
            listener.onMessage(run.folder.name(), uid, bytes.getCount());
        });
        state.update(run.folder.name(), records, List.of());
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private static boolean endsWithBlankLine(ByteArray b) {
        byte[] a = b.getBytes();
        int end = b.getStart() + b.getCount();
        return b.getCount() >= 2 && a[end - 1] == '\n' && (a[end - 2] == '\n'
                || b.getCount() >= 3 && a[end - 2] == '\r' && a[end - 3] == '\n');
    }

    private void downloadLarge(IMAPProtocol p, FolderRun run, ServerMessage m) throws ProtocolException, IOException {
        long n;
        String id;
        try (LocalStore.MessageWriter w = run.localFolder.newMessage(m.uid())) {
            OutputStream out = w.stream();
            n = ImapCommands.bodyInParts(p, m.uid(), options.partBytes(), out);
            id = w.commit(m.flags());
        }
        state.update(run.folder.name(), List.of(record(run, m, id, false)), List.of());
        run.added++;
        run.bytes += n;
        listener.onMessage(run.folder.name(), m.uid(), n);
    }

    private void recoverUidValidity(IMAPProtocol p, FolderRun run, FolderState saved) throws ProtocolException, IOException {
        String name = run.folder.name();
        List<MessageRecord> old = state.messages(name);
        Map<String, Deque<MessageRecord>> byKey = new HashMap<>();
        for (MessageRecord r : old) {
            if (!r.messageId().isEmpty()) {
                byKey.computeIfAbsent(r.messageId() + "|" + r.size(), k -> new ArrayDeque<>()).add(r);
            }
        }
        TreeMap<Long, ServerMessage> all = new TreeMap<>();
        if (run.uidNext > 1 || run.uidNext <= 0) {
            all.putAll(ImapCommands.metadata(p, "1:*"));
        }
        List<MessageRecord> kept = new ArrayList<>();
        List<ServerMessage> download = new ArrayList<>();
        Set<String> matched = new HashSet<>();
        for (ServerMessage m : all.values()) {
            Deque<MessageRecord> candidates = byKey.get(m.messageId() + "|" + m.size());
            MessageRecord r = m.messageId().isEmpty() || candidates == null ? null : candidates.poll();
            if (r != null && run.localFolder.size(r.localId()) >= 0) {
                String id = run.localFolder.relabel(r.localId(), m.uid());
                run.localFolder.setFlags(id, m.flags());
                kept.add(record(run, m, id, r.headersOnly()));
                matched.add(r.localId());
                continue;
            }
            Optional<String> adopted = run.localFolder.findByUid(m.uid());
            if (adopted.isPresent() && run.localFolder.size(adopted.get()) == m.size()) {
                run.localFolder.setFlags(adopted.get(), m.flags());
                kept.add(record(run, m, adopted.get(), false));
                continue;
            }
            if (tooOld(m)) {
                run.skippedOld++;
                continue;
            }
            download.add(m);
        }
        int localOnly = 0;
        for (MessageRecord r : old) {
            if (!matched.contains(r.localId()) && run.localFolder.size(r.localId()) >= 0) {
                run.localFolder.relabel(r.localId(), 0);
                localOnly++;
            }
        }
        List<Long> oldUids = old.stream().map(MessageRecord::uid).toList();
        state.update(name, List.of(), oldUids);
        state.saveFolder(new FolderState(name, run.folder.separator(), run.uidValidity, 1, 0, run.folder.specialUse()));
        state.update(name, kept, List.of());
        run.notes.add("UIDVALIDITY changed from " + saved.uidValidity() + " to " + run.uidValidity + ": "
                + kept.size() + " messages matched by Message-ID and kept, " + download.size() + " downloaded"
                + (localOnly > 0 ? ", " + localOnly + " not on the server any more kept as local-only files" : ""));
        LOG.warn("{}: {}", name, run.notes.get(run.notes.size() - 1));
        download(p, run, download);
        if (run.uidNext <= 0) {
            run.uidNext = all.isEmpty() ? 1 : all.lastKey() + 1;
        }
    }

    private void finish(FolderRun run) {
        String name = run.folder.name();
        List<Long> uids = new ArrayList<>();
        for (MessageRecord r : run.toRemove) {
            try {
                run.localFolder.remove(r.localId());
            } catch (IOException e) {
                throw new SyncStateException("cannot remove " + r.localId() + " from " + run.localFolder + ": " + e, e);
            }
            uids.add(r.uid());
            run.removed++;
        }
        state.update(name, List.of(), uids);
        state.saveFolder(new FolderState(name, run.folder.separator(), run.uidValidity, Math.max(1, run.uidNext),
                run.highestModSeq, run.folder.specialUse()));
        // The pull looked at every UID the server has: an upload it did not find never arrived, and may go again.
        for (String id : state.uploadsStarted(name)) {
            state.markUpload(name, id, false);
        }
    }

    private FolderReport removeGoneFolder(FolderState gone) {
        long start = System.nanoTime();
        List<MessageRecord> records = state.messages(gone.name());
        List<String> notes = new ArrayList<>();
        String method = "DELETED";
        if (local.exists(gone.name(), gone.separator())) {
            Set<String> known = new HashSet<>();
            records.forEach(r -> known.add(r.localId()));
            long unsynced = local.folder(gone.name(), gone.separator()).localIds().stream()
                    .filter(id -> !known.contains(id)).count();
            if (unsynced > 0) {
                notes.add("the server folder is gone; the local folder is kept because it holds " + unsynced
                        + " message(s) never synced");
                return new FolderReport(gone.name(), "KEPT", 0, 0, 0, 0, 0, 0, 0,
                        Duration.ofNanos(System.nanoTime() - start), notes);
            }
            local.deleteFolder(gone.name(), gone.separator());
        }
        state.deleteFolder(gone.name());
        return new FolderReport(gone.name(), method, 0, 0, 0, records.size(), 0, 0, 0,
                Duration.ofNanos(System.nanoTime() - start), notes);
    }
}
