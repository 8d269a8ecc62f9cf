package dev.mailkit.imap.internal.maildir;

import dev.mailkit.imap.LocalStore;
import dev.mailkit.imap.SyncStateException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
    public List<String> folderNames(char separator) {
        List<String> out = new ArrayList<>();
        out.add("INBOX");
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String n = d.getFileName().toString();
                if (n.startsWith(".") && !n.equals(".") && !n.equals("..") && Files.isDirectory(d.resolve("cur"))) {
                    out.add(MaildirNames.serverName(n, separator));
                }
            }
        } catch (IOException e) {
            throw new SyncStateException("cannot list Maildir " + root + ": " + e, e);
        }
        return out;
    }

    @Override
    public void renameFolder(String from, String to, char separator) {
        String fromDir = MaildirNames.folderDirectory(from, separator);
        String toDir = MaildirNames.folderDirectory(to, separator);
        if (fromDir.isEmpty() || toDir.isEmpty()) {
            throw new SyncStateException("the inbox is never renamed", null);
        }
        try (Stream<Path> dirs = Files.list(root)) {
            List<Path> moving = new ArrayList<>();
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String n = d.getFileName().toString();
                if (n.equals(fromDir) || n.startsWith(fromDir + ".")) {
                    moving.add(d);
                }
            }
            for (Path d : moving) {
                String n = d.getFileName().toString();
                Files.move(d, root.resolve(toDir + n.substring(fromDir.length())));
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
