package dev.mailkit.imap.internal.engine;

import static dev.mailkit.imap.internal.engine.SyncContext.printable;
import static dev.mailkit.imap.internal.engine.SyncContext.quoted;

import dev.mailkit.core.registry.FolderRole;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.imap.spi.FolderAction;
import dev.mailkit.imap.FolderFilter;
import dev.mailkit.imap.FolderReport;
import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.SyncStateException;
import dev.mailkit.imap.spi.SyncStateStore;
import jakarta.mail.MessagingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.ListInfo;
import org.eclipse.angus.mail.imap.protocol.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folder actions in one place: the API's create, rename and delete (applied locally at once and queued),
 * their push to the server, the folders another Maildir client made, and the local end of a folder gone
 * from the server; also which server folders a sync mirrors.
 */
public final class FolderActions extends EnginePart {

    private static final Logger LOG = LoggerFactory.getLogger(FolderActions.class);

    private final FolderFilter filter;
    private final MassDeletionGuard guard;

    FolderActions(SyncContext ctx, MassDeletionGuard guard) {
        super(ctx);
        this.guard = guard;
        this.filter = ctx.filter;
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
     * The API's folder creation: checked, applied locally at once, and queued for the next sync.
     *
     * @param state the state
     * @param local the local store
     * @param name  the new folder's server name
     * @throws IllegalArgumentException if it exists already
     */
    public static void create(SyncStateStore state, MessageStore local, String name) {
        char sep = separator(state);
        if (state.folder(name).isPresent() || local.exists(name, sep)) {
            throw new IllegalArgumentException("folder '" + name + "' exists already");
        }
        queue(state, local, FolderAction.Kind.CREATE, name, null);
    }

    /**
     * The API's folder rename: checked, applied locally at once, and queued for the next sync.
     *
     * @param state the state
     * @param local the local store
     * @param from  the mirrored folder
     * @param to    its new name
     * @throws IllegalArgumentException if {@code from} is not mirrored, is the inbox, or {@code to} exists
     */
    public static void rename(SyncStateStore state, MessageStore local, String from, String to) {
        char sep = separator(state);
        if (state.folder(from).isEmpty() || from.equalsIgnoreCase("INBOX")) {
            throw new IllegalArgumentException("cannot rename '" + from + "': not a mirrored folder other than INBOX");
        }
        if (state.folder(to).isPresent() || local.exists(to, sep) || to.equalsIgnoreCase("INBOX")) {
            throw new IllegalArgumentException("cannot rename to '" + to + "': it exists already");
        }
        queue(state, local, FolderAction.Kind.RENAME, from, to);
    }

    /**
     * The API's folder deletion: checked, applied locally at once, and queued for the next sync.
     *
     * @param state the state
     * @param local the local store
     * @param name  the mirrored folder
     * @throws IllegalArgumentException if it is not mirrored or is the inbox
     */
    public static void delete(SyncStateStore state, MessageStore local, String name) {
        if (state.folder(name).isEmpty() || name.equalsIgnoreCase("INBOX")) {
            throw new IllegalArgumentException("cannot delete '" + name + "': not a mirrored folder other than INBOX");
        }
        queue(state, local, FolderAction.Kind.DELETE, name, null);
    }

    private static void queue(SyncStateStore state, MessageStore local, FolderAction.Kind kind, String name,
                              String newName) {
        state.addFolderAction(kind, name, newName);
        completeLocally(state, local, new FolderAction(0, kind, name, newName));
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

    /** The server folders a sync mirrors, and those it leaves alone while they are still on the server. */
    record Selection(List<ServerFolder> folders, Set<String> shadowed) {
    }

    /**
     * Picks the listed folders this sync mirrors: openable, accepted by the filter, with a name the local
     * store can hold safely, and each local folder holding one server folder (one the state knows keeps
     * its local folder). The others get a SKIPPED report.
     */
    Selection select(ListInfo[] listed, List<FolderReport> reports) {
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
                    reports.add(new FolderReport(li.name, "SKIPPED", 0, 0, 0, 0, 0, 0, 0, Duration.ZERO,
                            List.of("not mirrored: the local store cannot hold a folder of this name safely")));
                    continue;
                }
                String owner = claimed.putIfAbsent(local.localName(li.name, li.separator), li.name);
                if (owner != null && !owner.equals(li.name)) {
                    LOG.warn("not mirroring server folder {}: its local folder is that of {}", quoted(li.name),
                            quoted(owner));
                    reports.add(new FolderReport(li.name, "SKIPPED", 0, 0, 0, 0, 0, 0, 0, Duration.ZERO,
                            List.of("not mirrored: it would share its local folder with server folder "
                                    + quoted(owner))));
                    shadowed.add(li.name); // still on the server: its state, if any, is kept
                    continue;
                }
                folders.add(new ServerFolder(li.name, li.separator, specialUse(li.attrs)));
                separators.put(li.name, li.separator);
            }
        }
        return new Selection(folders, shadowed);
    }

    /**
     * Pushes queued folder actions, then creates on the server the folders other Maildir clients made.
     *
     * @return whether the server's folder list may have changed
     */
    boolean push(ImapCommands commands, ListInfo[] listed, List<FolderReport> reports)
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

    FolderReport removeGone(FolderState gone) {
        long start = System.nanoTime();
        List<MessageRecord> records = state.messages(gone.name());
        List<String> notes = new ArrayList<>();
        String method = "DELETED";
        int lost = options.allowMassDeletion() || !guard.massDeletion(records.size(), records.size()) ? 0
                : guard.notElsewhere(gone.name(), records);
        if (!options.allowMassDeletion() && guard.massDeletion(lost, records.size())
                && !guard.routinelyEmptied(new ServerFolder(gone.name(), gone.separator(), gone.specialUse()))) {
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

    static boolean hasAttribute(ListInfo li, String attribute) {
        for (String a : li.attrs == null ? new String[0] : li.attrs) {
            if (a.equalsIgnoreCase(attribute)) {
                return true;
            }
        }
        return false;
    }

    static String specialUse(String[] attrs) {
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
}
