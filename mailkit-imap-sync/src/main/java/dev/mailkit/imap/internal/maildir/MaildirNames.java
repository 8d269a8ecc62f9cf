package dev.mailkit.imap.internal.maildir;

import org.eclipse.angus.mail.imap.protocol.BASE64MailboxDecoder;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** File and folder names of the Maildir++ layout. */
public final class MaildirNames {

    private static final Pattern UID = Pattern.compile(",U=(\\d+)");
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final String HOST = host();

    private MaildirNames() {
    }

    /**
     * The directory name of a server folder: empty for INBOX, else {@code .} + components in modified
     * UTF-7 joined with {@code .}; a literal '.' or '/' inside a component is encoded, so the result is
     * always one path component inside the store.
     *
     * @throws IllegalArgumentException for a name with an empty component (such as {@code "/"} or
     *                                  {@code "a//b"} with separator '/'), which no directory can stand for
     *                                  safely (two empty components would make {@code ".."})
     */
    public static String folderDirectory(String serverName, char separator) {
        if (!storable(serverName, separator)) {
            throw new IllegalArgumentException("folder name with an empty component cannot be stored in a Maildir");
        }
        if (serverName.equalsIgnoreCase("INBOX")) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        if (separator == 0) {
            parts.add(serverName);
        } else {
            for (String p : serverName.split(Pattern.quote(String.valueOf(separator)), -1)) {
                parts.add(p);
            }
        }
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            String enc = BASE64MailboxEncoder.encode(p).replace(".", "&AC4-").replace("/", "&AC8-");
            b.append('.').append(enc);
        }
        return b.toString();
    }

    /** Whether {@link #folderDirectory} accepts the name: no empty component. */
    public static boolean storable(String serverName, char separator) {
        if (serverName.isEmpty()) {
            return false;
        }
        if (separator == 0) {
            return true;
        }
        for (String p : serverName.split(Pattern.quote(String.valueOf(separator)), -1)) {
            if (p.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** The server folder name for a directory made by {@link #folderDirectory}. */
    public static String serverName(String directory, char separator) {
        if (directory.isEmpty()) {
            return "INBOX";
        }
        String[] parts = directory.substring(1).split("\\.", -1);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                b.append(separator == 0 ? '.' : separator);
            }
            b.append(BASE64MailboxDecoder.decode(parts[i]));
        }
        return b.toString();
    }

    /**
     * Whether a file name in {@code cur/} or {@code new/} is a Maildir message file name: the
     * {@code time.unique.host} form every Maildir writer uses (seconds since the epoch, then '.' or '_'),
     * optionally followed by {@code :2,} and flags, not hidden (a leading '.': Maildir readers skip those)
     * and without control characters. Files with other names are not taken for messages.
     */
    public static boolean isMessageFileName(String fileName) {
        if (!MESSAGE_FILE.matcher(fileName).matches()) {
            return false;
        }
        for (int i = 0; i < fileName.length(); i++) {
            char c = fileName.charAt(i);
            if (c < 0x20 || c >= 0x7f && c <= 0x9f) {
                return false;
            }
        }
        return true;
    }

    private static final Pattern MESSAGE_FILE = Pattern.compile("[0-9]+[._][^:]+(:.*)?", Pattern.DOTALL);

    /**
     * Text for a note or a log line: control characters (C0, DEL and C1) escaped as a backslash,
     * {@code u} and four hex digits.
     */
    public static String printable(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7f && c <= 0x9f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** A new unique base name carrying the UID ({@code uid <= 0}: none). */
    public static String newBaseName(long uid) {
        long now = System.currentTimeMillis();
        String base = (now / 1000) + ".M" + (now % 1000) * 1000 + "P" + ProcessHandle.current().pid()
                + "Q" + COUNTER.incrementAndGet() + "." + HOST;
        return uid > 0 ? base + ",U=" + uid : base;
    }

    private static final Pattern OWN_TEMPORARY = Pattern.compile("\\d+\\.M\\d+P\\d+Q\\d+\\.[^/]*,U=\\d+");

    /** Whether a file name in {@code tmp/} is one {@link #newBaseName} made for a download. */
    public static boolean isOwnTemporary(String fileName) {
        return OWN_TEMPORARY.matcher(fileName).matches();
    }

    /** The same base name with another UID ({@code uid <= 0}: removed). */
    public static String withUid(String baseName, long uid) {
        String stripped = UID.matcher(baseName).replaceAll("");
        return uid > 0 ? stripped + ",U=" + uid : stripped;
    }

    /** The UID recorded in a base name, or -1. */
    public static long uidOf(String baseName) {
        Matcher m = UID.matcher(baseName);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The base name of a file name (without {@code :2,...}). */
    public static String baseName(String fileName) {
        int colon = fileName.indexOf(':');
        return colon < 0 ? fileName : fileName.substring(0, colon);
    }

    /** The Maildir info letters of a file name ({@code ""} when it has none). */
    public static String letters(String fileName) {
        int info = fileName.indexOf(":2,");
        return info < 0 ? "" : fileName.substring(info + 3);
    }

    private static String host() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            h = "localhost";
        }
        return h.toLowerCase(Locale.ROOT).replace("/", "\\057").replace(":", "\\072").replace(".", "_");
    }
}
