package dev.mailkit.core.internal.discovery;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Domain names and address literals for the DNS look-ups (reverse names, literals), never a DNS query. */
public final class DnsNames {

    private DnsNames() {
    }

    /**
     * The reverse-lookup name of an address: {@code 7.2.0.192.in-addr.arpa}, or the 32 nibbles of an IPv6
     * address under {@code ip6.arpa}.
     *
     * @param address the address
     * @return the name, without a trailing dot
     */
    public static String reverse(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder s = new StringBuilder();
        if (address instanceof Inet4Address) {
            for (int i = b.length - 1; i >= 0; i--) {
                s.append(b[i] & 0xff).append('.');
            }
            return s.append("in-addr.arpa").toString();
        }
        for (int i = b.length - 1; i >= 0; i--) {
            s.append(Character.forDigit(b[i] & 0xf, 16)).append('.').append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append('.');
        }
        return s.append("ip6.arpa").toString();
    }

    /**
     * The address an IP literal stands for, without asking DNS: dotted-quad IPv4 (four decimal numbers up to
     * 255), or IPv6 (anything with a colon, optionally in brackets).
     *
     * @param s the text
     * @return the address, or null when the text is not an IP literal
     */
    public static InetAddress literal(String s) {
        String t = s.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.indexOf(':') >= 0) {
            if (t.indexOf('%') >= 0 || !t.matches("[0-9A-Fa-f:.]+")) {
                return null;
            }
            try {
                return InetAddress.getByName(t); // a literal with a colon is parsed, never looked up
            } catch (UnknownHostException e) {
                return null;
            }
        }
        byte[] ip4 = ip4(t);
        if (ip4 == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(ip4);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * The four bytes of a dotted-quad IPv4 address: four decimal numbers 0 to 255 without leading zeros.
     *
     * @param s the text
     * @return the bytes, or null when it is not one
     */
    public static byte[] ip4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || p.length() > 1 && p.charAt(0) == '0') {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    /**
     * A name without its trailing dots.
     *
     * @param name the name
     * @return the name without them
     */
    public static String withoutDot(String name) {
        String n = name.strip();
        while (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        return n;
    }
}
