package dev.mailkit.imap.internal.mime;

import java.nio.charset.Charset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.util.ByteSequence;

/**
 * Header values as a reader should see them: the raw bytes of a field (which broken senders fill with
 * 8-bit text in any charset) read as UTF-8 when valid, else windows-1252; unfolded; RFC 2047 encoded words
 * decoded (with mime4j's {@link DecoderUtil}, charsets mapped to their supersets, and words in a charset
 * Java cannot read decoded as UTF-8 or windows-1252 rather than left encoded); control characters other
 * than tab turned into spaces.
 */
public final class HeaderText {

    /** Encoded words DecoderUtil left as they are (an unknown charset): decoded here with the fallback. */
    private static final Pattern LEFT_ENCODED = Pattern.compile("=\\?([^?\\s]{1,75})\\?([bBqQ])\\?([^?\\s]*)\\?=");

    private static final Map<Charset, Charset> OVERRIDES = overrides();

    private HeaderText() {
    }

    private static Map<Charset, Charset> overrides() {
        Map<Charset, Charset> m = new HashMap<>();
        for (String[] pair : new String[][] {{"GB2312", "GB18030"}, {"GBK", "GB18030"}, {"ISO-8859-1", "windows-1252"},
                {"US-ASCII", "windows-1252"}, {"EUC-KR", "x-windows-949"}, {"Shift_JIS", "windows-31j"},
                {"Big5", "Big5-HKSCS"}, {"ISO-8859-9", "windows-1254"}}) {
            try {
                m.put(Charset.forName(pair[0]), Charset.forName(pair[1]));
            } catch (RuntimeException e) {
                // a JDK without one of them: that pair is not mapped
            }
        }
        return Map.copyOf(m);
    }

    /**
     * A field's value without decoding encoded words: its raw bytes as text, unfolded.
     *
     * @param field the field as the parser gave it
     * @return the unfolded value
     */
    public static String raw(Field field) {
        ByteSequence raw = field.getRaw();
        String text;
        if (raw != null && field instanceof org.apache.james.mime4j.stream.RawField rf && rf.getDelimiterIdx() >= 0) {
            int start = rf.getDelimiterIdx() + 1;
            byte[] bytes = raw.toByteArray();
            text = start <= bytes.length ? Charsets.decodeUnlabelled(bytes, start, bytes.length - start) : "";
        } else {
            text = field.getBody() == null ? "" : field.getBody();
        }
        return unfold(text);
    }

    /**
     * A field's value as a reader sees it.
     *
     * @param field the field as the parser gave it
     * @return the decoded value
     */
    public static String decoded(Field field) {
        return decodeWords(raw(field));
    }

    /** Removes the line breaks of folding (and any other CR or LF), and trims. */
    static String unfold(String text) {
        if (text.indexOf('\r') < 0 && text.indexOf('\n') < 0) {
            return text.strip();
        }
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\r' && c != '\n') {
                b.append(c);
            }
        }
        return b.toString().strip();
    }

    /**
     * Decodes the RFC 2047 encoded words of an unfolded value and makes control characters spaces.
     *
     * @param value the value
     * @return the decoded value
     */
    public static String decodeWords(String value) {
        String out = value;
        if (value.contains("=?")) {
            try {
                out = DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT, null, OVERRIDES);
            } catch (RuntimeException e) {
                out = value; // a word the decoder chokes on: left as sent, then tried below
            }
            if (out.contains("=?")) {
                out = decodeLeftovers(out);
            }
        }
        return printable(out);
    }

    /** Encoded words in a charset Java does not read: their bytes as UTF-8 when valid, else windows-1252. */
    private static String decodeLeftovers(String value) {
        Matcher m = LEFT_ENCODED.matcher(value);
        StringBuilder b = new StringBuilder();
        int last = 0;
        boolean previousWasWord = false;
        while (m.find()) {
            String between = value.substring(last, m.start());
            if (!(previousWasWord && between.isBlank())) {
                b.append(between); // white space between two encoded words is not part of the text
            }
            byte[] bytes = wordBytes(m.group(2), m.group(3));
            if (bytes == null) {
                b.append(m.group());
            } else {
                String label = m.group(1);
                int star = label.indexOf('*'); // RFC 2231 language: =?utf-8*en?Q?...?=
                Optional<Charset> cs = Charsets.forLabel(star >= 0 ? label.substring(0, star) : label);
                b.append(cs.isPresent() ? new String(bytes, cs.get()) : Charsets.decodeUnlabelled(bytes, 0, bytes.length));
            }
            last = m.end();
            previousWasWord = true;
        }
        b.append(value, last, value.length());
        return b.toString();
    }

    private static byte[] wordBytes(String encoding, String text) {
        try {
            if (encoding.equalsIgnoreCase("B")) {
                return Base64.getMimeDecoder().decode(text);
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '_') {
                    out.write(' ');
                } else if (c == '=' && i + 2 < text.length()
                        && Character.digit(text.charAt(i + 1), 16) >= 0 && Character.digit(text.charAt(i + 2), 16) >= 0) {
                    out.write(Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16));
                    i += 2;
                } else {
                    out.write(c & 0xff);
                }
            }
            return out.toByteArray();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** C0 controls other than tab, and DEL, become spaces: no NUL or line break survives into a value. */
    static String printable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                StringBuilder b = new StringBuilder(value);
                for (int j = i; j < b.length(); j++) {
                    char d = b.charAt(j);
                    if (d < 0x20 && d != '\t' || d == 0x7f) {
                        b.setCharAt(j, ' ');
                    }
                }
                return b.toString();
            }
        }
        return value;
    }
}
