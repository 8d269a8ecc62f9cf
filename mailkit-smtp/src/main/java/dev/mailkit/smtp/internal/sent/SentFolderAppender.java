package dev.mailkit.smtp.internal.sent;

import dev.mailkit.core.MailSession;
import dev.mailkit.core.internal.Closing;
import dev.mailkit.core.registry.FolderRole;
import dev.mailkit.core.registry.ProviderSettings;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Appends sent messages to the account's Sent folder over a small pool of lazily opened IMAP connections
 * (as many as the sender sends on at once), so Sent copies keep pace with a batch instead of queueing on
 * one connection. The folder is the one flagged {@code \Sent} (RFC 6154), else the provider's Sent name,
 * else "Sent", created when missing; it is looked up once.
 */
public final class SentFolderAppender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SentFolderAppender.class);

    private final MailSession imap;
    private final ProviderSettings provider;
    /** Connections not in use; at most {@code slots} connections exist. */
    private final Deque<Store> idle = new ArrayDeque<>();
    private final Semaphore slots;
    private final Set<Store> open = ConcurrentHashMap.newKeySet();
    private volatile String folderName;
    private volatile boolean closed;

    /**
     * Creates an appender.
     *
     * @param imap        the account's IMAP session
     * @param provider    the provider, for the Sent folder name, or null
     * @param connections how many appends may run at once, each on its own connection (at least 1)
     */
    public SentFolderAppender(MailSession imap, ProviderSettings provider, int connections) {
        this.imap = imap;
        this.provider = provider;
        this.slots = new Semaphore(Math.max(1, connections), true);
    }

    /**
     * Appends a message, marked \Seen.
     *
     * @param message the message as sent
     * @return true when appended; false when it failed (logged)
     */
    public boolean append(MimeMessage message) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            for (int attempt = 0; attempt < 2; attempt++) {
                Store store = null;
                try {
                    store = borrow();
                    Folder sent = store.getFolder(sentFolderName(store));
                    message.setFlag(Flags.Flag.SEEN, true);
                    sent.appendMessages(new MimeMessage[] {message});
                    giveBack(store);
                    return true;
                } catch (MessagingException | RuntimeException e) {
                    LOG.warn("appending to the Sent folder at {} failed (attempt {}): {}", imap.endpoint(), attempt + 1,
                            e.getMessage());
                    if (store != null) {
                        discard(store);
                    }
                    folderName = null; // looked up again: the folder may have been deleted or renamed
                }
            }
            return false;
        } finally {
            slots.release();
        }
    }

    private Store borrow() throws MessagingException {
        synchronized (idle) {
            Store s = idle.poll();
            while (s != null && !s.isConnected()) {
                discard(s);
                s = idle.poll();
            }
            if (s != null) {
                return s;
            }
        }
        Store s = imap.connectStore();
        open.add(s);
        if (closed) {
            discard(s);
            throw new IllegalStateException("the sender is closed");
        }
        return s;
    }

    private void giveBack(Store store) {
        synchronized (idle) {
            if (!closed) {
                idle.push(store);
                return;
            }
        }
        discard(store);
    }

    private void discard(Store store) {
        open.remove(store);
        Closing.quietly(store::close, LOG, "an IMAP connection for Sent copies");
    }

    /** The Sent folder's name, looked up once (and created when missing) on the given connection. */
    private String sentFolderName(Store store) throws MessagingException {
        String name = folderName;
        if (name != null) {
            return name;
        }
        synchronized (this) {
            if (folderName != null) {
                return folderName;
            }
            name = provider == null ? "Sent" : provider.specialFolder(FolderRole.SENT).orElse("Sent");
            lookup:
            for (Folder f : store.getDefaultFolder().list("*")) {
                if (f instanceof IMAPFolder imapFolder) {
                    for (String attribute : imapFolder.getAttributes()) {
                        if ("\\Sent".equalsIgnoreCase(attribute)) {
                            name = f.getFullName();
                            break lookup;
                        }
                    }
                }
            }
            Folder sent = store.getFolder(name);
            if (!sent.exists()) {
                sent.create(Folder.HOLDS_MESSAGES);
            }
            folderName = name;
            return name;
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (idle) {
            idle.clear();
        }
        for (Store s : List.copyOf(open)) {
            discard(s);
        }
    }
}
