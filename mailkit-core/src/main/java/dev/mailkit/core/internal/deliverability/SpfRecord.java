package dev.mailkit.core.internal.deliverability;

import dev.mailkit.core.internal.discovery.DnsNames;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One SPF record, parsed (RFC 7208 §4.5, §4.6, §12): its directives and modifiers in order, and what is
 * wrong with it. A record with errors is a permanent error for receivers.
 */
final class SpfRecord {

    /** What a matching directive makes of the check. */
    enum Qualifier {
        PASS('+'), FAIL('-'), SOFTFAIL('~'), NEUTRAL('?');

        final char sign;

        Qualifier(char sign) {
            this.sign = sign;
        }

        static Qualifier of(char c) {
            for (Qualifier q : values()) {
                if (q.sign == c) {
                    return q;
                }
            }
            return null;
        }
    }

    /** A term: a directive (qualifier and mechanism) or a modifier ({@code name=value}). */
    sealed interface Term permits Directive, Modifier {
        /** The term as written. */
        String text();
    }

    /**
     * A directive.
     *
     * @param qualifier  its qualifier ({@code +} when none is written)
     * @param mechanism  all, include, a, mx, ptr, ip4, ip6 or exists, lower case
     * @param domainSpec the domain-spec, or null when none is written (a, mx, ptr) or none applies
     * @param network    the network of ip4 and ip6, else null
     * @param cidr4      the IPv4 prefix length (ip4, a, mx; 32 when none is written)
     * @param cidr6      the IPv6 prefix length (ip6, a, mx; 128 when none is written)
     * @param text       as written
     */
    record Directive(Qualifier qualifier, String mechanism, String domainSpec, InetAddress network, int cidr4, int cidr6,
                     String text) implements Term {
        /** Whether evaluating it asks DNS (counted against the limit of 10). */
        boolean looksUp() {
            return switch (mechanism) {
                case "include", "a", "mx", "ptr", "exists" -> true;
                default -> false;
            };
        }
    }

    /**
     * A modifier.
     *
     * @param name  lower case
     * @param value the macro-string after {@code =}
     * @param text  as written
     */
    record Modifier(String name, String value, String text) implements Term {
    }

    private final String text;
    private final List<Term> terms;
    private final List<String> errors;
    private final List<String> warnings;

    private SpfRecord(String text, List<Term> terms, List<String> errors, List<String> warnings) {
        this.text = text;
        this.terms = List.copyOf(terms);
        this.errors = List.copyOf(errors);
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Whether a TXT record is an SPF record: it starts with {@code v=spf1} followed by a space or nothing.
     *
     * @param txt the record's text
     * @return true when it is
     */
    static boolean isSpf(String txt) {
        String t = txt.toLowerCase(Locale.ROOT);
        return t.startsWith("v=spf1") && (t.length() == 6 || t.charAt(6) == ' ');
    }

    /**
     * Parses an SPF record (one that {@link #isSpf} accepts).
     *
     * @param txt the record's text
     * @return the record, with its errors and warnings
     */
    static SpfRecord parse(String txt) {
        List<Term> terms = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (!isSpf(txt)) {
            errors.add("it does not start with v=spf1");
            return new SpfRecord(txt, terms, errors, warnings);
        }
        if (txt.indexOf('\t') >= 0 || txt.indexOf('\n') >= 0 || txt.indexOf('\r') >= 0) {
            errors.add("it holds a tab or line break: terms are separated by spaces only");
        }
        int redirects = 0;
        int exps = 0;
        for (String t : txt.substring(6).trim().split("[ \\t\\r\\n]+")) {
            if (t.isEmpty()) {
                continue;
            }
            Object parsed = term(t);
            if (parsed instanceof String error) {
                errors.add(error);
                continue;
            }
            Term term = (Term) parsed;
            if (term instanceof Modifier m) {
                if (m.name().equals("redirect")) {
                    redirects++;
                } else if (m.name().equals("exp")) {
                    exps++;
                } else if (List.of("include", "a", "mx", "ptr", "ip4", "ip6", "exists", "all").contains(m.name())) {
                    warnings.add("'" + t + "' is an unknown modifier that receivers ignore: the mechanism is written "
                            + m.name() + ":" + m.value());
                } else if (!m.name().equals("v")) {
                    warnings.add("'" + t + "' is an unknown modifier that receivers ignore");
                }
                if (m.name().equals("v")) {
                    errors.add("'" + t + "': v= may only open the record");
                }
            }
            terms.add(term);
        }
        if (redirects > 1) {
            errors.add("redirect= appears " + redirects + " times (at most once)");
        }
        if (exps > 1) {
            errors.add("exp= appears " + exps + " times (at most once)");
        }
        return new SpfRecord(txt, terms, errors, warnings);
    }

    /** A term, or a String saying what is wrong with it. */
    private static Object term(String t) {
        int eq = t.indexOf('=');
        int colon = t.indexOf(':');
        int slash = t.indexOf('/');
        if (eq > 0 && (colon < 0 || eq < colon) && (slash < 0 || eq < slash)) {
            String name = t.substring(0, eq);
            if (!name.matches("[A-Za-z][A-Za-z0-9_.-]*")) {
                return "'" + t + "' is not a valid term";
            }
            String n = name.toLowerCase(Locale.ROOT);
            String value = t.substring(eq + 1);
            String error = n.equals("redirect") || n.equals("exp") ? SpfMacro.domainSpecError(value)
                    : SpfMacro.macroStringError(value, "slodiphvcrt");
            if (error != null) {
                return "'" + t + "': " + error;
            }
            return new Modifier(n, value, t);
        }
        Qualifier q = Qualifier.of(t.charAt(0));
        String rest = q == null ? t : t.substring(1);
        if (q == null) {
            q = Qualifier.PASS;
        }
        String mech = rest;
        String arg = null;
        int sep = firstOf(rest, ':', '/');
        if (sep >= 0) {
            mech = rest.substring(0, sep);
            arg = rest.substring(sep);
        }
        String m = mech.toLowerCase(Locale.ROOT);
        switch (m) {
            case "all":
                if (arg != null) {
                    return "'" + t + "': all takes no argument";
                }
                return new Directive(q, m, null, null, 32, 128, t);
            case "include":
            case "exists": {
                if (arg == null || !arg.startsWith(":")) {
                    return "'" + t + "': " + m + " needs a domain (" + m + ":example.com)";
                }
                String error = SpfMacro.domainSpecError(arg.substring(1));
                return error != null ? "'" + t + "': " + error : new Directive(q, m, arg.substring(1), null, 32, 128, t);
            }
            case "a":
            case "mx":
            case "ptr": {
                String spec = null;
                String cidr = "";
                if (arg != null && arg.startsWith(":")) {
                    int s = arg.indexOf('/');
                    spec = s < 0 ? arg.substring(1) : arg.substring(1, s);
                    cidr = s < 0 ? "" : arg.substring(s);
                    String error = SpfMacro.domainSpecError(spec);
                    if (error != null) {
                        return "'" + t + "': " + error;
                    }
                } else if (arg != null) {
                    cidr = arg;
                }
                if (m.equals("ptr") && !cidr.isEmpty()) {
                    return "'" + t + "': ptr takes no prefix length";
                }
                int[] lengths = dualCidr(cidr);
                if (lengths == null) {
                    return "'" + t + "': bad prefix length '" + cidr + "' (/0 to /32 for IPv4, //0 to //128 for IPv6)";
                }
                return new Directive(q, m, spec, null, lengths[0], lengths[1], t);
            }
            case "ip4": {
                if (arg == null || !arg.startsWith(":")) {
                    return "'" + t + "': ip4 needs an address (ip4:192.0.2.0/24)";
                }
                String v = arg.substring(1);
                int s = v.indexOf('/');
                String addr = s < 0 ? v : v.substring(0, s);
                byte[] b = DnsNames.ip4(addr);
                if (b == null) {
                    return "'" + t + "': '" + addr + "' is not an IPv4 address";
                }
                int len = 32;
                if (s >= 0) {
                    Integer l = length(v.substring(s + 1), 32);
                    if (l == null) {
                        return "'" + t + "': an IPv4 prefix length is /0 to /32";
                    }
                    len = l;
                }
                return new Directive(q, m, null, DnsNames.literal(addr), len, 128, t);
            }
            case "ip6": {
                if (arg == null || !arg.startsWith(":")) {
                    return "'" + t + "': ip6 needs an address (ip6:2001:db8::/32)";
                }
                String v = arg.substring(1);
                int s = v.indexOf('/');
                String addr = s < 0 ? v : v.substring(0, s);
                InetAddress a = addr.indexOf(':') >= 0 ? DnsNames.literal(addr) : null;
                if (a == null) {
                    return "'" + t + "': '" + addr + "' is not an IPv6 address";
                }
                int len = 128;
                if (s >= 0) {
                    Integer l = length(v.substring(s + 1), 128);
                    if (l == null) {
                        return "'" + t + "': an IPv6 prefix length is /0 to /128";
                    }
                    len = l;
                }
                return new Directive(q, m, null, a, 32, len, t);
            }
            default:
                return "'" + t + "' is not an SPF mechanism (all, include, a, mx, ptr, ip4, ip6, exists)"
                        + (m.equals("ip") ? ": write ip4: or ip6:" : m.equals("inlcude") || m.equals("incude") ? ": write include:" : "");
        }
    }

    private static int firstOf(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    /** {@code ""}, {@code /24}, {@code //64} or {@code /24//64}: the two lengths, or null when malformed. */
    private static int[] dualCidr(String s) {
        int[] out = {32, 128};
        if (s.isEmpty()) {
            return out;
        }
        int six = s.indexOf("//");
        String four = six < 0 ? s : s.substring(0, six);
        if (!four.isEmpty()) {
            if (!four.startsWith("/")) {
                return null;
            }
            Integer l = length(four.substring(1), 32);
            if (l == null) {
                return null;
            }
            out[0] = l;
        }
        if (six >= 0) {
            Integer l = length(s.substring(six + 2), 128);
            if (l == null) {
                return null;
            }
            out[1] = l;
        }
        return out;
    }

    private static Integer length(String s, int max) {
        if (s.isEmpty() || s.length() > 3 || !s.chars().allMatch(Character::isDigit) || s.length() > 1 && s.charAt(0) == '0') {
            return null;
        }
        int v = Integer.parseInt(s);
        return v <= max ? v : null;
    }

    /** The record as published. */
    String text() {
        return text;
    }

    /** Every term, in order. */
    List<Term> terms() {
        return terms;
    }

    /** The directives, in order. */
    List<Directive> directives() {
        List<Directive> out = new ArrayList<>();
        for (Term t : terms) {
            if (t instanceof Directive d) {
                out.add(d);
            }
        }
        return out;
    }

    /** The modifier of this name, or null. */
    Modifier modifier(String name) {
        for (Term t : terms) {
            if (t instanceof Modifier m && m.name().equals(name)) {
                return m;
            }
        }
        return null;
    }

    /** The {@code all} directive, or null. */
    Directive all() {
        for (Directive d : directives()) {
            if (d.mechanism().equals("all")) {
                return d;
            }
        }
        return null;
    }

    /** What makes it a permanent error; empty when it is valid. */
    List<String> errors() {
        return errors;
    }

    /** What is odd but not an error. */
    List<String> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return text;
    }
}
