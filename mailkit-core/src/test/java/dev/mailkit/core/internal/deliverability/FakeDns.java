package dev.mailkit.core.internal.deliverability;

import dev.mailkit.core.DnsResolver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** DNS from maps, counting the look-ups it answers; names listed as failing throw. */
final class FakeDns implements DnsResolver {

    final Map<String, List<String>> txt = new HashMap<>();
    final Map<String, List<Mx>> mx = new HashMap<>();
    final Map<String, List<InetAddress>> addresses = new HashMap<>();
    final Map<String, List<String>> ptr = new HashMap<>();
    final Set<String> failing = new HashSet<>();
    int queries;

    FakeDns txt(String name, String... records) {
        txt.computeIfAbsent(name, n -> new ArrayList<>()).addAll(List.of(records));
        return this;
    }

    FakeDns mx(String name, int preference, String host) {
        mx.computeIfAbsent(name, n -> new ArrayList<>()).add(new Mx(preference, host));
        return this;
    }

    FakeDns a(String name, String... ips) {
        for (String ip : ips) {
            addresses.computeIfAbsent(name, n -> new ArrayList<>()).add(ip(ip));
        }
        return this;
    }

    FakeDns ptr(String ip, String... names) {
        ptr.computeIfAbsent(ip(ip).getHostAddress(), n -> new ArrayList<>()).addAll(List.of(names));
        return this;
    }

    FakeDns failing(String name) {
        failing.add(name);
        return this;
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // literals only: parsed, not looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private void ask(String name) throws IOException {
        queries++;
        if (failing.contains(name)) {
            throw new IOException("look-up of " + name + " timed out");
        }
    }

    @Override
    public List<Mx> mx(String domain) throws IOException {
        ask(domain);
        return mx.getOrDefault(domain, List.of());
    }

    @Override
    public List<Srv> srv(String name) {
        return List.of();
    }

    @Override
    public List<String> txt(String name) throws IOException {
        ask(name);
        return txt.getOrDefault(name, List.of());
    }

    @Override
    public List<String> ptr(InetAddress address) throws IOException {
        ask(address.getHostAddress());
        return ptr.getOrDefault(address.getHostAddress(), List.of());
    }

    @Override
    public List<InetAddress> addressRecords(String name) throws IOException {
        ask(name);
        return addresses.getOrDefault(name, List.of());
    }

    @Override
    public InetAddress[] addresses(String host) throws UnknownHostException {
        List<InetAddress> a = addresses.get(host);
        if (a == null) {
            throw new UnknownHostException(host);
        }
        return a.toArray(new InetAddress[0]);
    }
}
