package dev.mailkit.imap.testing;

import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.internal.maildir.Maildir;
import dev.mailkit.imap.internal.maildir.MaildirFiles;
import dev.mailkit.imap.internal.state.SqliteSyncStateStore;
import dev.mailkit.imap.spi.LocalChange;
import dev.mailkit.imap.spi.MessageStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Maildir mirror made without a server, through the same writes a sync makes: message files written by the
 * Maildir store, their records by the SQLite state with the envelope index kept (each batch of records and
 * index rows in one transaction). For tests of reading and searching, and of the CLI's list, show and search.
 */
public final class LocalMirror implements AutoCloseable {

    private final Path root;
    private final Maildir maildir;
    private final SqliteSyncStateStore state;
    private final Map<String, MessageStore.StoredFolder> folders = new HashMap<>();
    private final Map<String, Long> nextUid = new HashMap<>();

    private LocalMirror(Path root, boolean index) {
        this.root = root;
        this.maildir = new Maildir(root);
        this.state = new SqliteSyncStateStore(root.resolve("mailkit-state.db"));
        if (index) {
            state.keepIndex(new MaildirFiles(root));
        } else {
            state.withoutIndex();
        }
    }

    /**
     * A mirror in a directory, keeping the index.
     *
     * @param root the Maildir
     * @return the mirror
     */
    public static LocalMirror in(Path root) {
        return new LocalMirror(root, true);
    }

    /**
     * A mirror written without the index (as a synchronizer with {@code withoutIndex()} or an older mailkit writes it).
     *
     * @param root the Maildir
     * @return the mirror
     */
    public static LocalMirror withoutIndex(Path root) {
        return new LocalMirror(root, false);
    }

    /**
     * The Maildir.
     *
     * @return its root
     */
    public Path root() {
        return root;
    }

    /**
     * The state store (the index is written with its updates).
     *
     * @return the store
     */
    public SqliteSyncStateStore state() {
        return state;
    }

    private MessageStore.StoredFolder folder(String name) {
        return folders.computeIfAbsent(name, n -> {
            if (state.folder(n).isEmpty()) {
                state.saveFolder(new FolderState(n, '/', 1, 1, 0, ""));
            }
            return maildir.folder(n, '/');
        });
    }

    /**
     * Adds messages to a folder in one state update (one transaction), UIDs in order.
     *
     * @param folder   the folder
     * @param flags    their flags
     * @param messages their bytes
     * @return their UIDs
     * @throws IOException if a file cannot be written
     */
    public List<Long> add(String folder, MessageFlags flags, byte[]... messages) throws IOException {
        MessageStore.StoredFolder f = folder(folder);
        List<MessageRecord> records = new ArrayList<>();
        List<Long> uids = new ArrayList<>();
        for (byte[] m : messages) {
            long uid = nextUid.merge(folder, 1L, Long::sum);
            String id;
            try (MessageStore.MessageWriter w = f.newMessage(uid)) {
                w.stream().write(m);
                id = w.commit(flags);
            }
            records.add(new MessageRecord(folder, uid, id, flags, messageId(m), m.length,
                    Instant.parse("2026-11-02T10:00:00Z").plusSeconds(uid), false));
            uids.add(uid);
        }
        state.update(folder, records, List.of());
        return uids;
    }

    /**
     * Adds a message streamed from a file (for messages too large to hold in memory).
     *
     * @param folder the folder
     * @param source the message's bytes
     * @return its UID
     * @throws IOException if the file cannot be read or written
     */
    public long addFile(String folder, Path source) throws IOException {
        MessageStore.StoredFolder f = folder(folder);
        long uid = nextUid.merge(folder, 1L, Long::sum);
        String id;
        try (MessageStore.MessageWriter w = f.newMessage(uid); java.io.InputStream in = java.nio.file.Files.newInputStream(source)) {
            in.transferTo(w.stream());
            id = w.commit(MessageFlags.NONE);
        }
        state.update(folder, List.of(new MessageRecord(folder, uid, id, MessageFlags.NONE, "", java.nio.file.Files.size(source),
                Instant.parse("2026-11-02T10:00:00Z"), false)), List.of());
        return uid;
    }

    /**
     * Adds one message.
     *
     * @param folder  the folder
     * @param message its text (CRLF line ends added where missing)
     * @return its UID
     * @throws IOException if the file cannot be written
     */
    public long add(String folder, String message) throws IOException {
        return add(folder, MessageFlags.NONE, message.replaceAll("(?<!\r)\n", "\r\n").getBytes(StandardCharsets.UTF_8)).get(0);
    }

    /**
     * Changes a message's flags as a sync does (the file renamed, the record updated).
     *
     * @param folder the folder
     * @param uid    the message
     * @param flags  the new flags
     * @throws IOException if the file cannot be renamed
     */
    public void setFlags(String folder, long uid, MessageFlags flags) throws IOException {
        MessageRecord r = state.message(folder, uid).orElseThrow();
        folder(folder).setFlags(r.localId(), flags);
        state.update(folder, List.of(r.withFlags(flags)), List.of());
    }

    /**
     * Records a local flag change not yet pushed (as {@code MirroredFolder.markRead} does).
     *
     * @param folder the folder
     * @param uid    the message
     * @param flags  the wanted flags
     */
    public void localFlags(String folder, long uid, MessageFlags flags) {
        state.saveLocalChange(new LocalChange(folder, uid, flags, LocalChange.Kind.KEPT, null));
    }

    /**
     * Removes messages as a sync does after an expunge.
     *
     * @param folder the folder
     * @param uids   the messages
     * @throws IOException if a file cannot be deleted
     */
    public void remove(String folder, Long... uids) throws IOException {
        for (long uid : uids) {
            folder(folder).remove(state.message(folder, uid).orElseThrow().localId());
        }
        state.update(folder, List.of(), List.of(uids));
    }

    private static String messageId(byte[] m) {
        String head = new String(m, 0, Math.min(m.length, 4000), StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher x = java.util.regex.Pattern.compile("(?im)^Message-ID:\\s*(<[^>]*>)").matcher(head);
        return x.find() ? x.group(1) : "";
    }

    @Override
    public void close() {
        state.close();
        maildir.close();
    }
}
