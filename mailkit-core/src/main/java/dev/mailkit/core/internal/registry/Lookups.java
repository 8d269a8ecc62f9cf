package dev.mailkit.core.internal.registry;

import dev.mailkit.core.registry.ProviderSettings;

import java.net.IDN;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Normalisation and matching of domains, host names, addresses and MX patterns. */
public final class Lookups {

    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    private Lookups() {
    }

    /** Lower-cases a host name and strips trailing dots. */
    public static String normaliseHost(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    /**
     * Normalises a domain to lower-case ASCII (IDN to punycode).
     *
     * @throws IllegalArgumentException if it is not a valid domain name
     */
    public static String normaliseDomain(String domain) {
        String d = normaliseHost(domain);
        if (DOMAIN.matcher(d).matches()) {
            return d; // plain ASCII: IDN (and its costly first use) is not needed
        }
        try {
            d = IDN.toASCII(d, IDN.ALLOW_UNASSIGNED | IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + domain + "' is not a valid domain name", e);
        }
        if (!DOMAIN.matcher(d).matches()) {
            throw new IllegalArgumentException("'" + domain + "' is not a valid domain name (letters, digits and '-' in dot-separated labels)");
        }
        return d;
    }

    /**
     * Splits {@code local@domain} (or {@code Name <local@domain>}) into local part and normalised domain.
     *
     * @throws IllegalArgumentException if the address has no single '@' between non-empty parts
     */
    public static String[] splitAddress(String address) {
        Objects.requireNonNull(address, "email address");
        String a = address.strip();
        int lt = a.lastIndexOf('<');
        if (lt >= 0 && a.endsWith(">")) {
            a = a.substring(lt + 1, a.length() - 1).strip();
        }
        int at = a.lastIndexOf('@');
        if (at <= 0 || at == a.length() - 1 || a.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("'" + address + "' is not an e-mail address (expected local@domain)");
        }
        return new String[] {a.substring(0, at), normaliseDomain(a.substring(at + 1))};
    }

    /** The normalised domain of an address. */
    public static String domainOf(String address) {
        return splitAddress(address)[1];
    }

    /** Whether a glob ({@code *} = any run of characters) matches a host, case-insensitively. */
    public static boolean globMatches(String pattern, String host) {
        return Pattern.compile(Arrays.stream(normaliseHost(pattern).split("\\*", -1))
                        .map(Pattern::quote).collect(Collectors.joining(".*")))
                .matcher(normaliseHost(host)).matches();
    }

    /** Length of the longest of the provider's MX patterns matching the host, or -1 if none does. */
    public static int mxMatchLength(ProviderSettings provider, String mxHost) {
        int best = -1;
        for (String p : provider.mxPatterns()) {
            if (globMatches(p, mxHost)) {
                best = Math.max(best, p.length());
            }
        }
        return best;
    }
}
