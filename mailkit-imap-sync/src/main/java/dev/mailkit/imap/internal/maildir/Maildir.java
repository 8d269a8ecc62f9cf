package dev.mailkit.imap.internal.maildir;

import dev.mailkit.imap.SyncStateException;
import dev.mailkit.imap.spi.MessageStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A Maildir++ tree. */
public final class Maildir implements MessageStore {

    private static final Logger LOG = LoggerFactory.getLogger(Maildir.class);

    private final Path root;
    /** inotify on Linux; null elsewhere (polling watch services report late), then directory times are compared. */
    private final WatchService watcher;
    private final Map<Path, ChangeTracker> trackers = new ConcurrentHashMap<>();
    /** With durable writes: the directories changed since the last {@link #sync()}; else null. */
    private final Durability durability;

    /** Message files are forced to disk before they are renamed into place; changed directories at {@link #sync()}. */
    static final class Durability {
        private final Set<Path> dirtyDirectories = ConcurrentHashMap.newKeySet();

        void changed(Path directory) {
            dirtyDirectories.add(directory);
        }

        void sync() throws IOException {
            for (Path dir : List.copyOf(dirtyDirectories)) {
                dirtyDirectories.remove(dir);
                if (Files.isDirectory(dir)) {
                    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                        ch.force(true);
                    }
                }
            }
        }
    }

    @Override
    public void sync() {
        if (durability != null) {
            try {
                durability.sync();
            } catch (IOException e) {
                throw new SyncStateException("cannot write Maildir " + root + " to disk: " + e, e);
            }
        }
    }

    /**
     * Opens (creating) the tree.
     *
     * @param root the root directory
     * @throws SyncStateException if the path is not a writable directory
     */
    public Maildir(Path root) {
        this(root, false);
    }

    /**
     * Opens (creating) the tree.
     *
     * @param root    the root directory
     * @param durable whether {@link #sync()} makes writes durable (fsync of files and directories)
     * @throws SyncStateException if the path is not a writable directory
     */
    public Maildir(Path root, boolean durable) {
        this.durability = durable ? new Durability() : null;
        this.root = root;
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new SyncStateException("Maildir path " + root + " is a file, not a directory", null);
        }
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new SyncStateException("cannot create Maildir " + root + ": " + e, e);
        }
        if (!Files.isWritable(root)) {
            throw new SyncStateException("Maildir " + root + " is not writable", null);
        }
        this.watcher = inotify(root);
    }

    private static WatchService inotify(Path root) {
        try {
            WatchService w = root.getFileSystem().newWatchService();
            if (w.getClass().getName().contains("Linux")) {
                return w;
            }
            w.close();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("no file notifications for {}: {}", root, e.toString());
        }
        return null;
    }

    /** The tracker of a folder directory, shared by every instance opened for it; null without notifications. */
    private ChangeTracker tracker(Path dir) {
        if (watcher == null) {
            return null;
        }
        ChangeTracker t = trackers.get(dir);
        if (t != null) {
            return t;
        }
        try {
            WatchEvent.Kind<?>[] kinds = {StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE};
            t = new ChangeTracker(dir, dir.resolve("cur").register(watcher, kinds), dir.resolve("new").register(watcher, kinds));
            ChangeTracker raced = trackers.putIfAbsent(dir, t);
            return raced != null ? raced : t;
        } catch (IOException e) {
            // for example the inotify watch limit (fs.inotify.max_user_watches): compare directory times instead
            LOG.debug("cannot watch {}: {}", dir, e.toString());
            return null;
        }
    }

    private void forgetTrackers(Path dir) {
        trackers.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(dir)) {
                e.getValue().cancelWatch();
                return true;
            }
            return false;
        });
    }

    @Override
    public void close() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.debug("closing the file watch of {}: {}", root, e.toString());
            }
        }
    }

    Path directory(String serverName, char separator) {
        String dir;
        try {
            dir = MaildirNames.folderDirectory(serverName, separator);
        } catch (IllegalArgumentException e) {
            throw new SyncStateException("the server folder name cannot be stored in a Maildir: " + e.getMessage(), e);
        }
        if (dir.isEmpty()) {
            return root;
        }
        Path p = root.resolve(dir).normalize();
        // Never reached by MaildirNames' encoding; checked anyway, as the last guard before any write.
        if (!root.normalize().equals(p.getParent()) || dir.equals(".") || dir.equals("..") || dir.indexOf('\0') >= 0) {
            throw new SyncStateException("the server folder name would leave the Maildir; not stored", null);
        }
        return p;
    }

    @Override
    public String localName(String serverName, char separator) {
        return MaildirNames.folderDirectory(serverName, separator);
    }

    @Override
    public boolean canStore(String serverName, char separator) {
        return MaildirNames.storable(serverName, separator);
    }

    @Override
    public StoredFolder folder(String serverName, char separator) {
        Path dir = directory(serverName, separator);
        try {
            for (Path p : new Path[] {dir, dir.resolve("cur"), dir.resolve("new"), dir.resolve("tmp")}) {
                if (!p.equals(root) && Files.isSymbolicLink(p)) {
                    throw new SyncStateException(p + " is a symbolic link: mailkit does not write through links"
                            + " inside a Maildir (it could lead out of the store); replace it with a directory", null);
                }
            }
            for (String sub : new String[] {"cur", "new", "tmp"}) {
                Files.createDirectories(dir.resolve(sub));
            }
            if (!dir.equals(root) && !Files.exists(dir.resolve("maildirfolder"), LinkOption.NOFOLLOW_LINKS)) {
                Files.createFile(dir.resolve("maildirfolder"));
            }
            if (MaildirNames.isShortened(dir.getFileName().toString())) {
                recordName(dir, serverName);
            }
        } catch (IOException e) {
            throw new SyncStateException("cannot create Maildir folder " + dir + ": " + e, e);
        }
        return new MaildirFolder(dir, tracker(dir), durability);
    }

    /**
     * Every folder directory's server name. A shortened directory (see {@link MaildirNames#folderDirectory})
     * counts only with a {@link #NAME_FILE} whose name maps to exactly that directory: one without is not
     * listed, so it is never taken for a folder another client made.
     */
    @Override
    public List<String> folderNames(char separator) {
        List<String> out = new ArrayList<>();
        out.add("INBOX");
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String n = d.getFileName().toString();
                if (n.startsWith(".") && !n.equals(".") && !n.equals("..") && Files.isDirectory(d.resolve("cur"))) {
                    String name = MaildirNames.isShortened(n) ? recordedName(d, separator)
                            : MaildirNames.serverName(n, separator);
                    if (name != null) {
                        out.add(name);
                    }
                }
            }
        } catch (IOException e) {
            throw new SyncStateException("cannot list Maildir " + root + ": " + e, e);
        }
        return out;
    }

    /**
     * A shortened folder directory holds the whole server name here (UTF-8), since the directory name
     * cannot: for {@link #folderNames} and {@link #renameFolder}. Other Maildir clients ignore the file.
     */
    static final String NAME_FILE = "mailkit-folder-name";

    /** Longest {@link #NAME_FILE} read. */
    private static final int NAME_FILE_LIMIT = 64 * 1024;

    /** Writes the server name into a shortened folder directory, unless it holds it already (never through a link). */
    private static void recordName(Path dir, String serverName) throws IOException {
        Path file = dir.resolve(NAME_FILE);
        byte[] name = serverName.getBytes(StandardCharsets.UTF_8);
        byte[] now = readName(file);
        if (now != null && Arrays.equals(now, name)) {
            return;
        }
        Path tmp = dir.resolve(NAME_FILE + ".new");
        Files.deleteIfExists(tmp); // left by an interrupted write (a link is removed, not followed)
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            ch.write(ByteBuffer.wrap(name));
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The bytes of a name file: only a regular file, not followed if a link, of bounded size; else null. */
    private static byte[] readName(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || a.size() > NAME_FILE_LIMIT) {
                return null;
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                 InputStream in = Channels.newInputStream(ch)) {
                return in.readNBytes(NAME_FILE_LIMIT);
            }
        } catch (IOException e) {
            return null;
        }
    }

    /** The server name recorded in a shortened folder directory, if it maps to exactly that directory; else null. */
    private static String recordedName(Path dir, char separator) {
        byte[] bytes = readName(dir.resolve(NAME_FILE));
        if (bytes == null) {
            return null;
        }
        String name = new String(bytes, StandardCharsets.UTF_8);
        try {
            return MaildirNames.storable(name, separator)
                    && MaildirNames.folderDirectory(name, separator).equals(dir.getFileName().toString()) ? name : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Renames a folder directory and those of the folders below it. A directory that was not shortened is
     * matched by its name, as before; a shortened one by the name it records. Each goes where
     * {@link MaildirNames#folderDirectory} puts its new name, so a name that grows too long is shortened
     * and one that shrinks is written out whole.
     */
    @Override
    public void renameFolder(String from, String to, char separator) {
        String fromWhole = MaildirNames.wholeDirectory(from, separator);
        String toWhole = MaildirNames.wholeDirectory(to, separator);
        if (fromWhole.isEmpty() || toWhole.isEmpty()) {
            throw new SyncStateException("the inbox is never renamed", null);
        }
        try (Stream<Path> dirs = Files.list(root)) {
            Map<Path, String> moving = new LinkedHashMap<>(); // directory -> its new server name, or null
            Map<Path, String> targets = new LinkedHashMap<>();
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String n = d.getFileName().toString();
                if (!MaildirNames.isShortened(n)) {
                    if (n.equals(fromWhole) || n.startsWith(fromWhole + ".")) {
                        String decoded = MaildirNames.serverName(n, separator);
                        moving.put(d, decoded.startsWith(from) ? to + decoded.substring(from.length()) : null);
                        targets.put(d, MaildirNames.fit(toWhole + n.substring(fromWhole.length())));
                    }
                } else {
                    String name = recordedName(d, separator);
                    if (name != null && (name.equals(from) || separator != 0 && name.startsWith(from + separator))) {
                        String renamed = to + name.substring(from.length());
                        moving.put(d, renamed);
                        targets.put(d, MaildirNames.folderDirectory(renamed, separator));
                    }
                }
            }
            for (Map.Entry<Path, String> e : moving.entrySet()) {
                Path d = e.getKey();
                forgetTrackers(d);
                Path target = root.resolve(targets.get(d));
                Files.move(d, target);
                if (MaildirNames.isShortened(target.getFileName().toString()) && e.getValue() != null) {
                    recordName(target, e.getValue());
                } else if (!MaildirNames.isShortened(target.getFileName().toString())) {
                    Files.deleteIfExists(target.resolve(NAME_FILE));
                }
            }
        } catch (IOException e) {
            throw new SyncStateException("cannot rename Maildir folder " + from + " to " + to + ": " + e, e);
        }
    }

    @Override
    public boolean exists(String serverName, char separator) {
        return Files.isDirectory(directory(serverName, separator).resolve("cur"));
    }

    @Override
    public void deleteFolder(String serverName, char separator) {
        Path dir = directory(serverName, separator);
        if (dir.equals(root)) {
            throw new SyncStateException("the inbox is never deleted", null);
        }
        forgetTrackers(dir);
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new SyncStateException("cannot delete Maildir folder " + dir + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "Maildir[" + root + "]";
    }
}
