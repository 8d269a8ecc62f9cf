package dev.mailkit.imap.testing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Plants things in a Maildir folder that are not messages a synchronizer may read or upload: symbolic
 * links (to a secret file outside the store, to {@code /dev/zero}, to a directory), a FIFO, a directory,
 * a 2 GiB sparse file, a file whose name is not a Maildir file name, an empty file. Every planted path
 * is remembered with what it was ({@link #unchanged()} tells whether any of them was deleted, renamed,
 * followed and written, or changed). The regular files planted hold a well-formed message carrying
 * {@link #SECRET}, so a test can search the server for it.
 *
 * <p>{@link #close()} opens every planted FIFO for writing once, so that a reader stuck on one (a
 * synchronizer that opened it) is released and the test JVM can end.
 */
public final class HostileMaildir implements AutoCloseable {

    /** Text in every planted regular file, and in the secret a link points to: it must never reach the server. */
    public static final String SECRET = "planted-secret-7f3a9c";

    /** What can be planted. */
    public enum Plant {
        /** {@code cur/<maildir name>} → a readable file outside the store holding a message (like /etc/shadow). */
        LINK_TO_FILE_OUTSIDE,
        /** {@code cur/<maildir name>} → {@code /dev/zero} (endless bytes). */
        LINK_TO_DEV_ZERO,
        /** {@code cur/<maildir name>} → a directory outside the store. */
        LINK_TO_DIRECTORY,
        /** A FIFO in {@code cur/}: opening it for reading blocks until a writer comes. */
        FIFO,
        /** A directory in {@code cur/}, holding a message file of its own. */
        DIRECTORY,
        /** A sparse regular file of 2 GiB in {@code cur/} (its first bytes a message header). */
        SPARSE_2_GIB,
        /** A regular file holding a message, in {@code new/}, whose name is not a Maildir file name. */
        NOT_A_MAILDIR_NAME,
        /** A regular file of zero bytes in {@code cur/}. */
        EMPTY_FILE
    }

    /** The size of {@link Plant#SPARSE_2_GIB}. */
    public static final long SPARSE_SIZE = 2L << 30;

    private final Path folder;
    private final Path outside;
    private final Map<Path, String> planted = new LinkedHashMap<>();
    private final List<Path> fifos = new ArrayList<>();
    private int counter;

    /**
     * @param folder  a Maildir folder directory (holding {@code cur/} and {@code new/})
     * @param outside a directory outside the store, for link targets (created when missing)
     */
    public HostileMaildir(Path folder, Path outside) throws IOException {
        this.folder = folder;
        this.outside = outside;
        Files.createDirectories(folder.resolve("cur"));
        Files.createDirectories(folder.resolve("new"));
        Files.createDirectories(outside);
    }

    /** A message holding {@link #SECRET}, with this Message-ID. */
    public static byte[] secretMessage(String messageId) {
        return ("From: mallory@example.com\r\nTo: alice@example.com\r\nSubject: " + SECRET + "\r\nMessage-ID: "
                + messageId + "\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\n" + SECRET + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** A Maildir file name (time.unique.host with flags) no other plant of this fixture uses; {@code tag} goes into it. */
    public String maildirName(String tag) {
        counter++;
        return "17958600" + String.format("%02d", counter) + ".M" + counter + "P" + counter + "." + tag + ":2,S";
    }

    /**
     * Plants one thing.
     *
     * @return the planted path, inside the folder
     * @throws org.opentest4j.TestAbortedException for a FIFO where {@code mkfifo} is not available
     */
    public Path plant(Plant kind) throws IOException {
        Path cur = folder.resolve("cur");
        Path p;
        switch (kind) {
            case LINK_TO_FILE_OUTSIDE -> {
                Path secret = outside.resolve("secret-" + counter + ".eml");
                Files.write(secret, secretMessage("<outside-" + counter + "@example.com>"));
                p = Files.createSymbolicLink(cur.resolve(maildirName("link-outside")), secret);
            }
            case LINK_TO_DEV_ZERO -> p = Files.createSymbolicLink(cur.resolve(maildirName("link-zero")), Path.of("/dev/zero"));
            case LINK_TO_DIRECTORY -> {
                Path target = Files.createDirectories(outside.resolve("dir-" + counter));
                Files.write(target.resolve("inside.eml"), secretMessage("<in-linked-dir@example.com>"));
                p = Files.createSymbolicLink(cur.resolve(maildirName("link-dir")), target);
            }
            case FIFO -> {
                // A control character in the name as well: reports must escape it.
                p = cur.resolve(maildirName("fifo\u001b[2J"));
                mkfifo(p);
                fifos.add(p);
            }
            case DIRECTORY -> {
                p = Files.createDirectory(cur.resolve(maildirName("directory")));
                Files.write(p.resolve(maildirName("inside")), secretMessage("<in-dir@example.com>"));
            }
            case SPARSE_2_GIB -> {
                p = cur.resolve(maildirName("sparse"));
                try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                    f.write(secretMessage("<sparse@example.com>"));
                    f.setLength(SPARSE_SIZE);
                }
            }
            case NOT_A_MAILDIR_NAME -> p = Files.write(folder.resolve("new").resolve("notes.txt"),
                    secretMessage("<not-a-maildir-name@example.com>"));
            case EMPTY_FILE -> p = Files.createFile(cur.resolve(maildirName("empty")));
            default -> throw new IllegalArgumentException(kind.toString());
        }
        planted.put(p, describe(p));
        return p;
    }

    /** Every planted path, in order. */
    public List<Path> planted() {
        return List.copyOf(planted.keySet());
    }

    /** The planted paths that are no longer what they were when planted (gone, replaced, changed), each with why. */
    public Map<Path, String> changed() throws IOException {
        Map<Path, String> out = new LinkedHashMap<>();
        for (Map.Entry<Path, String> e : planted.entrySet()) {
            String now = describe(e.getKey());
            if (!now.equals(e.getValue())) {
                out.put(e.getKey(), "was " + e.getValue() + ", now " + now);
            }
        }
        return out;
    }

    /** Whether every planted path is still exactly what was planted. */
    public boolean unchanged() throws IOException {
        return changed().isEmpty();
    }

    /** Type, link target, size and (for small regular files and the files in a directory) a digest of the bytes. */
    private static String describe(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return "missing";
        }
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            return "link to " + Files.readSymbolicLink(p);
        }
        if (a.isDirectory()) {
            StringBuilder b = new StringBuilder("directory");
            try (var list = Files.list(p)) {
                for (Path f : list.sorted().toList()) {
                    b.append(' ').append(f.getFileName()).append('=').append(describe(f));
                }
            }
            return b.toString();
        }
        if (a.isRegularFile()) {
            return "file of " + a.size() + " bytes"
                    + (a.size() <= 1 << 20 ? " sha256 " + digest(Files.readAllBytes(p)) : "");
        }
        return a.isOther() ? "other (FIFO, socket or device)" : "unknown";
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void mkfifo(Path p) throws IOException {
        Process proc;
        try {
            proc = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("mkfifo is not available here (" + e.getMessage()
                    + "): the FIFO case needs it");
            throw e;
        }
        try {
            if (!proc.waitFor(10, TimeUnit.SECONDS) || proc.exitValue() != 0) {
                throw new IOException("mkfifo " + p + " failed: "
                        + new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while making a FIFO");
        }
        Objects.requireNonNull(Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    }

    /** Releases any reader blocked on a planted FIFO (by opening it for writing, from a daemon thread). */
    @Override
    public void close() {
        for (Path fifo : fifos) {
            Thread t = new Thread(() -> {
                try (var out = Files.newOutputStream(fifo)) {
                    out.flush();
                } catch (IOException ignored) {
                    // gone or replaced: nobody can be blocked on it
                }
            }, "hostile-maildir-fifo-release");
            t.setDaemon(true);
            t.start();
        }
    }
}
