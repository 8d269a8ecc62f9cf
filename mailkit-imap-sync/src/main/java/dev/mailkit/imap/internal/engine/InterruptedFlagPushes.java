package dev.mailkit.imap.internal.engine;

import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.spi.LocalChange;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.spi.SyncStateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.MailboxInfo;

/**
 * Flag changes a sync sent before it was interrupted, journalled in the state before each STORE: settled
 * before the next local scan, so the server's own changes are not taken for local removals and a change
 * made here since is not taken for the one that arrived.
 */
final class InterruptedFlagPushes extends EnginePart {


    InterruptedFlagPushes(SyncContext ctx) {
        super(ctx);
    }

    /**
     * Flag changes a sync sent before it was interrupted, not known to have arrived: where the server shows
     * every flag the change set as it set it, the change arrived, and the state's flags take it (so the
     * local scan measures later edits against what the server now has); otherwise the state keeps the
     * flags it had, and the change is merged again.
     */
    void settle(IMAPProtocol p, FolderState f, Map<Long, SyncStateStore.FlagsInFlight> inFlight)
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
        MessageStore.StoredFolder lf = ctx.localFolder(f.name());
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
}
