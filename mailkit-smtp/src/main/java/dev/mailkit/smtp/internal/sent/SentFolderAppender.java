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
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.Literal;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.util.CRLFOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Appends sent messages to the account's Sent folder. Copies are queued and appended by up to
 * {@code connections} copier threads, each on its own IMAP connection, so a batch does not wait for its
 * copies; a copier takes every copy waiting (up to {@value #MAX_BATCH}) and, where the server offers
 * MULTIAPPEND (RFC 3502), appends them with one command: one transaction on the server instead of one per
 * message. The folder is the one flagged {@code \Sent} (RFC 6154), else the provider's Sent name, else
 * "Sent", created when missing; it is looked up once.
 *
 * <p>Bounded: at most {@value #MAX_PENDING} copies and {@value #MAX_PENDING_BYTES} bytes wait at once
 * (one larger copy is let through alone); a sender that gets ahead waits for room.
 */
public final class SentFolderAppender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SentFolderAppender.class);

    /** How long copies fail at once after the server failed both attempts of a batch (down, or refusing the login). */
    static final java.time.Duration PAUSE_AFTER_FAILURE = java.time.Duration.ofSeconds(60);
    /** Copies appended with one MULTIAPPEND command at most. */
    static final int MAX_BATCH = 100;
    /** Copies waiting to be appended at most. */
    static final int MAX_PENDING = 256;
    /** Bytes of copies waiting at most (a single larger copy waits alone). */
    static final long MAX_PENDING_BYTES = 32L << 20;

    private final MailSession imap;
    private final ProviderSettings provider;
    private final int connections;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Object room = new Object();
    private final AtomicInteger copiers = new AtomicInteger();
    private final List<Store> open = new ArrayList<>();
    private ExecutorService threads;
    private int pendingCount;
    private long pendingBytes;
    private volatile String folderName;
    /** Guards the Sent folder's look-up, which takes round trips: not the monitor copiers start under. */
    private final Object lookup = new Object();
    /** Until when (System.nanoTime) copies fail at once, after the server failed every attempt. */
    private volatile long failingUntil = System.nanoTime();
    /** Whether the server offers MULTIAPPEND, once a copier has connected. */
    private volatile Boolean multiAppend;
    private volatile boolean closed;

    /** A copy waiting: the message as sent, in CRLF lines, and who waits for it. */
    private record Pending(byte[] bytes, CompletableFuture<Boolean> done) {
    }

    /**
     * Creates an appender.
     *
     * @param imap        the account's IMAP session
     * @param provider    the provider, for the Sent folder name, or null
     * @param connections how many IMAP connections may append at once (at least 1)
     */
    public SentFolderAppender(MailSession imap, ProviderSettings provider, int connections) {
        this.imap = imap;
        this.provider = provider;
        this.connections = Math.max(1, connections);
    }

    /**
     * Appends a message, marked \Seen, and waits for it.
     *
     * @param message the message as sent
     * @return true when appended; false when it failed (logged)
     */
    public boolean append(MimeMessage message) {
        return appendLater(message).join();
    }

    /**
     * Queues a copy of a message, marked \Seen. Waits while the queue is full.
     *
     * @param message the message as sent
     * @return completed with true when appended, false when it failed (logged); never exceptionally
     */
    public CompletableFuture<Boolean> appendLater(MimeMessage message) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        byte[] bytes;
        try {
            bytes = crlf(message);
        } catch (IOException | MessagingException e) {
            LOG.warn("the Sent copy of a message could not be written: {}", e.getMessage());
            done.complete(false);
            return done;
        }
        synchronized (room) {
            while (!closed && pendingCount > 0
                    && (pendingCount >= MAX_PENDING || pendingBytes + bytes.length > MAX_PENDING_BYTES)) {
                try {
                    room.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    done.complete(false);
                    return done;
                }
            }
            if (closed) {
                done.complete(false);
                return done;
            }
            pendingCount++;
            pendingBytes += bytes.length;
            queue.add(new Pending(bytes, done)); // under the lock: close() either refuses it or drains it
        }
        startCopier();
        return done;
    }

    private synchronized void startCopier() {
        // Where the server takes MULTIAPPEND, one copier keeps up (its batches grow with the queue); more
        // start only when a full batch waits: appends to one folder wait for each other on the server, and
        // small batches cost the server a transaction each. Without it, one copier per waiting copy beyond
        // those at work. Until the first connection says which, one copier (it starts others if needed).
        int running = copiers.get();
        boolean more = Boolean.FALSE.equals(multiAppend) ? queue.size() > running : queue.size() > MAX_BATCH;
        if (closed || running >= connections || running > 0 && !more) {
            return;
        }
        if (threads == null) {
            AtomicInteger n = new AtomicInteger();
            threads = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "mailkit-sent-copy-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        copiers.incrementAndGet();
        threads.execute(this::copy);
    }

    /**
     * Gets a copier connected, with the Sent folder looked up, before the first copy is queued: a batch calls
     * it as it starts, so the IMAP login runs while the first messages are sent.
     */
    public void prepare() {
        startCopier();
    }

    /** A copier: appends what waits, batch by batch, on its own connection; ends when nothing waits for a while. */
    private void copy() {
        Store store = null;
        try {
            try {
                store = connect();
                sentFolderName(store);
            } catch (MessagingException | RuntimeException e) {
                LOG.debug("connecting for Sent copies failed, tried again with the first copy: {}", e.getMessage());
                discard(store);
                store = null;
            }
            while (!closed) {
                Pending first = queue.poll(2, TimeUnit.SECONDS);
                if (first == null) {
                    break;
                }
                List<Pending> left = new ArrayList<>();
                left.add(first);
                queue.drainTo(left, MAX_BATCH - 1);
                List<Pending> appended = new ArrayList<>();
                if (System.nanoTime() - failingUntil < 0) {
                    finish(left, false); // the server failed every attempt a moment ago: no connection per batch
                    continue;
                }
                for (int attempt = 0; attempt < 2 && !left.isEmpty() && !closed; attempt++) {
                    try {
                        if (store == null || !store.isConnected()) {
                            store = connect();
                        }
                        // the second attempt appends one by one: MULTIAPPEND takes all or none, and one message
                        // the server refuses (too big, over quota) must not fail the others
                        long t0 = System.nanoTime();
                        int n = left.size();
                        appendAll(store, left, appended, attempt == 0);
                        LOG.debug("appended {} Sent copies in {} ms", n, (System.nanoTime() - t0) / 1_000_000);
                    } catch (MessagingException | ProtocolException | RuntimeException e) {
                        LOG.warn("appending {} message(s) to the Sent folder at {} failed (attempt {}): {}", left.size(),
                                imap.endpoint(), attempt + 1, e.getMessage());
                        discard(store);
                        store = null;
                        folderName = null; // looked up again: the folder may have been deleted or renamed
                        if (attempt == 1 && appended.isEmpty()) {
                            failingUntil = System.nanoTime() + PAUSE_AFTER_FAILURE.toNanos();
                            LOG.warn("Sent copies are not appended for {} s: the IMAP server at {} refused or failed"
                                    + " every attempt", PAUSE_AFTER_FAILURE.toSeconds(), imap.endpoint());
                        }
                    }
                }
                finish(appended, true);
                finish(left, false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            discard(store);
            copiers.decrementAndGet();
            if (!queue.isEmpty()) {
                startCopier(); // a copy queued while this copier was leaving
            }
        }
    }

    private void finish(List<Pending> batch, boolean ok) {
        if (batch.isEmpty()) {
            return;
        }
        synchronized (room) {
            for (Pending p : batch) {
                pendingCount--;
                pendingBytes -= p.bytes().length;
            }
            room.notifyAll();
        }
        // Whoever waits on a copy must not run its own work here (a batch reports on its own thread).
        batch.forEach(p -> p.done().complete(ok));
    }

    private Store connect() throws MessagingException {
        Store s = imap.connectStore();
        if (s instanceof org.eclipse.angus.mail.imap.IMAPStore imapStore) {
            boolean first = multiAppend == null;
            multiAppend = imapStore.hasCapability("MULTIAPPEND");
            if (first && !multiAppend) {
                startCopier(); // copies one by one: one copier per waiting copy, up to the limit
            }
        } else {
            multiAppend = false;
        }
        synchronized (open) {
            open.add(s);
        }
        return s;
    }

    private void discard(Store store) {
        if (store != null) {
            synchronized (open) {
                open.remove(store);
            }
            Closing.quietly(store::close, LOG, "an IMAP connection for Sent copies");
        }
    }

    /**
     * Appends {@code left}, moving each copy appended to {@code appended} (all at once with MULTIAPPEND, else
     * one by one), so that a failure part-way leaves in {@code left} only what is not in the folder.
     */
    private void appendAll(Store store, List<Pending> left, List<Pending> appended, boolean multiAllowed)
            throws MessagingException, ProtocolException {
        String name = sentFolderName(store);
        IMAPFolder folder = (IMAPFolder) store.getFolder(name);
        ProtocolException[] failed = new ProtocolException[1];
        folder.doCommand(p -> {
            try {
                if (multiAllowed && left.size() > 1 && p.hasCapability("MULTIAPPEND")) {
                    multiAppend(p, name, left);
                    appended.addAll(left);
                    left.clear();
                } else {
                    Flags seen = new Flags(Flags.Flag.SEEN);
                    while (!left.isEmpty()) {
                        p.append(name, seen, null, literal(left.get(0).bytes()));
                        appended.add(left.remove(0));
                    }
                }
            } catch (ProtocolException e) {
                failed[0] = e;
            }
            return null;
        });
        if (failed[0] != null) {
            throw failed[0];
        }
    }

    /** One APPEND command with every message of the batch (RFC 3502). */
    private static void multiAppend(IMAPProtocol p, String name, List<Pending> batch) throws ProtocolException {
        Argument args = new Argument();
        args.writeString(BASE64MailboxEncoder.encode(name));
        for (Pending m : batch) {
            args.writeAtom("(\\Seen)");
            args.writeBytes(literal(m.bytes()));
        }
        Response[] r = p.command("APPEND", args);
        p.notifyResponseHandlers(r);
        p.handleResult(r[r.length - 1]);
    }

    private static Literal literal(byte[] bytes) {
        return new Literal() {
            @Override
            public int size() {
                return bytes.length;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(bytes);
            }
        };
    }

    /** The message as an IMAP literal carries it: CRLF line ends throughout. */
    private static byte[] crlf(MimeMessage message) throws IOException, MessagingException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream out = new CRLFOutputStream(b)) {
            message.writeTo(out);
        }
        return b.toByteArray();
    }

    /** The Sent folder's name, looked up once (and created when missing) on the given connection. */
    private String sentFolderName(Store store) throws MessagingException {
        String name = folderName;
        if (name != null) {
            return name;
        }
        synchronized (lookup) {
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

    /** Copies still waiting are not appended (their futures complete with false); connections close. */
    @Override
    public void close() {
        closed = true;
        synchronized (room) {
            room.notifyAll();
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            LOG.warn("{} Sent copies were not appended: the sender was closed", left.size());
            finish(left, false);
        }
        ExecutorService t;
        synchronized (this) {
            t = threads;
        }
        if (t != null) {
            t.shutdownNow();
        }
        List<Store> stores;
        synchronized (open) {
            stores = List.copyOf(open);
        }
        stores.forEach(this::discard);
    }
}
