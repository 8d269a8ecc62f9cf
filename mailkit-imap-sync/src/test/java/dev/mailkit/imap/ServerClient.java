package dev.mailkit.imap;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.UID;

/** "Another device": a plain Jakarta Mail IMAP client the tests use to change the server behind the synchronizer's back. */
final class ServerClient implements AutoCloseable {

    private final Store store;
    private final Session session;
    private final String host;
    private final int port;
    private final String user;
    private final String password;

    ServerClient(String host, int port, String user, String password) throws MessagingException {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        Properties p = new Properties();
        p.setProperty("mail.imap.peek", "true");
        session = Session.getInstance(p);
        store = session.getStore("imap");
        store.connect(host, port, user, password);
    }

    static byte[] message(int i, String messageId, String body) {
        String raw = "From: sender" + i + "@example.com\r\nTo: alice@example.com\r\nSubject: message " + i + "\r\n"
                + (messageId == null ? "" : "Message-ID: " + messageId + "\r\n")
                + "Date: Mon, 2 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
                + body + "\r\n";
        return raw.getBytes(StandardCharsets.UTF_8);
    }

    void append(String folder, byte[]... messages) throws MessagingException {
        Folder f = folder(folder);
        if (!f.exists()) {
            f.create(Folder.HOLDS_MESSAGES);
        }
        List<Message> list = new ArrayList<>();
        for (byte[] m : messages) {
            list.add(new MimeMessage(session, new ByteArrayInputStream(m)));
        }
        f.appendMessages(list.toArray(new Message[0]));
    }

    /** Appends one message with the given INTERNALDATE. */
    void appendReceived(String folder, java.util.Date received, byte[] message) throws MessagingException {
        Folder f = folder(folder);
        if (!f.exists()) {
            f.create(Folder.HOLDS_MESSAGES);
        }
        MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(message)) {
            @Override
            public java.util.Date getReceivedDate() {
                return received;
            }
        };
        f.appendMessages(new Message[] {m});
    }

    /** Deletes a folder over a fresh connection (some servers drop other sessions of the account on DELETE). */
    void deleteFolder(String name) throws MessagingException {
        Store fresh = session.getStore("imap");
        fresh.connect(host, port, user, password);
        try {
            Folder f = fresh.getFolder(name);
            f.open(Folder.READ_WRITE); // empty it first: GreenMail drops the connection on DELETE of a non-empty folder
            for (Message m : f.getMessages()) {
                m.setFlag(Flags.Flag.DELETED, true);
            }
            f.close(true);
            f.delete(false);
        } finally {
            fresh.close();
        }
    }

    Folder folder(String name) throws MessagingException {
        return store.getFolder(name);
    }

    void setFlag(String folder, long uid, Flags.Flag flag, boolean value) throws MessagingException {
        IMAPFolder f = (IMAPFolder) folder(folder);
        f.open(Folder.READ_WRITE);
        try {
            f.getMessageByUID(uid).setFlag(flag, value);
        } finally {
            f.close(false);
        }
    }

    Flags flags(String folder, long uid) throws MessagingException {
        IMAPFolder f = (IMAPFolder) folder(folder);
        f.open(Folder.READ_ONLY);
        try {
            return f.getMessageByUID(uid).getFlags();
        } finally {
            f.close(false);
        }
    }

    void expunge(String folder, long uid) throws MessagingException {
        IMAPFolder f = (IMAPFolder) folder(folder);
        f.open(Folder.READ_WRITE);
        try {
            Message m = f.getMessageByUID(uid);
            m.setFlag(Flags.Flag.DELETED, true);
            f.expunge(new Message[] {m});
        } finally {
            f.close(false);
        }
    }

    void move(String from, long uid, String to) throws MessagingException {
        IMAPFolder f = (IMAPFolder) folder(from);
        f.open(Folder.READ_WRITE);
        try {
            Folder target = folder(to);
            if (!target.exists()) {
                target.create(Folder.HOLDS_MESSAGES);
            }
            f.moveMessages(new Message[] {f.getMessageByUID(uid)}, target);
        } finally {
            f.close(false);
        }
    }

    /** Every message's raw bytes as the server holds them (BODY.PEEK[]), by UID. */
    Map<Long, byte[]> rawBodies(String folder) throws MessagingException {
        IMAPFolder f = (IMAPFolder) folder(folder);
        f.open(Folder.READ_ONLY);
        try {
            Map<Long, byte[]> out = new TreeMap<>();
            if (f.getMessageCount() == 0) {
                return out;
            }
            Response[] r = (Response[]) f.doCommand(p -> p.command("UID FETCH 1:* (UID BODY.PEEK[])", null));
            for (Response resp : r) {
                if (resp instanceof FetchResponse fr && fr.getItem(BODY.class) != null) {
                    var b = fr.getItem(BODY.class).getByteArray();
                    byte[] bytes = new byte[b.getCount()];
                    System.arraycopy(b.getBytes(), b.getStart(), bytes, 0, b.getCount());
                    out.put(fr.getItem(UID.class).uid, bytes);
                }
            }
            return out;
        } finally {
            f.close(false);
        }
    }

    /** The UIDs of a folder, ascending. */
    List<Long> uids(String folder) throws MessagingException {
        IMAPFolder f = (IMAPFolder) folder(folder);
        f.open(Folder.READ_ONLY);
        try {
            List<Long> out = new ArrayList<>();
            for (Message m : f.getMessages()) {
                out.add(f.getUID(m));
            }
            return out;
        } finally {
            f.close(false);
        }
    }

    long uidOf(String folder, int messageNumber) throws MessagingException {
        IMAPFolder f = (IMAPFolder) folder(folder);
        f.open(Folder.READ_ONLY);
        try {
            return ((UIDFolder) f).getUID(f.getMessage(messageNumber));
        } finally {
            f.close(false);
        }
    }

    /** One message as the server holds it. */
    record Stored(long uid, java.util.Set<String> flags, byte[] bytes) {
    }

    /** Every message of a folder with its flags (IMAP names, {@code \Recent} left out) and raw bytes, by UID. */
    List<Stored> messages(String folder) throws MessagingException {
        IMAPFolder f = (IMAPFolder) folder(folder);
        f.open(Folder.READ_ONLY);
        try {
            List<Stored> out = new ArrayList<>();
            if (f.getMessageCount() == 0) {
                return out;
            }
            Response[] r = (Response[]) f.doCommand(p -> p.command("UID FETCH 1:* (UID FLAGS BODY.PEEK[])", null));
            for (Response resp : r) {
                if (resp instanceof FetchResponse fr && fr.getItem(BODY.class) != null) {
                    var b = fr.getItem(BODY.class).getByteArray();
                    byte[] bytes = java.util.Arrays.copyOfRange(b.getBytes(), b.getStart(), b.getStart() + b.getCount());
                    Flags flags = fr.getItem(org.eclipse.angus.mail.imap.protocol.FLAGS.class);
                    out.add(new Stored(fr.getItem(UID.class).uid, flagNames(flags), bytes));
                }
            }
            out.sort(java.util.Comparator.comparingLong(Stored::uid));
            return out;
        } finally {
            f.close(false);
        }
    }

    /** IMAP flag names ({@code \Seen}, {@code $Forwarded}, ...) without {@code \Recent}. */
    static java.util.Set<String> flagNames(Flags flags) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        if (flags == null) {
            return out;
        }
        for (Flags.Flag f : flags.getSystemFlags()) {
            if (f == Flags.Flag.SEEN) {
                out.add("\\Seen");
            } else if (f == Flags.Flag.ANSWERED) {
                out.add("\\Answered");
            } else if (f == Flags.Flag.FLAGGED) {
                out.add("\\Flagged");
            } else if (f == Flags.Flag.DRAFT) {
                out.add("\\Draft");
            } else if (f == Flags.Flag.DELETED) {
                out.add("\\Deleted");
            }
        }
        out.addAll(java.util.Arrays.asList(flags.getUserFlags()));
        return out;
    }

    /** APPENDs these exact bytes with these flags (IMAP names), creating the folder when it does not exist. */
    void appendRaw(String folder, byte[] message, java.util.Collection<String> flags) throws MessagingException {
        IMAPFolder f = (IMAPFolder) folder(folder);
        if (!f.exists()) {
            f.create(Folder.HOLDS_MESSAGES);
        }
        Flags jf = new Flags();
        for (String n : flags) {
            switch (n) {
                case "\\Seen" -> jf.add(Flags.Flag.SEEN);
                case "\\Answered" -> jf.add(Flags.Flag.ANSWERED);
                case "\\Flagged" -> jf.add(Flags.Flag.FLAGGED);
                case "\\Draft" -> jf.add(Flags.Flag.DRAFT);
                case "\\Deleted" -> jf.add(Flags.Flag.DELETED);
                default -> jf.add(n);
            }
        }
        org.eclipse.angus.mail.iap.Literal literal = new org.eclipse.angus.mail.iap.Literal() {
            @Override
            public int size() {
                return message.length;
            }

            @Override
            public void writeTo(java.io.OutputStream os) throws java.io.IOException {
                os.write(message);
            }
        };
        f.doCommand(p -> {
            p.append(folder, jf, null, literal);
            return null;
        });
    }

    /**
     * Changes a message's flags from {@code before} to {@code after} in one {@code UID STORE uid FLAGS.SILENT (...)},
     * several set and cleared at once; or, where {@code FLAGS} does not clear keywords (GreenMail 2.1.7), one
     * {@code +FLAGS.SILENT} and one {@code -FLAGS.SILENT}, each with several flags.
     */
    void storeFlags(String folder, long uid, java.util.Set<String> before, java.util.Set<String> after)
            throws MessagingException {
        List<String> commands = new ArrayList<>();
        if (replaceClearsKeywords) {
            commands.add("UID STORE " + uid + " FLAGS.SILENT (" + String.join(" ", after) + ")");
        } else {
            java.util.Set<String> add = new java.util.TreeSet<>(after);
            add.removeAll(before);
            java.util.Set<String> remove = new java.util.TreeSet<>(before);
            remove.removeAll(after);
            if (!add.isEmpty()) {
                commands.add("UID STORE " + uid + " +FLAGS.SILENT (" + String.join(" ", add) + ")");
            }
            if (!remove.isEmpty()) {
                commands.add("UID STORE " + uid + " -FLAGS.SILENT (" + String.join(" ", remove) + ")");
            }
        }
        IMAPFolder f = (IMAPFolder) folder(folder);
        f.open(Folder.READ_WRITE);
        try {
            for (String command : commands) {
                f.doCommand(p -> {
                    Response[] r = p.command(command, null);
                    p.notifyResponseHandlers(r);
                    p.handleResult(r[r.length - 1]);
                    return null;
                });
            }
        } finally {
            f.close(false);
        }
    }

    private boolean replaceClearsKeywords = true;

    /** For servers whose {@code STORE FLAGS} keeps keywords it should clear: {@link #storeFlags} then adds and removes instead. */
    ServerClient storeFlagsByAddAndRemove() {
        replaceClearsKeywords = false;
        return this;
    }

    /** {@code UID COPY} of one message. */
    void copy(String from, long uid, String to) throws MessagingException {
        IMAPFolder f = (IMAPFolder) folder(from);
        f.open(Folder.READ_ONLY);
        try {
            f.copyMessages(new Message[] {f.getMessageByUID(uid)}, folder(to));
        } finally {
            f.close(false);
        }
    }

    /** {@code RENAME}. */
    void renameFolder(String from, String to) throws MessagingException {
        Folder f = folder(from);
        if (!f.renameTo(folder(to))) {
            throw new MessagingException("RENAME " + from + " " + to + " refused");
        }
    }

    /** Creates an empty folder. */
    void createFolder(String name) throws MessagingException {
        if (!folder(name).create(Folder.HOLDS_MESSAGES)) {
            throw new MessagingException("CREATE " + name + " refused");
        }
    }

    /** The folder's UIDVALIDITY. */
    long uidValidity(String folder) throws MessagingException {
        IMAPFolder f = (IMAPFolder) folder(folder);
        f.open(Folder.READ_ONLY);
        try {
            return f.getUIDValidity();
        } finally {
            f.close(false);
        }
    }

    /** The names of the folders that can hold messages (LIST "" "*", without \Noselect ones). */
    java.util.Set<String> folderNames() throws MessagingException {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (Folder f : store.getDefaultFolder().list("*")) {
            if ((f.getType() & Folder.HOLDS_MESSAGES) != 0) {
                out.add(f.getFullName());
            }
        }
        return out;
    }

    /** Whether the server advertises a capability. */
    boolean hasCapability(String capability) throws MessagingException {
        return ((org.eclipse.angus.mail.imap.IMAPStore) store).hasCapability(capability);
    }

    @Override
    public void close() throws MessagingException {
        store.close();
    }
}
