package dev.mailkit.fleet.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throwaway Dovecot on a free loopback port where any user name logs in with {@link #PASSWORD} (a static
 * passdb; each user's Maildir is made at its first login), started the way {@code DovecotServer} starts its
 * own. Register with {@code @RegisterExtension static}. Without Dovecot the tests are skipped locally and fail
 * when {@code CI} is set.
 */
public final class ManyUsersDovecot implements BeforeAllCallback, AfterAllCallback {

    /** The password of every user. */
    public static final String PASSWORD = "secret";

    private Path base;
    private Path conf;
    private int port;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path dovecot = Stream.of("/usr/sbin/dovecot", "/usr/local/sbin/dovecot").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (dovecot == null) {
            if (System.getenv("CI") != null) {
                fail("Dovecot is not installed but CI is set: install dovecot-imapd (.ci/run does)");
            }
            Assumptions.abort("Dovecot is not installed (apt-get install dovecot-imapd); skipping outside CI");
        }
        base = Files.createTempDirectory(Path.of("/tmp"), "mailkit-dovecot-many-");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(base.resolve("run"));
        Path home = Files.createDirectories(base.resolve("home"));
        Files.setOwner(home, home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("mail"));
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String uid = run(List.of("id", "-u", "mail")).strip();
        String gid = run(List.of("id", "-g", "mail")).strip();
        conf = base.resolve("dovecot.conf");
        Files.writeString(conf, String.join("\n",
                "base_dir = " + base.resolve("run"),
                "state_dir = " + base.resolve("run/state"),
                "protocols = imap",
                "listen = 127.0.0.1",
                // room for a watching fleet's IDLE connections: one imap process per connection
                "default_process_limit = 1500",
                "default_client_limit = 6000",
                "log_path = " + base.resolve("dovecot.log"),
                "ssl = no",
                "disable_plaintext_auth = no",
                "auth_mechanisms = plain login",
                "mail_location = maildir:~/Maildir",
                "mail_uid = mail",
                "mail_gid = mail",
                "first_valid_uid = 1",
                "namespace inbox {",
                "  inbox = yes",
                "  separator = /",
                "}",
                "passdb {",
                "  driver = static",
                "  args = password=" + PASSWORD,
                "}",
                "userdb {",
                "  driver = static",
                "  args = uid=" + uid + " gid=" + gid + " home=" + home + "/%u",
                "}",
                "service imap-login {",
                "  chroot =",
                "  inet_listener imap {",
                "    address = 127.0.0.1",
                "    port = " + port,
                "  }",
                "  inet_listener imaps {",
                "    port = 0",
                "  }",
                "}",
                "service anvil {",
                "  chroot =",
                "}",
                "service imap {",
                "  process_limit = 2500", // Dovecot's own default for imap is 1024
                "}",
                "protocol imap {",
                "  mail_max_userip_connections = 50",
                "}",
                ""), StandardCharsets.US_ASCII);
        Process master = new ProcessBuilder(dovecot.toString(), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(base.resolve("dovecot.out").toFile()).start();
        if (!master.waitFor(30, TimeUnit.SECONDS) || master.exitValue() != 0) {
            fail("dovecot did not start: " + Files.readString(base.resolve("dovecot.out")) + log());
        }
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                break;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    fail("Dovecot did not start listening on " + port + ": " + log());
                }
                Thread.sleep(50);
            }
        }
    }

    /** The IMAP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Dovecot's log so far. */
    public String log() {
        try {
            return Files.readString(base.resolve("dovecot.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(cmd + " failed: " + out);
        }
        return out;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (base == null) {
            return;
        }
        try {
            run(new ArrayList<>(List.of("doveadm", "-c", conf.toString(), "stop")));
        } catch (IOException e) {
            // already stopped
        }
        try (Stream<Path> walk = Files.walk(base)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        base = null;
    }
}
