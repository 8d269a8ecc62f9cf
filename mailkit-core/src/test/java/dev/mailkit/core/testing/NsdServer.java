package dev.mailkit.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.mailkit.core.DnsResolver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real authoritative DNS server (NSD, Debian package {@code nsd}) on loopback, serving zones written for the
 * test into a temporary directory. It listens on UDP and TCP, either on a free high port of 127.0.0.1 (ask it
 * with {@link #resolver(Duration)}, that is {@link DnsResolver#using}) or, with
 * {@link Builder#onPort53()}, on port 53 of an address of its own in 127.53.0.0/24, for programs that only
 * use the system resolver (run them in {@code unshare --mount} with {@link #resolvConf()} bind-mounted on
 * {@code /etc/resolv.conf}; port 53 needs root).
 *
 * <p>{@code start()} returns once the server answers a query for its first zone; {@link #close()} stops the
 * process it started (by its process id) and deletes the directory. Without NSD installed (or, for port 53,
 * without root) the test is skipped locally and fails when {@code CI} is set, so CI never passes without
 * running it ({@code .ci/run} installs {@code nsd}).
 *
 * <pre>{@code
 * try (NsdServer dns = NsdServer.builder()
 *         .zone(DnsZone.named("example.test").txt("@", "v=spf1 -all").mx("@", 10, "mx.example.test"))
 *         .ptr("192.0.2.7", "mx.example.test")
 *         .start()) {
 *     DnsResolver resolver = dns.resolver(Duration.ofSeconds(2));
 * }
 * }</pre>
 */
public final class NsdServer implements AutoCloseable {

    /** The first address tried by {@link Builder#onPort53()}. */
    public static final String PORT53_ADDRESS = "127.53.0.1";

    private final Process process;
    private final Path dir;
    private final String host;
    private final int port;

    private NsdServer(Process process, Path dir, String host, int port) {
        this.process = process;
        this.dir = dir;
        this.host = host;
        this.port = port;
    }

    /**
     * A builder for a server on a free high port of 127.0.0.1.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a server for these zones on a free high port of 127.0.0.1.
     *
     * @param zones the zones
     * @return the running server
     * @throws Exception if it cannot start
     */
    public static NsdServer start(DnsZone... zones) throws Exception {
        Builder b = builder();
        for (DnsZone z : zones) {
            b.zone(z);
        }
        return b.start();
    }

    /**
     * Starts a server for zone files written by hand, on a free high port of 127.0.0.1.
     *
     * @param zoneFiles the text of each zone's file, by zone name
     * @return the running server
     * @throws Exception if it cannot start
     */
    public static NsdServer start(Map<String, String> zoneFiles) throws Exception {
        Builder b = builder();
        zoneFiles.forEach(b::zoneFile);
        return b.start();
    }

    /** Mutable builder. */
    public static final class Builder {
        private final Map<String, String> files = new LinkedHashMap<>();
        private final Map<String, DnsZone> zones = new LinkedHashMap<>();
        private final Map<String, DnsZone> reverse = new LinkedHashMap<>();
        private boolean port53;
        private String port53Address;

        private Builder() {
        }

        /**
         * Serves a zone.
         *
         * @param zone the zone
         * @return this builder
         */
        public Builder zone(DnsZone zone) {
            zones.put(zone.origin(), zone);
            return this;
        }

        /**
         * Serves a zone from a zone file written by hand.
         *
         * @param origin the zone's name
         * @param text   the zone file
         * @return this builder
         */
        public Builder zoneFile(String origin, String text) {
            files.put(DnsZone.named(origin).origin(), text);
            return this;
        }

        /**
         * A PTR record for an address, in a reverse zone built for it ({@code c.b.a.in-addr.arpa} for IPv4, the
         * /64 under {@code ip6.arpa} for IPv6).
         *
         * @param address the address literal
         * @param host    the name it points to
         * @return this builder
         */
        public Builder ptr(String address, String host) {
            InetAddress ip = literal(address);
            String name = reverseName(ip);
            String[] labels = name.split("\\.");
            int keep = ip instanceof Inet4Address ? 1 : 16; // labels left in the owner name
            StringBuilder owner = new StringBuilder();
            for (int i = 0; i < keep; i++) {
                owner.append(i == 0 ? "" : ".").append(labels[i]);
            }
            String origin = name.substring(owner.length() + 1);
            reverse.computeIfAbsent(origin, DnsZone::named).ptr(owner.toString(), host);
            return this;
        }

        /**
         * Listens on port 53 of the first free address from {@value #PORT53_ADDRESS} on (127.53.0.1 to
         * 127.53.0.254), for the system resolver of a process given {@link #resolvConf()}. Needs root.
         *
         * @return this builder
         */
        public Builder onPort53() {
            this.port53 = true;
            this.port53Address = null;
            return this;
        }

        /**
         * Listens on port 53 of this loopback address. Needs root.
         *
         * @param loopbackAddress an address in 127.0.0.0/8
         * @return this builder
         */
        public Builder onPort53(String loopbackAddress) {
            InetAddress a = literal(loopbackAddress);
            if (!a.isLoopbackAddress() || !(a instanceof Inet4Address)) {
                throw new IllegalArgumentException(loopbackAddress + " is not in 127.0.0.0/8");
            }
            this.port53 = true;
            this.port53Address = a.getHostAddress();
            return this;
        }

        /**
         * Writes the configuration and zone files, starts NSD and waits until it answers.
         *
         * @return the running server
         * @throws Exception if it cannot start
         */
        public NsdServer start() throws Exception {
            Map<String, String> all = new LinkedHashMap<>();
            zones.forEach((origin, z) -> all.put(origin, z.zoneFile()));
            reverse.forEach((origin, z) -> all.putIfAbsent(origin, z.zoneFile()));
            all.putAll(files);
            if (all.isEmpty()) {
                throw new IllegalStateException("give at least one zone");
            }
            Path nsd = program();
            if (port53 && !"root".equals(System.getProperty("user.name"))) {
                unavailable("NSD on port 53 needs root; this test runs as " + System.getProperty("user.name"));
            }
            IOException last = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                String host = port53 ? (port53Address != null ? port53Address : freePort53Address()) : "127.0.0.1";
                int port = port53 ? 53 : freePort();
                Path dir = Files.createTempDirectory("mailkit-nsd-");
                try {
                    return launch(nsd, dir, host, port, all);
                } catch (IOException e) {
                    last = e; // most likely the port was taken meanwhile: another one
                    delete(dir);
                    if (port53Address != null) {
                        break;
                    }
                }
            }
            throw last;
        }
    }

    /** The address it listens on. */
    public String host() {
        return host;
    }

    /** The port it listens on (UDP and TCP). */
    public int port() {
        return port;
    }

    /** Its address and port. */
    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    /**
     * A resolver that asks this server.
     *
     * @param timeout how long one look-up may take
     * @return {@link DnsResolver#using} this server
     */
    public DnsResolver resolver(Duration timeout) {
        return DnsResolver.using(host, port, timeout);
    }

    /**
     * A {@code resolv.conf} that names this server alone (one attempt of 2 s), in the server's directory:
     * bind-mount it on {@code /etc/resolv.conf} in a mount namespace of its own
     * ({@code unshare --mount sh -c 'mount --bind FILE /etc/resolv.conf && exec PROGRAM'}).
     *
     * @return the file
     * @throws IOException if it cannot be written
     * @throws IllegalStateException if the server is not on port 53 (resolv.conf cannot name a port)
     */
    public Path resolvConf() throws IOException {
        if (port != 53) {
            throw new IllegalStateException("resolv.conf cannot name port " + port + ": build the server with onPort53()");
        }
        Path f = dir.resolve("resolv.conf");
        Files.writeString(f, "nameserver " + host + "\noptions timeout:2 attempts:1\n", StandardCharsets.US_ASCII);
        return f;
    }

    /** The directory holding its configuration, zone files and log. */
    public Path directory() {
        return dir;
    }

    /**
     * What NSD wrote to its log and output so far.
     *
     * @return the text
     */
    public String log() {
        StringBuilder b = new StringBuilder();
        for (String f : List.of("nsd.log", "nsd.out")) {
            try {
                b.append(Files.readString(dir.resolve(f), StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                // not written (yet)
            }
        }
        return b.toString();
    }

    /** Stops the NSD process this fixture started (and its children, by their process ids) and deletes its files. */
    @Override
    public void close() throws IOException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle child : children) {
                if (child.isAlive()) {
                    child.destroy();
                    child.onExit().get(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
        delete(dir);
    }

    @Override
    public String toString() {
        return "NSD on " + host + ":" + port;
    }

    private static NsdServer launch(Path nsd, Path dir, String host, int port, Map<String, String> zones) throws Exception {
        StringBuilder conf = new StringBuilder();
        conf.append("server:\n")
                .append("  ip-address: ").append(host).append('@').append(port).append('\n')
                .append("  port: ").append(port).append('\n')
                .append("  do-ip6: no\n")
                .append("  username: \"\"\n")
                .append("  chroot: \"\"\n")
                .append("  zonesdir: \"").append(dir).append("\"\n")
                .append("  database: \"\"\n")
                .append("  zonelistfile: \"").append(dir.resolve("zone.list")).append("\"\n")
                .append("  xfrdfile: \"").append(dir.resolve("xfrd.state")).append("\"\n")
                .append("  xfrdir: \"").append(dir).append("\"\n")
                .append("  pidfile: \"").append(dir.resolve("nsd.pid")).append("\"\n")
                .append("  logfile: \"").append(dir.resolve("nsd.log")).append("\"\n")
                .append("  server-count: 1\n")
                .append("  verbosity: 1\n")
                .append("  hide-version: yes\n")
                .append("remote-control:\n")
                .append("  control-enable: no\n");
        int i = 0;
        for (Map.Entry<String, String> z : zones.entrySet()) {
            String file = "zone" + (i++) + ".zone";
            Files.writeString(dir.resolve(file), z.getValue(), StandardCharsets.UTF_8);
            conf.append("zone:\n  name: \"").append(z.getKey()).append("\"\n  zonefile: \"").append(file).append("\"\n");
        }
        Path confFile = dir.resolve("nsd.conf");
        Files.writeString(confFile, conf.toString(), StandardCharsets.US_ASCII);
        Process p = new ProcessBuilder(nsd.toString(), "-d", "-c", confFile.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("nsd.out").toFile()).start();
        NsdServer server = new NsdServer(p, dir, host, port);
        String first = zones.keySet().iterator().next();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                String log = server.log();
                server.closeQuietly();
                if (log.contains("ould not") && (log.contains("bind") || log.contains("in use"))) {
                    throw new IOException("NSD could not listen on " + host + ":" + port + ": " + log);
                }
                fail("NSD exited with " + p.exitValue() + ": " + log + "\nconfiguration:\n" + conf + zones);
            }
            if (answers(host, port, first)) {
                return server;
            }
            Thread.sleep(50);
        }
        String log = server.log();
        server.closeQuietly();
        throw new IOException("NSD did not answer on " + host + ":" + port + " within 15 s: " + log);
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            // the start failed already; that failure is the one reported
        }
    }

    /** Whether the server answers an SOA query for the zone with an answer (a query of our own, over UDP). */
    private static boolean answers(String host, int port, String zone) throws IOException {
        ByteArrayOutputStream q = new ByteArrayOutputStream();
        int id = ThreadLocalRandom.current().nextInt(0x10000);
        q.write(id >> 8);
        q.write(id);
        q.writeBytes(new byte[] {0, 0, 0, 1, 0, 0, 0, 0, 0, 0}); // no flags, one question
        for (String label : zone.split("\\.")) {
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            q.write(l.length);
            q.writeBytes(l);
        }
        q.writeBytes(new byte[] {0, 0, 6, 0, 1}); // root, SOA, IN
        byte[] query = q.toByteArray();
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(200);
            s.send(new DatagramPacket(query, query.length, new InetSocketAddress(host, port)));
            byte[] buf = new byte[512];
            DatagramPacket answer = new DatagramPacket(buf, buf.length);
            s.receive(answer);
            boolean sameId = ((buf[0] & 0xff) << 8 | (buf[1] & 0xff)) == id;
            int rcode = buf[3] & 0x0f;
            int answers = (buf[6] & 0xff) << 8 | (buf[7] & 0xff);
            return answer.getLength() >= 12 && sameId && rcode == 0 && answers > 0;
        } catch (SocketTimeoutException | java.net.PortUnreachableException notYet) {
            return false;
        }
    }

    private static Path program() {
        Path found = Stream.of("/usr/sbin/nsd", "/usr/local/sbin/nsd").map(Path::of).filter(Files::isExecutable)
                .findFirst().orElse(null);
        if (found == null) {
            unavailable("NSD is not installed (apt-get install nsd)");
        }
        return found;
    }

    private static void unavailable(String why) {
        if (System.getenv("CI") != null) {
            fail(why + ", but CI is set: .ci/run installs nsd and runs the tests as root");
        }
        Assumptions.abort(why + "; skipping outside CI");
    }

    private static int freePort() throws IOException {
        // a port free for TCP and for UDP
        for (int i = 0; i < 20; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                int port = s.getLocalPort();
                try (DatagramSocket d = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
                    return port;
                } catch (SocketException taken) {
                    // UDP taken: another one
                }
            }
        }
        throw new IOException("no port free for both TCP and UDP on 127.0.0.1");
    }

    private static String freePort53Address() throws IOException {
        for (int last = 1; last < 255; last++) {
            String a = "127.53.0." + last;
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(a, 53));
                try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(a, 53))) {
                    return a;
                }
            } catch (SocketException taken) {
                if (String.valueOf(taken.getMessage()).toLowerCase(Locale.ROOT).contains("permission")) {
                    throw taken;
                }
            }
        }
        throw new IOException("port 53 is taken on every address of 127.53.0.0/24");
    }

    private static InetAddress literal(String address) {
        if (!address.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("'" + address + "' is not an IP address literal");
        }
        try {
            return InetAddress.getByName(address); // a literal: parsed, not looked up
        } catch (IOException e) {
            throw new IllegalArgumentException("'" + address + "' is not an IP address literal", e);
        }
    }

    /** The reverse-lookup name of an address, without a trailing dot. */
    static String reverseName(InetAddress ip) {
        byte[] b = ip.getAddress();
        List<String> labels = new ArrayList<>();
        for (int i = b.length - 1; i >= 0; i--) {
            if (ip instanceof Inet4Address) {
                labels.add(String.valueOf(b[i] & 0xff));
            } else {
                labels.add(Integer.toHexString(b[i] & 0xf));
                labels.add(Integer.toHexString((b[i] >> 4) & 0xf));
            }
        }
        labels.add(ip instanceof Inet4Address ? "in-addr" : "ip6");
        labels.add("arpa");
        return String.join(".", labels);
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
