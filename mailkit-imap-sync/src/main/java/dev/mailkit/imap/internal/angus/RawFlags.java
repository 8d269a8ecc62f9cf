package dev.mailkit.imap.internal.angus;

import dev.mailkit.imap.MessageFlags;
import org.eclipse.angus.mail.iap.Response;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The FLAGS of a FETCH response, read from the response's own bytes. Angus Mail's parser takes any
 * {@code \F...} for {@code \Flagged} (and {@code \S...} for {@code \Seen}, ...) and hands keywords over
 * byte by byte as characters, so a UTF-8 keyword such as {@code été} came out as {@code Ã©tÃ©}. Here
 * system flags are recognised by their whole name, other backslash names are kept as they are, and a
 * keyword whose bytes are UTF-8 is decoded. {@link #wire} turns a keyword back into what the command
 * writer sends byte for byte.
 */
public final class RawFlags {

    private RawFlags() {
    }

    /** Reads the bytes of a response through the public copy constructor, without copying them. */
    private static final class Bytes extends Response {
        Bytes(Response r) {
            super(r);
        }

        byte[] buffer() {
            return buffer;
        }

        int length() {
            return size;
        }
    }

    /** The message's flags, or null when the response has no FLAGS item. */
    public static MessageFlags of(Response r) {
        Bytes b = new Bytes(r);
        List<String> tokens = tokens(b.buffer(), b.length());
        return tokens == null ? null : flags(tokens);
    }

    /** The tokens of the top-level FLAGS item of a FETCH response's bytes, or null when it has none. */
    static List<String> tokens(byte[] b, int size) {
        int i = 0;
        while (i < size && b[i] != '(') {
            i++;
        }
        int depth = 0;
        for (; i < size; i++) {
            byte c = b[i];
            if (c == '"') {
                for (i++; i < size && b[i] != '"'; i++) {
                    if (b[i] == '\\') {
                        i++;
                    }
                }
            } else if (c == '[') {
                while (i < size && b[i] != ']') {
                    i++;
                }
            } else if (c == '{') {
                int j = i + 1;
                long n = 0;
                while (j < size && b[j] >= '0' && b[j] <= '9' && n < Integer.MAX_VALUE) {
                    n = n * 10 + (b[j++] - '0');
                }
                if (j < size && b[j] == '+') {
                    j++;
                }
                if (j + 2 < size && b[j] == '}' && b[j + 1] == '\r' && b[j + 2] == '\n') {
                    i = (int) Math.min(size, j + 2 + n); // the literal's bytes are not looked at
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (depth == 1 && (b[i - 1] == ' ' || b[i - 1] == '(') && startsWith(b, size, i, "FLAGS (")) {
                int start = i + "FLAGS (".length();
                int end = start;
                while (end < size && b[end] != ')') {
                    end++;
                }
                List<String> out = new ArrayList<>();
                for (String t : new String(b, start, end - start, StandardCharsets.ISO_8859_1).split(" ")) {
                    if (!t.isEmpty()) {
                        out.add(t);
                    }
                }
                return out;
            }
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int size, int at, String text) {
        if (at + text.length() > size) {
            return false;
        }
        for (int k = 0; k < text.length(); k++) {
            if (Character.toUpperCase((char) (b[at + k] & 0xff)) != text.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** Flags from FLAGS tokens: system flags by their whole name, {@code \Recent} left out, everything else kept. */
    static MessageFlags flags(List<String> tokens) {
        // keywords decoded from their bytes first; then read as any flag list is (MessageFlags.parse)
        return MessageFlags.parse(String.join(" ", tokens.stream().map(RawFlags::decode).toList()));
    }

    /** A keyword whose bytes (one character each) are UTF-8, decoded; any other left as it is. */
    static String decode(String keyword) {
        if (keyword.chars().allMatch(ch -> ch < 0x80) || keyword.chars().anyMatch(ch -> ch > 0xff)) {
            return keyword;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(keyword.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException notUtf8) {
            return keyword;
        }
    }

    /** A flag name as the command writer must be given it: UTF-8 bytes, one character each. */
    public static String wire(String name) {
        if (name.chars().allMatch(ch -> ch < 0x80)) {
            return name;
        }
        return new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
}
