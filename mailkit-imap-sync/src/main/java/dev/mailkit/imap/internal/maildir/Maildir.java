package dev.mailkit.imap.internal.maildir;

import dev.mailkit.imap.LocalStore;
import dev.mailkit.imap.SyncStateException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A Maildir++ tree. */
public final class Maildir implements LocalStore {

    private final Path root;

    /**
     * Opens (creating) the tree.
     *
     * @param root the root directory
     * @throws SyncStateException if the path is not a writable directory
     */
    public Maildir(Path root) {
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
    }

    Path directory(String serverName, char separator) {
        String dir = MaildirNames.folderDirectory(serverName, separator);
        return dir.isEmpty() ? root : root.resolve(dir);
    }

    @Override
    public LocalFolder folder(String serverName, char separator) {
        Path dir = directory(serverName, separator);
        try {
            for (String sub : new String[] {"cur", "new", "tmp"}) {
                Files.createDirectories(dir.resolve(sub));
            }
            if (!dir.equals(root) && !Files.exists(dir.resolve("maildirfolder"))) {
                Files.createFile(dir.resolve("maildirfolder"));
            }
        } catch (IOException e) {
            throw new SyncStateException("cannot create Maildir folder " + dir + ": " + e, e);
        }
        return new MaildirFolder(dir);
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
