package dev.mailkit.imap.internal.engine;

import dev.mailkit.core.registry.FolderRole;
import dev.mailkit.imap.spi.LocalChange;
import dev.mailkit.imap.MassDeletionException;
import dev.mailkit.imap.MessageRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mass-deletion guard, the same rule on both sides: a local store that looks lost (a folder directory
 * missing, or most of a folder deleted) does not delete on the server, and a server mailbox that looks
 * lost or broken does not delete locally, unless {@link SyncOptions#allowMassDeletion()}.
 */
final class MassDeletionGuard extends EnginePart {

    /** Deleting fewer messages than this from a folder never trips the guard. */
    static final int MINIMUM = 5;


    MassDeletionGuard(SyncContext ctx) {
        super(ctx);
    }

    void refuseLostLocalStore(Map<String, LocalScan.FolderFiles> scan) {
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

    /** Whether deleting {@code deleted} of {@code known} messages looks like a lost mailbox (the same rule on both sides). */
    boolean massDeletion(int deleted, int known) {
        return deleted >= 2 && deleted >= known
                || deleted >= MINIMUM && deleted > options.massDeletionShare() * known;
    }

    /**
     * Whether a folder is one users empty as a matter of course (Trash, Junk): the server-side guard
     * leaves it alone. Moving every message out of a folder (inbox zero) does not trip the guard either:
     * see {@link #notElsewhere}.
     */
    boolean routinelyEmptied(ServerFolder f) {
        if (f.specialUse().equalsIgnoreCase("\\Trash") || f.specialUse().equalsIgnoreCase("\\Junk")) {
            return true;
        }
        return provider != null && (provider.specialFolder(FolderRole.TRASH).filter(f.name()::equals).isPresent()
                || provider.specialFolder(FolderRole.JUNK).filter(f.name()::equals).isPresent());
    }

    /** How many of these messages no other mirrored folder holds now (by Message-ID): those are lost, the rest moved. */
    int notElsewhere(String folder, List<MessageRecord> gone) {
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
}
