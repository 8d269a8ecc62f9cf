package dev.mailkit.fleet.testing;

import dev.mailkit.fleet.FleetDatabase;
import dev.mailkit.fleet.Lease;
import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.spi.SyncStateStore;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Mail put on the test server, and a mailbox's contents on the server and in the fleet's mirror, to compare. */
public final class Mailboxes {

    private Mailboxes() {
    }

    /**
     * Logs in to the test server.
     *
     * @param port     the IMAP port on 127.0.0.1
     * @param user     the user
     * @param password the password
     * @return the connected store
     * @throws Exception if the login fails
     */
    public static Store imap(int port, String user, String password) throws Exception {
        Properties p = new Properties();
        p.setProperty("mail.imap.connectiontimeout", "10000");
        p.setProperty("mail.imap.timeout", "20000");
        Store store = Session.getInstance(p).getStore("imap");
        store.connect("127.0.0.1", port, user, password);
        return store;
    }

    /**
     * A small message with a unique Message-ID.
     *
     * @param id its identity, unique over the test
     * @return the message
     * @throws Exception never in practice
     */
    public static MimeMessage message(String id) throws Exception {
        String text = "Message-ID: <" + id + "@fleet.example>\r\nSubject: message " + id
                + "\r\nFrom: a@example.com\r\n\r\nbody of " + id + "\r\n";
        return new MimeMessage(null, new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * Appends messages to a folder, creating it if needed.
     *
     * @param store  a connected store
     * @param folder the folder
     * @param ids    the messages' identities
     * @throws Exception if the server refuses
     */
    public static void append(Store store, String folder, String... ids) throws Exception {
        Folder f = store.getFolder(folder);
        if (!f.exists()) {
            f.create(Folder.HOLDS_MESSAGES);
        }
        Message[] messages = new Message[ids.length];
        for (int i = 0; i < ids.length; i++) {
            messages[i] = message(ids[i]);
        }
        f.appendMessages(messages);
    }

    /**
     * Every folder holding messages on the server: folder → UID → flags and SHA-256 of the bytes.
     *
     * @param port     the port
     * @param user     the user
     * @param password the password
     * @return the snapshot
     * @throws Exception if reading fails
     */
    public static Map<String, Map<Long, String>> server(int port, String user, String password) throws Exception {
        Map<String, Map<Long, String>> out = new TreeMap<>();
        try (Store store = imap(port, user, password)) {
            for (Folder f : store.getDefaultFolder().list("*")) {
                if ((f.getType() & Folder.HOLDS_MESSAGES) == 0) {
                    continue;
                }
                f.open(Folder.READ_ONLY);
                Map<Long, String> messages = new TreeMap<>();
                for (Message m : f.getMessages()) {
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    m.writeTo(b);
                    messages.put(((UIDFolder) f).getUID(m), flags(m.getFlags()) + " " + sha256(b.toByteArray()));
                }
                f.close(false);
                out.put(f.getFullName(), messages);
            }
        }
        return out;
    }

    /**
     * Every mirrored folder of an account in the fleet's database, as {@link #server} describes the server's.
     *
     * @param db      the database
     * @param account the account (leased for the reading, then given back)
     * @return the snapshot
     * @throws Exception if reading fails
     */
    public static Map<String, Map<Long, String>> mirror(FleetDatabase db, String account) throws Exception {
        Lease lease = db.lease(account, "checker", Duration.ofMinutes(5)).orElseThrow(
                () -> new AssertionError(account + " is still leased"));
        try {
            SyncStateStore state = db.stateStore(lease);
            MessageStore content = db.messageStore(lease);
            Map<String, Map<Long, String>> out = new TreeMap<>();
            for (FolderState folder : state.folders()) {
                MessageStore.StoredFolder local = content.folder(folder.name(), '/');
                Map<Long, String> messages = new TreeMap<>();
                for (MessageRecord r : state.messages(folder.name())) {
                    try (InputStream in = local.open(r.localId())) {
                        messages.put(r.uid(), new TreeSet<>(r.flags().imapNames())
                                + " " + sha256(in.readAllBytes()));
                    }
                }
                out.put(folder.name(), messages);
            }
            return out;
        } finally {
            db.giveBack(lease, Duration.ofMinutes(5));
        }
    }

    private static String flags(Flags flags) {
        Set<String> names = new HashSet<>();
        for (Flags.Flag f : flags.getSystemFlags()) {
            if (f == Flags.Flag.SEEN) {
                names.add("\\Seen");
            } else if (f == Flags.Flag.ANSWERED) {
                names.add("\\Answered");
            } else if (f == Flags.Flag.FLAGGED) {
                names.add("\\Flagged");
            } else if (f == Flags.Flag.DRAFT) {
                names.add("\\Draft");
            } else if (f == Flags.Flag.DELETED) {
                names.add("\\Deleted");
            }
        }
        names.addAll(Set.of(flags.getUserFlags()));
        return new TreeSet<>(MessageFlags.fromImapNames(names).imapNames()).toString();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
