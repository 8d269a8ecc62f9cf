package dev.mailkit.spring.boot;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A GreenMail server on loopback (SMTP and IMAP, plaintext) with one account, and the properties that name it. */
final class TestMail implements AutoCloseable {

    static final String ADDRESS = "alice@localhost";
    static final String USER = "alice";
    static final String PASSWORD = "pw-9c41-never-shown";

    final GreenMail greenMail;

    TestMail() {
        greenMail = new GreenMail(new ServerSetup[] {
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        greenMail.start();
        greenMail.setUser(ADDRESS, USER, PASSWORD);
    }

    int smtpPort() {
        return greenMail.getSmtp().getPort();
    }

    int imapPort() {
        return greenMail.getImap().getPort();
    }

    /** The account and its SMTP server. */
    String[] smtpProperties() {
        return new String[] {
                "mailkit.address=" + ADDRESS,
                "mailkit.username=" + USER,
                "mailkit.password=" + PASSWORD,
                "mailkit.allow-plaintext=true",
                "mailkit.smtp.host=127.0.0.1",
                "mailkit.smtp.port=" + smtpPort(),
                "mailkit.smtp.security=plain"};
    }

    /** The account's IMAP server, syncing into {@code maildir}. */
    String[] syncProperties(java.nio.file.Path maildir) {
        return new String[] {
                "mailkit.sync.enabled=true",
                "mailkit.sync.host=127.0.0.1",
                "mailkit.sync.port=" + imapPort(),
                "mailkit.sync.security=plain",
                "mailkit.sync.maildir=" + maildir};
    }

    /** Delivers a message to the account, through GreenMail's own client. */
    void deliver(String subject) {
        GreenMailUtil.sendTextEmail(ADDRESS, "bob@localhost", subject, "body of " + subject,
                greenMail.getSmtp().getServerSetup());
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
