package dev.mailkit.imap.internal.engine;

import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.SyncStateException;
import dev.mailkit.imap.internal.maildir.MaildirNames;
import dev.mailkit.imap.spi.LocalChange;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.spi.SyncStateStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds what changed in the local store since the last sync, like mbsync does for a Maildir another
 * client (mutt, notmuch) edits: flags renamed in file names, files deleted, files moved between folders,
 * new files. Each finding is saved as a {@link LocalChange} (API actions are saved the same way), so it
 * survives a restart. Returns, per folder, the files to upload and those an upload may have reached.
 */
final class LocalScan {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalScan.class);

    /** What one folder holds that the server does not know yet. */
    static final class FolderFiles {
        /** Local files to upload (APPEND). */
        final List<String> uploads = new ArrayList<>();
        /** Message-ID to local file, for files a new server message may turn out to be (adopted, not downloaded). */
        final Map<String, String> adoptable = new HashMap<>();
        /**
         * The same for files without Message-ID an interrupted upload or move may have put on the server:
         * {@link ContentKeys} (header digest and size) to local file.
         */
        final Map<String, String> adoptableByContent = new HashMap<>();
        /** Messages whose file is gone from the folder (deleted locally). */
        int deleted;
        /** Messages the state knows in the folder. */
        int known;
        /** The local folder directory itself is missing. */
        boolean missing;
        /** The local folder exists but cannot be opened (for example a link in place of its directory). */
        boolean unavailable;
        /** Local files left alone this time (too large, empty, unreadable), each named. */
        final List<String> notes = new ArrayList<>();
    }

    private final SyncStateStore state;
    private final MessageStore local;
    private final Function<String, MessageStore.StoredFolder> open;
    /** Files no record describes above this size are not read, nor uploaded. */
    private final long maxUploadBytes;

    LocalScan(SyncStateStore state, MessageStore local, Function<String, MessageStore.StoredFolder> open, long maxUploadBytes) {
        this.state = state;
        this.local = local;
        this.open = open;
        this.maxUploadBytes = maxUploadBytes;
    }

    /**
     * @param unchanged folders whose store reports no change since the last sync: with no local change or
     *                  upload recorded either, they are not looked at
     */
    Map<String, FolderFiles> run(List<FolderState> folders, Set<String> unchanged) throws IOException {
        List<FolderState> toScan = new ArrayList<>();
        Map<String, FolderFiles> quiet = new LinkedHashMap<>();
        for (FolderState f : folders) {
            if (unchanged.contains(f.name()) && state.localChanges(f.name()).isEmpty()
                    && state.uploadsStarted(f.name()).isEmpty()) {
                quiet.put(f.name(), new FolderFiles());
            } else {
                toScan.add(f);
            }
        }
        Map<String, FolderFiles> out = scan(toScan);
        out.putAll(quiet);
        return out;
    }

    private Map<String, FolderFiles> scan(List<FolderState> folders) throws IOException {
        Map<String, FolderFiles> out = new LinkedHashMap<>();
        Map<String, Set<String>> unknownFiles = new HashMap<>(); // folder -> local ids no record describes
        Map<String, List<MessageRecord>> missing = new HashMap<>();
        Map<String, Set<String>> movedHere = new HashMap<>(); // folder -> ids of files a pending move put there
        Map<String, Map<Long, LocalChange>> changesByFolder = new HashMap<>();
        // folder -> unknown files not to be read: empty, or above the upload limit (their size known without reading)
        Map<String, Map<String, Long>> notRead = new HashMap<>();
        for (FolderState f : folders) {
            FolderFiles files = new FolderFiles();
            out.put(f.name(), files);
            List<MessageRecord> records = state.messages(f.name());
            files.known = records.size();
            if (!local.exists(f.name(), f.separator())) {
                files.missing = true;
                continue;
            }
            MessageStore.StoredFolder lf;
            try {
                lf = open.apply(f.name());
            } catch (SyncStateException e) {
                files.unavailable = true; // nothing of it is read: no deletes, no uploads; the pull reports it
                continue;
            }
            Set<String> ids = new HashSet<>(lf.localIds());
            Set<String> notMessages = lf.skipped().keySet(); // a link or directory where a synced file was
            Map<Long, LocalChange> changes = new HashMap<>();
            changesByFolder.put(f.name(), changes);
            for (LocalChange c : state.localChanges(f.name())) {
                changes.put(c.uid(), c);
                if (c.kind() == LocalChange.Kind.MOVED) {
                    movedHere.computeIfAbsent(c.target(), k -> new HashSet<>()).add(strip(recordId(records, c.uid())));
                }
            }
            for (MessageRecord r : records) {
                ids.remove(r.localId());
                LocalChange c = changes.get(r.uid());
                Optional<MessageFlags> stored = lf.storedFlags(r.localId());
                if (stored.isEmpty() && notMessages.contains(r.localId())) {
                    continue; // not read, so nothing is known of it: neither a delete nor a flag change
                }
                if (stored.isEmpty()) {
                    if (c == null || c.kind() == LocalChange.Kind.KEPT) {
                        missing.computeIfAbsent(f.name(), k -> new ArrayList<>()).add(r);
                    } else if (c.kind() == LocalChange.Kind.MOVED) {
                        movedFileRenamed(f.name(), r, c);
                    }
                    continue;
                }
                MessageFlags wanted = c != null && c.flags() != null ? c.flags() : r.flags();
                if (c != null && c.kind() != LocalChange.Kind.KEPT) {
                    // The file came back (restored by the user): the delete or move is undone.
                    wanted = r.flags();
                    c = null;
                    state.clearLocalChanges(f.name(), List.of(r.uid()));
                }
                MessageFlags inFile = MessageFlags.fromMaildir(stored.get().maildirLetters(), wanted.keywords());
                if (inFile.equals(r.flags())) {
                    if (c != null) {
                        state.clearLocalChanges(f.name(), List.of(r.uid())); // changed back: nothing to push
                    }
                } else if (c == null || !inFile.equals(wanted)) {
                    state.saveLocalChange(new LocalChange(f.name(), r.uid(), inFile, LocalChange.Kind.KEPT, null));
                }
            }
            unknownFiles.put(f.name(), ids);
            Map<String, Long> sizes = new HashMap<>();
            for (String id : ids) {
                long size = lf.size(id);
                if (size == 0 || size > maxUploadBytes) {
                    sizes.put(id, size);
                }
            }
            notRead.put(f.name(), sizes);
        }
        // A file missing from one folder and found, under the same name, among another folder's unknown files
        // was moved there by another client; anything else missing was deleted.
        Map<String, String> unknownByName = new HashMap<>();
        unknownFiles.forEach((folder, ids) -> ids.forEach(id -> unknownByName.putIfAbsent(strip(id), folder)));
        // A client that moves by copy and delete (a new file name) is recognised by Message-ID and size.
        Map<String, List<String[]>> unknownById = null; // read when first needed
        // A pending move whose file is not in its target under its own name: a copy-and-delete move cut short
        // after it was recorded; the copy is found again by Message-ID and size, so it is not uploaded as new.
        for (FolderState f : folders) {
            Map<Long, LocalChange> changes = changesByFolder.get(f.name());
            if (changes == null) {
                continue;
            }
            for (LocalChange c : changes.values()) {
                if (c.kind() != LocalChange.Kind.MOVED || !unknownFiles.containsKey(c.target())) {
                    continue;
                }
                MessageRecord r = state.message(f.name(), c.uid()).orElse(null);
                if (r == null || open.apply(c.target()).size(strip(r.localId())) >= 0) {
                    continue;
                }
                if (unknownById == null) {
                    unknownById = unknownByMessageId(unknownFiles, notRead);
                }
                String[] copy = copyOf(r, f.name(), unknownById, movedHere);
                if (copy != null && copy[0].equals(c.target())) {
                    unknownFiles.get(copy[0]).remove(copy[1]);
                    movedHere.computeIfAbsent(copy[0], k -> new HashSet<>()).add(copy[1]);
                }
            }
        }
        // Moves by name first, so that a file renamed into another folder is never also taken for a copy.
        List<Object[]> copies = new ArrayList<>();
        for (Map.Entry<String, List<MessageRecord>> e : missing.entrySet()) {
            for (MessageRecord r : e.getValue()) {
                String target = unknownByName.get(strip(r.localId()));
                if (target != null && !target.equals(e.getKey())) {
                    String id = unknownFiles.get(target).contains(r.localId()) ? r.localId() : strip(r.localId());
                    movedTo(e.getKey(), r, target, id, changesByFolder, unknownFiles, movedHere);
                } else {
                    copies.add(new Object[] {e.getKey(), r});
                }
            }
        }
        for (Object[] pending : copies) {
            String folder = (String) pending[0];
            MessageRecord r = (MessageRecord) pending[1];
            if (unknownById == null) {
                unknownById = unknownByMessageId(unknownFiles, notRead);
            }
            String[] copy = copyOf(r, folder, unknownById, movedHere);
            if (copy != null) {
                movedTo(folder, r, copy[0], copy[1], changesByFolder, unknownFiles, movedHere);
            } else {
                LocalChange prior = changesByFolder.get(folder).get(r.uid());
                state.saveLocalChange(new LocalChange(folder, r.uid(), prior == null ? null : prior.flags(),
                        LocalChange.Kind.DELETED, null));
            }
        }
        for (FolderState f : folders) {
            FolderFiles files = out.get(f.name());
            for (LocalChange c : state.localChanges(f.name())) {
                if (c.kind() == LocalChange.Kind.DELETED) {
                    files.deleted++;
                }
            }
            Set<String> ids = unknownFiles.get(f.name());
            if (ids == null) {
                continue;
            }
            Set<String> moved = movedHere.getOrDefault(f.name(), Set.of());
            Set<String> started = state.uploadsStarted(f.name());
            MessageStore.StoredFolder lf = open.apply(f.name());
            for (String id : moved) {
                // A file a pending move put here: if the server already holds the message here (the move was
                // made before a crash, or by another device too), the pull adopts this file.
                if (lf.size(id) >= 0) {
                    adoptable(files, lf, id, messageId(lf, id));
                }
            }
            ids.removeAll(moved);
            Map<String, Long> leftAlone = notRead.getOrDefault(f.name(), Map.of());
            for (String id : ids) {
                long uid = MaildirNames.uidOf(id);
                boolean pendingDownload = uid >= f.uidNext(); // written before a crash; the pull adopts it by UID
                Long size = leftAlone.get(id);
                if (size != null) {
                    if (!pendingDownload) {
                        files.notes.add(size == 0
                                ? "local file " + MaildirNames.printable(id) + " is empty, not a message: not uploaded"
                                : "local file " + MaildirNames.printable(id) + " is " + size + " bytes, above the upload"
                                + " limit of " + maxUploadBytes + " bytes (maxUploadBytes): not read, not uploaded,"
                                + " left where it is");
                    }
                    continue;
                }
                String messageId;
                try {
                    messageId = messageId(lf, id);
                } catch (IOException e) {
                    // Changed or replaced since the folder was listed: looked at again next sync.
                    files.notes.add("local file " + MaildirNames.printable(id) + " cannot be read ("
                            + MaildirNames.printable(String.valueOf(e.getMessage())) + "): not uploaded this time");
                    continue;
                }
                if (!messageId.isEmpty()) {
                    files.adoptable.putIfAbsent(messageId, id);
                } else if (started.contains(id)) {
                    adoptable(files, lf, id, messageId);
                }
                if (!pendingDownload && !started.contains(id)) {
                    if (uid > 0) {
                        LOG.debug("{}: file {} is labelled with UID {} (below UIDNEXT {}) but no record names it:"
                                + " uploaded as a new message", f.name(), MaildirNames.printable(id), uid, f.uidNext());
                    }
                    files.uploads.add(id);
                }
            }
            files.uploads.sort(null);
        }
        return out;
    }

    /**
     * A message moved here but not pushed yet whose file another Maildir client renamed where it landed: the
     * pending move takes the letters the file carries now, so the push does not set them back.
     */
    private void movedFileRenamed(String folder, MessageRecord r, LocalChange c) throws IOException {
        if (!local.exists(c.target(), separatorOf(c.target()))) {
            return;
        }
        Optional<MessageFlags> there = open.apply(c.target()).storedFlags(strip(r.localId()));
        MessageFlags pending = c.flags() != null ? c.flags() : r.flags();
        if (there.isPresent() && !there.get().maildirLetters().equals(pending.maildirLetters())) {
            state.saveLocalChange(new LocalChange(folder, r.uid(),
                    MessageFlags.fromMaildir(there.get().maildirLetters(), pending.keywords()), LocalChange.Kind.MOVED,
                    c.target()));
        }
    }

    private char separatorOf(String folder) {
        return state.folder(folder).map(FolderState::separator).orElse('/');
    }

    /** Records the move of a message whose file is gone here to {@code target}, where it is {@code id}. */
    private void movedTo(String folder, MessageRecord r, String target, String id,
                         Map<String, Map<Long, LocalChange>> changesByFolder, Map<String, Set<String>> unknownFiles,
                         Map<String, Set<String>> movedHere) throws IOException {
        LocalChange prior = changesByFolder.get(folder).get(r.uid());
        MessageFlags flags = prior == null ? null : prior.flags();
        MessageStore.StoredFolder tf = open.apply(target);
        unknownFiles.get(target).remove(id);
        if (!id.equals(strip(id))) {
            id = tf.relabel(id, 0); // its UID belonged to the old folder
        }
        unknownFiles.get(target).remove(id);
        movedHere.computeIfAbsent(target, k -> new HashSet<>()).add(id);
        // The flags the file carries where it landed (a client may change them on the way).
        Optional<MessageFlags> there = tf.storedFlags(id);
        MessageFlags base = flags != null ? flags : r.flags();
        if (there.isPresent()) {
            flags = MessageFlags.fromMaildir(there.get().maildirLetters(), base.keywords());
        }
        if (!id.equals(strip(r.localId()))) {
            // A copy under its own name: if the move reaches the server and the sync is then cut short, the
            // next sync must adopt this file for the moved message, not upload it as a new one.
            state.startUpload(target, id, flags != null ? flags : base);
        }
        LOG.debug("{}: UID {} moved here to {} as {}", folder, r.uid(), target, MaildirNames.printable(id));
        state.saveLocalChange(new LocalChange(folder, r.uid(), flags, LocalChange.Kind.MOVED, target));
    }

    /** Offers a file to the pull for adoption: by Message-ID, or without one by header digest and size. */
    private static void adoptable(FolderFiles files, MessageStore.StoredFolder lf, String id, String messageId)
            throws IOException {
        if (!messageId.isEmpty()) {
            files.adoptable.putIfAbsent(messageId, id);
        } else {
            files.adoptableByContent.putIfAbsent(ContentKeys.ofLocal(lf, id, "", -1), id);
        }
    }

    /** Message-ID to [folder, local id] of the files no record describes, in folder order. */
    private Map<String, List<String[]>> unknownByMessageId(Map<String, Set<String>> unknownFiles,
                                                           Map<String, Map<String, Long>> notRead) {
        Map<String, List<String[]>> out = new HashMap<>();
        for (Map.Entry<String, Set<String>> e : unknownFiles.entrySet()) {
            MessageStore.StoredFolder lf = open.apply(e.getKey());
            Map<String, Long> leftAlone = notRead.getOrDefault(e.getKey(), Map.of());
            long uidNext = state.folder(e.getKey()).map(FolderState::uidNext).orElse(Long.MAX_VALUE);
            for (String id : e.getValue()) {
                if (leftAlone.containsKey(id)) {
                    continue;
                }
                if (MaildirNames.uidOf(id) >= uidNext) {
                    // a download written before a crash, which the pull adopts by its UID: not the new half
                    // of a Maildir client's move (the same message deleted elsewhere is a deletion)
                    continue;
                }
                String messageId;
                try {
                    messageId = messageId(lf, id);
                } catch (IOException unreadable) {
                    continue; // reported when its upload is considered
                }
                if (!messageId.isEmpty()) {
                    out.computeIfAbsent(messageId, k -> new ArrayList<>()).add(new String[] {e.getKey(), id});
                }
            }
        }
        return out;
    }

    /**
     * An unknown file in another folder holding the same message as a record whose file is gone here:
     * the same Message-ID and the same size in CRLF form. Taken once.
     */
    private String[] copyOf(MessageRecord r, String folder, Map<String, List<String[]>> unknownById,
                            Map<String, Set<String>> movedHere) throws IOException {
        if (r.messageId().isEmpty() || r.headersOnly()) {
            return null;
        }
        List<String[]> candidates = unknownById.getOrDefault(r.messageId(), List.of());
        for (int i = 0; i < candidates.size(); i++) {
            String[] c = candidates.get(i);
            MessageStore.StoredFolder there = open.apply(c[0]);
            // A file a pending move put there (the same message moved from a third folder) is that move's; so is
            // one a move by name took since this list was made (it may have lost its UID label on the way).
            Set<String> taken = movedHere.getOrDefault(c[0], Set.of());
            if (!c[0].equals(folder) && !taken.contains(c[1]) && !taken.contains(strip(c[1])) && there.size(c[1]) >= 0
                    && ContentKeys.crlfSize(there, c[1]) == r.size()) {
                candidates.remove(i);
                return c;
            }
        }
        return null;
    }

    private static String recordId(List<MessageRecord> records, long uid) {
        for (MessageRecord r : records) {
            if (r.uid() == uid) {
                return r.localId();
            }
        }
        return "";
    }

    static String strip(String id) {
        return MaildirNames.withUid(id, 0);
    }

    /** The Message-ID header of a local file, or empty. */
    static String messageId(MessageStore.StoredFolder lf, String id) throws IOException {
        try (InputStream in = lf.open(id)) {
            byte[] head = in.readNBytes(64 * 1024);
            int end = indexOfBlankLine(head);
            return ImapCommands.messageId(new org.eclipse.angus.mail.iap.ByteArray(head, 0, end < 0 ? head.length : end));
        }
    }

    private static int indexOfBlankLine(byte[] b) {
        for (int i = 1; i < b.length; i++) {
            if (b[i] == '\n' && (b[i - 1] == '\n' || i >= 2 && b[i - 1] == '\r' && b[i - 2] == '\n')) {
                return i;
            }
        }
        return -1;
    }
}
