package dev.mailkit.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.mailkit.core.ProxySettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real proxy on a free loopback port, started with its own configuration in a temporary directory:
 * Dante ({@code danted}, SOCKS5) or Tinyproxy (HTTP CONNECT). Without the program installed the test is
 * skipped locally and fails when {@code CI} is set, so CI never passes without running it ({@code .ci/run}
 * installs {@code dante-server} and {@code tinyproxy-bin}).
 */
public final class TestProxy implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final Path log;
    private final ProxySettings settings;

    private TestProxy(Process process, Path dir, Path log, ProxySettings settings) {
        this.process = process;
        this.dir = dir;
        this.log = log;
        this.settings = settings;
    }

    /**
     * A SOCKS5 proxy (Dante) without login, that lets loopback clients connect anywhere.
     *
     * @return the running proxy
     * @throws Exception if it cannot start
     */
    public static TestProxy dante() throws Exception {
        Path danted = program("danted", "dante-server", "/usr/sbin/danted", "/usr/local/sbin/danted");
        Path dir = Files.createTempDirectory("mailkit-dante-");
        int port = freePort();
        Path log = dir.resolve("danted.log");
        List<String> conf = new ArrayList<>(List.of(
                "logoutput: " + log,
                "internal: 127.0.0.1 port = " + port,
                "external: 127.0.0.1",
                "clientmethod: none",
                "socksmethod: none"));
        if ("root".equals(System.getProperty("user.name"))) {
            conf.addAll(List.of("user.privileged: root", "user.unprivileged: nobody"));
        }
        conf.addAll(List.of(
                "client pass {",
                "  from: 127.0.0.0/8 to: 0.0.0.0/0",
                "}",
                "socks pass {",
                "  from: 127.0.0.0/8 to: 0.0.0.0/0",
                "  command: connect",
                "  log: connect error",
                "}"));
        Path file = dir.resolve("danted.conf");
        Files.writeString(file, String.join("\n", conf) + "\n");
        Process p = new ProcessBuilder(danted.toString(), "-f", file.toString(), "-p", dir.resolve("danted.pid").toString(),
                "-N", "1").redirectErrorStream(true).redirectOutput(dir.resolve("danted.out").toFile()).start();
        return started(p, dir, log, port, ProxySettings.socks5("127.0.0.1", port));
    }

    /**
     * An HTTP proxy (Tinyproxy) that opens CONNECT tunnels to any port.
     *
     * @return the running proxy
     * @throws Exception if it cannot start
     */
    public static TestProxy tinyproxy() throws Exception {
        return tinyproxy(null, null, List.of());
    }

    /**
     * An HTTP proxy (Tinyproxy).
     *
     * @param user         with {@code password}: the login it asks for ({@code BasicAuth}), or null for none
     * @param password     the password of that login, or null
     * @param connectPorts the only ports it opens CONNECT tunnels to ({@code ConnectPort}), or empty for any
     * @return the running proxy, with its settings holding no credentials
     * @throws Exception if it cannot start
     */
    public static TestProxy tinyproxy(String user, String password, List<Integer> connectPorts) throws Exception {
        Path tinyproxy = program("tinyproxy", "tinyproxy-bin", "/usr/bin/tinyproxy", "/usr/sbin/tinyproxy",
                "/usr/local/bin/tinyproxy");
        Path dir = Files.createTempDirectory("mailkit-tinyproxy-");
        int port = freePort();
        Path log = dir.resolve("tinyproxy.log");
        List<String> conf = new ArrayList<>(List.of(
                "Port " + port,
                "Listen 127.0.0.1",
                "Timeout 60",
                "LogFile \"" + log + "\"",
                "LogLevel Info",
                "MaxClients 50",
                "Allow 127.0.0.1"));
        if (user != null) {
            conf.add("BasicAuth " + user + " " + password);
        }
        for (int p : connectPorts) {
            conf.add("ConnectPort " + p);
        }
        Path file = dir.resolve("tinyproxy.conf");
        Files.writeString(file, String.join("\n", conf) + "\n");
        Process p = new ProcessBuilder(tinyproxy.toString(), "-d", "-c", file.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("tinyproxy.out").toFile()).start();
        return started(p, dir, log, port, ProxySettings.http("127.0.0.1", port));
    }

    /** The proxy, without credentials. */
    public ProxySettings settings() {
        return settings;
    }

    /** The proxy's port. */
    public int port() {
        return settings.port();
    }

    /** What the proxy wrote to its log and its output so far. */
    public String log() throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".out")).toList()) {
                b.append(Files.readString(f, StandardCharsets.ISO_8859_1));
            }
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static Path program(String name, String debianPackage, String... paths) {
        Path found = Stream.of(paths).map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        if (found == null) {
            if (System.getenv("CI") != null) {
                fail(name + " is not installed but CI is set: install " + debianPackage + " (.ci/run does)");
            }
            Assumptions.abort(name + " is not installed (apt-get install " + debianPackage + "); skipping outside CI");
        }
        return found;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static TestProxy started(Process p, Path dir, Path log, int port, ProxySettings settings) throws Exception {
        TestProxy proxy = new TestProxy(p, dir, log, settings);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                String out = proxy.log();
                proxy.close();
                throw new IllegalStateException("the proxy exited with " + p.exitValue() + ": " + out);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return proxy;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        String out = proxy.log();
        proxy.close();
        throw new IllegalStateException("the proxy did not listen on port " + port + " within 15 s: " + out);
    }
}
