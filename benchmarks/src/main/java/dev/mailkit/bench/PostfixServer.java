package dev.mailkit.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway Postfix instance on a loopback port with its own configuration and queue under a work
 * directory: accepts mail from loopback for any recipient and discards it ({@code default_transport =
 * discard}), so the MTA's SMTP front end is measured, not a mail store. Needs Debian's {@code postfix}
 * package and root (Postfix starts its daemons as root and drops to the postfix user).
 */
final class PostfixServer implements AutoCloseable {

    private static final String POSTFIX = "/usr/sbin/postfix";
    private static final String[] SERVICES = {
        "pickup    unix  n - n 60 1 pickup",
        "cleanup   unix  n - n -  0 cleanup",
        "qmgr      unix  n - n 300 1 qmgr",
        "rewrite   unix  - - n -  - trivial-rewrite",
        "bounce    unix  - - n -  0 bounce",
        "defer     unix  - - n -  0 bounce",
        "trace     unix  - - n -  0 bounce",
        "verify    unix  - - n -  1 verify",
        "flush     unix  n - n 1000? 0 flush",
        "proxymap  unix  - - n -  - proxymap",
        "smtp      unix  - - n -  - smtp",
        "showq     unix  n - n -  - showq",
        "error     unix  - - n -  - error",
        "retry     unix  - - n -  - error",
        "discard   unix  - - n -  - discard",
        "anvil     unix  - - n -  1 anvil",
        "scache    unix  - - n -  1 scache",
        "postlog   unix-dgram n - n - 1 postlogd",
    };

    private final Path conf;
    private final int port;

    private PostfixServer(Path conf, int port) {
        this.conf = conf;
        this.port = port;
    }

    /** Whether this machine can run one: the package is installed and we are root. */
    static boolean available() {
        return Files.isExecutable(Path.of(POSTFIX)) && "root".equals(System.getProperty("user.name"));
    }

    static PostfixServer start(Path work) throws IOException, InterruptedException {
        Path dir = work.toAbsolutePath();
        Path conf = dir.resolve("conf");
        Files.createDirectories(conf);
        Files.createDirectories(dir.resolve("queue"));
        Files.createDirectories(dir.resolve("data"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(conf.resolve("main.cf"), String.join("\n",
                "compatibility_level = 3.6",
                "queue_directory = " + dir.resolve("queue"),
                "data_directory = " + dir.resolve("data"),
                "inet_interfaces = 127.0.0.1",
                "inet_protocols = ipv4",
                "myhostname = bench.localhost",
                "mydestination =",
                "mynetworks = 127.0.0.0/8",
                "smtpd_relay_restrictions = permit_mynetworks, reject",
                "default_transport = discard",
                "local_transport = discard",
                "relay_transport = discard",
                "maillog_file = " + dir.resolve("maillog"),
                "maillog_file_prefixes = " + dir,
                "smtputf8_enable = no",
                // Postfix's daemons (smtpd, cleanup, discard) exit after 100 uses by default and are
                // started again: on this machine that was about 7 of the ~33 core-seconds the machine spent
                // on 10,000 messages, whoever sent them. Kept running, Postfix is less of the bottleneck.
                "max_use = 100000",
                ""), StandardCharsets.US_ASCII);
        Files.writeString(conf.resolve("master.cf"), "127.0.0.1:" + port + " inet n - n - - smtpd\n"
                + String.join("\n", SERVICES) + "\n", StandardCharsets.US_ASCII);
        run(List.of("chown", "postfix", dir.resolve("data").toString()));
        run(List.of(POSTFIX, "-c", conf.toString(), "start"));
        PostfixServer server = new PostfixServer(conf, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return server;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    server.close();
                    throw new IOException("Postfix did not listen on 127.0.0.1:" + port + "; see " + dir.resolve("maillog"), e);
                }
                Thread.sleep(100);
            }
        }
    }

    int port() {
        return port;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            run(List.of(POSTFIX, "-c", conf.toString(), "stop"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
