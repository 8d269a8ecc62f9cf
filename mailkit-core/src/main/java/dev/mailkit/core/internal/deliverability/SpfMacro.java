package dev.mailkit.core.internal.deliverability;

import dev.mailkit.core.internal.discovery.DnsNames;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** SPF macro strings (RFC 7208 §7): their syntax, and their expansion for a check. */
final class SpfMacro {

    /** The letters allowed in a domain-spec; {@code c}, {@code r} and {@code t} only in an {@code exp} text. */
    private static final String DOMAIN_LETTERS = "slodiphv";
    private static final String ALL_LETTERS = "slodiphvcrt";
    private static final String DELIMITERS = ".-+,/_=";

    /**
     * What a check knows when it expands: the address (null in a check without one), the sender and HELO
     * name, and the domain whose record is being read.
     */
    record Context(InetAddress ip, String sender, String domain, String helo) {
        Context withDomain(String d) {
            return new Context(ip, sender, d, helo);
        }
    }

    private SpfMacro() {
    }

    /**
     * Checks a domain-spec: a macro-string that ends in a top label or a macro (RFC 7208 §7.1, §12).
     *
     * @param spec the text after {@code include:}, {@code a:}, {@code redirect=} …
     * @return what is wrong, or null when it is valid
     */
    static String domainSpecError(String spec) {
        if (spec.isEmpty()) {
            return "a domain is missing";
        }
        String macros = macroStringError(spec, DOMAIN_LETTERS);
        if (macros != null) {
            return macros;
        }
        if (endsWithMacro(spec)) {
            return null;
        }
        String tail = spec;
        int lastMacro = spec.lastIndexOf('}');
        if (lastMacro >= 0) {
            tail = spec.substring(lastMacro + 1);
        }
        String t = tail.endsWith(".") ? tail.substring(0, tail.length() - 1) : tail;
        int dot = t.lastIndexOf('.');
        if (dot < 0) {
            return "'" + spec + "' is not a domain name (it needs a dot and a top-level label)";
        }
        String top = t.substring(dot + 1);
        if (!topLabel(top)) {
            return "'" + spec + "' does not end in a top-level label (" + (top.isEmpty() ? "an empty label" : "'" + top + "'")
                    + (top.chars().allMatch(Character::isDigit) && !top.isEmpty() ? ": an IP address belongs in ip4: or ip6:" : "")
                    + ")";
        }
        for (String label : t.split("\\.", -1)) {
            if (label.length() > 63) {
                return "'" + spec + "' has a label longer than 63 characters";
            }
        }
        return null;
    }

    /**
     * Checks a macro-string: visible ASCII, {@code %} only in {@code %%}, {@code %_}, {@code %-} and
     * {@code %{letter digits r delimiters}}.
     *
     * @param s       the text
     * @param letters the macro letters allowed
     * @return what is wrong, or null when it is valid
     */
    static String macroStringError(String s, String letters) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return "'" + s + "' holds a character SPF does not allow (" + (c == ' ' ? "a space" : String.format("U+%04X", (int) c)) + ")";
            }
            if (c != '%') {
                continue;
            }
            if (i + 1 >= s.length()) {
                return "'" + s + "' ends in a lone %: write %% for a percent sign";
            }
            char n = s.charAt(i + 1);
            if (n == '%' || n == '_' || n == '-') {
                i++;
                continue;
            }
            if (n != '{') {
                return "'" + s + "' has %" + n + ": a macro is %{letter}, and a percent sign is %%";
            }
            int end = s.indexOf('}', i);
            if (end < 0) {
                return "'" + s + "' has an unclosed macro %{";
            }
            String body = s.substring(i + 2, end);
            if (body.isEmpty() || letters.indexOf(Character.toLowerCase(body.charAt(0))) < 0) {
                return "'" + s + "' has an unknown macro %{" + body + "}"
                        + (!body.isEmpty() && ALL_LETTERS.indexOf(Character.toLowerCase(body.charAt(0))) >= 0
                        ? " here (c, r and t are only for exp= texts)" : "");
            }
            int j = 1;
            while (j < body.length() && Character.isDigit(body.charAt(j))) {
                j++;
            }
            if (j > 1 && Integer.parseInt(body.substring(1, Math.min(j, 4))) == 0) {
                return "'" + s + "' keeps 0 labels in %{" + body + "}";
            }
            if (j < body.length() && (body.charAt(j) == 'r' || body.charAt(j) == 'R')) {
                j++;
            }
            for (; j < body.length(); j++) {
                if (DELIMITERS.indexOf(body.charAt(j)) < 0) {
                    return "'" + s + "' has a bad macro %{" + body + "}";
                }
            }
            i = end;
        }
        return null;
    }

    private static boolean endsWithMacro(String spec) {
        if (spec.endsWith("}")) {
            return true;
        }
        return spec.length() >= 2 && spec.charAt(spec.length() - 2) == '%' && "%_-".indexOf(spec.charAt(spec.length() - 1)) >= 0
                && !(spec.length() >= 3 && spec.charAt(spec.length() - 3) == '%');
    }

    private static boolean topLabel(String l) {
        if (l.isEmpty() || !l.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-'))) {
            return false;
        }
        if (l.contains("-")) {
            return !l.startsWith("-") && !l.endsWith("-");
        }
        return l.chars().anyMatch(Character::isLetter);
    }

    /**
     * Whether the spec has macros that need more than the domain: the address ({@code i}, {@code p},
     * {@code v}) — those are known only in a check of one address.
     *
     * @param spec a domain-spec
     * @return true when it does
     */
    static boolean needsAddress(String spec) {
        String s = spec.toLowerCase(Locale.ROOT);
        return s.contains("%{i") || s.contains("%{p") || s.contains("%{v");
    }

    /**
     * Expands a domain-spec (RFC 7208 §7.3, §7.4); the result is shortened from the left to 253 characters.
     *
     * @param spec a valid domain-spec
     * @param ctx  what is known
     * @return the domain name, lower case, without a trailing dot
     * @throws IllegalStateException if it needs the address and the context has none
     */
    static String expand(String spec, Context ctx) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            char n = spec.charAt(++i);
            if (n == '%') {
                out.append('%');
            } else if (n == '_') {
                out.append(' ');
            } else if (n == '-') {
                out.append("%20");
            } else {
                int end = spec.indexOf('}', i);
                out.append(macro(spec.substring(i + 1, end), ctx));
                i = end;
            }
        }
        String d = DnsNames.withoutDot(out.toString()).toLowerCase(Locale.ROOT);
        while (d.length() > 253 && d.indexOf('.') >= 0) {
            d = d.substring(d.indexOf('.') + 1);
        }
        return d;
    }

    private static String macro(String body, Context ctx) {
        char letter = body.charAt(0);
        boolean upper = Character.isUpperCase(letter);
        String value = switch (Character.toLowerCase(letter)) {
            case 's' -> ctx.sender();
            case 'l' -> ctx.sender().substring(0, ctx.sender().lastIndexOf('@'));
            case 'o' -> ctx.sender().substring(ctx.sender().lastIndexOf('@') + 1);
            case 'd' -> ctx.domain();
            case 'h' -> ctx.helo();
            case 'i' -> dotted(address(ctx));
            case 'v' -> address(ctx) instanceof Inet4Address ? "in-addr" : "ip6";
            case 'p' -> "unknown"; // RFC 7208 §7.3: discouraged; "unknown" when not validated
            default -> throw new IllegalStateException("macro %{" + body + "} is not for a domain");
        };
        int j = 1;
        while (j < body.length() && Character.isDigit(body.charAt(j))) {
            j++;
        }
        int keep = j > 1 ? Integer.parseInt(body.substring(1, Math.min(j, 4))) : Integer.MAX_VALUE;
        boolean reverse = j < body.length() && Character.toLowerCase(body.charAt(j)) == 'r';
        String delimiters = body.substring(reverse ? j + 1 : j);
        if (delimiters.isEmpty()) {
            delimiters = ".";
        }
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (delimiters.indexOf(c) >= 0) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        if (reverse) {
            Collections.reverse(parts);
        }
        if (keep < parts.size()) {
            parts = parts.subList(parts.size() - keep, parts.size());
        }
        String joined = String.join(".", parts);
        return upper ? urlEscape(joined) : joined;
    }

    private static InetAddress address(Context ctx) {
        if (ctx.ip() == null) {
            throw new IllegalStateException("the macro needs the sending address");
        }
        return ctx.ip();
    }

    /** An address as %{i} gives it: dotted decimal, or the 32 nibbles of IPv6 separated by dots. */
    private static String dotted(InetAddress ip) {
        if (ip instanceof Inet4Address) {
            return ip.getHostAddress();
        }
        StringBuilder s = new StringBuilder();
        for (byte b : ip.getAddress()) {
            s.append(s.length() == 0 ? "" : ".").append(Character.forDigit((b >> 4) & 0xf, 16)).append('.')
                    .append(Character.forDigit(b & 0xf, 16));
        }
        return s.toString();
    }

    private static String urlEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (Character.isLetterOrDigit(c) && c < 128 || "-._~".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c));
            }
        }
        return b.toString();
    }
}
