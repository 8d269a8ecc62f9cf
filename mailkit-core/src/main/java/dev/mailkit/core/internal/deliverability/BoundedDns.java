package dev.mailkit.core.internal.deliverability;

import dev.mailkit.core.DnsResolver;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The DNS of one sending-domain check: every answer (and failure) remembered, so a name is asked once, and
 * a bound on the whole check — after the time budget or the number of look-ups, every further look-up fails at
 * once. A look-up that started before the bound ends by its own timeout (the resolver's), so the check takes at
 * most the budget plus one look-up timeout.
 */
final class BoundedDns {

    /** A look-up of this check, or its failure. */
    private record Answer(Object value, IOException failure) {
    }

    @FunctionalInterface
    private interface Query {
        Object run() throws IOException;
    }

    private final DnsResolver resolver;
    private final Duration budget;
    private final int maxQueries;
    private final LongSupplier nanos;
    private final long start;
    private final Map<String, Answer> answers = new HashMap<>();
    private int queries;

    BoundedDns(DnsResolver resolver, Duration budget, int maxQueries, LongSupplier nanos) {
        this.resolver = resolver;
        this.budget = budget;
        this.maxQueries = maxQueries;
        this.nanos = nanos;
        this.start = nanos.getAsLong();
    }

    @SuppressWarnings("unchecked")
    List<String> txt(String name) throws IOException {
        return (List<String>) ask("TXT", name, () -> resolver.txt(name));
    }

    @SuppressWarnings("unchecked")
    List<DnsResolver.Mx> mx(String name) throws IOException {
        return (List<DnsResolver.Mx>) ask("MX", name, () -> resolver.mx(name));
    }

    @SuppressWarnings("unchecked")
    List<InetAddress> addresses(String name) throws IOException {
        return (List<InetAddress>) ask("A/AAAA", name, () -> resolver.addressRecords(name));
    }

    @SuppressWarnings("unchecked")
    List<String> ptr(InetAddress ip) throws IOException {
        return (List<String>) ask("PTR", ip.getHostAddress(), () -> resolver.ptr(ip));
    }

    /** How many look-ups went to the resolver. */
    int queries() {
        return queries;
    }

    private Object ask(String type, String name, Query query) throws IOException {
        String key = type + " " + name.toLowerCase(Locale.ROOT);
        Answer a = answers.get(key);
        if (a == null) {
            long elapsed = nanos.getAsLong() - start;
            if (elapsed > budget.toNanos()) {
                throw new IOException(type + " look-up of " + name + " not made: the checks' DNS time bound ("
                        + (budget.toMillis() % 1000 == 0 ? budget.toSeconds() + " s" : budget.toMillis() + " ms") + ") was reached");
            }
            if (queries >= maxQueries) {
                throw new IOException(type + " look-up of " + name + " not made: the checks' bound of " + maxQueries
                        + " DNS look-ups was reached");
            }
            queries++;
            try {
                a = new Answer(query.run(), null);
            } catch (IOException e) {
                a = new Answer(null, e);
            }
            answers.put(key, a);
        }
        if (a.failure() != null) {
            throw a.failure();
        }
        return a.value();
    }
}
