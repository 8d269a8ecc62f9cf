package dev.mailkit.core;

import dev.mailkit.core.internal.discovery.JndiDnsResolver;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * mailkit's one DNS seam: the MX and SRV look-ups of provider discovery and the host-address look-ups of
 * diagnostics. Tests pass a fake; {@link #system(java.time.Duration)} asks the system's resolvers (MX and SRV
 * through the JDK's JNDI DNS provider, addresses as connections resolve them). Jakarta Mail's own
 * connections always use the system resolver.
 */
public interface DnsResolver {

    /**
     * An MX record.
     *
     * @param preference lower is preferred
     * @param host       the mail exchanger's host name
     */
    record Mx(int preference, String host) {
    }

    /**
     * An SRV record (RFC 2782).
     *
     * @param priority lower is preferred
     * @param weight   relative weight among equal priorities
     * @param port     the service port
     * @param target   the host; {@code "."} means the service is not offered
     */
    record Srv(int priority, int weight, int port, String target) {
    }

    /**
     * Looks up a domain's MX records.
     *
     * @param domain the domain
     * @return the records, in any order; empty when there are none
     * @throws java.io.IOException if the look-up fails (other than "no such record")
     */
    List<Mx> mx(String domain) throws java.io.IOException;

    /**
     * Looks up SRV records.
     *
     * @param name the full name, for example {@code _submissions._tcp.example.com}
     * @return the records, in any order; empty when there are none
     * @throws java.io.IOException if the look-up fails (other than "no such record")
     */
    List<Srv> srv(String name) throws java.io.IOException;

    /**
     * Resolves a host name to its addresses; by default as {@link InetAddress#getAllByName(String)} does,
     * with the operating system's resolver.
     *
     * @param host the name
     * @return its addresses, at least one
     * @throws UnknownHostException when it does not resolve
     */
    default InetAddress[] addresses(String host) throws UnknownHostException {
        return InetAddress.getAllByName(host);
    }

    /**
     * The system's DNS through the JDK.
     *
     * @param timeout how long one look-up may take
     * @return the resolver
     */
    static DnsResolver system(Duration timeout) {
        return new JndiDnsResolver(timeout);
    }

    /** A resolver that finds nothing (no records, no host resolves), to switch DNS steps off. */
    static DnsResolver none() {
        return new DnsResolver() {
            @Override
            public List<Mx> mx(String domain) {
                return List.of();
            }

            @Override
            public List<Srv> srv(String name) {
                return List.of();
            }

            @Override
            public InetAddress[] addresses(String host) throws UnknownHostException {
                throw new UnknownHostException(host + " (DNS switched off)");
            }
        };
    }
}
