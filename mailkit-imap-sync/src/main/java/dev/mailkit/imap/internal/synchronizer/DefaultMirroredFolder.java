package dev.mailkit.imap.internal.synchronizer;

import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.MirroredFolder;
import dev.mailkit.imap.SyncStateException;
import dev.mailkit.imap.spi.LocalChange;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.spi.SyncStateStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/** {@link MirroredFolder} over the local store and the sync state; serialised with syncs on {@code lock}. */
public final class DefaultMirroredFolder implements MirroredFolder {

    private static final Pattern ATOM = Pattern.compile("[^\\x00-\\x20\\x7f(){%*\"\\\\\\]]+");

    private final Object lock;
    private final SyncStateStore state;
    private final Function<FolderState, MessageStore.StoredFolder> open;
    private final FolderState folder;
    private final String trash;
    private final Runnable changed;

    /**
     * @param open    opens a local folder (the synchronizer's own instance, so its index is not rebuilt per call)
     * @param trash   where deletes go, or null to delete in place
     * @param changed told after every change (a running watch then syncs soon)
     */
    DefaultMirroredFolder(Object lock, SyncStateStore state, Function<FolderState, MessageStore.StoredFolder> open,
                        FolderState folder, String trash, Runnable changed) {
        this.changed = changed;
        this.lock = lock;
        this.state = state;
        this.open = open;
        this.folder = folder;
        this.trash = trash;
    }

    @Override
    public String name() {
        return folder.name();
    }

    private Map<Long, LocalChange> changes() {
        Map<Long, LocalChange> out = new HashMap<>();
        state.localChanges(folder.name()).forEach(c -> out.put(c.uid(), c));
        return out;
    }

    @Override
    public List<MessageRecord> messages() {
        synchronized (lock) {
            Map<Long, LocalChange> changes = changes();
            List<MessageRecord> out = new ArrayList<>();
            for (MessageRecord r : state.messages(folder.name())) {
                LocalChange c = changes.get(r.uid());
                if (c == null) {
                    out.add(r);
                } else if (c.kind() == LocalChange.Kind.KEPT) {
                    out.add(c.flags() == null ? r : r.withFlags(c.flags()));
                }
            }
            return out;
        }
    }

    private MessageRecord present(long uid, Map<Long, LocalChange> changes) {
        MessageRecord r = state.message(folder.name(), uid).orElseThrow(() -> new IllegalArgumentException(
                "no message with UID " + uid + " in local folder '" + folder.name() + "'"));
        LocalChange c = changes.get(uid);
        if (c != null && c.kind() != LocalChange.Kind.KEPT) {
            throw new IllegalArgumentException("UID " + uid + " in '" + folder.name() + "' was already "
                    + (c.kind() == LocalChange.Kind.DELETED ? "deleted" : "moved to '" + c.target() + "'") + " locally");
        }
        return r;
    }

    /**
     * A message's flags as they are here now: the letters its file carries (another Maildir client may have
     * renamed it since the last sync, and that edit is kept) with the keywords of its pending change or record.
     */
    private static MessageFlags current(MessageStore.StoredFolder lf, MessageRecord r, LocalChange c) {
        MessageFlags known = c != null && c.flags() != null ? c.flags() : r.flags();
        return lf.storedFlags(r.localId()).map(f -> MessageFlags.fromMaildir(f.maildirLetters(), known.keywords()))
                .orElse(known);
    }

    private void changeFlags(long[] uids, UnaryOperator<MessageFlags> change) {
        synchronized (lock) {
            Map<Long, LocalChange> changes = changes();
            MessageStore.StoredFolder lf = open.apply(folder);
            for (long uid : uids) {
                MessageRecord r = present(uid, changes);
                LocalChange c = changes.get(uid);
                MessageFlags next = change.apply(current(lf, r, c));
                try {
                    lf.setFlags(r.localId(), next);
                } catch (IOException e) {
                    throw new SyncStateException("cannot change the flags of " + r.localId() + ": " + e, e);
                }
                if (next.equals(r.flags())) {
                    state.clearLocalChanges(folder.name(), List.of(uid));
                } else {
                    state.saveLocalChange(new LocalChange(folder.name(), uid, next, LocalChange.Kind.KEPT, null));
                }
            }
        }
        changed.run();
    }

    @Override
    public void markRead(long... uids) {
        changeFlags(uids, f -> f.withSeen(true));
    }

    @Override
    public void markUnread(long... uids) {
        changeFlags(uids, f -> f.withSeen(false));
    }

    @Override
    public void flag(long... uids) {
        changeFlags(uids, f -> f.withFlagged(true));
    }

    @Override
    public void unflag(long... uids) {
        changeFlags(uids, f -> f.withFlagged(false));
    }

    @Override
    public void setKeywords(long uid, Set<String> keywords) {
        Set<String> wanted = new java.util.TreeSet<>();
        for (String k : keywords) {
            if (k.startsWith("\\")) {
                continue; // a server's extension flag read with the keywords: kept below, not the caller's to set
            }
            if (!ATOM.matcher(k).matches()) {
                throw new IllegalArgumentException("'" + k + "' is not a valid IMAP keyword (an atom, no \\ prefix)");
            }
            wanted.add(k);
        }
        changeFlags(new long[] {uid}, f -> {
            Set<String> out = new java.util.TreeSet<>(wanted);
            f.keywords().stream().filter(k -> k.startsWith("\\")).forEach(out::add);
            return f.withKeywords(out);
        });
    }

    @Override
    public void delete(long... uids) {
        if (trash != null && !trash.equals(folder.name())) {
            move(trash, uids);
            return;
        }
        synchronized (lock) {
            Map<Long, LocalChange> changes = changes();
            MessageStore.StoredFolder lf = open.apply(folder);
            for (long uid : uids) {
                MessageRecord r = present(uid, changes);
                LocalChange c = changes.get(uid);
                try {
                    lf.remove(r.localId());
                } catch (IOException e) {
                    throw new SyncStateException("cannot delete " + r.localId() + ": " + e, e);
                }
                state.saveLocalChange(new LocalChange(folder.name(), uid, c == null ? null : c.flags(),
                        LocalChange.Kind.DELETED, null));
            }
        }
        changed.run();
    }

    /** What happens to one message's file when it goes to another folder. */
    private interface Transfer {
        void apply(MessageStore.StoredFolder from, MessageStore.StoredFolder to, MessageRecord r, LocalChange c) throws IOException;
    }

    private void toFolder(String verb, String target, long[] uids, Transfer transfer) {
        synchronized (lock) {
            FolderState to = state.folder(target).orElseThrow(() -> new IllegalArgumentException(
                    "folder '" + target + "' is not mirrored; sync it before " + verb + " messages there"));
            if (to.name().equals(folder.name())) {
                throw new IllegalArgumentException("cannot " + verb + " messages from '" + target + "' to itself");
            }
            Map<Long, LocalChange> changes = changes();
            MessageStore.StoredFolder lf = open.apply(folder);
            MessageStore.StoredFolder tf = open.apply(to);
            for (long uid : uids) {
                MessageRecord r = present(uid, changes);
                try {
                    transfer.apply(lf, tf, r, changes.get(uid));
                } catch (IOException e) {
                    throw new SyncStateException("cannot " + verb + " " + r.localId() + " to '" + target + "': " + e, e);
                }
            }
        }
        changed.run();
    }

    @Override
    public void move(String target, long... uids) {
        toFolder("move", target, uids, (lf, tf, r, c) -> {
            MessageFlags flags = current(lf, r, c);
            tf.moveIn(lf, r.localId());
            state.saveLocalChange(new LocalChange(folder.name(), r.uid(), flags.equals(r.flags()) ? null : flags,
                    LocalChange.Kind.MOVED, target));
        });
    }

    @Override
    public void copy(String target, long... uids) {
        toFolder("copy", target, uids, (lf, tf, r, c) -> tf.copyIn(lf, r.localId(), 0, current(lf, r, c)));
    }

    @Override
    public String append(byte[] rawMessage, MessageFlags flags) {
        String head = new String(rawMessage, 0, Math.min(rawMessage.length, 1000), StandardCharsets.ISO_8859_1);
        int firstLineEnd = head.indexOf('\n');
        String firstLine = firstLineEnd < 0 ? head : head.substring(0, firstLineEnd);
        if (rawMessage.length == 0 || !firstLine.contains(":")) {
            throw new IllegalArgumentException("not an RFC 5322 message: it must start with a header line (Name: value)");
        }
        synchronized (lock) {
            MessageStore.StoredFolder lf = open.apply(folder);
            String id;
            try (MessageStore.MessageWriter w = lf.newMessage(0)) {
                w.stream().write(rawMessage);
                id = w.commit(flags);
            } catch (IOException e) {
                throw new SyncStateException("cannot store a new message in '" + folder.name() + "': " + e, e);
            }
            changed.run();
            return id;
        }
    }
}
