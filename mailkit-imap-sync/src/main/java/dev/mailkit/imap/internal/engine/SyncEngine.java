package dev.mailkit.imap.internal.engine;

import dev.mailkit.core.MailSession;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.core.internal.Closing;
import dev.mailkit.core.registry.FolderRole;
import dev.mailkit.imap.ConflictPolicy;
import dev.mailkit.imap.FolderFilter;
import dev.mailkit.imap.MassDeletionException;
import dev.mailkit.imap.FolderReport;
import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.imap.SyncStateException;
import dev.mailkit.imap.internal.maildir.MaildirNames;
import dev.mailkit.imap.spi.FolderAction;
import dev.mailkit.imap.spi.LocalChange;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.spi.SyncStateStore;
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
import java.util.Collection;
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
    /** UIDs per flag FETCH of the full diff (servers without CONDSTORE). */
    private static final int FLAGS_WINDOW = 20_000;
    /** Up to this many UIDs named by a QRESYNC answer are looked up one by one; beyond, the folder's records are scanned. */
    private static final int VANISHED_LOOKUPS = 10_000;

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
     * @param maxUploadBytes    local files larger than this are neither read nor uploaded
     */
    public record Options(long chunkBytes, long largeMessageBytes, int partBytes, int connections, Instant since,
                          long headersOnlyAbove, boolean twoWay, ConflictPolicy policy, boolean deleteToTrash,
                          double massDeletionShare, boolean allowMassDeletion, long maxUploadBytes) {
        /**
         * 4 MB per body FETCH, messages above 8 MB streamed in 1 MB parts, one connection, everything, two-way,
         * local files up to 64 MiB uploaded.
         */
        public static final Options DEFAULTS = new Options(4L << 20, 8L << 20, 1 << 20, 1, null, 0, true,
                ConflictPolicy.SERVER_WINS, true, 0.5, false, 64L << 20);
    }

    /** Deleting fewer messages than this from a folder never trips the mass-deletion guard. */
    static final int MASS_DELETION_MINIMUM = 5;

    private final MailSession imap;
    private final ProviderSettings provider;
    private final MessageStore local;
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
    public SyncEngine(MailSession imap, ProviderSettings provider, MessageStore local, SyncStateStore state,
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
        /** Time spent on this folder alone: its push, its pull and its completion. */
        long nanos;
        final List<String> notes = new ArrayList<>();
        MessageStore.StoredFolder localFolder;
        String method;
        int added;
        int copied;
        int changed;
        int removed;
        int skippedOld;
        /** Messages already on disk (an interrupted run's downloads, a pushed move or upload) taken over, not downloaded. */
        int adopted;
        /** Messages whose bytes differ in number from the RFC822.SIZE the server announced. */
        int sizeMismatches;
        int pushed;
        int conflicts;
        Map<String, String> adoptable = new HashMap<>();
        Map<String, String> adoptableByContent = new HashMap<>();
        /** Local changes of adopted files, saved with their records. */
        final List<LocalChange> adoptedChanges = new ArrayList<>();
        int headersOnly;
        long bytes;
        long uidValidity;
        long uidNext;
        long highestModSeq;
        final List<MessageRecord> toRemove = new ArrayList<>();

        /** The folder was not mirrored this time (see the notes); nothing of it is changed locally or in the state. */
        boolean skipped;

        FolderRun(ServerFolder folder) {
            this.folder = folder;
        }

        /** The lowest UID the server would not send; the saved UIDNEXT stays at or below it so it is asked for again. */
        long retryFrom = Long.MAX_VALUE;

        void notDelivered(long uid) {
            retryFrom = Math.min(retryFrom, uid);
            notes.add("UID " + uid + ": the server sent no content for it (twice); not stored, asked for again next sync");
            LOG.warn("{}: UID {}: the server sent no content for it; asked for again next sync", quoted(folder.name()), uid);
        }

        void skip(String why) {
            skipped = true;
            method = "SKIPPED";
            notes.add(why);
            toRemove.clear();
            LOG.warn("{}: {}", quoted(folder.name()), why);
        }

        FolderReport report() {
            if (skippedOld > 0) {
                notes.add(skippedOld + " message(s) older than " + options.since() + " not mirrored");
            }
            if (headersOnly > 0) {
                notes.add(headersOnly + " message(s) above " + options.headersOnlyAbove() + " bytes stored headers-only");
            }
            if (sizeMismatches > 0) {
                notes.add(sizeMismatches + " message(s) came with another number of bytes than the server's RFC822.SIZE;"
                        + " stored as sent (MessageRecord.size() keeps the server's figure, which identifies the message)");
            }
            if (adopted > 0) {
                notes.add(adopted + " message(s) already stored here (by an interrupted sync, or moved or uploaded"
                        + " from here) taken over without downloading");
            }
            if (localFolder != null) {
                // Links, directories, FIFOs, devices, other names: named on every sync, never read or uploaded.
                for (String entry : new TreeMap<>(localFolder.skipped()).values()) {
                    String note = "skipped, not a message: " + printable(entry);
                    notes.add(note);
                    LOG.warn("{}: {}", quoted(folder.name()), note);
                }
            }
            return new FolderReport(folder.name(), method, added, copied, changed, removed, pushed, conflicts, bytes,
                    Duration.ofNanos(nanos), notes);
        }
    }

    private final Map<String, MessageStore.StoredFolder> openFolders = new ConcurrentHashMap<>();
    /** Folders a sync's local scan looked at through their current open instance. */
    private final Set<String> scanned = ConcurrentHashMap.newKeySet();
    /** Folders whose last push left something for a later sync (uploads, adoptions, conflicts, refusals). */
    private final Set<String> rescanNext = ConcurrentHashMap.newKeySet();
    private volatile IMAPStore connection;
    private final Map<String, Character> separators = new ConcurrentHashMap<>();
    /** Folder to deletions seen on the server that the current sync refused to apply locally. */
    private final Map<String, Integer> refusedOnServer = new ConcurrentHashMap<>();

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
            // Each local folder holds one server folder: one the state knows keeps its local folder.
            Map<String, String> claimed = new HashMap<>();
            Set<String> shadowed = new HashSet<>();
            for (ListInfo li : list == null ? new ListInfo[0] : list) {
                if (state.folder(li.name).isPresent() && local.canStore(li.name, li.separator)) {
                    claimed.putIfAbsent(local.localName(li.name, li.separator), li.name);
                }
            }
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
                    String owner = claimed.putIfAbsent(local.localName(li.name, li.separator), li.name);
                    if (owner != null && !owner.equals(li.name)) {
                        LOG.warn("not mirroring server folder {}: its local folder is that of {}", quoted(li.name),
                                quoted(owner));
                        folderActions.add(new FolderReport(li.name, "SKIPPED", 0, 0, 0, 0, 0, 0, 0, Duration.ZERO,
                                List.of("not mirrored: it would share its local folder with server folder "
                                        + quoted(owner))));
                        shadowed.add(li.name); // still on the server: its state, if any, is kept
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
                long t0 = System.nanoTime();
                finish(run);
                run.nanos += System.nanoTime() - t0;
                FolderReport r = run.report();
                LOG.debug("{}", r);
                listener.onFolderDone(r);
                reports.add(r);
            }
            Set<String> onServer = new HashSet<>(shadowed);
            folders.forEach(f -> onServer.add(f.name()));
            for (FolderState gone : state.folders()) {
                if (!onServer.contains(gone.name()) && filter.accepts(gone.name())) {
                    FolderReport r = removeGoneFolder(gone);
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
        MessageStore.StoredFolder lf = local.folder(folder, saved.separator());
        IMAPStore store = (IMAPStore) imap.connectStore();
        try {
            new ImapCommands(store).run(p -> {
                prepare(p);
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
    public static void completeLocally(SyncStateStore state, MessageStore local, FolderAction a) {
        char sep = separator(state);
        switch (a.kind()) {
            case CREATE -> {
                local.folder(a.name(), sep);
                if (state.folder(a.name()).isEmpty()) {
                    // Provisional (UIDVALIDITY 0 until the server made it): messages can be moved, copied and
                    // appended into it at once, and are pushed by the sync that creates it.
                    state.saveFolder(new FolderState(a.name(), sep, 0, 1, 0, ""));
                }
            }
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
                char separator = sep;
                String outcome = commands.run(p -> {
                    try {
                        p.create(name);
                    } catch (CommandFailedException e) {
                        return "a Maildir client made the folder locally, but the server refused to create it: "
                                + e.getMessage();
                    }
                    subscribe(p, name);
                    created(p, name, separator); // its messages are uploaded by this same sync
                    return "created on the server: a Maildir client made the folder locally";
                });
                reports.add(new FolderReport(name, "CREATE", 0, 0, 0, 0, 1, 0, 0, Duration.ZERO, List.of(outcome)));
                changed = true;
            }
        }
        return changed;
    }

    /**
     * Records a folder just created on the server, so this sync's push already uploads what was put in it
     * locally; a provisional state (UIDVALIDITY 0) takes the server's UIDVALIDITY.
     */
    private void created(IMAPProtocol p, String name, char separator) throws ProtocolException {
        Optional<FolderState> saved = state.folder(name);
        if (saved.isPresent() && saved.get().uidValidity() != 0) {
            return;
        }
        Status st = p.status(name, new String[] {"UIDVALIDITY"});
        if (st.uidvalidity > 0) {
            state.saveFolder(new FolderState(name, saved.map(FolderState::separator).orElse(separator), st.uidvalidity, 1,
                    0, ""));
        }
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
                        if (state.folder(a.name()).filter(f -> f.uidValidity() == 0).isPresent()) {
                            state.deleteFolder(a.name()); // the local folder stays, offered again next sync
                        }
                        return;
                    }
                }
                subscribe(p, a.name());
                created(p, a.name(), separator(state));
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
        for (FolderState f : known) {
            Map<Long, SyncStateStore.FlagsInFlight> inFlight = state.flagsInFlight(f.name());
            if (!inFlight.isEmpty()) {
                commands.run(p -> {
                    settleFlagsInFlight(p, f, inFlight);
                    return null;
                });
                unchangedLocally.remove(f.name());
            }
        }
        Map<String, LocalScan.FolderFiles> scan;
        try {
            scan = new LocalScan(state, local, this::localFolder, options.maxUploadBytes()).run(known, unchangedLocally);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        scanned.addAll(scan.keySet());
        guardMassDeletion(scan);
        String trash = options.deleteToTrash() ? trashFolder(known, provider) : null;
        Pusher pusher = new Pusher(state, this::localFolder, options.policy(), trash, options.partBytes(),
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
                String refusal = refusal(e);
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

    /**
     * Flag changes a sync sent before it was interrupted, not known to have arrived: where the server shows
     * every flag the change set as it set it, the change arrived, and the state's flags take it (so the
     * local scan measures later edits against what the server now has); otherwise the state keeps the
     * flags it had, and the change is merged again.
     */
    private void settleFlagsInFlight(IMAPProtocol p, FolderState f, Map<Long, SyncStateStore.FlagsInFlight> inFlight)
            throws ProtocolException {
        MailboxInfo mi = ImapCommands.examine(p, f.name(), null);
        if (mi.uidvalidity == f.uidValidity()) {
            Map<Long, MessageFlags> server = ImapCommands.flags(p, UidSets.format(inFlight.keySet()), 0);
            Map<Long, LocalChange> pending = new HashMap<>();
            state.localChanges(f.name()).forEach(c -> pending.put(c.uid(), c));
            List<MessageRecord> settled = new ArrayList<>();
            for (Map.Entry<Long, SyncStateStore.FlagsInFlight> e : inFlight.entrySet()) {
                MessageFlags sent = e.getValue().sent();
                MessageFlags base = e.getValue().base();
                MessageFlags srv = server.get(e.getKey());
                Optional<MessageRecord> r = state.message(f.name(), e.getKey());
                if (srv == null || r.isEmpty()) {
                    continue;
                }
                Set<String> names = new HashSet<>(sent.imapNames());
                names.addAll(base.imapNames());
                Set<String> now = new HashSet<>(base.imapNames());
                boolean arrived = true;
                for (String n : names) {
                    boolean inSent = sent.imapNames().contains(n);
                    if (inSent != base.imapNames().contains(n)) {
                        arrived &= srv.imapNames().contains(n) == inSent;
                        if (inSent) {
                            now.add(n);
                        } else {
                            now.remove(n);
                        }
                    }
                }
                if (arrived) {
                    MessageFlags onServer = MessageFlags.fromImapNames(now);
                    settled.add(r.get().withFlags(onServer));
                    keepServerChangesHere(f, r.get(), pending.get(e.getKey()), e.getValue().local(), onServer);
                }
            }
            state.update(f.name(), settled, List.of());
        }
        state.clearFlagsInFlight(f.name(), inFlight.keySet());
    }

    /**
     * After a flag change in flight turned out to have arrived: the local file may still carry the flags the
     * change came from (the sync died before writing the merged ones back), so the server's own changes
     * merged into them would look like local removals. Each letter the file has as the change had it takes
     * the server's value; a letter that differs was changed here since, and stays a local change.
     */
    private void keepServerChangesHere(FolderState f, MessageRecord r, LocalChange c, MessageFlags had,
            MessageFlags onServer) {
        if (c == null || c.kind() != LocalChange.Kind.KEPT || c.flags() == null) {
            return;
        }
        MessageStore.StoredFolder lf = localFolder(f.name());
        Optional<MessageFlags> file = lf.storedFlags(r.localId());
        if (file.isEmpty()) {
            return;
        }
        MessageFlags now = file.get();
        MessageFlags merged = new MessageFlags(
                now.seen() == had.seen() ? onServer.seen() : now.seen(),
                now.answered() == had.answered() ? onServer.answered() : now.answered(),
                now.flagged() == had.flagged() ? onServer.flagged() : now.flagged(),
                now.draft() == had.draft() ? onServer.draft() : now.draft(),
                now.deleted() == had.deleted() ? onServer.deleted() : now.deleted(),
                // keywords are not in the file name: the pending change holds the latest ones set here
                c.flags().keywords().equals(had.keywords()) ? onServer.keywords() : c.flags().keywords());
        try {
            lf.setFlags(r.localId(), merged);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (merged.equals(onServer)) {
            state.clearLocalChanges(f.name(), List.of(r.uid()));
        } else {
            state.saveLocalChange(new LocalChange(f.name(), r.uid(), merged, LocalChange.Kind.KEPT, null));
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
            } else if (massDeletion(f.deleted, f.known)) {
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
                    + why + ". If these deletions are wanted, sync once with allowMassDeletion() (CLI: --allow-mass-deletion);"
                    + " to download a folder again instead, forget it with forgetFolder(name) (CLI:"
                    + " --forget-folder NAME)", refused);
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
        long t0 = System.nanoTime();
        listener.onFolderStart(run.folder.name(), -1);
        try {
            commands.run(p -> {
                syncFolder(p, run, caps.qresync(), caps.condstore());
                return null;
            });
        } catch (MessagingException e) {
            String refusal = refusal(e);
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

    /** The server's words when a command was refused (tagged NO or BAD), or null for any other failure. */
    private static String refusal(MessagingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CommandFailedException || t instanceof org.eclipse.angus.mail.iap.BadCommandException) {
                String m = t.getMessage();
                return m == null ? "no reason given" : printable(m.length() > 200 ? m.substring(0, 200) + "…" : m);
            }
            if (t instanceof org.eclipse.angus.mail.iap.ConnectionException) {
                return null;
            }
        }
        return null;
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

    /** Closes a connection; its own failure (LOGOUT on a broken connection) is logged, never thrown over another. */
    private static void close(IMAPStore store) {
        if (store != null) {
            Closing.quietly(store::close, LOG, "the IMAP connection");
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
        return "'" + printable(name) + "'";
    }

    /** Server-supplied text with control characters escaped, for notes and logs. */
    private static String printable(String text) {
        return MaildirNames.printable(text); // C0, DEL and C1 (U+009B is a CSI on some terminals)
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
    public MessageStore.StoredFolder folder(String name, char separator) {
        MessageStore.StoredFolder open = openFolders.get(name);
        if (open != null && open.changedSinceMark()) {
            // Another program changed the folder: read it again for the caller, and have the next sync still
            // look for what that program did (the fresh instance's mark would otherwise hide it).
            rescanNext.add(name);
            openFolders.remove(name, open);
        }
        return openFolders.computeIfAbsent(name, n -> {
            scanned.remove(n); // opened for the API: the next sync still looks for what changed before
            return local.folder(n, separator);
        });
    }

    private MessageStore.StoredFolder localFolder(String name) {
        return openFolders.computeIfAbsent(name, n -> local.folder(n, separators.getOrDefault(n, '/')));
    }

    private void syncFolder(IMAPProtocol p, FolderRun run, boolean qresync, boolean condstore) throws ProtocolException {
        String name = run.folder.name();
        Optional<FolderState> saved = state.folder(name);
        // A folder new here gets its local directory only once the state records it, so a first sync cut
        // short leaves no directory behind that a later sync would take for one a Maildir client made.
        if (saved.isPresent() && !openLocal(run)) {
            return;
        }
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
        if (mi.uidvalidity <= 0 || mi.uidvalidity > 0xFFFFFFFFL) {
            // RFC 3501 2.3.1.1: a non-zero 32-bit number. Without it no UID can be trusted across sessions.
            run.skip("the server sent no valid UIDVALIDITY (" + mi.uidvalidity + "): not mirrored, local copies kept");
            return;
        }
        long fromUid = 1;
        try {
            if (saved.isEmpty()) {
                run.method = "INITIAL";
                state.saveFolder(new FolderState(name, run.folder.separator(), mi.uidvalidity, 1, 0,
                        run.folder.specialUse()));
                if (!openLocal(run)) {
                    state.deleteFolder(name); // nothing of it is mirrored: the next sync starts it afresh
                    return;
                }
            } else if (saved.get().uidValidity() != mi.uidvalidity) {
                run.method = "UIDVALIDITY";
                recoverUidValidity(p, run, saved.get(), "UIDVALIDITY changed from " + saved.get().uidValidity()
                        + " to " + mi.uidvalidity);
                fromUid = Long.MAX_VALUE; // everything was handled by the recovery
            } else if (mi.uidnext > 0 && mi.uidnext < saved.get().uidNext()) {
                // UIDs never go back under one UIDVALIDITY (RFC 3501 2.3.1.1): the server renumbered its
                // messages without saying so. Its UIDs are taken as new ones, as after a UIDVALIDITY change.
                run.method = "UIDVALIDITY";
                recoverUidValidity(p, run, saved.get(), "UIDNEXT went back from " + saved.get().uidNext() + " to "
                        + mi.uidnext + " under the same UIDVALIDITY");
                fromUid = Long.MAX_VALUE;
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

    /** Opens the run's local folder; false (the folder skipped) when it cannot be made or opened. */
    private boolean openLocal(FolderRun run) {
        try {
            run.localFolder = localFolder(run.folder.name());
            return true;
        } catch (SyncStateException e) {
            // For example a file, or a link, where its directory would go: this folder waits, the others sync.
            run.skip("its local folder cannot be made or opened (" + printable(String.valueOf(e.getMessage()))
                    + "); not synced this time");
            return false;
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
            List<UidSets.Ranges> vanished = ImapCommands.vanished(mi.responses == null ? List.of() : mi.responses);
            long named = flags.size();
            for (UidSets.Ranges v : vanished) {
                named += v.count();
            }
            if (named <= VANISHED_LOOKUPS) {
                Set<Long> uids = new HashSet<>(flags.keySet());
                for (UidSets.Ranges v : vanished) {
                    List<Long> expanded = v.expand(VANISHED_LOOKUPS);
                    uids.addAll(expanded);
                    gone.addAll(expanded);
                }
                for (long uid : uids) {
                    if (uid < saved.uidNext()) {
                        state.message(name, uid).ifPresent(r -> known.put(r.uid(), r));
                    }
                }
            } else {
                // A large set (VANISHED (EARLIER) 1:4294967295 from a broken or hostile server, or a big
                // expunge): the folder's records are checked against the ranges instead, in one pass.
                for (MessageRecord r : state.messages(name)) {
                    if (r.uid() < saved.uidNext() && (flags.containsKey(r.uid())
                            || vanished.stream().anyMatch(v -> v.contains(r.uid())))) {
                        known.put(r.uid(), r);
                        if (vanished.stream().anyMatch(v -> v.contains(r.uid()))) {
                            gone.add(r.uid());
                        }
                    }
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
                // Asked even when EXISTS says 0: a server that says so while it still has the messages must not
                // have their local copies removed.
                // In windows of UIDs, so one reply stays well inside ConnectionOptions.maxReplyMemory on a large
                // folder (about 600 bytes a message as Angus Mail keeps it).
                Map<Long, MessageFlags> all = new HashMap<>();
                List<Long> uids = new ArrayList<>(new java.util.TreeSet<>(known.keySet()));
                for (int i = 0; i < uids.size(); i += FLAGS_WINDOW) {
                    long lo = uids.get(i);
                    long hi = uids.get(Math.min(uids.size(), i + FLAGS_WINDOW) - 1);
                    all.putAll(ImapCommands.flags(p, lo + ":" + hi, 0));
                }
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
        List<long[]> windows = new ArrayList<>(); // first and last UID; last 0: "*"
        if (uidNext > 0) {
            for (long a = fromUid; a < uidNext; a += METADATA_WINDOW) {
                windows.add(new long[] {a, Math.min(a + METADATA_WINDOW - 1, uidNext - 1)});
            }
        } else {
            windows.add(new long[] {fromUid, 0});
        }
        long maxUid = fromUid - 1;
        // Records at or above fromUid were stored by an interrupted run; those the server no longer has go.
        Map<Long, MessageRecord> interrupted = new HashMap<>();
        Set<Long> onServer = new HashSet<>();
        for (MessageRecord r : state.messagesFrom(run.folder.name(), fromUid)) {
            interrupted.put(r.uid(), r);
        }
        for (long[] window : windows) {
            TreeMap<Long, ServerMessage> meta = ImapCommands.metadata(p, window[0] + ":" + (window[1] == 0 ? "*" : window[1]));
            // "n:*" also returns the last message when all are below n; a UID outside what was asked for
            // (a broken or hostile server) is not taken for a message
            meta.headMap(window[0]).clear();
            if (window[1] > 0) {
                meta.tailMap(window[1], false).clear();
                if (meta.size() < window[1] - window[0] + 1) {
                    askAgainForLeftOut(p, run, window, meta);
                }
            }
            meta.keySet().forEach(interrupted::remove);
            onServer.addAll(meta.keySet());
            List<ServerMessage> download = new ArrayList<>();
            List<MessageRecord> records = new ArrayList<>();
            // The same messages elsewhere, in one query per 500 (the state does not change until the update below)
            Map<String, List<MessageRecord>> sameIds = state.findByMessageIds(meta.values().stream()
                    .filter(m -> !tooOld(m) && !m.messageId().isEmpty()).map(ServerMessage::messageId).toList());
            Map<Long, String> contentKeys = contentKeys(p, run, meta.values());
            for (ServerMessage m : meta.values()) {
                maxUid = Math.max(maxUid, m.uid());
                if (tooOld(m)) {
                    run.skippedOld++;
                    continue;
                }
                MessageRecord reused = reuseLocal(run, m, sameIds.getOrDefault(m.messageId(), List.of()),
                        contentKeys.get(m.uid()));
                if (reused != null) {
                    records.add(reused);
                } else {
                    download.add(m);
                }
            }
            state.update(run.folder.name(), records, List.of());
            run.adoptedChanges.forEach(state::saveLocalChange);
            run.adoptedChanges.clear();
            download(p, run, download);
        }
        run.toRemove.addAll(interrupted.values());
        if (uidNext > 0) {
            removeOrphanedDownloads(run, fromUid, Math.min(uidNext, run.retryFrom), onServer, interrupted.keySet());
        }
        if (run.uidNext <= 0) {
            run.uidNext = maxUid + 1;
        }
    }

    /**
     * The window's UIDs the server has but its metadata reply left out: each asked for alone once more;
     * one still missing is not stored this time and holds the saved UIDNEXT below it.
     */
    private void askAgainForLeftOut(IMAPProtocol p, FolderRun run, long[] window, TreeMap<Long, ServerMessage> meta)
            throws ProtocolException {
        for (long uid : ImapCommands.existingUids(p, window[0] + ":" + window[1])) {
            if (uid < window[0] || uid > window[1] || meta.containsKey(uid)) {
                continue;
            }
            ServerMessage m = ImapCommands.metadata(p, String.valueOf(uid)).get(uid);
            if (m != null) {
                meta.put(uid, m);
            } else {
                run.notDelivered(uid);
            }
        }
    }

    /**
     * Files an interrupted run downloaded (labelled with a UID from {@code fromUid} up to {@code below}) for
     * messages the server no longer has and the state never recorded: they were never mirrored, and
     * keeping them would upload an expunged message back. Records of such UIDs go through the usual removal.
     */
    private void removeOrphanedDownloads(FolderRun run, long fromUid, long below, Set<Long> onServer,
                                         Set<Long> recorded) throws IOException {
        List<String> orphans = new ArrayList<>();
        if (below - fromUid <= 1_000_000) {
            for (long uid = fromUid; uid < below; uid++) {
                if (!onServer.contains(uid) && !recorded.contains(uid)) {
                    run.localFolder.findByUid(uid).ifPresent(orphans::add);
                }
            }
        } else {
            for (String id : run.localFolder.localIds()) {
                long uid = MaildirNames.uidOf(id);
                if (uid >= fromUid && uid < below && !onServer.contains(uid) && !recorded.contains(uid)) {
                    orphans.add(id);
                }
            }
        }
        for (String id : orphans) {
            // A file still labelled here was not adopted for a message the server has now (adoption relabels).
            run.localFolder.remove(id);
            run.adoptable.values().remove(id);
            run.adoptableByContent.values().remove(id);
            LOG.debug("{}: removed {}, downloaded by an interrupted sync for a message the server no longer has",
                    quoted(run.folder.name()), id);
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
     * The {@link ContentKeys} of new server messages without Message-ID that may be a local file an
     * interrupted upload or move put there (same size): their header is fetched only then.
     */
    private Map<Long, String> contentKeys(IMAPProtocol p, FolderRun run, Collection<ServerMessage> messages)
            throws ProtocolException, IOException {
        if (run.adoptableByContent.isEmpty()) {
            return Map.of();
        }
        Set<Long> sizes = new HashSet<>();
        run.adoptableByContent.keySet().forEach(k -> sizes.add(ContentKeys.size(k)));
        Map<Long, ServerMessage> ask = new TreeMap<>();
        for (ServerMessage m : messages) {
            if (m.messageId().isEmpty() && sizes.contains(m.size()) && !tooOld(m)) {
                ask.put(m.uid(), m);
            }
        }
        Map<Long, String> keys = new HashMap<>();
        List<Long> uids = new ArrayList<>(ask.keySet());
        for (int i = 0; i < uids.size(); i += MAX_MESSAGES_PER_FETCH) {
            List<Long> part = uids.subList(i, Math.min(uids.size(), i + MAX_MESSAGES_PER_FETCH));
            ImapCommands.bodies(p, UidSets.format(part), "HEADER", (uid, bytes) -> {
                ServerMessage m = ask.get(uid);
                if (m != null) {
                    keys.put(uid, ContentKeys.of("", bytes.getBytes(), bytes.getStart(), bytes.getCount(), m.size()));
                }
            });
        }
        return keys;
    }

    /**
     * A file already holding this message: written before a crash, uploaded or moved here by a push
     * whose UID the server did not name (found by Message-ID, or without one by {@code contentKey}), or
     * the same message in another folder.
     */
    private MessageRecord reuseLocal(FolderRun run, ServerMessage m, List<MessageRecord> sameId, String contentKey)
            throws IOException {
        // A file named with this UID under the current UIDVALIDITY is this message (UID recovery relabels
        // or unlabels every file of an older UIDVALIDITY before new UIDs are used), unless another client
        // put a file from elsewhere here with its old name: then its Message-ID differs and it stays local.
        Optional<String> adopted = run.localFolder.findByUid(m.uid());
        Optional<MessageFlags> sent = Optional.empty();
        // Two files may carry the label (one moved here by another client with its old folder's UID): each
        // one that is not this message loses it, until the one that is, or none, is left.
        while (adopted.isPresent() && !m.messageId().isEmpty()) {
            String inFile = LocalScan.messageId(run.localFolder, adopted.get());
            if (inFile.isEmpty() || inFile.equals(m.messageId())) {
                break;
            }
            run.localFolder.relabel(adopted.get(), 0);
            adopted = run.localFolder.findByUid(m.uid());
        }
        if (adopted.isEmpty() && (!m.messageId().isEmpty() || contentKey != null)) {
            String pending = m.messageId().isEmpty() ? run.adoptableByContent.remove(contentKey)
                    : run.adoptable.remove(m.messageId());
            if (pending != null && run.localFolder.size(pending) >= 0) {
                sent = state.uploadFlags(run.folder.name(), pending);
                adopted = Optional.of(run.localFolder.relabel(pending, m.uid()));
                state.markUpload(run.folder.name(), pending, false);
            }
        }
        if (adopted.isPresent()) {
            MessageFlags wanted = m.flags();
            Optional<MessageFlags> file = sent.isEmpty() ? Optional.empty() : run.localFolder.storedFlags(adopted.get());
            if (file.isPresent()) {
                // Uploaded or moved here before an interruption: letters changed in the file since stay a
                // local change, merged with what the server did meanwhile.
                MessageFlags here = MessageFlags.fromMaildir(file.get().maildirLetters(), sent.get().keywords());
                wanted = MessageFlags.merge(sent.get(), here, m.flags());
            }
            LOG.debug("{}: UID {} ({}) found here as {}", quoted(run.folder.name()), m.uid(), m.messageId(), adopted.get());
            run.localFolder.setFlags(adopted.get(), wanted);
            if (!wanted.equals(m.flags())) {
                // saved once the record is (see addNew)
                run.adoptedChanges.add(new LocalChange(run.folder.name(), m.uid(), wanted, LocalChange.Kind.KEPT, null));
                rescanNext.add(run.folder.name());
            }
            run.adopted++;
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
                MessageStore.StoredFolder source = localFolder(other.folder());
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

    /**
     * Downloads whole messages, or ({@code headersOnly}) only their headers, in one FETCH. A UID the
     * reply names that was not asked for, or names a second time, is ignored; one the reply leaves out
     * is asked for alone, once more.
     */
    private void downloadChunk(IMAPProtocol p, FolderRun run, Map<Long, ServerMessage> chunk, boolean headersOnly)
            throws ProtocolException, IOException {
        List<MessageRecord> records = new ArrayList<>();
        Map<Long, ServerMessage> pending = new LinkedHashMap<>(chunk);
        ImapCommands.bodies(p, UidSets.format(chunk.keySet()), headersOnly ? "HEADER" : "", (uid, bytes) -> {
            ServerMessage m = pending.remove(uid);
            if (m == null) {
                return;
            }
            records.add(store(run, m, bytes, headersOnly));
        });
        state.update(run.folder.name(), records, List.of());
        for (ServerMessage m : pending.values()) {
            if (headersOnly) {
                Map<Long, ServerMessage> alone = new LinkedHashMap<>(Map.of(m.uid(), m));
                List<MessageRecord> one = new ArrayList<>();
                ImapCommands.bodies(p, String.valueOf(m.uid()), "HEADER", (uid, bytes) -> {
                    if (alone.remove(uid) != null) {
                        one.add(store(run, m, bytes, true));
                    }
                });
                state.update(run.folder.name(), one, List.of());
                if (!alone.isEmpty()) {
                    run.notDelivered(m.uid());
                }
            } else {
                downloadLarge(p, run, m);
            }
        }
    }

    /** Stores one fetched message, or its header only. */
    private MessageRecord store(FolderRun run, ServerMessage m, ByteArray bytes, boolean headersOnly) throws IOException {
        if (!headersOnly && bytes.getCount() != m.size()) {
            run.sizeMismatches++;
        }
        MessageRecord r;
        try (MessageStore.MessageWriter w = run.localFolder.newMessage(m.uid())) {
            w.stream().write(bytes.getBytes(), bytes.getStart(), bytes.getCount());
            if (headersOnly && !endsWithBlankLine(bytes)) {
                w.stream().write(CRLF); // some servers omit the header's closing empty line
            }
            r = record(run, m, w.commit(m.flags()), headersOnly);
        }
        run.added++;
        if (headersOnly) {
            run.headersOnly++;
        }
        run.bytes += bytes.getCount();
        listener.onMessage(run.folder.name(), m.uid(), bytes.getCount());
        return r;
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
        try (MessageStore.MessageWriter w = run.localFolder.newMessage(m.uid())) {
            OutputStream out = w.stream();
            n = ImapCommands.bodyInParts(p, m.uid(), options.partBytes(), out, m.size());
            id = w.commit(m.flags());
        } catch (ImapCommands.NoBodyException e) {
            run.notDelivered(m.uid());
            return;
        } catch (ImapCommands.BodyTooLargeException e) {
            // What was written is discarded with the unfinished file; the next sync asks again.
            run.retryFrom = Math.min(run.retryFrom, m.uid());
            run.notes.add(e.getMessage() + "; asked for again next sync");
            LOG.warn("{}: {}", quoted(run.folder.name()), e.getMessage());
            return;
        }
        if (n != m.size()) {
            run.sizeMismatches++;
        }
        state.update(run.folder.name(), List.of(record(run, m, id, false)), List.of());
        run.added++;
        run.bytes += n;
        listener.onMessage(run.folder.name(), m.uid(), n);
    }

    /** A local copy that a server message may turn out to be, during a UIDVALIDITY recovery. */
    private record Candidate(String base, String file, MessageRecord record, LocalChange change) {
    }

    /**
     * Maps the folder's local messages to the server's new UIDs after a UIDVALIDITY change (or a UIDNEXT
     * that went backwards): by Message-ID and size, or, for messages without a Message-ID, by a digest of
     * the header and the size. Matching is decided first, then files are renamed: unmatched labelled
     * files lose their label (they become local messages, uploaded by the next sync, never deleted);
     * matched ones take the new UID. Pending local changes of matched messages are carried over to the
     * new UIDs; a matched message with a pending flag change keeps its local flags, merged on the next
     * push. A run that crashes part-way finds every file again by its name without the label.
     */
    private void recoverUidValidity(IMAPProtocol p, FolderRun run, FolderState saved, String why)
            throws ProtocolException, IOException {
        String name = run.folder.name();
        MessageStore.StoredFolder lf = run.localFolder;
        List<MessageRecord> old = state.messages(name);
        Map<Long, LocalChange> changes = new HashMap<>();
        state.localChanges(name).forEach(c -> changes.put(c.uid(), c));
        Map<String, String> fileByBase = new HashMap<>();
        for (String id : lf.localIds()) {
            fileByBase.put(LocalScan.strip(id), id);
        }
        // The candidates: every old record (its file may be gone by a pending delete or move), then labelled
        // files no record names (downloads interrupted by a crash), then uploads that may have arrived.
        Map<String, Deque<Candidate>> pool = new HashMap<>();
        Set<String> recorded = new HashSet<>();
        boolean needHeaders = false;
        for (MessageRecord r : old) {
            String base = LocalScan.strip(r.localId());
            recorded.add(base);
            String file = fileByBase.get(base);
            LocalChange c = changes.get(r.uid());
            String key;
            if (!r.messageId().isEmpty()) {
                key = ContentKeys.of(r.messageId(), null, 0, 0, r.size());
            } else if (file != null) {
                key = ContentKeys.ofLocal(lf, file, "", r.size());
                needHeaders = true;
            } else {
                continue; // deleted or moved here, and nothing to recognise it by: the change is dropped
            }
            if (file != null || c != null && c.kind() != LocalChange.Kind.KEPT) {
                pool.computeIfAbsent(key, k -> new ArrayDeque<>()).add(new Candidate(base, file, r, c));
            }
        }
        Set<String> uploading = state.uploadsStarted(name);
        for (Map.Entry<String, String> e : new TreeMap<>(fileByBase).entrySet()) {
            String id = e.getValue();
            if (recorded.contains(e.getKey()) || MaildirNames.uidOf(id) <= 0 && !uploading.contains(id)) {
                continue;
            }
            String messageId = LocalScan.messageId(lf, id);
            needHeaders |= messageId.isEmpty();
            pool.computeIfAbsent(ContentKeys.ofLocal(lf, id, messageId, -1), k -> new ArrayDeque<>())
                    .add(new Candidate(e.getKey(), id, null, null));
        }
        TreeMap<Long, ServerMessage> all = new TreeMap<>();
        if (run.uidNext > 1 || run.uidNext <= 0) {
            all.putAll(ImapCommands.metadata(p, "1:*"));
            if (!all.isEmpty() && run.uidNext > 0 && all.lastKey() >= run.uidNext) {
                // The server has messages at or above the UIDNEXT it announced: its UIDNEXT is wrong, not
                // its messages (taking them for gone would upload their local copies again).
                run.notes.add("the server announced UIDNEXT " + run.uidNext + " but has UID " + all.lastKey());
                run.uidNext = all.lastKey() + 1;
            }
        }
        Map<Long, String> headerKeys = new HashMap<>();
        if (needHeaders) {
            List<Long> withoutId = all.values().stream().filter(m -> m.messageId().isEmpty()).map(ServerMessage::uid).toList();
            for (int i = 0; i < withoutId.size(); i += MAX_MESSAGES_PER_FETCH) {
                List<Long> part = withoutId.subList(i, Math.min(withoutId.size(), i + MAX_MESSAGES_PER_FETCH));
                ImapCommands.bodies(p, UidSets.format(part), "HEADER", (uid, bytes) -> {
                    ServerMessage m = all.get(uid);
                    if (m != null && part.contains(uid)) {
                        headerKeys.put(uid, ContentKeys.of("", bytes.getBytes(), bytes.getStart(), bytes.getCount(), m.size()));
                    }
                });
            }
        }
        // 1. Decide.
        Map<Long, Candidate> matches = new LinkedHashMap<>();
        List<ServerMessage> download = new ArrayList<>();
        for (ServerMessage m : all.values()) {
            String key = m.messageId().isEmpty() ? headerKeys.get(m.uid()) : ContentKeys.of(m.messageId(), null, 0, 0, m.size());
            Deque<Candidate> candidates = key == null ? null : pool.get(key);
            Candidate c = candidates == null ? null : candidates.poll();
            if (c != null) {
                matches.put(m.uid(), c);
            } else if (tooOld(m)) {
                run.skippedOld++;
            } else {
                download.add(m);
            }
        }
        Set<String> matchedBases = new HashSet<>();
        matches.values().forEach(c -> matchedBases.add(c.base()));
        // 2. Unmatched labelled files become local messages first, so no label is ever taken for two messages.
        int localOnly = 0;
        for (Map.Entry<String, String> e : fileByBase.entrySet()) {
            if (!matchedBases.contains(e.getKey()) && MaildirNames.uidOf(e.getValue()) > 0) {
                lf.relabel(e.getValue(), 0);
                localOnly++;
            }
        }
        // 3. Matched ones take their new UID.
        List<MessageRecord> kept = new ArrayList<>();
        List<LocalChange> carried = new ArrayList<>();
        for (Map.Entry<Long, Candidate> e : matches.entrySet()) {
            ServerMessage m = all.get(e.getKey());
            Candidate c = e.getValue();
            LocalChange change = c.change();
            if (c.file() == null) {
                // Deleted or moved here before the recovery: the change goes on under the new UID.
                kept.add(record(run, m, MaildirNames.withUid(c.base(), m.uid()), c.record().headersOnly())
                        .withFlags(c.record().flags()));
                carried.add(new LocalChange(name, m.uid(), change.flags(), change.kind(), change.target()));
                continue;
            }
            String id = MaildirNames.uidOf(c.file()) == m.uid() ? c.file() : lf.relabel(c.file(), m.uid());
            boolean headersOnly = c.record() != null ? c.record().headersOnly() : adoptedHeadersOnly(run, m, id);
            if (change != null && change.kind() == LocalChange.Kind.KEPT && change.flags() != null) {
                // Flags changed here and not pushed yet: kept, and merged against the last synced flags next push.
                kept.add(record(run, m, id, headersOnly).withFlags(c.record().flags()));
                carried.add(new LocalChange(name, m.uid(), change.flags(), LocalChange.Kind.KEPT, null));
            } else {
                lf.setFlags(id, m.flags());
                kept.add(record(run, m, id, headersOnly));
            }
        }
        // 4. The state follows: old records and changes out, the new UIDVALIDITY, the mapped messages in.
        state.clearLocalChanges(name, changes.keySet());
        state.update(name, List.of(), old.stream().map(MessageRecord::uid).toList());
        state.saveFolder(new FolderState(name, run.folder.separator(), run.uidValidity, 1, 0, run.folder.specialUse()));
        state.update(name, kept, List.of());
        carried.forEach(state::saveLocalChange);
        for (String id : uploading) {
            state.markUpload(name, id, false);
        }
        int dropped = changes.size() - carried.size();
        run.notes.add(why + ": " + kept.size() + " message(s) matched by Message-ID or header and kept, "
                + download.size() + " downloaded"
                + (localOnly > 0 ? ", " + localOnly + " not on the server any more kept as local messages (uploaded next sync)" : "")
                + (dropped > 0 ? ", " + dropped + " pending local change(s) of messages no longer on the server dropped" : ""));
        LOG.warn("{}: {}", quoted(name), run.notes.get(run.notes.size() - 1));
        download(p, run, download);
        if (run.uidNext <= 0) {
            run.uidNext = all.isEmpty() ? 1 : all.lastKey() + 1;
        }
    }

    /** Whether deleting {@code deleted} of {@code known} messages looks like a lost mailbox (the same rule on both sides). */
    private boolean massDeletion(int deleted, int known) {
        return deleted >= 2 && deleted >= known
                || deleted >= MASS_DELETION_MINIMUM && deleted > options.massDeletionShare() * known;
    }

    private void finish(FolderRun run) {
        String name = run.folder.name();
        if (run.skipped) {
            return;
        }
        if (!options.allowMassDeletion() && run.toRemove.size() >= 2 && !routinelyEmptied(run.folder)) {
            int known = Math.max(run.toRemove.size(), state.messageCount(name) - run.added);
            int lost = massDeletion(run.toRemove.size(), known) ? notElsewhere(name, run.toRemove) : 0;
            if (massDeletion(lost, known)) {
                // Nothing removed and the folder's state not advanced: the next sync sees the same deletions.
                refusedOnServer.put(name, lost);
                run.notes.add("the server no longer shows " + lost + " of the " + known
                        + " messages mirrored here, and they are in no other folder: nothing deleted locally"
                        + " (mass-deletion guard)");
                LOG.warn("{}: {}", quoted(name), run.notes.get(run.notes.size() - 1));
                return;
            }
        }
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
        state.saveFolder(new FolderState(name, run.folder.separator(), run.uidValidity,
                Math.max(1, Math.min(run.uidNext, run.retryFrom)), run.highestModSeq, run.folder.specialUse()));
        // The pull looked at every UID the server has: an upload it did not find never arrived, and may go again.
        for (String id : state.uploadsStarted(name)) {
            state.markUpload(name, id, false);
            rescanNext.add(name); // offered again by the next sync's push
        }
    }

    /**
     * Whether a folder is one users empty as a matter of course (Trash, Junk): the server-side guard
     * leaves it alone. Moving every message out of a folder (inbox zero) does not trip the guard either:
     * see {@link #notElsewhere}.
     */
    private boolean routinelyEmptied(ServerFolder f) {
        if (f.specialUse().equalsIgnoreCase("\\Trash") || f.specialUse().equalsIgnoreCase("\\Junk")) {
            return true;
        }
        return provider != null && (provider.specialFolder(FolderRole.TRASH).filter(f.name()::equals).isPresent()
                || provider.specialFolder(FolderRole.JUNK).filter(f.name()::equals).isPresent());
    }

    /** How many of these messages no other mirrored folder holds now (by Message-ID): those are lost, the rest moved. */
    private int notElsewhere(String folder, List<MessageRecord> gone) {
        Map<String, List<MessageRecord>> elsewhere = state.findByMessageIds(gone.stream()
                .map(MessageRecord::messageId).filter(id -> !id.isEmpty()).distinct().toList());
        int lost = 0;
        for (MessageRecord r : gone) {
            if (elsewhere.getOrDefault(r.messageId(), List.of()).stream().noneMatch(o -> !o.folder().equals(folder))) {
                lost++;
            }
        }
        return lost;
    }

    private FolderReport removeGoneFolder(FolderState gone) {
        long start = System.nanoTime();
        List<MessageRecord> records = state.messages(gone.name());
        List<String> notes = new ArrayList<>();
        String method = "DELETED";
        int lost = options.allowMassDeletion() || !massDeletion(records.size(), records.size()) ? 0
                : notElsewhere(gone.name(), records);
        if (!options.allowMassDeletion() && massDeletion(lost, records.size())
                && !routinelyEmptied(new ServerFolder(gone.name(), gone.separator(), gone.specialUse()))) {
            refusedOnServer.put(gone.name(), lost);
            notes.add("the folder is gone from the server's folder list, and " + lost + " of its " + records.size()
                    + " messages are in no other folder: the local folder is kept (mass-deletion guard)");
            LOG.warn("{}: {}", quoted(gone.name()), notes.get(0));
            return new FolderReport(gone.name(), "KEPT", 0, 0, 0, 0, 0, 0, 0,
                    Duration.ofNanos(System.nanoTime() - start), notes);
        }
        if (local.exists(gone.name(), gone.separator())) {
            Set<String> known = new HashSet<>();
            records.forEach(r -> known.add(r.localId()));
            MessageStore.StoredFolder lf;
            try {
                lf = local.folder(gone.name(), gone.separator());
            } catch (SyncStateException e) {
                notes.add("the server folder is gone; its local folder cannot be opened ("
                        + printable(String.valueOf(e.getMessage())) + "), so it is kept");
                return new FolderReport(gone.name(), "KEPT", 0, 0, 0, 0, 0, 0, 0,
                        Duration.ofNanos(System.nanoTime() - start), notes);
            }
            long unsynced = lf.localIds().stream().filter(id -> !known.contains(id)).count();
            int other = lf.skipped().size();
            if (unsynced > 0 || other > 0) {
                notes.add("the server folder is gone; the local folder is kept because it holds "
                        + (unsynced > 0 ? unsynced + " message(s) never synced" : "")
                        + (unsynced > 0 && other > 0 ? " and " : "")
                        + (other > 0 ? other + " entr" + (other == 1 ? "y" : "ies") + " that are not messages" : ""));
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
