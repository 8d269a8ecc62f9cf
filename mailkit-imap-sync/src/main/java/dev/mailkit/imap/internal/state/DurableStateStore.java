package dev.mailkit.imap.internal.state;

import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.spi.FolderAction;
import dev.mailkit.imap.spi.LocalChange;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.spi.SyncStateStore;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Makes the local store durable ({@link MessageStore#sync()}) before each change the state records, so
 * that after a power loss the state never describes a message file or rename the disk does not have.
 * Used with {@code durableWrites()}; reads pass straight through.
 */
public final class DurableStateStore implements SyncStateStore {

    private final SyncStateStore state;
    private final MessageStore local;

    /**
     * Wraps a state store.
     *
     * @param state the state
     * @param local the store whose writes must reach the disk first
     */
    public DurableStateStore(SyncStateStore state, MessageStore local) {
        this.state = state;
        this.local = local;
    }

    @Override
    public List<FolderState> folders() {
        return state.folders();
    }

    @Override
    public Optional<FolderState> folder(String name) {
        return state.folder(name);
    }

    @Override
    public void saveFolder(FolderState folder) {
        local.sync();
        state.saveFolder(folder);
    }

    @Override
    public void deleteFolder(String name) {
        local.sync();
        state.deleteFolder(name);
    }

    @Override
    public List<MessageRecord> messages(String folder) {
        return state.messages(folder);
    }

    @Override
    public List<MessageRecord> messagesFrom(String folder, long fromUid) {
        return state.messagesFrom(folder, fromUid);
    }

    @Override
    public Optional<MessageRecord> message(String folder, long uid) {
        return state.message(folder, uid);
    }

    @Override
    public List<MessageRecord> findByMessageId(String messageId) {
        return state.findByMessageId(messageId);
    }

    @Override
    public Map<String, List<MessageRecord>> findByMessageIds(Collection<String> messageIds) {
        return state.findByMessageIds(messageIds);
    }

    @Override
    public void update(String folder, Collection<MessageRecord> upserts, Collection<Long> removed) {
        local.sync();
        state.update(folder, upserts, removed);
    }

    @Override
    public List<LocalChange> localChanges(String folder) {
        return state.localChanges(folder);
    }

    @Override
    public void saveLocalChange(LocalChange change) {
        local.sync();
        state.saveLocalChange(change);
    }

    @Override
    public void clearLocalChanges(String folder, Collection<Long> uids) {
        local.sync();
        state.clearLocalChanges(folder, uids);
    }

    @Override
    public void saveFlagsInFlight(String folder, Map<Long, FlagsInFlight> changes) {
        state.saveFlagsInFlight(folder, changes);
    }

    @Override
    public Map<Long, FlagsInFlight> flagsInFlight(String folder) {
        return state.flagsInFlight(folder);
    }

    @Override
    public void clearFlagsInFlight(String folder, Collection<Long> uids) {
        local.sync();
        state.clearFlagsInFlight(folder, uids);
    }

    @Override
    public Set<String> uploadsStarted(String folder) {
        return state.uploadsStarted(folder);
    }

    @Override
    public void markUpload(String folder, String localId, boolean started) {
        local.sync();
        state.markUpload(folder, localId, started);
    }

    @Override
    public void startUpload(String folder, String localId, MessageFlags flags) {
        local.sync();
        state.startUpload(folder, localId, flags);
    }

    @Override
    public Optional<MessageFlags> uploadFlags(String folder, String localId) {
        return state.uploadFlags(folder, localId);
    }

    @Override
    public List<FolderAction> folderActions() {
        return state.folderActions();
    }

    @Override
    public void addFolderAction(FolderAction.Kind kind, String name, String newName) {
        local.sync();
        state.addFolderAction(kind, name, newName);
    }

    @Override
    public void removeFolderAction(long id) {
        local.sync();
        state.removeFolderAction(id);
    }

    @Override
    public void renameFolder(String from, String to, char separator) {
        local.sync();
        state.renameFolder(from, to, separator);
    }

    @Override
    public void close() {
        state.close();
    }

    @Override
    public String toString() {
        return "Durable[" + state + "]";
    }
}
