package dev.mailkit.fleet.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL server (the distribution's binaries, {@code apt-get install postgresql}) on a free
 * loopback port, its data in a temporary directory, trust authentication for user {@code mailkit}. Run as root,
 * it runs the server as the {@code postgres} user (PostgreSQL refuses root). Without PostgreSQL installed the
 * tests are skipped locally and fail when {@code CI} is set.
 */
public final class PostgresServer implements AutoCloseable {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path bin;
    private final Path base;
    private final int port;

    private PostgresServer(Path bin, Path base, int port) {
        this.bin = bin;
        this.base = base;
        this.port = port;
    }

    /**
     * Starts a server, or skips the test (fails it when {@code CI} is set) when none is installed.
     *
     * @return the running server
     * @throws Exception if it cannot start
     */
    public static PostgresServer start() throws Exception {
        Path bin = findBin();
        if (bin == null) {
            if (System.getenv("CI") != null) {
                fail("PostgreSQL is not installed but CI is set: install postgresql (.ci/run does)");
            }
            Assumptions.abort("PostgreSQL is not installed (apt-get install postgresql); skipping outside CI");
        }
        Path base = Files.createTempDirectory(Path.of("/tmp"), "mailkit-postgres-");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = base.resolve("data");
        Files.createDirectories(data);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        if (isRoot()) {
            Files.setOwner(base, base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
            Files.setOwner(data, base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
        }
        run(base, List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "mailkit", "-A", "trust",
                "-E", "UTF8", "--no-locale", "--no-sync"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        run(base, List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", base.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -h 127.0.0.1 -k " + base + " -c fsync=off"
                        + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                "start"));
        return new PostgresServer(bin, base, port);
    }

    private static Path findBin() {
        List<Path> candidates = new ArrayList<>();
        Path lib = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> versions = Files.list(lib)) {
                versions.sorted(Comparator.reverseOrder()).forEach(v -> candidates.add(v.resolve("bin")));
            } catch (IOException e) {
                // none
            }
        }
        candidates.add(Path.of("/usr/local/bin"));
        return candidates.stream().filter(p -> Files.isExecutable(p.resolve("initdb")) && Files.isExecutable(p.resolve("pg_ctl")))
                .findFirst().orElse(null);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String run(Path base, List<String> cmd) throws Exception {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
        }
        full.addAll(cmd);
        // pg_ctl's server keeps its inherited output open: send it to a file, not a pipe.
        Path out = Files.createTempFile(base, "cmd-", ".out");
        Process p = new ProcessBuilder(full).directory(base.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            fail(cmd + " failed: " + Files.readString(out, StandardCharsets.UTF_8) + log(base));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static String log(Path base) {
        try {
            return Files.readString(base.resolve("server.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /**
     * Creates an empty database.
     *
     * @return its JDBC URL
     * @throws Exception if it cannot be created
     */
    public String newDatabase() throws Exception {
        String name = "mailkit_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), "mailkit", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    /**
     * The JDBC URL of a database of this server.
     *
     * @param database the database
     * @return the URL
     */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=mailkit";
    }

    /** The port on 127.0.0.1. */
    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        try {
            run(base, List.of(bin.resolve("pg_ctl").toString(), "-D", base.resolve("data").toString(), "-m", "immediate",
                    "-w", "stop"));
        } finally {
            try (Stream<Path> walk = Files.walk(base)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
