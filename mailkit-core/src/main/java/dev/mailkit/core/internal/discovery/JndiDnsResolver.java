package dev.mailkit.core.internal.discovery;

import dev.mailkit.core.DnsResolver;
import dev.mailkit.core.internal.registry.Lookups;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * DNS through the JDK's JNDI DNS provider: the system's resolvers, or one given server ({@code dns://host:port}).
 * Every look-up is one query of at most the timeout (JNDI retries over TCP when a UDP answer is truncated).
 */
public final class JndiDnsResolver implements DnsResolver {

    private final Duration timeout;
    /** {@code dns://host:port} of the one server asked, or null for the system's resolvers. */
    private final String server;

    /**
     * Creates a resolver that asks the system's resolvers.
     *
     * @param timeout the time one look-up may take
     */
    public JndiDnsResolver(Duration timeout) {
        this.timeout = positive(timeout);
        this.server = null;
    }

    /**
     * Creates a resolver that asks one DNS server.
     *
     * @param host    the server's address (a name is resolved once, here, by the system)
     * @param port    its port
     * @param timeout the time one look-up may take
     */
    public JndiDnsResolver(String host, int port, Duration timeout) {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("DNS server port " + port + " is out of range: give 1 to 65535 (usually 53)");
        }
        this.timeout = positive(timeout);
        InetAddress address;
        try {
            address = InetAddress.getByName(host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("DNS server " + host + " does not resolve: give its IP address", e);
        }
        String literal = address.getHostAddress();
        this.server = "dns://" + (address instanceof Inet6Address ? "[" + literal.replaceFirst("%.*", "") + "]" : literal) + ":" + port;
    }

    private static Duration positive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("DNS timeout must be positive, not " + timeout);
        }
        return timeout;
    }

    @Override
    public List<Mx> mx(String domain) throws IOException {
        return records(domain, "MX", 2, f -> new Mx(Integer.parseInt(f[0]), Lookups.normaliseHost(f[1])));
    }

    @Override
    public List<Srv> srv(String name) throws IOException {
        return records(name, "SRV", 4, f -> new Srv(Integer.parseInt(f[0]), Integer.parseInt(f[1]),
                Integer.parseInt(f[2]), f[3]));
    }

    @Override
    public List<String> txt(String name) throws IOException {
        List<String> out = new ArrayList<>();
        for (String v : query(name, "TXT")) {
            out.add(TxtStrings.join(v));
        }
        return out;
    }

    @Override
    public List<String> ptr(InetAddress address) throws IOException {
        List<String> out = new ArrayList<>();
        for (String v : query(DnsNames.reverse(address), "PTR")) {
            out.add(Lookups.normaliseHost(v.trim()));
        }
        return out;
    }

    @Override
    public List<InetAddress> addressRecords(String name) throws IOException {
        List<InetAddress> out = new ArrayList<>();
        for (String type : List.of("A", "AAAA")) {
            for (String v : query(name, type)) {
                InetAddress a = DnsNames.literal(v.trim());
                if (a != null) {
                    out.add(InetAddress.getByAddress(DnsNames.withoutDot(name), a.getAddress()));
                }
            }
        }
        return out;
    }

    /** The system's resolver as connections use it; with a given server, that server's A and AAAA records. */
    @Override
    public InetAddress[] addresses(String host) throws UnknownHostException {
        if (server == null) {
            return InetAddress.getAllByName(host);
        }
        InetAddress literal = DnsNames.literal(host);
        if (literal != null) {
            return new InetAddress[] {literal};
        }
        List<InetAddress> found;
        try {
            found = addressRecords(host);
        } catch (IOException e) {
            UnknownHostException u = new UnknownHostException(host + ": " + e.getMessage());
            u.initCause(e);
            throw u;
        }
        if (found.isEmpty()) {
            throw new UnknownHostException(host + " has no A or AAAA record at " + server);
        }
        return found.toArray(new InetAddress[0]);
    }

    /** The records of a type, each split into its fields; a record with another number of fields or a bad number is skipped. */
    private <T> List<T> records(String name, String type, int fields, Function<String[], T> parse) throws IOException {
        List<T> out = new ArrayList<>();
        for (String v : query(name, type)) {
            String[] f = v.trim().split("\\s+");
            try {
                if (f.length == fields) {
                    out.add(parse.apply(f));
                }
            } catch (NumberFormatException e) {
                // a malformed record is skipped, the others still count
            }
        }
        return out;
    }

    private List<String> query(String name, String type) throws IOException {
        String bare = DnsNames.withoutDot(name).toLowerCase(Locale.ROOT);
        if (bare.isEmpty() || bare.contains("/") || bare.contains(" ")) {
            throw new IOException("DNS " + type + " look-up: '" + name + "' is not a domain name");
        }
        Hashtable<String, String> env = new Hashtable<>();
        env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
        // JNDI doubles the wait on each retry: one try of the full timeout keeps a look-up near the limit.
        env.put("com.sun.jndi.dns.timeout.initial", String.valueOf(Math.max(1, timeout.toMillis())));
        env.put("com.sun.jndi.dns.timeout.retries", "1");
        DirContext ctx = null;
        try {
            ctx = new InitialDirContext(env);
            Attributes attrs = ctx.getAttributes((server == null ? "dns:" : server) + "/" + bare, new String[] {type});
            Attribute attr = attrs.get(type);
            List<String> out = new ArrayList<>();
            if (attr != null) {
                NamingEnumeration<?> e = attr.getAll();
                while (e.hasMore()) {
                    out.add(String.valueOf(e.next()));
                }
            }
            return out;
        } catch (NameNotFoundException e) {
            return List.of();
        } catch (NamingException e) {
            throw new IOException("DNS " + type + " look-up of " + bare + (server == null ? "" : " at " + server.substring(6))
                    + " failed: " + e.getMessage(), e);
        } finally {
            if (ctx != null) {
                try {
                    ctx.close();
                } catch (NamingException ignored) {
                    // nothing to release beyond what close already attempted
                }
            }
        }
    }

    @Override
    public String toString() {
        return server == null ? "system DNS" : "DNS server " + server.substring(6);
    }
}
