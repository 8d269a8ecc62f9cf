package dev.mailkit.imap.internal.maildir;

import dev.mailkit.imap.MessageFlags;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A mirrored message's file found from its folder and local id without reading the folder: first where the
 * synchronizer put it ({@code cur/ID:2,FLAGS} with the flags given, then the other likely names), and only when
 * another program renamed it, by listing {@code cur/} and {@code new/}. Opened as {@link MaildirFolder} opens
 * files: only a regular file, checked and opened without following a link.
 */
public final class MaildirFiles {

    private final Path root;

    /**
     * Files under a Maildir root.
     *
     * @param root the Maildir
     */
    public MaildirFiles(Path root) {
        this.root = root;
    }

    /**
     * The directory of a folder.
     *
     * @param folder    the server folder name
     * @param separator its hierarchy separator
     * @return the directory (the root for INBOX)
     * @throws IllegalArgumentException if the name cannot be stored in a Maildir
     */
    public Path directory(String folder, char separator) {
        String dir = MaildirNames.folderDirectory(folder, separator);
        return dir.isEmpty() ? root : root.resolve(dir);
    }

    /**
     * Finds a message's file.
     *
     * @param folder    the server folder name
     * @param separator its hierarchy separator
     * @param localId   the message's local id
     * @param flags     the flags its name most likely carries (its latest known flags), or null
     * @return the file
     * @throws NoSuchFileException if the folder has no regular file for that id
     * @throws IOException         if a directory cannot be listed
     */
    public Path find(String folder, char separator, String localId, MessageFlags flags) throws IOException {
        Path dir = directory(folder, separator);
        Path cur = dir.resolve("cur");
        if (flags != null && regularFile(cur.resolve(localId + ":2," + flags.maildirLetters()))) {
            return cur.resolve(localId + ":2," + flags.maildirLetters());
        }
        for (Path p : new Path[] {cur.resolve(localId + ":2,"), dir.resolve("new").resolve(localId), cur.resolve(localId)}) {
            if (regularFile(p)) {
                return p;
            }
        }
        for (String sub : new String[] {"cur", "new"}) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve(sub),
                    p -> p.getFileName().toString().startsWith(localId))) {
                for (Path p : ds) {
                    if (MaildirNames.baseName(p.getFileName().toString()).equals(localId) && regularFile(p)) {
                        return p;
                    }
                }
            } catch (NoSuchFileException e) {
                // no such directory: the folder is gone
            }
        }
        throw new NoSuchFileException(dir + ": no message file " + MaildirNames.printable(localId));
    }

    /**
     * Opens a message's file for reading, never following a link.
     *
     * @param folder    the server folder name
     * @param separator its hierarchy separator
     * @param localId   the message's local id
     * @param flags     the flags its name most likely carries, or null
     * @return the stream; the caller closes it
     * @throws IOException if there is no such regular file or it cannot be read
     */
    public InputStream open(String folder, char separator, String localId, MessageFlags flags) throws IOException {
        Path p = find(folder, separator, localId, flags);
        return Channels.newInputStream(FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    }

    private static boolean regularFile(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile();
        } catch (IOException e) {
            return false;
        }
    }
}
