package dev.mailkit.imap.internal.mime;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/**
 * A file name a message proposes for an attachment, made safe to create in a directory of the user's
 * choosing on Linux, macOS and Windows: only the last component of any path (so {@code ../../x},
 * {@code /etc/passwd} and {@code C:\x} become {@code x}, {@code passwd} and {@code x}); no control, format
 * or bidirectional characters (which can disguise {@code exe.pdf} as {@code fdp.exe}); none of
 * {@code < > : " / \ | ? *}; no leading dots (no hidden files, never {@code .} or {@code ..}); no trailing dots
 * or spaces; not a Windows device name ({@code CON}, {@code NUL}, {@code COM1}, ...); at most 200 bytes of
 * UTF-8, the extension kept. An empty result becomes {@code attachment-N}.
 */
public final class FileNames {

    private static final int MAX_BYTES = 200;
    private static final Set<String> DEVICES = Set.of("con", "prn", "aux", "nul", "com1", "com2", "com3", "com4",
            "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    private FileNames() {
    }

    /**
     * A safe name for a part.
     *
     * @param proposed the name the message gives, or null
     * @param index    the part's number, for the name of a part without one
     * @param mimeType the part's type, for the extension of a part without a name
     * @return a name that is one path component, never empty, never {@code .} or {@code ..}
     */
    public static String safe(String proposed, int index, String mimeType) {
        String name = proposed == null ? "" : Normalizer.normalize(proposed, Normalizer.Form.NFC);
        int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        if (cut >= 0) {
            name = name.substring(cut + 1);
        }
        StringBuilder b = new StringBuilder(name.length());
        name.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (cp < 0x20 || cp == 0x7f || type == Character.CONTROL || type == Character.FORMAT
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.UNASSIGNED || type == Character.SURROGATE || type == Character.PRIVATE_USE) {
                return; // controls, bidi overrides, zero-width characters, lone surrogates
            }
            if ("<>:\"|?*".indexOf(cp) >= 0) {
                b.append('_');
            } else {
                b.appendCodePoint(cp);
            }
        });
        String s = b.toString().strip();
        while (s.startsWith(".")) {
            s = s.substring(1).strip();
        }
        while (s.endsWith(".") || s.endsWith(" ")) {
            s = s.substring(0, s.length() - 1);
        }
        int dot = s.indexOf('.');
        String stem = (dot < 0 ? s : s.substring(0, dot)).toLowerCase(Locale.ROOT);
        if (DEVICES.contains(stem)) {
            s = "_" + s;
        }
        s = shorten(s);
        if (s.isEmpty()) {
            s = "attachment-" + index + extension(mimeType);
        }
        return s;
    }

    /** Keeps the extension (up to 16 characters) and cuts the stem so the whole fits in {@link #MAX_BYTES} bytes. */
    private static String shorten(String s) {
        if (s.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
            return s;
        }
        int dot = s.lastIndexOf('.');
        String ext = dot > 0 && s.length() - dot <= 16 ? s.substring(dot) : "";
        String stem = ext.isEmpty() ? s : s.substring(0, dot);
        int room = MAX_BYTES - ext.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder out = new StringBuilder();
        int used = 0;
        for (int i = 0; i < stem.length(); ) {
            int cp = stem.codePointAt(i);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + len > room) {
                break;
            }
            out.appendCodePoint(cp);
            used += len;
            i += Character.charCount(cp);
        }
        return out.toString().strip() + ext;
    }

    private static String extension(String mimeType) {
        if (mimeType == null) {
            return ".bin";
        }
        return switch (mimeType.toLowerCase(Locale.ROOT)) {
            case "text/plain" -> ".txt";
            case "text/html" -> ".html";
            case "message/rfc822" -> ".eml";
            case "application/pdf" -> ".pdf";
            case "image/png" -> ".png";
            case "image/jpeg" -> ".jpg";
            case "image/gif" -> ".gif";
            case "text/calendar" -> ".ics";
            default -> ".bin";
        };
    }
}
