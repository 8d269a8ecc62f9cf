package dev.mailkit.imap.internal.state;

import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.MirrorState;
import dev.mailkit.imap.spi.SyncStateStore;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The read-only {@link MirrorState} of a {@link SyncStateStore}: what applications get to look at. */
public final class StateView implements MirrorState {

    private final SyncStateStore state;

    /**
     * A view of a state store.
     *
     * @param state the store, which keeps being changed by the synchronizer
     */
    public StateView(SyncStateStore state) {
        this.state = Objects.requireNonNull(state, "state");
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
    public List<MessageRecord> messages(String folder) {
        return state.messages(folder);
    }

    @Override
    public int messageCount(String folder) {
        return state.messageCount(folder);
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
    public String toString() {
        return state.toString();
    }
}
