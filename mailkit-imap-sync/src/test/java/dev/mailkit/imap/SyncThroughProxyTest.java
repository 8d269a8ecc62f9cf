package dev.mailkit.imap;

import static dev.mailkit.imap.MirrorAssertions.files;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.ProxySettings;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.testing.TestCertificates;
import dev.mailkit.core.testing.TestProxy;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two-way sync through real proxies on loopback (Dante, SOCKS5; Tinyproxy, HTTP CONNECT) to GreenMail, over
 * plain IMAP and implicit TLS: mail comes down, a local change goes up, and nothing is left to do.
 */
class SyncThroughProxyTest {

    private GreenMail greenMail;
    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        TestCertificates.localhostPem();
        greenMail = new GreenMail(new ServerSetup[] {
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAPS)});
        greenMail.start();
        greenMail.setUser("alice@localhost", "alice", "alice-pw");
    }

    @AfterEach
    void stop() {
        greenMail.stop();
    }

    private ImapSynchronizer synchronizer(ServerEndpoint endpoint, ProxySettings proxy, Path maildir) {
        return ImapSynchronizer.builder().endpoint(endpoint)
                .options(ConnectionOptions.builder().allowPlaintext().trustCertificates(TestCertificates.localhostPem())
                        .proxy(proxy).build())
                .credentials(Credentials.password("alice", "alice-pw")).maildir(maildir).build();
    }

    @Test
    void syncsBothWays_throughSocks5AndHttpConnect_plainAndOverTls() throws Exception {
        try (ServerClient server = new ServerClient("127.0.0.1", greenMail.getImap().getPort(), "alice", "alice-pw")) {
            server.append("INBOX", ServerClient.message(1, "<p1@example.com>", "one"),
                    ServerClient.message(2, "<p2@example.com>", "two"));
        }
        try (TestProxy dante = TestProxy.dante(); TestProxy tinyproxy = TestProxy.tinyproxy()) {
            int mirrors = 0;
            for (TestProxy proxy : List.of(dante, tinyproxy)) {
                for (ServerEndpoint endpoint : List.of(
                        ServerEndpoint.of("localhost", greenMail.getImap().getPort(), Security.PLAIN),
                        ServerEndpoint.of("localhost", greenMail.getImaps().getPort(), Security.SSL_TLS))) {
                    Path maildir = dir.resolve("mirror-" + mirrors++);
                    try (ImapSynchronizer sync = synchronizer(endpoint, proxy.settings(), maildir)) {
                        SyncReport first = sync.syncOnce();
                        assertThat(first.added()).as(proxy.settings() + " " + endpoint).isEqualTo(2);
                        MirroredFolder inbox = sync.local().folder("INBOX");
                        MessageRecord oldest = inbox.messages().stream()
                                .min(java.util.Comparator.comparingLong(MessageRecord::uid)).orElseThrow();
                        long uid = oldest.uid();
                        if (oldest.flags().seen()) {
                            inbox.markUnread(uid);
                        } else {
                            inbox.markRead(uid);
                        }
                        assertThat(sync.syncOnce().pushed()).isEqualTo(1);
                        SyncReport again = sync.syncOnce();
                        assertThat(again.added() + again.pushed()).isZero();
                    }
                    assertThat(files(maildir, "INBOX")).hasSize(2);
                }
            }
            assertThat(dante.log()).contains("tcp/connect");
            assertThat(tinyproxy.log()).contains("CONNECT");
        }
        try (ServerClient server = new ServerClient("127.0.0.1", greenMail.getImap().getPort(), "alice", "alice-pw")) {
            Folder inbox = server.folder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                Message first = inbox.getMessage(1);
                // four mirrors, each toggled \Seen on the oldest message once, seeing the last one's change: it ends as it began
                assertThat(first.getFlags().contains(Flags.Flag.SEEN)).isFalse();
            } finally {
                inbox.close(false);
            }
        }
        assertThat(Files.exists(dir.resolve("mirror-3").resolve("mailkit-state.db"))).isTrue();
    }
}
