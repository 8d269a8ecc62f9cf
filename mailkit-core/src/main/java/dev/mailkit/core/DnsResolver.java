package dev.mailkit.core;

import dev.mailkit.core.internal.discovery.JndiDnsResolver;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * mailkit's one DNS seam: the MX and SRV look-ups of provider discovery, the host-address look-ups of
 * diagnostics, and the TXT, PTR and address records of the sending-domain checks. Tests pass a fake;
 * {@link #system(java.time.Duration)} asks the system's resolvers (records through the JDK's JNDI DNS provider,
 * {@link #addresses(String)} as connections resolve them); {@link #using(String, int, Duration)} asks one given
 * DNS server for everything. Jakarta Mail's own connections always use the system resolver.
 *
 * <p>The look-ups added after the first release ({@link #txt(String)}, {@link #ptr(InetAddress)},
 * {@link #addressRecords(String)}) have default implementations, so resolvers written before them still
 * compile: {@code txt} and {@code ptr} throw an {@link java.io.IOException} that says the resolver does not do
 * them (a check reports "could not look up", never "no record"), and {@code addressRecords} asks
 * {@link #addresses(String)}.
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
     * Looks up a name's TXT records, each as one string: the record's character-strings joined without
     * anything between them (RFC 7208 §3.3), as SPF, DKIM and DMARC read them.
     *
     * <p>By default this throws: a resolver must implement it to take part in the sending-domain checks.
     *
     * @param name the full name, for example {@code _dmarc.example.com}
     * @return one string per record, in any order; empty when the name has no TXT record or does not exist
     * @throws java.io.IOException if the look-up fails (other than "no such record"), or, by default, always
     */
    default List<String> txt(String name) throws java.io.IOException {
        throw new java.io.IOException("this DNS resolver does not look up TXT records (" + name + ")");
    }

    /**
     * Looks up the names an address points to (PTR records under {@code in-addr.arpa} or {@code ip6.arpa}).
     *
     * <p>By default this throws: a resolver must implement it to check reverse DNS.
     *
     * @param address the address
     * @return the host names, lower case and without a trailing dot, in any order; empty when there are none
     * @throws java.io.IOException if the look-up fails (other than "no such record"), or, by default, always
     */
    default List<String> ptr(InetAddress address) throws java.io.IOException {
        throw new java.io.IOException("this DNS resolver does not look up PTR records (" + address.getHostAddress() + ")");
    }

    /**
     * Looks up a name's address records in DNS (A and AAAA), telling "no such address" (an empty list) from a
     * look-up that failed (an exception), as SPF's look-up rules need. By default it asks
     * {@link #addresses(String)} and takes a name that does not resolve for one without addresses.
     *
     * @param name the host name
     * @return its IPv4 and IPv6 addresses, in any order; empty when it has none or does not exist
     * @throws java.io.IOException if the look-up fails (other than "no such record")
     */
    default List<InetAddress> addressRecords(String name) throws java.io.IOException {
        try {
            return List.of(addresses(name));
        } catch (UnknownHostException e) {
            return List.of();
        }
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

    /**
     * One DNS server, asked directly for every look-up, {@link #addresses(String)} included (for example an
     * authoritative server, to see what it publishes before caches do, or a test server on loopback). Each
     * look-up is one UDP query (TCP when the answer is truncated) with this timeout, without retries.
     *
     * @param host    the server's IP address (or a name the system resolves once, now)
     * @param port    the server's port, usually 53
     * @param timeout how long one look-up may take
     * @return the resolver
     * @throws IllegalArgumentException if the port is out of range, the timeout not positive, or the host
     *                                  does not resolve
     */
    static DnsResolver using(String host, int port, Duration timeout) {
        return new JndiDnsResolver(host, port, timeout);
    }

    /**
     * A resolver that finds nothing (no records, no host resolves), to switch DNS steps off.
     *
     * @return a resolver that finds nothing
     */
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

            @Override
            public List<String> txt(String name) {
                return List.of();
            }

            @Override
            public List<String> ptr(InetAddress address) {
                return List.of();
            }

            @Override
            public List<InetAddress> addressRecords(String name) {
                return List.of();
            }
        };
    }
}
