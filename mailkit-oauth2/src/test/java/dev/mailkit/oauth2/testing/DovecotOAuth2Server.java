package dev.mailkit.oauth2.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway Dovecot on loopback whose only password database is {@code oauth2}: every IMAP and
 * submission login is checked by token introspection (RFC 7662) at the {@link TestAuthorizationServer}, so
 * only a token that server issued and still considers active gets in. Its submission service (SMTP AUTH
 * through the same check) relays accepted mail to a given SMTP port. Without Dovecot (dovecot-imapd and
 * dovecot-submissiond) the test is skipped locally and fails when {@code CI} is set.
 */
public final class DovecotOAuth2Server implements AutoCloseable {

    private final Path base;
    private final Path conf;
    private final int imapPort;
    private final int submissionPort;

    private DovecotOAuth2Server(Path base, Path conf, int imapPort, int submissionPort) {
        this.base = base;
        this.conf = conf;
        this.imapPort = imapPort;
        this.submissionPort = submissionPort;
    }

    /**
     * Starts a Dovecot validating tokens at the authorization server.
     *
     * @param as         the authorization server
     * @param relayPort  the loopback SMTP port that submitted mail is relayed to
     * @param mechanisms the SASL mechanisms offered, for example {@code "oauthbearer xoauth2"}
     * @return the running server
     * @throws Exception if it cannot start
     */
    public static DovecotOAuth2Server start(TestAuthorizationServer as, int relayPort, String mechanisms)
            throws Exception {
        Path dovecot = Path.of("/usr/sbin/dovecot");
        for (Path needed : List.of(dovecot, Path.of("/usr/lib/dovecot/submission"))) {
            if (!Files.isExecutable(needed)) {
                if (System.getenv("CI") != null) {
                    fail(needed + " is missing but CI is set: install dovecot-imapd and dovecot-submissiond (.ci/run does)");
                }
                Assumptions.abort(needed + " is missing (apt-get install dovecot-imapd dovecot-submissiond); skipping");
            }
        }
        Path base = Files.createTempDirectory(Path.of("/tmp"), "mailkit-dovecot-oauth2-");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(base.resolve("run"));
        Path home = Files.createDirectories(base.resolve("home").resolve("alice"));
        UserPrincipal mail = base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("mail");
        Files.setOwner(home, mail);
        int imap = freePort();
        int submission = freePort();
        Path ca = base.resolve("as-ca.pem");
        Files.copy(as.certificatePem(), ca);
        Files.setPosixFilePermissions(ca, PosixFilePermissions.fromString("rw-r--r--"));
        Path oauth2 = base.resolve("dovecot-oauth2.conf.ext");
        Files.writeString(oauth2, String.join("\n",
                "introspection_mode = post",
                "introspection_url = https://" + TestAuthorizationServer.INTROSPECTION_CLIENT_ID + ":"
                        + as.introspectionSecret() + "@127.0.0.1:" + as.base().getPort() + "/oauth2/introspect",
                "force_introspection = yes",
                "username_attribute = sub",
                "active_attribute = active",
                "active_value = true",
                "tls_ca_cert_file = " + ca,
                ""), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(oauth2, PosixFilePermissions.fromString("rw-------"));
        Path conf = base.resolve("dovecot.conf");
        Files.writeString(conf, String.join("\n",
                "base_dir = " + base.resolve("run"),
                "state_dir = " + base.resolve("run/state"),
                "protocols = imap submission",
                "listen = 127.0.0.1",
                "log_path = " + base.resolve("dovecot.log"),
                "auth_verbose = yes",
                "ssl = no",
                "disable_plaintext_auth = no",
                "auth_mechanisms = " + mechanisms,
                "mail_location = maildir:~/Maildir",
                "mail_uid = mail",
                "mail_gid = mail",
                "first_valid_uid = 1",
                "hostname = mail.example.test",
                "submission_relay_host = 127.0.0.1",
                "submission_relay_port = " + relayPort,
                "submission_relay_trusted = yes",
                "namespace inbox {",
                "  inbox = yes",
                "  separator = /",
                "  mailbox Sent {",
                "    special_use = \\Sent",
                "    auto = subscribe",
                "  }",
                "}",
                "passdb {",
                "  driver = oauth2",
                "  mechanisms = " + mechanisms,
                "  args = " + oauth2,
                "}",
                "userdb {",
                "  driver = static",
                "  args = uid=mail gid=mail home=" + base.resolve("home") + "/%n allow_all_users=yes",
                "}",
                "service imap-login {",
                "  chroot =",
                "  inet_listener imap {",
                "    address = 127.0.0.1",
                "    port = " + imap,
                "  }",
                "  inet_listener imaps {",
                "    port = 0",
                "  }",
                "}",
                "service submission-login {",
                "  chroot =",
                "  inet_listener submission {",
                "    address = 127.0.0.1",
                "    port = " + submission,
                "  }",
                "}",
                "service anvil {",
                "  chroot =",
                "}",
                ""), StandardCharsets.US_ASCII);
        Process master = new ProcessBuilder(dovecot.toString(), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(base.resolve("dovecot.out").toFile()).start();
        DovecotOAuth2Server server = new DovecotOAuth2Server(base, conf, imap, submission);
        if (!master.waitFor(30, TimeUnit.SECONDS) || master.exitValue() != 0) {
            fail("dovecot did not start: " + Files.readString(base.resolve("dovecot.out")) + server.log());
        }
        for (int port : List.of(imap, submission)) {
            long deadline = System.currentTimeMillis() + 15_000;
            while (true) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.getInputStream(); // listening
                    break;
                } catch (IOException e) {
                    if (System.currentTimeMillis() > deadline) {
                        fail("Dovecot did not listen on " + port + ": " + server.log());
                    }
                    Thread.sleep(50);
                }
            }
        }
        return server;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The IMAP port on 127.0.0.1 (no TLS). */
    public int imapPort() {
        return imapPort;
    }

    /** The submission (SMTP AUTH) port on 127.0.0.1 (no TLS). */
    public int submissionPort() {
        return submissionPort;
    }

    /**
     * Delivers a message to a user's INBOX, as the mail system would.
     *
     * @param user    the login name
     * @param message the RFC 5322 message
     * @throws Exception if doveadm fails
     */
    public void deliver(String user, String message) throws Exception {
        Process p = new ProcessBuilder("doveadm", "-c", conf.toString(), "save", "-u", user, "-m", "INBOX")
                .redirectErrorStream(true).start();
        p.getOutputStream().write(message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("doveadm save failed: " + out);
        }
    }

    /**
     * Ends every session of a user now, as a server restart or a dropped connection would.
     *
     * @param user the login name
     * @throws Exception if doveadm fails
     */
    public void kick(String user) throws Exception {
        Process p = new ProcessBuilder("doveadm", "-c", conf.toString(), "kick", user).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    /** Dovecot's log (logins show {@code method=OAUTHBEARER} or {@code XOAUTH2}). */
    public String log() {
        try {
            return Files.readString(base.resolve("dovecot.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() throws Exception {
        try { // kept for reading after a failure
            Path target = Path.of("target");
            if (Files.isDirectory(target)) {
                Files.copy(base.resolve("dovecot.log"), target.resolve("dovecot-oauth2-" + imapPort + ".log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // no log to keep
        }
        Process p = new ProcessBuilder("doveadm", "-c", conf.toString(), "stop").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor(30, TimeUnit.SECONDS);
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(base)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path path : paths) {
            path.toFile().delete();
        }
    }
}
