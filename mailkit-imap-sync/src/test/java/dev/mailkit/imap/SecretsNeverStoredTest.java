package dev.mailkit.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Syncs with a recognisable password and with an OAuth2 access token (XOAUTH2; debug logging on, see
 * the build), fails a login with another password, then scans the log, the exception texts, every
 * {@code toString()} and every byte of the Maildirs and their state databases: no password, no token and
 * no base64 form of the XOAUTH2 exchange may appear anywhere.
 */
class SecretsNeverStoredTest {

    private static final String PASSWORD = "Imap-S3cr3t-Pa55";
    private static final String WRONG = "Wr0ng-Imap-Pa55";
    private static final String TOKEN = "ya29.Imap-T0ken-Value-xyz";

    @TempDir
    Path maildir;

    @Test
    void passwords_neverReachLogsExceptionsToStringOrTheStore() throws Exception {
        GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
        mail.start();
        StringBuilder texts = new StringBuilder();
        try {
            mail.setUser("alice@localhost", "alice", PASSWORD);
            try (ServerClient server = new ServerClient("127.0.0.1", mail.getImap().getPort(), "alice", PASSWORD)) {
                server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"));
            }
            ImapSynchronizer.Builder b = ImapSynchronizer.builder().endpoint("127.0.0.1", mail.getImap().getPort(), Security.PLAIN)
                    .options(ConnectionOptions.builder().allowPlaintext().build()).maildir(maildir);
            try (ImapSynchronizer s = b.credentials(Credentials.password("alice", PASSWORD)).build()) {
                SyncReport r = s.syncOnce();
                assertThat(r.added()).isEqualTo(1);
                texts.append(s).append(r).append(s.state());
            }
            // GreenMail checks an XOAUTH2 bearer token as the user's password.
            mail.setUser("bob@localhost", "bob", TOKEN);
            try (ServerClient server = new ServerClient("127.0.0.1", mail.getImap().getPort(), "bob", TOKEN)) {
                server.append("INBOX", ServerClient.message(2, "<b@example.com>", "b"));
            }
            try (ImapSynchronizer s = b.maildir(maildir.resolve("oauth")).credentials(Credentials.oauth2("bob", () -> TOKEN)).build()) {
                SyncReport r = s.syncOnce();
                assertThat(r.added()).isEqualTo(1);
                texts.append(s).append(r).append(s.state());
            }
            b.maildir(maildir);
            try (ImapSynchronizer s = b.credentials(Credentials.password("alice", WRONG)).build()) {
                Throwable e = catchThrowable(s::syncOnce);
                assertThat(e).isInstanceOf(dev.mailkit.core.AuthenticationException.class);
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                texts.append(trace).append(s);
            }
        } finally {
            mail.stop();
        }
        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/mailkit-test.log"));
        String logged = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(logged).as("the debug log has the sync in it").contains("INBOX");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(maildir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).filteredOn(p -> p.getFileName().toString().equals("mailkit-state.db")).hasSize(2);
        String xoauth2 = java.util.Base64.getEncoder().encodeToString(
                ("user=bob\u0001auth=Bearer " + TOKEN + "\u0001\u0001").getBytes(StandardCharsets.UTF_8));
        for (String secret : new String[] {PASSWORD, WRONG, TOKEN, xoauth2}) {
            assertThat(logged).doesNotContain(secret);
            assertThat(texts.toString()).doesNotContain(secret);
            for (Path f : files) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(secret);
            }
        }
    }
}
