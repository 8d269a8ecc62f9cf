package dev.mailkit.core.internal.discovery;

import java.nio.charset.StandardCharsets;

/**
 * Reads a TXT record as JNDI's DNS provider gives it: its character-strings separated by one space, each in
 * double quotes when it is empty or holds a space, a quote or a backslash (those two then escaped with a
 * backslash), one {@code char} per byte.
 */
public final class TxtStrings {

    private TxtStrings() {
    }

    /**
     * The record's character-strings joined without anything between them (RFC 7208 §3.3, RFC 6376 §3.6.2.2).
     *
     * @param jndi the record as JNDI gives it
     * @return the joined text, its bytes read as UTF-8
     */
    public static String join(String jndi) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        int n = jndi.length();
        while (i < n) {
            char c = jndi.charAt(i);
            if (c == ' ') {
                i++; // between two character-strings
            } else if (c == '"') {
                i++;
                while (i < n && jndi.charAt(i) != '"') {
                    if (jndi.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    b.append(jndi.charAt(i));
                    i++;
                }
                i++; // the closing quote
            } else {
                while (i < n && jndi.charAt(i) != ' ') {
                    b.append(jndi.charAt(i));
                    i++;
                }
            }
        }
        // JNDI made one char of each byte: the bytes again, read as UTF-8 (ASCII stays as it is).
        return new String(b.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
