package dev.mailkit.imap.testing;

import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.spi.MessageStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link MessageStore} that passes every call to another and records which messages were opened for
 * reading ({@link MessageStore.StoredFolder#open}), by local id: a test proves with it that a file was
 * never read.
 */
public final class RecordingMessageStore implements MessageStore {

    private final MessageStore store;
    private final Set<String> opened = ConcurrentHashMap.newKeySet();

    public RecordingMessageStore(MessageStore store) {
        this.store = store;
    }

    /** The local ids opened so far, in any folder. */
    public Set<String> opened() {
        return Set.copyOf(opened);
    }

    @Override
    public StoredFolder folder(String serverName, char separator) {
        return new Folder(store.folder(serverName, separator));
    }

    @Override
    public boolean canStore(String serverName, char separator) {
        return store.canStore(serverName, separator);
    }

    @Override
    public String localName(String serverName, char separator) {
        return store.localName(serverName, separator);
    }

    @Override
    public boolean exists(String serverName, char separator) {
        return store.exists(serverName, separator);
    }

    @Override
    public void deleteFolder(String serverName, char separator) {
        store.deleteFolder(serverName, separator);
    }

    @Override
    public List<String> folderNames(char separator) {
        return store.folderNames(separator);
    }

    @Override
    public void renameFolder(String from, String to, char separator) {
        store.renameFolder(from, to, separator);
    }

    @Override
    public void sync() {
        store.sync();
    }

    @Override
    public void close() {
        store.close();
    }

    private final class Folder implements StoredFolder {
        private final StoredFolder folder;

        Folder(StoredFolder folder) {
            this.folder = folder;
        }

        private StoredFolder unwrap(StoredFolder f) {
            return f instanceof Folder w ? w.folder : f;
        }

        @Override
        public MessageWriter newMessage(long uid) throws IOException {
            return folder.newMessage(uid);
        }

        @Override
        public MessageWriter replace(String localId) throws IOException {
            return folder.replace(localId);
        }

        @Override
        public Optional<String> findByUid(long uid) {
            return folder.findByUid(uid);
        }

        @Override
        public List<String> localIds() {
            return folder.localIds();
        }

        @Override
        public void setFlags(String localId, MessageFlags flags) throws IOException {
            folder.setFlags(localId, flags);
        }

        @Override
        public void remove(String localId) throws IOException {
            folder.remove(localId);
        }

        @Override
        public String copyIn(StoredFolder from, String localId, long uid, MessageFlags flags) throws IOException {
            return folder.copyIn(unwrap(from), localId, uid, flags);
        }

        @Override
        public String moveIn(StoredFolder from, String localId) throws IOException {
            return folder.moveIn(unwrap(from), localId);
        }

        @Override
        public long size(String localId) {
            return folder.size(localId);
        }

        @Override
        public String relabel(String localId, long uid) throws IOException {
            return folder.relabel(localId, uid);
        }

        @Override
        public InputStream open(String localId) throws IOException {
            opened.add(localId);
            return folder.open(localId);
        }

        @Override
        public void mark() {
            folder.mark();
        }

        @Override
        public boolean changedSinceMark() {
            return folder.changedSinceMark();
        }

        @Override
        public Optional<MessageFlags> storedFlags(String localId) {
            return folder.storedFlags(localId);
        }

        @Override
        public Map<String, String> skipped() {
            return folder.skipped();
        }
    }
}
