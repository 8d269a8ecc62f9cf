package dev.mailkit.cli;

/**
 * Text that came from a server or from the file system (folder names, notes, error messages), made safe
 * to print on a terminal: control characters that could move the cursor, clear the screen, change
 * colours or start a new line (which could forge a line of mailkit's own output) are shown escaped.
 */
final class Printable {

    private Printable() {
    }

    /**
     * Whether a character is shown escaped: C0 controls (CR, LF and ESC among them), DEL, C1 controls
     * (U+009B is a one-character CSI on some terminals), the line and paragraph separators, and the
     * bidirectional overrides and isolates, which reorder what is shown.
     */
    static boolean escaped(char c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029'
                || c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069';
    }

    /** The text with every {@linkplain #escaped escaped} character written as a backslash, {@code u} and four hex digits. */
    static String of(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (escaped(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
