package dev.mailkit.imap.internal.engine;

import static dev.mailkit.imap.internal.engine.SyncContext.quoted;

import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.spi.LocalChange;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.internal.maildir.MaildirNames;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UIDVALIDITY recovery: maps a folder's local messages to the server's new UIDs after a UIDVALIDITY change
 * (or a UIDNEXT that went backwards), decided first and applied after, so a crash part-way leaves every
 * file findable by its name.
 */
final class UidValidityRecovery extends EnginePart {

    private static final Logger LOG = LoggerFactory.getLogger(UidValidityRecovery.class);

    private final Puller puller;

    UidValidityRecovery(SyncContext ctx, Puller puller) {
        super(ctx);
        this.puller = puller;
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
    void recover(IMAPProtocol p, FolderRun run, FolderState saved, String why)
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
            for (int i = 0; i < withoutId.size(); i += Puller.MAX_MESSAGES_PER_FETCH) {
                List<Long> part = withoutId.subList(i, Math.min(withoutId.size(), i + Puller.MAX_MESSAGES_PER_FETCH));
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
            } else if (puller.tooOld(m)) {
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
                kept.add(puller.record(run, m, MaildirNames.withUid(c.base(), m.uid()), c.record().headersOnly())
                        .withFlags(c.record().flags()));
                carried.add(new LocalChange(name, m.uid(), change.flags(), change.kind(), change.target()));
                continue;
            }
            String id = MaildirNames.uidOf(c.file()) == m.uid() ? c.file() : lf.relabel(c.file(), m.uid());
            boolean headersOnly = c.record() != null ? c.record().headersOnly() : puller.adoptedHeadersOnly(run, m, id);
            if (change != null && change.kind() == LocalChange.Kind.KEPT && change.flags() != null) {
                // Flags changed here and not pushed yet: kept, and merged against the last synced flags next push.
                kept.add(puller.record(run, m, id, headersOnly).withFlags(c.record().flags()));
                carried.add(new LocalChange(name, m.uid(), change.flags(), LocalChange.Kind.KEPT, null));
            } else {
                lf.setFlags(id, m.flags());
                kept.add(puller.record(run, m, id, headersOnly));
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
        puller.download(p, run, download);
        if (run.uidNext <= 0) {
            run.uidNext = all.isEmpty() ? 1 : all.lastKey() + 1;
        }
    }
}
