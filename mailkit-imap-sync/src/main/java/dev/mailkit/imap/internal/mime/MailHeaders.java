package dev.mailkit.imap.internal.mime;

import dev.mailkit.imap.EmailAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.field.DateTimeField;
import org.apache.james.mime4j.field.DateTimeFieldLenientImpl;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.stream.RawField;

/** Addresses, dates and Message-IDs out of header values (unfolded, not yet RFC 2047 decoded), leniently. */
public final class MailHeaders {

    private static final Pattern MESSAGE_ID = Pattern.compile("<([^<>\\s]{1,500})>");
    /** RFC 5322 4.3: the obsolete zone names mail still carries, which mime4j's parser reads as UTC. */
    private static final Pattern OBSOLETE_ZONE = Pattern.compile("\\b(EST|EDT|CST|CDT|MST|MDT|PST|PDT)\\b");

    private MailHeaders() {
    }

    /**
     * The addresses of an address-list header (From, To, Cc), groups flattened, display names decoded.
     *
     * @param raw the unfolded value
     * @param max at most this many are returned
     * @return the addresses
     */
    public static List<EmailAddress> addresses(String raw, int max) {
        List<EmailAddress> out = new ArrayList<>();
        if (raw == null || raw.isBlank()) {
            return out;
        }
        AddressList list;
        String ascii = asciiOnly(raw);
        try {
            list = LenientAddressParser.DEFAULT.parseAddressList(ascii == null ? raw : ascii);
        } catch (RuntimeException e) {
            out.add(new EmailAddress("", HeaderText.decodeWords(raw)));
            return out;
        }
        for (Address a : list) {
            if (a instanceof Mailbox m) {
                add(out, m, max);
            } else if (a instanceof Group g) {
                for (Mailbox m : g.getMailboxes()) {
                    add(out, m, max);
                }
            }
            if (out.size() >= max) {
                break;
            }
        }
        return out;
    }

    /** Marks a non-ASCII character written as ASCII for mime4j's address parser (see {@link #asciiOnly}). */
    private static final String ESCAPE = "~~U+";

    /**
     * The value with every non-ASCII character written as {@code ~~U+hex~~}, or null when it has none. mime4j's
     * address parser works on the value's bytes and miscounts characters outside Latin-1 (an address after
     * "Größe" loses its last letters); the escapes are atext, so they stay inside the name or address they are
     * part of and are undone afterwards. A value that already holds the marker is left as it is.
     */
    private static String asciiOnly(String raw) {
        boolean ascii = true;
        for (int i = 0; i < raw.length(); i++) {
            if (raw.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii || raw.contains(ESCAPE)) {
            return null;
        }
        StringBuilder b = new StringBuilder(raw.length() + 32);
        raw.codePoints().forEach(cp -> {
            if (cp < 0x80) {
                b.append((char) cp);
            } else {
                b.append(ESCAPE).append(Integer.toHexString(cp)).append("~~");
            }
        });
        return b.toString();
    }

    private static final Pattern ESCAPED = Pattern.compile("~~U\\+([0-9a-f]{1,6})~~");

    private static String unescape(String s) {
        if (s == null || !s.contains(ESCAPE)) {
            return s;
        }
        Matcher m = ESCAPED.matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(new String(Character.toChars(Integer.parseInt(m.group(1), 16)))));
        }
        m.appendTail(b);
        return b.toString();
    }

    private static void add(List<EmailAddress> out, Mailbox m, int max) {
        if (out.size() >= max) {
            return;
        }
        String name = m.getName() == null ? "" : HeaderText.decodeWords(unescape(m.getName())).strip();
        String address = m.getAddress() == null ? "" : HeaderText.printable(unescape(m.getAddress())).strip();
        if (name.equals(address)) {
            name = "";
        }
        if (!address.isEmpty() || !name.isEmpty()) {
            out.add(new EmailAddress(cut(name, 500), cut(address, 500)));
        }
    }

    /**
     * The time a Date header gives.
     *
     * @param raw the unfolded value
     * @return the time, if the value can be read as one
     */
    public static Optional<Instant> date(String raw) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        String value = raw.length() > 200 ? raw.substring(0, 200) : raw;
        Matcher m = OBSOLETE_ZONE.matcher(value.toUpperCase(Locale.ROOT));
        if (m.find()) {
            String offset = switch (m.group(1)) {
                case "EDT" -> "-0400";
                case "EST", "CDT" -> "-0500";
                case "CST", "MDT" -> "-0600";
                case "MST", "PDT" -> "-0700";
                default -> "-0800"; // PST
            };
            value = value.substring(0, m.start()) + offset + value.substring(m.end());
        }
        try {
            DateTimeField f = DateTimeFieldLenientImpl.PARSER.parse(new RawField("Date", value), DecodeMonitor.SILENT);
            return f.getDate() == null ? Optional.empty() : Optional.of(f.getDate().toInstant());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The Message-IDs of a Message-ID, In-Reply-To or References value, with their angle brackets.
     *
     * @param raw the unfolded value
     * @param max at most this many are returned: the first and the last {@code max - 1}, which threading needs most
     * @return the ids in their order
     */
    public static List<String> messageIds(String raw, int max) {
        List<String> out = new ArrayList<>();
        if (raw == null || raw.isBlank()) {
            return out;
        }
        Matcher m = MESSAGE_ID.matcher(raw);
        while (m.find()) {
            out.add("<" + HeaderText.printable(m.group(1)) + ">");
        }
        if (out.isEmpty()) {
            String bare = raw.strip();
            if (!bare.isEmpty() && bare.length() <= 500 && bare.indexOf(' ') < 0 && bare.indexOf('<') < 0) {
                out.add("<" + HeaderText.printable(bare) + ">"); // sent without brackets
            }
        }
        if (out.size() > max) {
            List<String> kept = new ArrayList<>(max);
            kept.add(out.get(0));
            kept.addAll(out.subList(out.size() - (max - 1), out.size()));
            return kept;
        }
        return out;
    }

    public static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }
}
