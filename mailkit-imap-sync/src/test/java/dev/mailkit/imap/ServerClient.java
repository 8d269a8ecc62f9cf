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

    @Override
    public void close() throws MessagingException {
        store.close();
    }
}
