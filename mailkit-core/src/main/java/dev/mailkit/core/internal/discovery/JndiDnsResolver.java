package dev.mailkit.core.internal.discovery;

import dev.mailkit.core.DnsResolver;
import dev.mailkit.core.internal.registry.Lookups;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.function.Function;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/** DNS through the JDK's JNDI DNS provider, using the system's resolvers. */
public final class JndiDnsResolver implements DnsResolver {

    private final Duration timeout;

    /**
     * Creates a resolver.
     *
     * @param timeout the time one look-up may take
     */
    public JndiDnsResolver(Duration timeout) {
        this.timeout = timeout;
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
        Hashtable<String, String> env = new Hashtable<>();
        env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
        // JNDI doubles the wait on each retry: one try of the full timeout keeps a look-up near the limit.
        env.put("com.sun.jndi.dns.timeout.initial", String.valueOf(Math.max(1, timeout.toMillis())));
        env.put("com.sun.jndi.dns.timeout.retries", "1");
        DirContext ctx = null;
        try {
            ctx = new InitialDirContext(env);
            Attributes attrs = ctx.getAttributes("dns:/" + name, new String[] {type});
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
            throw new IOException("DNS " + type + " look-up of " + name + " failed: " + e.getMessage(), e);
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
}
