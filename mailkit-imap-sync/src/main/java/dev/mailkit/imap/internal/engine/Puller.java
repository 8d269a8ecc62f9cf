package dev.mailkit.imap.internal.engine;

import static dev.mailkit.imap.internal.engine.SyncContext.printable;
import static dev.mailkit.imap.internal.engine.SyncContext.quoted;

import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.SyncStateException;
import dev.mailkit.imap.internal.maildir.MaildirNames;
import dev.mailkit.imap.spi.LocalChange;
import dev.mailkit.imap.spi.MessageStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.ResyncData;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.MailboxInfo;
import org.eclipse.angus.mail.imap.protocol.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pull of one folder (phase 1 and 2 of {@link SyncEngine}): examine it with the saved state (QRESYNC,
 * else CONDSTORE, else a UID/FLAGS diff), apply the server's flag changes, add new messages (adopting a
 * file already holding one, copying a local copy, else downloading), then remove what the server expunged
 * and save the folder's UIDNEXT and HIGHESTMODSEQ. The counterpart of {@link Pusher}.
 */
final class Puller extends EnginePart {

    private static final Logger LOG = LoggerFactory.getLogger(Puller.class);
    static final int METADATA_WINDOW = 2000;
    static final int MAX_MESSAGES_PER_FETCH = 500;
    /** UIDs per flag FETCH of the full diff (servers without CONDSTORE). */
    private static final int FLAGS_WINDOW = 20_000;
    /** Up to this many UIDs named by a QRESYNC answer are looked up one by one; beyond, the folder's records are scanned. */
    private static final int VANISHED_LOOKUPS = 10_000;

    private final UidValidityRecovery recovery;
    private final MassDeletionGuard guard;

    Puller(SyncContext ctx, MassDeletionGuard guard) {
        super(ctx);
        this.guard = guard;
        this.recovery = new UidValidityRecovery(ctx, this);
    }

    void syncFolder(IMAPProtocol p, FolderRun run, boolean qresync, boolean condstore) throws ProtocolException {
        pull(p, run, qresync, condstore);
        announce(run, -1); // a folder skipped before it was examined
    }

    /** {@link dev.mailkit.imap.SyncListener#onFolderStart}, once per folder and before any of its messages. */
    private void announce(FolderRun run, int newOnServer) {
        if (!run.announced) {
            run.announced = true;
            listener.onFolderStart(run.folder.name(), newOnServer);
        }
    }

    private void pull(IMAPProtocol p, FolderRun run, boolean qresync, boolean condstore) throws ProtocolException {
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
                announce(run, 0);
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
                announce(run, mi.total < 0 ? -1 : mi.total);
                state.saveFolder(new FolderState(name, run.folder.separator(), mi.uidvalidity, 1, 0,
                        run.folder.specialUse()));
                if (!openLocal(run)) {
                    state.deleteFolder(name); // nothing of it is mirrored: the next sync starts it afresh
                    return;
                }
            } else if (saved.get().uidValidity() != mi.uidvalidity) {
                run.method = "UIDVALIDITY";
                announce(run, -1);
                recovery.recover(p, run, saved.get(), "UIDVALIDITY changed from " + saved.get().uidValidity()
                        + " to " + mi.uidvalidity);
                fromUid = Long.MAX_VALUE; // everything was handled by the recovery
            } else if (mi.uidnext > 0 && mi.uidnext < saved.get().uidNext()) {
                // UIDs never go back under one UIDVALIDITY (RFC 3501 2.3.1.1): the server renumbered its
                // messages without saying so. Its UIDs are taken as new ones, as after a UIDVALIDITY change.
                run.method = "UIDVALIDITY";
                announce(run, -1);
                recovery.recover(p, run, saved.get(), "UIDNEXT went back from " + saved.get().uidNext() + " to "
                        + mi.uidnext + " under the same UIDVALIDITY");
                fromUid = Long.MAX_VALUE;
            } else {
                fromUid = saved.get().uidNext();
                boolean unchanged = condstore && saved.get().highestModSeq() > 0
                        && mi.highestmodseq == saved.get().highestModSeq() && mi.uidnext == saved.get().uidNext();
                if (unchanged) {
                    run.method = "UNCHANGED";
                    announce(run, 0);
                } else {
                    applyChanges(p, run, saved.get(), mi, useQresync, condstore);
                    // EXISTS less the messages known here that are still on the server: an estimate, since
                    // the server may have added and expunged messages this sync does not see as such
                    announce(run, mi.total < 0 ? -1
                            : Math.max(0, mi.total - (state.messageCount(name) - run.toRemove.size())));
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
            run.localFolder = ctx.localFolder(run.folder.name());
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
        // A flag change made here and not pushed yet (the server refused it as MODIFIED, or it was made during
        // this sync) is merged with the server's change, and stays a local change against the new flags.
        Map<Long, LocalChange> pending = new HashMap<>();
        if (!flags.isEmpty()) {
            state.localChanges(name).stream().filter(c -> c.kind() == LocalChange.Kind.KEPT && c.flags() != null)
                    .forEach(c -> pending.put(c.uid(), c));
        }
        List<LocalChange> rebased = new ArrayList<>();
        List<Long> settled = new ArrayList<>();
        for (Map.Entry<Long, MessageFlags> e : flags.entrySet()) {
            MessageRecord r = known.get(e.getKey());
            if (r != null && !gone.contains(r.uid()) && !r.flags().equals(e.getValue())) {
                LocalChange c = pending.get(r.uid());
                MessageFlags here = c == null ? e.getValue() : MessageFlags.merge(r.flags(), c.flags(), e.getValue());
                run.localFolder.setFlags(r.localId(), here);
                updates.add(r.withFlags(e.getValue()));
                if (c != null && !here.equals(e.getValue())) {
                    rebased.add(new LocalChange(name, r.uid(), here, LocalChange.Kind.KEPT, null));
                } else if (c != null) {
                    settled.add(r.uid());
                }
                run.changed++;
            }
        }
        state.update(name, updates, List.of());
        rebased.forEach(state::saveLocalChange);
        state.clearLocalChanges(name, settled);
        if (!rebased.isEmpty()) {
            rescanNext.add(name);
        }
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
            if (!download.isEmpty()) {
                listener.onDownloadPlanned(run.folder.name(), download.size(),
                        download.stream().mapToLong(ServerMessage::size).sum());
            }
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

    boolean tooOld(ServerMessage m) {
        return options.since() != null && m.internalDate().isBefore(options.since());
    }

    private boolean headersOnly(ServerMessage m) {
        return options.headersOnlyAbove() > 0 && m.size() > options.headersOnlyAbove();
    }

    /** Whether a file found for a UID (after a crash) holds only the header: it was due to, and is shorter. */
    boolean adoptedHeadersOnly(FolderRun run, ServerMessage m, String localId) {
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
                MessageStore.StoredFolder source = ctx.localFolder(other.folder());
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

    MessageRecord record(FolderRun run, ServerMessage m, String localId, boolean headersOnly) {
        return new MessageRecord(run.folder.name(), m.uid(), localId, m.flags(), m.messageId(), m.size(), m.internalDate(),
                headersOnly);
    }

    void download(IMAPProtocol p, FolderRun run, List<ServerMessage> messages) throws ProtocolException, IOException {
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

    void finish(FolderRun run) {
        String name = run.folder.name();
        if (run.skipped) {
            return;
        }
        if (!options.allowMassDeletion() && run.toRemove.size() >= 2 && !guard.routinelyEmptied(run.folder)) {
            int known = Math.max(run.toRemove.size(), state.messageCount(name) - run.added);
            int lost = guard.massDeletion(run.toRemove.size(), known) ? guard.notElsewhere(name, run.toRemove) : 0;
            if (guard.massDeletion(lost, known)) {
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
}
