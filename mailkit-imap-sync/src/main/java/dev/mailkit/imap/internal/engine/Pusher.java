package dev.mailkit.imap.internal.engine;

import dev.mailkit.imap.ConflictPolicy;
import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.imap.internal.angus.RawFlags;
import dev.mailkit.imap.internal.maildir.MaildirNames;
import dev.mailkit.imap.spi.LocalChange;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.spi.SyncStateStore;
import jakarta.mail.Flags;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.BadCommandException;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.Literal;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.MailboxInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pushes one folder's local changes to the server before it is pulled (RFC 4549 §3): flags merged
 * flag by flag with {@code UID STORE ... (UNCHANGEDSINCE)} where CONDSTORE exists, moves with
 * {@code UID MOVE} (else COPY, \Deleted and {@code UID EXPUNGE} of those UIDs only), deletes to the Trash
 * or expunged by UID, and new local files uploaded with APPEND (APPENDUID names the file's UID so the
 * pull does not download it again). Never a bare EXPUNGE, never CLOSE.
 *
 * <p>Crash safety: every server command is idempotent when repeated, or recorded before it is sent
 * (an upload), and its local effect is committed after it; a run killed between the two repeats or
 * recognises the command on the next run (a moved or uploaded message is found by Message-ID).
 */
final class Pusher {

    private static final Pattern COPYUID = Pattern.compile("\\[COPYUID (\\d+) ([0-9:,]+) ([0-9:,]+)]", Pattern.CASE_INSENSITIVE);
    private static final Pattern MODIFIED = Pattern.compile("\\[MODIFIED ([0-9:,]+)]", Pattern.CASE_INSENSITIVE);

    /** What the push did to one folder. */
    static final class Result {
        int pushed;
        int conflicts;
        final List<String> notes = new ArrayList<>();
    }

    private final SyncStateStore state;
    private final Function<String, MessageStore.StoredFolder> open;
    private final ConflictPolicy policy;
    private final String trash;
    private final int partBytes;
    private final long maxUploadBytes;
    private final SyncListener listener;

    /**
     * @param trash the server's Trash folder deletes go to, or null to expunge them
     */
    Pusher(SyncStateStore state, Function<String, MessageStore.StoredFolder> open, ConflictPolicy policy, String trash,
           int partBytes, long maxUploadBytes, SyncListener listener) {
        this.maxUploadBytes = maxUploadBytes;
        this.listener = listener;
        this.state = state;
        this.open = open;
        this.policy = policy;
        this.trash = trash;
        this.partBytes = partBytes;
    }

    Result push(IMAPProtocol p, FolderState saved, LocalScan.FolderFiles files, boolean condstore)
            throws ProtocolException, IOException {
        Result result = new Result();
        String name = saved.name();
        List<LocalChange> changes = state.localChanges(name);
        if (changes.isEmpty() && files.uploads.isEmpty()) {
            return result;
        }
        MailboxInfo mi = ImapCommands.select(p, name);
        if (mi.uidvalidity != saved.uidValidity() || mi.uidnext > 0 && mi.uidnext < saved.uidNext()) {
            result.notes.add("the folder was recreated on the server (UIDVALIDITY changed); local changes wait for"
                    + " the recovery to map them");
            return result;
        }
        MessageStore.StoredFolder lf = open.apply(name);
        if (!changes.isEmpty()) {
            pushChanges(p, name, lf, changes, condstore ? mi.highestmodseq : 0, result);
        }
        for (String id : files.uploads) {
            upload(p, saved, lf, id, result);
        }
        return result;
    }

    private void pushChanges(IMAPProtocol p, String name, MessageStore.StoredFolder lf, List<LocalChange> changes,
                             long unchangedSince, Result result) throws ProtocolException, IOException {
        Map<Long, MessageFlags> server = ImapCommands.flags(p, UidSets.format(changes.stream().map(LocalChange::uid).toList()), 0);
        Map<String, List<Long>> stores = new LinkedHashMap<>(); // "+names" or "-names" -> UIDs
        Map<Long, MessageFlags> merged = new HashMap<>();
        Map<Long, MessageFlags> locals = new HashMap<>();
        Map<Long, MessageRecord> records = new HashMap<>();
        List<Long> deletes = new ArrayList<>();
        Map<String, List<Long>> moves = new LinkedHashMap<>();
        List<Long> done = new ArrayList<>();
        List<Long> gone = new ArrayList<>();
        for (LocalChange c : changes) {
            MessageRecord r = state.message(name, c.uid()).orElse(null);
            if (r == null) {
                done.add(c.uid());
                continue;
            }
            records.put(r.uid(), r);
            MessageFlags srv = server.get(c.uid());
            if (srv == null) {
                goneOnServer(name, c, r, result);
                done.add(c.uid());
                if (c.kind() != LocalChange.Kind.KEPT) {
                    // Its file is already gone from this folder (deleted or moved here): the record goes with the
                    // change, not later with the pull, so no reader ever sees a message without its file.
                    gone.add(c.uid());
                }
                continue;
            }
            MessageFlags local = c.flags() != null ? c.flags() : r.flags();
            MessageFlags m = MessageFlags.merge(r.flags(), local, srv);
            merged.put(r.uid(), m);
            locals.put(r.uid(), local);
            // \Deleted on the server may be this push's own, from a delete cut before its UID EXPUNGE.
            if (c.kind() == LocalChange.Kind.DELETED && !withoutDeleted(srv).equals(withoutDeleted(r.flags()))
                    && policy == ConflictPolicy.SERVER_WINS) {
                restore(p, name, lf, r, srv);
                result.conflicts++;
                result.notes.add("UID " + r.uid() + " was deleted here but changed on the server: kept (SERVER_WINS)");
                done.add(c.uid());
                continue;
            }
            if (c.kind() != LocalChange.Kind.DELETED && !m.equals(srv) && unchangedSince > 0) {
                // One command sets the whole merged set: "+FLAGS" and "-FLAGS" as two commands with the same
                // UNCHANGEDSINCE would have the second refused as MODIFIED by the first (RFC 7162 3.1.3).
                stores.computeIfAbsent("=" + wire(m.imapNames()), k -> new ArrayList<>()).add(r.uid());
            } else if (c.kind() != LocalChange.Kind.DELETED && !m.equals(srv)) {
                // Without CONDSTORE, adding and removing only what changed leaves a concurrent change to
                // another flag by another client alone.
                Set<String> add = new TreeSet<>(m.imapNames());
                add.removeAll(srv.imapNames());
                Set<String> remove = new TreeSet<>(srv.imapNames());
                remove.removeAll(m.imapNames());
                if (!add.isEmpty()) {
                    stores.computeIfAbsent("+" + wire(add), k -> new ArrayList<>()).add(r.uid());
                }
                if (!remove.isEmpty()) {
                    stores.computeIfAbsent("-" + wire(remove), k -> new ArrayList<>()).add(r.uid());
                }
            }
            switch (c.kind()) {
                case KEPT -> { }
                case DELETED -> deletes.add(r.uid());
                case MOVED -> moves.computeIfAbsent(c.target(), k -> new ArrayList<>()).add(r.uid());
            }
        }
        if (!gone.isEmpty()) {
            state.update(name, List.of(), gone);
        }
        state.clearLocalChanges(name, done);
        // Flags first: a message about to move carries its new flags along. What each STORE sets is recorded
        // before it is sent, so a crash after the server applied it cannot pass the result for a server change.
        Map<Long, SyncStateStore.FlagsInFlight> inFlight = new HashMap<>();
        stores.values().forEach(uids -> uids.forEach(uid -> inFlight.put(uid,
                new SyncStateStore.FlagsInFlight(merged.get(uid), records.get(uid).flags(), locals.get(uid)))));
        state.saveFlagsInFlight(name, inFlight);
        TreeSet<Long> modified = new TreeSet<>();
        TreeSet<Long> refused = new TreeSet<>();
        for (Map.Entry<String, List<Long>> e : stores.entrySet()) {
            char sign = e.getKey().charAt(0);
            String op = (sign == '=' ? "" : String.valueOf(sign)) + "FLAGS.SILENT (" + e.getKey().substring(1) + ")";
            Response[] r;
            try {
                r = ImapCommands.command(p, "UID STORE " + UidSets.format(e.getValue())
                        + (unchangedSince > 0 ? " (UNCHANGEDSINCE " + unchangedSince + ")" : "") + " " + op);
            } catch (CommandFailedException | BadCommandException refusal) {
                // For example a keyword the folder does not accept: the local side follows the server.
                refused.addAll(e.getValue());
                result.notes.add("the server refused " + op + " on " + e.getValue().size() + " message(s) ("
                        + refusal.getMessage() + "); their local flags follow the server");
                continue;
            }
            for (Response resp : r) {
                Matcher m = MODIFIED.matcher(resp.toString());
                if (m.find()) {
                    // Only UIDs this command named can have been refused; a malformed set refuses all of them.
                    UidSets.Ranges refusedSet;
                    try {
                        refusedSet = UidSets.parse(m.group(1));
                    } catch (IllegalArgumentException malformed) {
                        refusedSet = null;
                    }
                    for (long uid : e.getValue()) {
                        if (refusedSet == null || refusedSet.contains(uid)) {
                            modified.add(uid);
                        }
                    }
                }
            }
        }
        if (!modified.isEmpty()) {
            result.notes.add(modified.size() + " message(s) changed on the server while pushing; merged again next sync");
        }
        List<MessageRecord> updated = new ArrayList<>();
        List<Long> cleared = new ArrayList<>();
        for (long uid : refused) {
            MessageRecord r = records.get(uid);
            MessageFlags srv = server.get(uid);
            if (lf.size(r.localId()) >= 0) {
                lf.setFlags(r.localId(), srv);
            }
            updated.add(r.withFlags(srv));
            merged.put(uid, srv);
        }
        for (LocalChange c : changes) {
            if (c.kind() == LocalChange.Kind.KEPT && refused.contains(c.uid())) {
                cleared.add(c.uid());
            }
            if (c.kind() != LocalChange.Kind.KEPT || done.contains(c.uid()) || modified.contains(c.uid())
                    || refused.contains(c.uid())) {
                continue;
            }
            MessageRecord r = records.get(c.uid());
            MessageFlags m = merged.get(c.uid());
            // Once per change, as the report counts it (a message in two STOREs, + and -, is one change).
            listener.onPushed(name, r.uid(), "FLAGS");
            lf.setFlags(r.localId(), m);
            updated.add(r.withFlags(m));
            cleared.add(c.uid());
            result.pushed++;
        }
        state.update(name, updated, List.of());
        state.clearLocalChanges(name, cleared);
        state.clearFlagsInFlight(name, inFlight.keySet()); // each one applied and recorded, refused, or merged again
        if (!deletes.isEmpty()) {
            boolean toTrash = trash != null && !trash.equals(name);
            try {
                if (toTrash) {
                    moveOnServer(p, deletes, trash);
                } else {
                    ImapCommands.command(p, "UID STORE " + UidSets.format(deletes) + " +FLAGS.SILENT (\\Deleted)");
                    if (p.hasCapability("UIDPLUS")) {
                        ImapCommands.command(p, "UID EXPUNGE " + UidSets.format(deletes));
                    } else {
                        result.notes.add("the server has no UIDPLUS: " + deletes.size()
                                + " message(s) marked \\Deleted, to be expunged by the server or another client");
                    }
                }
                state.update(name, List.of(), deletes);
                result.pushed += deletes.size();
                deletes.forEach(uid -> listener.onPushed(name, uid, "DELETE"));
            } catch (CommandFailedException | BadCommandException refusal) {
                result.notes.add("the server refused to delete " + deletes.size() + " message(s) ("
                        + refusal.getMessage() + "); they are downloaded again");
                for (long uid : deletes) {
                    restore(p, name, lf, records.get(uid), server.get(uid));
                }
                state.clearLocalChanges(name, deletes);
            }
        }
        for (Map.Entry<String, List<Long>> e : moves.entrySet()) {
            List<Long> uids = new ArrayList<>(e.getValue());
            uids.removeAll(modified);
            if (uids.isEmpty()) {
                continue;
            }
            MessageStore.StoredFolder target = open.apply(e.getKey());
            Map<Long, Long> mapping;
            try {
                mapping = moveOnServer(p, uids, e.getKey());
            } catch (CommandFailedException | BadCommandException refusal) {
                // For example the target was deleted on the server: the messages go back where they are there.
                for (long uid : uids) {
                    MessageRecord r = records.get(uid);
                    String id = LocalScan.strip(r.localId());
                    if (target.size(id) >= 0) {
                        String back = lf.relabel(lf.moveIn(target, id), uid);
                        lf.setFlags(back, merged.get(uid));
                        state.update(name, List.of(new MessageRecord(name, uid, back, merged.get(uid), r.messageId(),
                                r.size(), r.internalDate(), r.headersOnly())), List.of());
                    }
                }
                state.clearLocalChanges(name, uids);
                result.conflicts += uids.size();
                result.notes.add("the server refused to move " + uids.size() + " message(s) to " + e.getKey() + " ("
                        + refusal.getMessage() + "); moved back here");
                continue;
            }
            List<MessageRecord> arrived = new ArrayList<>();
            for (long uid : uids) {
                MessageRecord r = records.get(uid);
                String id = LocalScan.strip(r.localId());
                Long newUid = mapping.get(uid);
                if (newUid != null && target.size(id) >= 0) {
                    String newId = target.relabel(id, newUid);
                    target.setFlags(newId, merged.get(uid));
                    arrived.add(new MessageRecord(e.getKey(), newUid, newId, merged.get(uid), r.messageId(), r.size(),
                            r.internalDate(), r.headersOnly()));
                } else if (target.size(id) >= 0) {
                    state.startUpload(e.getKey(), id, merged.get(uid)); // the pull of the target adopts it
                }
            }
            state.update(e.getKey(), arrived, List.of());
            state.update(name, List.of(), uids);
            result.pushed += uids.size();
            uids.forEach(uid -> listener.onPushed(name, uid, "MOVE"));
        }
    }

    private static MessageFlags withoutDeleted(MessageFlags f) {
        return new MessageFlags(f.seen(), f.answered(), f.flagged(), f.draft(), false, f.keywords());
    }

    /** Flag names for a STORE command, sorted, each as the command writer sends it byte for byte (UTF-8). */
    private static String wire(Set<String> names) {
        StringBuilder b = new StringBuilder();
        for (String n : new TreeSet<>(names)) {
            b.append(b.length() == 0 ? "" : " ").append(RawFlags.wire(n));
        }
        return b.toString();
    }

    /** The message is gone from the server (expunged or moved by another device) but changed here. */
    private void goneOnServer(String name, LocalChange c, MessageRecord r, Result result) throws IOException {
        switch (c.kind()) {
            case KEPT -> {
                result.conflicts++;
                result.notes.add("UID " + r.uid() + " had flag changes here but is gone from the server: removed here too");
            }
            case DELETED -> { } // deleted on both sides
            case MOVED -> {
                // Moved here, gone there: keep the content. The pull of the target adopts the file if the
                // server has the message there (our own move before a crash, or the same move elsewhere);
                // otherwise the next sync uploads it.
                String id = LocalScan.strip(r.localId());
                if (open.apply(c.target()).size(id) >= 0) {
                    state.startUpload(c.target(), id, c.flags() != null ? c.flags() : r.flags());
                }
                result.conflicts++;
                result.notes.add("UID " + r.uid() + " was moved here to " + c.target()
                        + " but is gone from the server: kept in " + c.target());
            }
        }
    }

    /** Downloads a message deleted locally again (a conflict the server won). */
    private void restore(IMAPProtocol p, String name, MessageStore.StoredFolder lf, MessageRecord r, MessageFlags srv)
            throws ProtocolException, IOException {
        String id;
        try (MessageStore.MessageWriter w = lf.newMessage(r.uid())) {
            ImapCommands.bodyInParts(p, r.uid(), partBytes, w.stream(), r.size());
            id = w.commit(srv);
        }
        state.update(name, List.of(new MessageRecord(name, r.uid(), id, srv, r.messageId(), r.size(), r.internalDate(),
                false)), List.of());
    }

    /** UID MOVE (else COPY + \Deleted + UID EXPUNGE); returns source UID to target UID when the server says. */
    private Map<Long, Long> moveOnServer(IMAPProtocol p, List<Long> uids, String target) throws ProtocolException {
        String set = UidSets.format(uids);
        Argument mailbox = new Argument();
        mailbox.writeString(p.supportsUtf8() ? target : BASE64MailboxEncoder.encode(target), StandardCharsets.UTF_8);
        Response[] r;
        if (p.hasCapability("MOVE")) {
            r = p.command("UID MOVE " + set, mailbox);
            p.handleResult(r[r.length - 1]);
        } else {
            r = p.command("UID COPY " + set, mailbox);
            p.handleResult(r[r.length - 1]);
            ImapCommands.command(p, "UID STORE " + set + " +FLAGS.SILENT (\\Deleted)");
            if (p.hasCapability("UIDPLUS")) {
                ImapCommands.command(p, "UID EXPUNGE " + set);
            }
        }
        Map<Long, Long> mapping = new HashMap<>();
        for (Response resp : r) {
            Matcher m = COPYUID.matcher(resp.toString());
            if (m.find()) {
                List<Long> from;
                List<Long> to;
                try {
                    // Never more UIDs than were moved: a larger set is a broken answer, and is ignored (the
                    // pull of the target then finds the messages by Message-ID).
                    from = UidSets.parse(m.group(2)).expand(uids.size());
                    to = UidSets.parse(m.group(3)).expand(uids.size());
                } catch (IllegalArgumentException broken) {
                    continue;
                }
                for (int i = 0; i < Math.min(from.size(), to.size()); i++) {
                    if (uids.contains(from.get(i))) {
                        mapping.put(from.get(i), to.get(i));
                    }
                }
            }
        }
        return mapping;
    }

    /** APPENDs a new local file; recorded first, so a crash after the APPEND never uploads it twice. */
    private void upload(IMAPProtocol p, FolderState saved, MessageStore.StoredFolder lf, String id, Result result)
            throws ProtocolException, IOException {
        String name = saved.name();
        MessageFlags flags = lf.storedFlags(id).orElse(MessageFlags.NONE);
        Literal literal;
        String messageId;
        try {
            literal = crlfLiteral(lf, id, maxUploadBytes);
            messageId = LocalScan.messageId(lf, id);
        } catch (IOException e) {
            // Changed, grown or replaced since the scan: nothing was sent; looked at again next sync.
            result.notes.add("local file " + MaildirNames.printable(id) + " not uploaded: "
                    + MaildirNames.printable(String.valueOf(e.getMessage())));
            return;
        }
        state.startUpload(name, id, flags);
        Flags f = new Flags();
        flags.imapNames().forEach(n -> {
            switch (n) {
                case "\\Seen" -> f.add(Flags.Flag.SEEN);
                case "\\Answered" -> f.add(Flags.Flag.ANSWERED);
                case "\\Flagged" -> f.add(Flags.Flag.FLAGGED);
                case "\\Draft" -> f.add(Flags.Flag.DRAFT);
                case "\\Deleted" -> f.add(Flags.Flag.DELETED);
                default -> f.add(RawFlags.wire(n));
            }
        });
        AppendUID au;
        try {
            au = p.appenduid(name, f, null, literal);
        } catch (CommandFailedException | BadCommandException refusal) {
            state.markUpload(name, id, false);
            result.notes.add("the server refused to store " + id + " (" + refusal.getMessage() + "); it stays local"
                    + " and is offered again next sync");
            return;
        }
        result.pushed++;
        if (au != null && au.uidvalidity == saved.uidValidity() && au.uid > 0) {
            String newId = lf.relabel(id, au.uid);
            state.update(name, List.of(new MessageRecord(name, au.uid, newId, flags, messageId, literal.size(),
                    Instant.now(), false)), List.of());
            state.markUpload(name, id, false);
        }
        listener.onPushed(name, 0, "APPEND");
    }

    /**
     * The file as an APPEND literal with CRLF line ends (Maildir files written by other clients use LF).
     * At most {@code limit} bytes of the file are read: a file that grew above it since the scan is refused.
     */
    private static Literal crlfLiteral(MessageStore.StoredFolder lf, String id, long limit) throws IOException {
        long size = 0;
        long read = 0;
        try (InputStream in = lf.open(id)) {
            int prev = -1;
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                read += n;
                if (read > limit) {
                    throw new IOException("it grew above the upload limit of " + limit + " bytes while being read");
                }
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n' && prev != '\r') {
                        size++;
                    }
                    size++;
                    prev = buf[i];
                }
            }
        }
        if (size > Integer.MAX_VALUE) {
            throw new IOException("it is too large for an IMAP upload (" + size + " bytes with CRLF line ends)");
        }
        if (size == 0) {
            throw new IOException("it is empty");
        }
        int total = (int) size;
        return new Literal() {
            @Override
            public int size() {
                return total;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                // Exactly the announced bytes: a file that grew in place since it was measured is cut at the
                // announced length (more would be read by the server as commands); one that shrank fails.
                long left = total;
                try (InputStream in = lf.open(id)) {
                    int prev = -1;
                    byte[] buf = new byte[64 * 1024];
                    byte[] outBuf = new byte[128 * 1024];
                    int n;
                    while (left > 0 && (n = in.read(buf)) > 0) {
                        int o = 0;
                        for (int i = 0; i < n && left - o > 0; i++) {
                            if (buf[i] == '\n' && prev != '\r') {
                                outBuf[o++] = '\r';
                                if (left - o == 0) {
                                    break;
                                }
                            }
                            outBuf[o++] = buf[i];
                            prev = buf[i];
                        }
                        out.write(outBuf, 0, o);
                        left -= o;
                    }
                }
                if (left > 0) {
                    throw new IOException("local file " + id + " changed while it was being uploaded");
                }
            }
        };
    }
}
