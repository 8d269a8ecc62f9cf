package dev.mailkit.imap.internal.maildir;

import org.eclipse.angus.mail.imap.protocol.BASE64MailboxDecoder;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
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

    /** The longest file name, in bytes, that file systems commonly allow (NAME_MAX of Linux, macOS and Windows). */
    public static final int MAX_NAME_BYTES = 255;

    /**
     * Marks a shortened directory name: '~' in modified UTF-7's base64 form. The encoder writes '~' as
     * itself, so no directory name made from a whole server name contains this; other Maildir clients
     * show it as '~'.
     */
    static final String SHORTENED = "&AH4-";

    /** Hex digits of the SHA-256 of the whole directory name that end a shortened one (128 bits). */
    static final int HASH_CHARS = 32;

    /**
     * The directory name of a server folder: empty for INBOX, else {@code .} + components in modified
     * UTF-7 joined with {@code .}; a literal '.' or '/' inside a component is encoded, so the result is
     * always one path component inside the store. A name longer than {@link #MAX_NAME_BYTES} (a long or
     * deeply nested folder name, or a long non-ASCII one, which modified UTF-7 makes about 2.7 times as
     * long) is shortened: cut where no encoded character is split, then {@link #SHORTENED} and the first
     * 128 bits of the SHA-256 of the whole name in hex. So every name fits, the same server name always
     * has the same directory on every machine, no two names share one (their whole names differ, so do
     * their hashes, and a name that fits never contains the marker), and names that fitted before are
     * unchanged.
     *
     * @throws IllegalArgumentException for a name with an empty component (such as {@code "/"} or
     *                                  {@code "a//b"} with separator '/'), which no directory can stand for
     *                                  safely (two empty components would make {@code ".."})
     */
    public static String folderDirectory(String serverName, char separator) {
        return fit(wholeDirectory(serverName, separator));
    }

    /** Whether a directory name is one {@link #folderDirectory} shortened (its server name cannot be read from it). */
    public static boolean isShortened(String directory) {
        return directory.contains(SHORTENED);
    }

    /** A directory name as {@link #folderDirectory} stores it: itself when it fits, else shortened. */
    static String fit(String whole) {
        if (whole.length() <= MAX_NAME_BYTES) { // modified UTF-7 is ASCII: one byte per character
            return whole;
        }
        byte[] digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256").digest(whole.getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String hash = HexFormat.of().formatHex(digest, 0, HASH_CHARS / 2);
        return prefix(whole, MAX_NAME_BYTES - SHORTENED.length() - HASH_CHARS) + SHORTENED + hash;
    }

    /**
     * The longest start of a directory name of at most {@code room} characters that is itself valid
     * modified UTF-7: never inside a base64 run, except that a run too long to fit is cut after whole
     * groups of 8 characters (3 UTF-16 units, not splitting a surrogate pair) and closed; trailing dots
     * dropped. Only what other Maildir clients show depends on it: the hash after it tells names apart.
     */
    private static String prefix(String whole, int room) {
        int cut = 1; // the leading '.'
        int i = 1;
        while (i < whole.length()) {
            if (whole.charAt(i) == '&') {
                int end = whole.indexOf('-', i + 1);
                if (end < 0) {
                    break; // not from the encoder; not cut inside
                }
                if (end + 1 <= room) {
                    i = end + 1;
                    cut = i;
                    continue;
                }
                int groups = (room - (i + 1) - 1) / 8;
                while (groups > 0 && endsInHighSurrogate(whole, i + 1, groups)) {
                    groups--;
                }
                if (groups > 0) {
                    return whole.substring(0, i + 1 + 8 * groups) + "-";
                }
                break;
            }
            if (i + 1 > room) {
                break;
            }
            i++;
            cut = i;
        }
        while (cut > 1 && whole.charAt(cut - 1) == '.') {
            cut--;
        }
        return whole.substring(0, cut);
    }

    /** Whether the last UTF-16 unit of the first {@code groups} 8-character groups of a base64 run is a high surrogate. */
    private static boolean endsInHighSurrogate(String whole, int runStart, int groups) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
        int from = runStart + 8 * (groups - 1);
        long bits = 0;
        for (int k = 0; k < 8; k++) {
            bits = bits << 6 | Math.max(0, alphabet.indexOf(whole.charAt(from + k)));
        }
        return Character.isHighSurrogate((char) (bits & 0xFFFF));
    }

    /** The directory name of a server folder before any shortening. */
    static String wholeDirectory(String serverName, char separator) {
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

    /**
     * The server folder name for a directory made by {@link #folderDirectory} that was not shortened (a
     * shortened one does not hold the whole name: see {@link #isShortened}).
     */
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
