package dev.mailkit.imap.internal.mime;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The charset a part or a header names, as mail readers read it: labels Java does not know under that
 * name, and charsets whose common superset senders really use (a message labelled {@code gb2312} or
 * {@code iso-8859-1} is nearly always GB18030 or windows-1252), mapped as browsers do (WHATWG Encoding).
 * Text with no charset, or one Java cannot read, is taken for UTF-8 when it is valid UTF-8, else for
 * windows-1252, which decodes every byte.
 */
public final class Charsets {

    /** windows-1252: the fallback that turns every byte into a character. */
    public static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private static final Map<String, String> SUPERSETS = Map.ofEntries(
            Map.entry("us-ascii", "windows-1252"), Map.entry("ascii", "windows-1252"),
            Map.entry("iso-8859-1", "windows-1252"), Map.entry("iso8859-1", "windows-1252"),
            Map.entry("latin1", "windows-1252"), Map.entry("iso_8859-1", "windows-1252"),
            Map.entry("iso-8859-9", "windows-1254"), Map.entry("iso-8859-11", "x-windows-874"),
            Map.entry("tis-620", "x-windows-874"),
            Map.entry("gb2312", "GB18030"), Map.entry("gbk", "GB18030"), Map.entry("x-gbk", "GB18030"),
            Map.entry("cp936", "GB18030"), Map.entry("euc-cn", "GB18030"), Map.entry("hz-gb-2312", "GB18030"),
            Map.entry("big5", "Big5-HKSCS"), Map.entry("x-x-big5", "Big5-HKSCS"),
            Map.entry("ks_c_5601-1987", "x-windows-949"), Map.entry("euc-kr", "x-windows-949"),
            Map.entry("ks_c_5601", "x-windows-949"), Map.entry("ksc5601", "x-windows-949"),
            Map.entry("shift_jis", "windows-31j"), Map.entry("shift-jis", "windows-31j"), Map.entry("sjis", "windows-31j"),
            Map.entry("x-sjis", "windows-31j"), Map.entry("ms_kanji", "windows-31j"),
            Map.entry("utf8", "UTF-8"), Map.entry("unicode-1-1-utf-8", "UTF-8"), Map.entry("x-unicode20utf8", "UTF-8"));

    private Charsets() {
    }

    /**
     * The charset to read text labelled {@code label} with.
     *
     * @param label the label as the message gives it (case, quotes and spaces do not matter), or null
     * @return the charset, or empty when there is no label or Java cannot read that charset
     */
    public static Optional<Charset> forLabel(String label) {
        if (label == null) {
            return Optional.empty();
        }
        String l = label.strip().replace("\"", "").replace("'", "").toLowerCase(Locale.ROOT);
        if (l.isEmpty()) {
            return Optional.empty();
        }
        String mapped = SUPERSETS.getOrDefault(l, l);
        try {
            return Optional.of(Charset.forName(mapped));
        } catch (RuntimeException e) {
            return Optional.empty(); // unknown, illegal or unsupported name
        }
    }

    /**
     * Decodes bytes that name a charset or not: with the named charset when Java reads it (malformed
     * input replaced by U+FFFD), otherwise as UTF-8 when they are valid UTF-8, else as windows-1252.
     *
     * @param bytes  the bytes
     * @param off    where they start
     * @param len    how many
     * @param label  the charset the message names, or null
     * @return the text
     */
    public static String decode(byte[] bytes, int off, int len, String label) {
        Optional<Charset> named = forLabel(label);
        if (named.isPresent() && !isAsciiLabel(label)) {
            return new String(bytes, off, len, named.get());
        }
        return decodeUnlabelled(bytes, off, len);
    }

    /** us-ascii (the default when a part names none) is treated as no label: 8-bit bytes are then UTF-8 or windows-1252. */
    private static boolean isAsciiLabel(String label) {
        String l = label.strip().replace("\"", "").toLowerCase(Locale.ROOT);
        return l.equals("us-ascii") || l.equals("ascii");
    }

    /**
     * Decodes bytes with no usable label: UTF-8 when they are valid UTF-8, else windows-1252.
     *
     * @param bytes the bytes
     * @param off   where they start
     * @param len   how many
     * @return the text
     */
    public static String decodeUnlabelled(byte[] bytes, int off, int len) {
        boolean ascii = true;
        for (int i = off; i < off + len; i++) {
            if (bytes[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(bytes, off, len, StandardCharsets.ISO_8859_1);
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer out = utf8.decode(ByteBuffer.wrap(bytes, off, len));
            return out.toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, off, len, WINDOWS_1252);
        }
    }

    /**
     * Whether bytes end in the middle of a UTF-8 sequence, so that a cut there would make valid UTF-8 look
     * malformed: the number of bytes of the unfinished sequence at the end (0 when none).
     *
     * @param bytes the bytes
     * @param len   how many are used
     * @return the length of an unfinished trailing sequence, 0 to 3
     */
    public static int unfinishedUtf8Tail(byte[] bytes, int len) {
        for (int back = 1; back <= Math.min(3, len); back++) {
            int b = bytes[len - back] & 0xff;
            if ((b & 0xC0) == 0x80) {
                continue; // a continuation byte: look further back
            }
            int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return need > back ? back : 0;
        }
        return 0;
    }
}
