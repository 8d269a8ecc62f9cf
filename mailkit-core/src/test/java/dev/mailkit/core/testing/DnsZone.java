package dev.mailkit.core.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A DNS zone for {@link NsdServer}, built record by record and written as a zone file (RFC 1035 §5). The
 * zone gets its SOA and NS records by itself.
 *
 * <p>Owner names are relative to the zone's origin ({@code "@"} is the origin itself, {@code "mail"} is
 * {@code mail.<origin>}) unless they end with a dot. Target host names (of MX, PTR and CNAME records) are
 * always absolute: a trailing dot is added when missing.
 *
 * <pre>{@code
 * DnsZone zone = DnsZone.named("example.test")
 *         .txt("@", "v=spf1 include:relay.test -all")
 *         .mx("@", 10, "mx.example.test")
 *         .a("mx", "192.0.2.7");
 * }</pre>
 */
public final class DnsZone {

    private final String origin;
    private final List<String> records = new ArrayList<>();

    private DnsZone(String origin) {
        this.origin = origin;
    }

    /**
     * An empty zone (SOA and NS only).
     *
     * @param origin the zone's name, for example {@code example.test} or {@code 2.0.192.in-addr.arpa}
     * @return the zone
     */
    public static DnsZone named(String origin) {
        Objects.requireNonNull(origin, "origin");
        String o = origin.strip().toLowerCase(Locale.ROOT);
        while (o.endsWith(".")) {
            o = o.substring(0, o.length() - 1);
        }
        if (o.isEmpty() || !o.matches("[a-z0-9._-]+")) {
            throw new IllegalArgumentException("'" + origin + "' is not a zone name");
        }
        return new DnsZone(o);
    }

    /**
     * The zone's name.
     *
     * @return the origin, without a trailing dot
     */
    public String origin() {
        return origin;
    }

    /**
     * A TXT record holding one text: a text longer than 255 bytes (a 2048-bit DKIM key) is split into
     * several character-strings of at most 255 bytes, as DNS requires; readers join them again.
     *
     * @param name  the owner name
     * @param value the text (UTF-8)
     * @return this zone
     */
    public DnsZone txt(String name, String value) {
        return txtStrings(name, split(value).toArray(new String[0]));
    }

    /**
     * A TXT record made of exactly these character-strings (each at most 255 bytes), for records split in
     * odd places.
     *
     * @param name    the owner name
     * @param strings the character-strings
     * @return this zone
     */
    public DnsZone txtStrings(String name, String... strings) {
        StringBuilder b = new StringBuilder();
        for (String s : strings) {
            if (s.getBytes(StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("a character-string holds at most 255 bytes: " + s);
            }
            b.append(b.length() == 0 ? "" : " ").append(quoted(s));
        }
        return record(name, "TXT", b.length() == 0 ? "\"\"" : b.toString());
    }

    /**
     * An MX record.
     *
     * @param name       the owner name
     * @param preference lower is preferred
     * @param host       the mail exchanger, absolute ({@code "."} for a null MX)
     * @return this zone
     */
    public DnsZone mx(String name, int preference, String host) {
        return record(name, "MX", preference + " " + absolute(host));
    }

    /**
     * An A record for an IPv4 address, or an AAAA record for an IPv6 address.
     *
     * @param name    the owner name
     * @param address the address literal
     * @return this zone
     */
    public DnsZone a(String name, String address) {
        return record(name, address.contains(":") ? "AAAA" : "A", address);
    }

    /**
     * A PTR record (in a reverse zone; {@link NsdServer.Builder#ptr} builds those from an address).
     *
     * @param name the owner name, for example {@code "7"} in {@code 2.0.192.in-addr.arpa}
     * @param host the name the address points to, absolute
     * @return this zone
     */
    public DnsZone ptr(String name, String host) {
        return record(name, "PTR", absolute(host));
    }

    /**
     * A CNAME record.
     *
     * @param name   the owner name
     * @param target the canonical name, absolute
     * @return this zone
     */
    public DnsZone cname(String name, String target) {
        return record(name, "CNAME", absolute(target));
    }

    /**
     * Any record, its data as a zone file writes it.
     *
     * @param name  the owner name
     * @param type  the type, for example {@code SRV}
     * @param rdata the record data
     * @return this zone
     */
    public DnsZone record(String name, String type, String rdata) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.contains(" ") || rdata.contains("\n")) {
            throw new IllegalArgumentException("bad record: " + name + " " + type + " " + rdata);
        }
        records.add(name + " 60 IN " + type + " " + rdata);
        return this;
    }

    /**
     * The zone file.
     *
     * @return the text NSD reads
     */
    public String zoneFile() {
        StringBuilder b = new StringBuilder();
        b.append("$ORIGIN ").append(origin).append(".\n");
        b.append("$TTL 60\n");
        b.append("@ 60 IN SOA ns.").append(origin).append(". hostmaster.").append(origin).append(". 1 3600 600 86400 60\n");
        b.append("@ 60 IN NS ns.").append(origin).append(".\n");
        for (String r : records) {
            b.append(r).append('\n');
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return zoneFile();
    }

    /** A text as character-strings of at most 255 bytes, never cutting a UTF-8 sequence. */
    static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        int start = 0;
        while (start < bytes.length) {
            int end = Math.min(bytes.length, start + 255);
            while (end < bytes.length && (bytes[end] & 0xC0) == 0x80) {
                end--; // a continuation byte: cut before its sequence
            }
            out.add(new String(bytes, start, end - start, StandardCharsets.UTF_8));
            start = end;
        }
        if (out.isEmpty()) {
            out.add("");
        }
        return out;
    }

    /** A character-string in zone-file syntax: in quotes, with quote and backslash escaped, other bytes as \DDD. */
    static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c == '"' || c == '\\') {
                b.append('\\').append((char) c);
            } else if (c < 0x20 || c > 0x7e) {
                b.append(String.format(Locale.ROOT, "\\%03d", c));
            } else {
                b.append((char) c);
            }
        }
        return b.append('"').toString();
    }

    private static String absolute(String host) {
        return host.endsWith(".") ? host : host + ".";
    }
}
