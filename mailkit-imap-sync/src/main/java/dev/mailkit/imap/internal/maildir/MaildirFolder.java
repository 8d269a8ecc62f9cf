package dev.mailkit.imap.internal.maildir;

import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.spi.MessageStore;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Maildir folder. Keeps an index of base name → current file (in {@code cur/} or {@code new/}),
 * built by one directory scan when the folder is opened and kept up to date by its own operations.
 * Only regular files with a Maildir file name are messages: anything else in {@code cur/} or
 * {@code new/} (a symbolic link, a directory, a FIFO, a device, a socket, another name) is listed in
 * {@link #skipped()} and never opened, renamed or deleted. The type is read without following links
 * ({@code lstat}), and a message is opened without following links, so a link is never followed.
 */
final class MaildirFolder implements MessageStore.StoredFolder {

    private final Path dir;
    private final Map<String, Path> files = new ConcurrentHashMap<>();
    private final Map<Long, String> byUid = new ConcurrentHashMap<>();
    /**
     * Further files labelled with a UID {@link #byUid} already names (another client moved a file here with
     * the label it had in its old folder): kept so that relabelling one of them never hides the other.
     */
    private final Map<Long, Set<String>> sameUid = new ConcurrentHashMap<>();
    /** Entries of cur/ and new/ that are not messages: base name to a description naming them. */
    private final Map<String, String> skipped = new ConcurrentHashMap<>();
    /** Tells outside changes from this process's own, or null where file notifications are not used. */
    private final ChangeTracker tracker;

    /** With durable writes, where changed directories are noted; else null. */
    private final Maildir.Durability durability;

    MaildirFolder(Path dir, ChangeTracker tracker, Maildir.Durability durability) {
        this.dir = dir;
        this.tracker = tracker;
        this.durability = durability;
        removeOwnLeftovers();
        mark(); // before the scan: anything changed after this is seen as a change next time
        scan();
    }

    /**
     * Deletes files this library left in {@code tmp/} when a process died mid-write (they carry a UID;
     * other Maildir writers' files do not). The caller holds the store's lock, so none is being written.
     */
    private void removeOwnLeftovers() {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve("tmp"))) {
            for (Path p : ds) {
                if (MaildirNames.isOwnTemporary(p.getFileName().toString()) && regularFile(p)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new dev.mailkit.imap.SyncStateException("cannot clean " + dir.resolve("tmp") + ": " + e, e);
        }
    }

    private void scan() {
        for (String sub : new String[] {"new", "cur"}) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve(sub))) {
                for (Path p : ds) {
                    String why = notAMessage(p);
                    if (why == null) {
                        index(p);
                    } else if (!why.isEmpty()) {
                        skipped.put(MaildirNames.baseName(p.getFileName().toString()),
                                MaildirNames.printable(p.toString()) + ": " + why);
                    }
                }
            } catch (IOException e) {
                throw new dev.mailkit.imap.SyncStateException("cannot list " + dir.resolve(sub) + ": " + e, e);
            }
        }
    }

    /**
     * Why an entry of cur/ or new/ is not a message ({@code null}: it is one; empty: it is gone), from its
     * name and its type read without following a link. Nothing is opened.
     */
    private static String notAMessage(Path p) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return ""; // renamed or deleted by another program since the listing
        } catch (IOException e) {
            return "cannot be examined (" + e.getClass().getSimpleName() + "); not read";
        }
        if (a.isSymbolicLink()) {
            return "a symbolic link; links are never followed, so it is not read, uploaded or deleted";
        }
        if (a.isDirectory()) {
            return "a directory, not a message file; not read, uploaded or deleted";
        }
        if (!a.isRegularFile()) {
            return "not a regular file (a FIFO, socket or device); not opened, uploaded or deleted";
        }
        if (!MaildirNames.isMessageFileName(p.getFileName().toString())) {
            return "not a Maildir message file name (time.unique.host[:2,flags]); not uploaded or deleted";
        }
        return null;
    }

    /** Whether a path is a regular file, read without following a link. */
    private static boolean regularFile(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile();
        } catch (IOException e) {
            return false;
        }
    }

    private void index(Path p) {
        String base = MaildirNames.baseName(p.getFileName().toString());
        files.put(base, p);
        long uid = MaildirNames.uidOf(base);
        if (uid > 0) {
            synchronized (byUid) {
                String first = byUid.putIfAbsent(uid, base);
                if (first != null && !first.equals(base)) {
                    sameUid.computeIfAbsent(uid, k -> new java.util.TreeSet<>()).add(base);
                }
            }
        }
    }

    private void unindex(String base) {
        files.remove(base);
        long uid = MaildirNames.uidOf(base);
        if (uid > 0) {
            synchronized (byUid) {
                Set<String> others = sameUid.get(uid);
                if (others != null) {
                    others.remove(base);
                }
                if (byUid.remove(uid, base) && others != null && !others.isEmpty()) {
                    String next = others.iterator().next();
                    others.remove(next);
                    byUid.put(uid, next);
                }
                if (others != null && others.isEmpty()) {
                    sameUid.remove(uid);
                }
            }
        }
    }

    private Path require(String base) throws IOException {
        Path p = files.get(base);
        if (p == null) {
            throw new NoSuchFileException(dir + ": no message " + base);
        }
        return p;
    }

    private Path curFile(String base, MessageFlags flags) {
        return dir.resolve("cur").resolve(base + ":2," + flags.maildirLetters());
    }

    /** Writes a file in {@code tmp/}; {@link #commit} renames it into {@code cur/} (replacing {@code current}, if any). */
    private final class TmpWriter implements MessageStore.MessageWriter {
        private final String base;
        private final Path current;
        private final Path tmp;
        private final FileChannel channel;
        private final OutputStream out;
        private boolean done;

        TmpWriter(String base, Path current) throws IOException {
            this.base = base;
            this.current = current;
            this.tmp = dir.resolve("tmp").resolve(base);
            this.channel = create(tmp);
            // Downloads write a whole message (or a 1 MiB part) at once, which passes a small buffer untouched;
            // a 64 KiB buffer per message was a quarter of a large initial sync's allocations.
            this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 8 * 1024);
        }

        @Override
        public OutputStream stream() {
            return out;
        }

        @Override
        public String commit(MessageFlags flags) throws IOException {
            out.flush();
            if (durability != null) {
                channel.force(false); // the bytes reach the disk before the name does
            }
            out.close();
            Path target = curFile(base, flags);
            if (current == null) {
                move(tmp, target);
            } else {
                expect(target);
                try {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    cancel(target);
                    throw e;
                }
                changed(target);
                noteOwnWrite();
                if (!target.equals(current)) {
                    delete(current);
                }
            }
            done = true;
            index(target);
            if (MaildirNames.uidOf(base) <= 0) {
                localAddition(); // a message added here, not downloaded: the next sync must find and upload it
            }
            return base;
        }

        @Override
        public void close() {
            if (!done) {
                try {
                    out.close();
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // removed with the other leftovers when the folder is next opened; Maildir readers ignore tmp/
                }
            }
        }
    }

    /**
     * Creates a new file, never following a link: a link (or any file) already at that name in
     * {@code tmp/} is removed first, as nothing but an unfinished write of ours can own it.
     */
    private static FileChannel create(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            Files.delete(file); // deletes a link itself, not what it points to
            return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        }
    }

    @Override
    public MessageStore.MessageWriter newMessage(long uid) throws IOException {
        return new TmpWriter(MaildirNames.newBaseName(uid), null);
    }

    @Override
    public MessageStore.MessageWriter replace(String localId) throws IOException {
        return new TmpWriter(localId, require(localId));
    }

    @Override
    public Optional<String> findByUid(long uid) {
        return Optional.ofNullable(byUid.get(uid));
    }

    @Override
    public List<String> localIds() {
        return new ArrayList<>(files.keySet());
    }

    @Override
    public void setFlags(String localId, MessageFlags flags) throws IOException {
        if (!files.containsKey(localId) && skipped.containsKey(localId)) {
            return; // not a message file (a link, a directory, ...): left as it is
        }
        Path from = require(localId);
        Path to = curFile(localId, flags);
        if (!from.equals(to)) {
            rename(from, to, this);
            files.put(localId, to);
        }
    }

    @Override
    public void remove(String localId) throws IOException {
        Path p = files.get(localId);
        if (p != null) {
            delete(p);
            unindex(localId);
        }
    }

    @Override
    public String copyIn(MessageStore.StoredFolder from, String localId, long uid, MessageFlags flags) throws IOException {
        MaildirFolder source = (MaildirFolder) from;
        Path src = source.require(localId);
        String base = MaildirNames.withUid(MaildirNames.newBaseName(0), uid);
        Path tmp = dir.resolve("tmp").resolve(base);
        try {
            Files.createLink(tmp, src); // Maildir files never change in place, so sharing the inode is safe
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(src, tmp, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
            if (durability != null) {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.force(false);
                }
            }
        }
        Path target = curFile(base, flags);
        move(tmp, target);
        index(target);
        if (uid <= 0) {
            localAddition();
        }
        return base;
    }

    @Override
    public String moveIn(MessageStore.StoredFolder from, String localId) throws IOException {
        MaildirFolder source = (MaildirFolder) from;
        Path src = source.require(localId);
        String base = MaildirNames.withUid(localId, 0);
        String letters = MaildirNames.letters(src.getFileName().toString());
        Path target = dir.resolve("cur").resolve(base + ":2," + letters);
        rename(src, target, source);
        source.unindex(localId);
        index(target);
        localAddition();
        return base;
    }

    @Override
    public long size(String localId) {
        Path p = files.get(localId);
        try {
            BasicFileAttributes a = p == null ? null
                    : Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a == null || !a.isRegularFile() ? -1 : a.size();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public String relabel(String localId, long uid) throws IOException {
        Path src = require(localId);
        String base = MaildirNames.withUid(localId, uid);
        Path target = src.resolveSibling(base + (src.getFileName().toString().contains(":2,")
                ? ":2," + MaildirNames.letters(src.getFileName().toString()) : ""));
        rename(src, target, this);
        unindex(localId);
        index(target);
        if (uid <= 0) {
            localAddition();
        }
        return base;
    }

    /**
     * Opens a message file for reading: only a regular file, checked without following a link, and
     * opened without following one ({@code O_NOFOLLOW}); a FIFO put in its place between the check and
     * the open is the one case left that can block (see SECURITY.md).
     */
    @Override
    public InputStream open(String localId) throws IOException {
        Path p = require(localId);
        if (!regularFile(p)) {
            throw new IOException(MaildirNames.printable(p.toString()) + " is no longer a regular file; not read");
        }
        return Channels.newInputStream(FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    }

    @Override
    public Map<String, String> skipped() {
        return Map.copyOf(skipped);
    }

    /** Modification times of cur/ and new/ at {@link #mark()}, and when the mark was taken. */
    private volatile FileTime[] marked;
    private volatile long markedAt;

    @Override
    public synchronized void mark() {
        if (tracker != null) {
            tracker.reset();
        }
        try {
            marked = times();
            markedAt = System.currentTimeMillis();
        } catch (IOException e) {
            marked = null;
        }
        if (tracker != null) {
            tracker.ownTimes(marked);
        }
    }

    /** Records the directory times right after a write of ours: a later change is someone else's. */
    private void noteOwnWrite() {
        if (tracker != null) {
            try {
                tracker.ownTimes(times());
            } catch (IOException e) {
                tracker.ownTimes(null);
            }
        }
    }

    @Override
    public boolean changedSinceMark() {
        if (tracker != null) {
            // Notifications arrive a moment after the change; the directory times show a change at once (unless it
            // raced with a write of ours, which its notification then reports).
            if (tracker.changedOutside()) {
                return true;
            }
            try {
                FileTime[] own = tracker.ownTimes();
                return own == null || !java.util.Arrays.equals(times(), own);
            } catch (IOException e) {
                return true;
            }
        }
        FileTime[] then = marked;
        if (then == null) {
            return true;
        }
        try {
            FileTime[] now = times();
            for (int i = 0; i < now.length; i++) {
                // A change in the same clock tick as the mark could hide behind an equal time: treat
                // directories modified within a second before the mark as changed.
                if (!now[i].equals(then[i]) || markedAt - then[i].toMillis() < 1000) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private FileTime[] times() throws IOException {
        return new FileTime[] {Files.getLastModifiedTime(dir.resolve("cur")), Files.getLastModifiedTime(dir.resolve("new"))};
    }

    @Override
    public Optional<MessageFlags> storedFlags(String localId) {
        Path p = files.get(localId);
        return p == null ? Optional.empty()
                : Optional.of(MessageFlags.fromMaildir(MaildirNames.letters(p.getFileName().toString()), Set.of()));
    }

    /** Moves a file from {@code tmp/} (not watched) into {@code cur/} or {@code new/}. */
    private void move(Path from, Path to) throws IOException {
        expect(to);
        try {
            atomicMove(from, to);
        } catch (IOException e) {
            cancel(to);
            throw e;
        }
        changed(to);
        noteOwnWrite();
    }

    /** Renames a message file of {@code owner} (this folder or another of the store) to a name in this folder. */
    private void rename(Path from, Path to, MaildirFolder owner) throws IOException {
        owner.expect(from);
        expect(to);
        try {
            atomicMove(from, to);
        } catch (IOException e) {
            owner.cancel(from);
            cancel(to);
            throw e;
        }
        changed(from);
        changed(to);
        owner.noteOwnWrite();
        noteOwnWrite();
    }

    private void delete(Path file) throws IOException {
        expect(file);
        try {
            if (!Files.deleteIfExists(file)) {
                cancel(file);
            }
            changed(file);
            noteOwnWrite();
        } catch (IOException e) {
            cancel(file);
            throw e;
        }
    }

    /** Notes, for durable writes, that the directory holding {@code file} changed. */
    private void changed(Path file) {
        if (durability != null) {
            durability.changed(file.getParent());
        }
    }

    private void localAddition() {
        if (tracker != null) {
            tracker.markChanged();
        }
    }

    private void expect(Path file) {
        if (tracker != null) {
            tracker.expect(file);
        }
    }

    private void cancel(Path file) {
        if (tracker != null) {
            tracker.cancel(file);
        }
    }

    private static void atomicMove(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    @Override
    public String toString() {
        return "MaildirFolder[" + dir + "]";
    }
}
