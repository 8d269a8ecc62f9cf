package dev.mailkit.smtp.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * RFC 2047 encoded words in UTF-8, exactly as Jakarta Mail's {@code MimeUtility.encodeText(text, "UTF-8", null)}
 * and {@code encodeWord(word, "UTF-8", null)} write them (held equal by a property test): text that is all
 * ASCII unchanged; otherwise "Q" when most characters are ASCII, else "B", split into words of at most 75
 * characters without splitting a surrogate pair, the words separated by a space (or CRLF and a space with
 * {@code mail.mime.foldencodedwords}). Jakarta Mail looks its stream provider up through ServiceLoader for
 * every encoded word (jakartaee/mail-api#861): measured here, a message with a non-ASCII subject and two
 * non-ASCII display names took 230-350 us of CPU to assemble against 15 us with ASCII ones.
 */
public final class Rfc2047 {

    private static final String WORD_SPECIALS = "=_?\"#$%&'(),.:;<>@[\\]^`{|}~";
    private static final String TEXT_SPECIALS = "=_?";
    private static final String CHARSET = "UTF-8";

    /** Room for the encoded text in a word: 75, less "=?", "?", "B", "?", "?=" and the charset name. */
    private static final int AVAILABLE = 75 - 7 - CHARSET.length();

    /** {@code mail.mime.foldencodedwords}, read as Jakarta Mail reads it: a Boolean, or a String equal to "true". */
    private static final boolean FOLD = fold(System.getProperties().get("mail.mime.foldencodedwords"));

    private static final String HEX = "0123456789ABCDEF";

    private Rfc2047() {
    }

    private static boolean fold(Object value) {
        return value instanceof Boolean b ? b : value instanceof String s && s.equalsIgnoreCase("true");
    }

    /**
     * What {@code MimeUtility.encodeText(text, "UTF-8", null)} returns: for unstructured header values (a
     * subject, a file name).
     *
     * @param text the text
     * @return the text, or its encoded words
     */
    public static String encodeText(String text) {
        return encode(text, false);
    }

    /**
     * What {@code MimeUtility.encodeWord(word, "UTF-8", null)} returns: for a phrase (a display name).
     *
     * @param word the phrase
     * @return the phrase, or its encoded words
     */
    public static String encodeWord(String word) {
        return encode(word, true);
    }

    private static String encode(String s, boolean word) {
        int ascii = 0;
        int nonAscii = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0177 || c < 040 && c != '\r' && c != '\n' && c != '\t') {
                nonAscii++;
            } else {
                ascii++;
            }
        }
        if (nonAscii == 0) {
            return s;
        }
        boolean b = ascii <= nonAscii;
        StringBuilder out = new StringBuilder();
        encode(s, b, word, "=?" + CHARSET + "?" + (b ? "B" : "Q") + "?", true, out);
        return out.toString();
    }

    /** Jakarta Mail's halving: a piece too long for one word is split in two, each encoded the same way. */
    private static void encode(String s, boolean b, boolean word, String prefix, boolean first, StringBuilder out) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int length = b ? (bytes.length + 2) / 3 * 4 : qLength(bytes, word);
        if (length > AVAILABLE && s.length() > 1) {
            int split = s.length() / 2;
            if (Character.isHighSurrogate(s.charAt(split - 1))) {
                split--;
            }
            if (split > 0) {
                encode(s.substring(0, split), b, word, prefix, first, out);
            }
            encode(s.substring(split), b, word, prefix, false, out);
            return;
        }
        if (!first) {
            out.append(FOLD ? "\r\n " : " ");
        }
        out.append(prefix);
        if (b) {
            out.append(new String(Base64.getEncoder().encode(bytes), StandardCharsets.US_ASCII));
        } else {
            String specials = word ? WORD_SPECIALS : TEXT_SPECIALS;
            for (byte x : bytes) {
                int c = x & 0xff;
                if (c == ' ') {
                    out.append('_');
                } else if (c < 040 || c >= 0177 || specials.indexOf(c) >= 0) {
                    out.append('=').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xf));
                } else {
                    out.append((char) c);
                }
            }
        }
        out.append("?=");
    }

    private static int qLength(byte[] bytes, boolean word) {
        String specials = word ? WORD_SPECIALS : TEXT_SPECIALS;
        int length = 0;
        for (byte x : bytes) {
            int c = x & 0xff;
            length += c < 040 || c >= 0177 || specials.indexOf(c) >= 0 ? 3 : 1;
        }
        return length;
    }
}
