package dev.mailkit.imap.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.spi.MessageStore.MessageWriter;
import dev.mailkit.imap.spi.MessageStore.StoredFolder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageStore} must do, run by each store's test class: extend it and return a new, empty
 * store from {@link #newStore()}.
 */
public abstract class MessageStoreContract {

    /** The store under test, new and empty for each test. */
    protected MessageStore store;

    /**
     * A new, empty store.
     *
     * @return the store
     * @throws Exception if it cannot be created
     */
    protected abstract MessageStore newStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /**
     * Writes and commits a message.
     *
     * @param folder the folder
     * @param uid    its UID
     * @param bytes  its bytes
     * @param flags  its flags
     * @return its local id
     * @throws IOException if it cannot be written
     */
    protected static String put(StoredFolder folder, long uid, byte[] bytes, MessageFlags flags) throws IOException {
        try (MessageWriter w = folder.newMessage(uid)) {
            w.stream().write(bytes);
            return w.commit(flags);
        }
    }

    /**
     * Reads a message.
     *
     * @param folder  the folder
     * @param localId the message
     * @return its bytes
     * @throws IOException if it cannot be read
     */
    protected static byte[] read(StoredFolder folder, String localId) throws IOException {
        try (InputStream in = folder.open(localId)) {
            return in.readAllBytes();
        }
    }

    private static byte[] message(String subject) {
        return ("Subject: " + subject + "\r\nMessage-ID: <" + subject + "@example.com>\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aCommittedMessage_isReadBackByteExact_andFoundByItsUid() throws Exception {
        StoredFolder inbox = store.folder("INBOX", '/');
        byte[] bytes = new byte[700_000]; // several chunks, any byte value
        new Random(7).nextBytes(bytes);
        String id = put(inbox, 42, bytes, MessageFlags.parse("\\Seen"));
        assertThat(read(inbox, id)).isEqualTo(bytes);
        assertThat(inbox.size(id)).isEqualTo(bytes.length);
        assertThat(inbox.findByUid(42)).contains(id);
        assertThat(inbox.findByUid(43)).isEmpty();
        assertThat(inbox.localIds()).containsExactly(id);
        assertThat(inbox.storedFlags(id).orElseThrow().seen()).isTrue();
        assertThat(inbox.size("nothing-here")).isEqualTo(-1);
    }

    @Test
    void aWriterClosedWithoutCommit_leavesNothing() throws Exception {
        StoredFolder inbox = store.folder("INBOX", '/');
        try (MessageWriter w = inbox.newMessage(1)) {
            OutputStream out = w.stream();
            out.write(message("abandoned"));
        }
        assertThat(inbox.localIds()).isEmpty();
        assertThat(inbox.findByUid(1)).isEmpty();
    }

    @Test
    void flags_areSetAndRead_andARemovedMessageIsGone() throws Exception {
        StoredFolder inbox = store.folder("INBOX", '/');
        String id = put(inbox, 1, message("a"), MessageFlags.NONE);
        inbox.localIds();
        inbox.setFlags(id, MessageFlags.parse("\\Flagged \\Seen"));
        // the id may change with the flags for some stores (Maildir renames); find it again by UID
        String now = inbox.findByUid(1).orElseThrow();
        assertThat(inbox.storedFlags(now).orElseThrow().flagged()).isTrue();
        inbox.remove(now);
        assertThat(inbox.localIds()).isEmpty();
        assertThat(inbox.storedFlags(now)).isEmpty();
        inbox.remove(now); // a missing message is not an error
    }

    @Test
    void copyIn_andMoveIn_andRelabel_keepTheBytes() throws Exception {
        StoredFolder inbox = store.folder("INBOX", '/');
        StoredFolder archive = store.folder("Archive", '/');
        StoredFolder work = store.folder("Work", '/');
        byte[] bytes = message("copied");
        String id = put(inbox, 5, bytes, MessageFlags.NONE);
        String copy = archive.copyIn(inbox, id, 9, MessageFlags.parse("\\Seen"));
        assertThat(read(archive, copy)).isEqualTo(bytes);
        assertThat(archive.findByUid(9)).contains(copy);
        assertThat(archive.storedFlags(copy).orElseThrow().seen()).isTrue();
        assertThat(read(inbox, id)).isEqualTo(bytes);
        String moved = work.moveIn(inbox, id);
        assertThat(inbox.localIds()).isEmpty();
        assertThat(work.findByUid(5)).isEmpty(); // its UID meant something in INBOX only
        String labelled = work.relabel(moved, 77);
        assertThat(work.findByUid(77)).contains(labelled);
        assertThat(read(work, labelled)).isEqualTo(bytes);
    }

    @Test
    void replace_swapsTheBytes_underTheSameId() throws Exception {
        StoredFolder inbox = store.folder("INBOX", '/');
        String id = put(inbox, 3, message("headers"), MessageFlags.NONE);
        byte[] full = message("headers and a much longer body than before");
        try (MessageWriter w = inbox.replace(id)) {
            w.stream().write(full);
            assertThat(read(inbox, id)).isEqualTo(message("headers")); // old bytes until the commit
            assertThat(w.commit(MessageFlags.NONE)).isEqualTo(id);
        }
        assertThat(read(inbox, id)).isEqualTo(full);
        assertThatThrownBy(() -> inbox.replace("no-such-message")).isInstanceOf(IOException.class);
    }

    @Test
    void folders_areCreatedListedRenamedWithTheirChildren_andDeleted() throws Exception {
        StoredFolder work = store.folder("Work", '/');
        String id = put(work, 1, message("w"), MessageFlags.NONE);
        StoredFolder sub = store.folder("Work/2024", '/');
        put(sub, 2, message("w2"), MessageFlags.NONE);
        store.folder("Workshop", '/');
        assertThat(store.exists("Work", '/')).isTrue();
        assertThat(store.folderNames('/')).contains("Work", "Work/2024", "Workshop");
        store.renameFolder("Work", "Jobs", '/');
        assertThat(store.exists("Work", '/')).isFalse();
        assertThat(store.folderNames('/')).contains("Jobs", "Jobs/2024", "Workshop").doesNotContain("Work", "Work/2024");
        StoredFolder jobs = store.folder("Jobs", '/');
        assertThat(jobs.localIds()).hasSize(1);
        assertThat(read(jobs, jobs.findByUid(1).orElseThrow())).isEqualTo(message("w"));
        assertThat(store.folder("Jobs/2024", '/').findByUid(2)).isPresent();
        store.deleteFolder("Workshop", '/');
        assertThat(store.exists("Workshop", '/')).isFalse();
        assertThat(id).isNotEmpty();
    }
}
