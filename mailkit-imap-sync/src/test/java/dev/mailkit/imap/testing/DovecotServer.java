package dev.mailkit.imap.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway Dovecot on a free loopback port: CONDSTORE/QRESYNC (always on in Dovecot 2.3), MOVE,
 * SPECIAL-USE folders, users alice/bob/carol/dave on Maildir storage and erin on mdbox (Dovecot's own
 * index-based storage), all with password "secret". Without Dovecot installed the tests are skipped locally and
 * fail when {@code CI} is set, so CI never passes without running them.
 */
public final class DovecotServer implements AutoCloseable {

    /** The password of every user. */
    public static final String PASSWORD = "secret";

    /**
     * The user whose mail Dovecot keeps in mdbox instead of Maildir: opening a large folder there reads
     * Dovecot's index only, where Maildir storage lists the folder's directory again after another
     * session changed it.
     */
    public static final String MDBOX_USER = "erin";

    private final Path dovecot;
    private final Path base;
    private final Path conf;
    private final int port;

    private DovecotServer(Path dovecot, Path base, Path conf, int port) {
        this.dovecot = dovecot;
        this.base = base;
        this.conf = conf;
        this.port = port;
    }

    /**
     * Starts a Dovecot, or skips the test (fails it when {@code CI} is set) when none is installed.
     *
     * @return the running server
     * @throws Exception if it cannot start
     */
    public static DovecotServer start() throws Exception {
        return start(Set.of());
    }

    /**
     * Starts a Dovecot that does not advertise some capabilities: it is started once to read what it
     * advertises after login, then restarted with {@code imap_capability} set to that list without them
     * (for example without CONDSTORE and QRESYNC, so clients take their UID/FLAGS diff path).
     *
     * @param withoutCapabilities capabilities to leave out (upper case), or none
     * @return the running server
     * @throws Exception if it cannot start
     */
    public static DovecotServer start(Set<String> withoutCapabilities) throws Exception {
        Path dovecot = installed();
        Path base = newBase();
        int port = freePort();
        String hash = run(List.of("doveadm", "pw", "-s", "SHA512-CRYPT", "-p", PASSWORD)).strip();
        UserPrincipalLookupService users = base.getFileSystem().getUserPrincipalLookupService();
        StringBuilder passwd = new StringBuilder();
        String uid = run(List.of("id", "-u", "mail")).strip();
        String gid = run(List.of("id", "-g", "mail")).strip();
        for (String u : List.of("alice", "bob", "carol", "dave", MDBOX_USER)) {
            Path home = base.resolve("home").resolve(u);
            Files.createDirectories(home);
            Files.setOwner(home, users.lookupPrincipalByName("mail"));
            passwd.append(u).append(':').append(hash).append(':').append(uid).append(':').append(gid)
                    .append("::").append(home).append(u.equals(MDBOX_USER) ? "::userdb_mail=mdbox:~/mdbox" : "")
                    .append('\n');
        }
        Files.writeString(base.resolve("users"), passwd.toString());
        Path conf = writeConfig(base, port, List.of(
                "  mailbox Sent {",
                "    special_use = \\Sent",
                "    auto = subscribe",
                "  }",
                "  mailbox Trash {",
                "    special_use = \\Trash",
                "    auto = subscribe",
                "  }"), List.of(
                "passdb {",
                "  driver = passwd-file",
                "  args = scheme=SHA512-CRYPT " + base.resolve("users"),
                "}",
                "userdb {",
                "  driver = passwd-file",
                "  args = " + base.resolve("users"),
                "}"));
        launch(dovecot, base, conf, port);
        DovecotServer server = new DovecotServer(dovecot, base, conf, port);
        if (!withoutCapabilities.isEmpty()) {
            List<String> kept = new java.util.ArrayList<>();
            for (String c : server.capabilitiesAfterLogin()) {
                if (!withoutCapabilities.contains(c.toUpperCase(java.util.Locale.ROOT))) {
                    kept.add(c);
                }
            }
            Files.writeString(conf, Files.readString(conf, StandardCharsets.US_ASCII)
                    + "imap_capability = " + String.join(" ", kept) + "\n", StandardCharsets.US_ASCII);
            server.stopAndLaunch();
            List<String> now = server.capabilitiesAfterLogin();
            for (String c : withoutCapabilities) {
                if (now.stream().anyMatch(c::equalsIgnoreCase)) {
                    server.close();
                    fail("Dovecot still advertises " + c + " after login: " + now);
                }
            }
        }
        return server;
    }

    /**
     * Starts a Dovecot where any user name logs in with {@link #PASSWORD} (a static passdb; each user's Maildir
     * is made at its first login, no folders made for it), with room for a thousand IDLE connections or more —
     * for tests of many accounts. Skipped or failing without Dovecot as {@link #start()}.
     *
     * @return the running server
     * @throws Exception if it cannot start
     */
    public static DovecotServer startForAnyUser() throws Exception {
        Path dovecot = installed();
        Path base = newBase();
        int port = freePort();
        Files.setOwner(base.resolve("home"), base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("mail"));
        String uid = run(List.of("id", "-u", "mail")).strip();
        String gid = run(List.of("id", "-g", "mail")).strip();
        Path conf = writeConfig(base, port, List.of(), List.of(
                // one imap process per connection: Dovecot's own limits are 100 and, for imap, 1024
                "default_process_limit = 1500",
                "default_client_limit = 6000",
                "service imap {",
                "  process_limit = 2500",
                "}",
                "passdb {",
                "  driver = static",
                "  args = password=" + PASSWORD,
                "}",
                "userdb {",
                "  driver = static",
                "  args = uid=" + uid + " gid=" + gid + " home=" + base.resolve("home") + "/%u",
                "}"));
        launch(dovecot, base, conf, port);
        return new DovecotServer(dovecot, base, conf, port);
    }

    private static Path installed() {
        Path dovecot = Stream.of("/usr/sbin/dovecot", "/usr/local/sbin/dovecot").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (dovecot == null) {
            if (System.getenv("CI") != null) {
                fail("Dovecot is not installed but CI is set: install dovecot-imapd (.ci/run does)");
            }
            Assumptions.abort("Dovecot is not installed (apt-get install dovecot-imapd); skipping outside CI");
        }
        return dovecot;
    }

    private static Path newBase() throws IOException {
        Path base = Files.createTempDirectory(Path.of("/tmp"), "mailkit-dovecot-");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String d : List.of("run", "home")) {
            Files.createDirectories(base.resolve(d));
        }
        return base;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Writes the configuration: IMAP on loopback without TLS, Maildir, one inbox namespace with {@code mailboxes}
     * in it, and {@code more} (authentication, limits).
     */
    private static Path writeConfig(Path base, int port, List<String> mailboxes, List<String> more) throws IOException {
        List<String> lines = new java.util.ArrayList<>(List.of(
                "base_dir = " + base.resolve("run"),
                "state_dir = " + base.resolve("run/state"),
                "protocols = imap",
                "listen = 127.0.0.1",
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
                "  separator = /"));
        lines.addAll(mailboxes);
        lines.add("}");
        lines.addAll(more);
        lines.addAll(List.of(
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
                "protocol imap {",
                "  mail_max_userip_connections = 50",
                "}",
                ""));
        Path conf = base.resolve("dovecot.conf");
        Files.writeString(conf, String.join("\n", lines), StandardCharsets.US_ASCII);
        return conf;
    }

    /**
     * What the server advertises after a login (CAPABILITY), read over a plain socket.
     *
     * @return the capabilities, as the server spells them
     * @throws IOException if the exchange fails
     */
    public List<String> capabilitiesAfterLogin() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            java.io.Writer out = new java.io.OutputStreamWriter(s.getOutputStream(), StandardCharsets.US_ASCII);
            in.readLine(); // greeting
            out.write("a LOGIN alice " + PASSWORD + "\r\nb CAPABILITY\r\nc LOGOUT\r\n");
            out.flush();
            List<String> capabilities = null;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("a ") && !line.startsWith("a OK")) {
                    throw new IOException("LOGIN refused: " + line);
                }
                if (line.regionMatches(true, 0, "* CAPABILITY ", 0, 13)) {
                    capabilities = List.of(line.substring(13).strip().split(" +"));
                }
                if (line.startsWith("c ")) {
                    break;
                }
            }
            if (capabilities == null) {
                throw new IOException("no CAPABILITY answer");
            }
            return capabilities;
        }
    }

    private static void launch(Path dovecot, Path base, Path conf, int port) throws Exception {
        // The master daemonizes and keeps its inherited output open: send it to a file, not a pipe.
        Process master = new ProcessBuilder(dovecot.toString(), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(base.resolve("dovecot.out").toFile()).start();
        if (!master.waitFor(30, TimeUnit.SECONDS) || master.exitValue() != 0) {
            fail("dovecot did not start: " + Files.readString(base.resolve("dovecot.out")) + log(base));
        }
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                break;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    fail("Dovecot did not start listening on " + port + ": " + log(base));
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * Stops the server (its IMAP processes end, their connections drop) and starts it again on the same
     * port with the same mailboxes, like a server restarted for maintenance.
     *
     * @throws Exception if it does not come back
     */
    public void restart() throws Exception {
        doveadm("kick", "*"); // every open session ends now, whatever it is doing
        stopAndLaunch();
    }

    /** Stops the server, waits until its port is free, and starts it again with the same configuration. */
    private void stopAndLaunch() throws Exception {
        doveadm("stop");
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) { // wait until the port is free, so the new master can listen on it
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                if (System.currentTimeMillis() > deadline) {
                    fail("Dovecot did not stop listening on " + port);
                }
                Thread.sleep(50);
            } catch (IOException e) {
                break;
            }
        }
        launch(dovecot, base, conf, port);
    }

    /**
     * A user's Maildir as Dovecot stores it (files written here appear in the mailbox; chown them to mail).
     *
     * @param user alice, bob, carol or dave
     * @return the directory
     */
    public Path maildir(String user) {
        return base.resolve("home").resolve(user).resolve("Maildir");
    }

    /** The IMAP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Runs doveadm against this server, for example to recreate a mailbox. */
    public String doveadm(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("doveadm", "-c", conf.toString()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /**
     * Dovecot's log so far.
     *
     * @return the log, or "(no log)"
     */
    public String log() {
        return log(base);
    }

    private static String log(Path base) {
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
    public void close() throws Exception {
        try {
            doveadm("stop");
        } catch (IOException e) {
            // already stopped
        }
        try (Stream<Path> walk = Files.walk(base)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * One throwaway Dovecot per test class: {@code @RegisterExtension static final DovecotServer.PerClass
     * DOVECOT = new DovecotServer.PerClass();} starts it before the class's first test and stops it after
     * its last.
     */
    public static final class PerClass implements org.junit.jupiter.api.extension.BeforeAllCallback,
            org.junit.jupiter.api.extension.AfterAllCallback {
        private final Set<String> withoutCapabilities;
        private DovecotServer server;

        /** A Dovecot with its default capabilities. */
        public PerClass() {
            this(Set.of());
        }

        /**
         * A Dovecot that does not advertise these capabilities (see {@link DovecotServer#start(Set)}).
         *
         * @param withoutCapabilities capabilities to leave out, upper case
         */
        public PerClass(Set<String> withoutCapabilities) {
            this.withoutCapabilities = Set.copyOf(withoutCapabilities);
        }

        @Override
        public void beforeAll(org.junit.jupiter.api.extension.ExtensionContext context) throws Exception {
            server = DovecotServer.start(withoutCapabilities);
        }

        @Override
        public void afterAll(org.junit.jupiter.api.extension.ExtensionContext context) throws Exception {
            if (server != null) {
                server.close();
                server = null;
            }
        }

        /**
         * The running server.
         *
         * @return the server of the current test class
         */
        public DovecotServer server() {
            return server;
        }
    }
}
