package dev.mailkit.core.diagnostics;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * A DNS record to publish, as a sending-domain check suggests it.
 *
 * @param type  the record type: {@code TXT}, {@code MX}, {@code A}, {@code AAAA} or {@code PTR}
 * @param name  the owner name, without a trailing dot, for example {@code _dmarc.example.com}
 * @param value the record's data: for TXT the whole text (not yet split into character-strings), for MX
 *              {@code "10 mail.example.com."}, for A an address
 */
public record DnsRecord(String type, String name, String value) {

    /**
     * Validates.
     *
     * @param type  the record type
     * @param name  the owner name
     * @param value the record's data
     * @throws NullPointerException if a component is null
     */
    public DnsRecord {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        type = type.toUpperCase(Locale.ROOT);
    }

    /**
     * The record as a zone file line, a TXT text longer than 255 bytes split into several quoted
     * character-strings (which receivers join again), for example
     * {@code sel._domainkey.example.com. 3600 IN TXT "v=DKIM1; k=rsa; p=MIIB…" "…IDAQAB"}.
     *
     * @return the line, without a line break
     */
    public String zoneFileLine() {
        return name + ". 3600 IN " + type + " " + (type.equals("TXT") ? characterStrings(value) : value);
    }

    /** A text as quoted character-strings of at most 255 bytes, never cutting a UTF-8 sequence. */
    static String characterStrings(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder();
        int start = 0;
        do {
            int end = Math.min(bytes.length, start + 255);
            while (end < bytes.length && (bytes[end] & 0xC0) == 0x80) {
                end--;
            }
            String part = new String(bytes, start, end - start, StandardCharsets.UTF_8);
            b.append(b.length() == 0 ? "" : " ").append('"').append(part.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            start = end;
        } while (start < bytes.length);
        return b.toString();
    }

    /**
     * As the fixes of the checks name it: {@code TXT at example.com: "v=spf1 -all"}.
     *
     * @return the record in words
     */
    @Override
    public String toString() {
        return type + " at " + name + ": " + (type.equals("TXT") ? "\"" + value + "\"" : value);
    }
}
