package dev.mailkit.imap;

import static dev.mailkit.imap.MirrorAssertions.files;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.testing.TestProxy;
import dev.mailkit.imap.testing.DovecotServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sync and {@code watch()} with Dovecot through real proxies on loopback (Dante, SOCKS5; Tinyproxy, HTTP
 * CONNECT): QRESYNC, IDLE and the mass of FETCH replies go through the tunnel like any other bytes.
 */
class DovecotThroughProxyIT extends DovecotTestBase {

    @TempDir
    Path dir;

    @Test
    void syncAndWatch_throughSocks5AndHttpConnect() throws Exception {
        DovecotServer dovecot = DOVECOT.server();
        try (ServerClient server = new ServerClient("127.0.0.1", dovecot.port(), "bob", DovecotServer.PASSWORD)) {
            for (int i = 1; i <= 20; i++) {
                server.append("INBOX", ServerClient.message(i, "<proxied-" + i + "@example.com>", "message " + i));
            }
        }
        try (TestProxy dante = TestProxy.dante(); TestProxy tinyproxy = TestProxy.tinyproxy()) {
            int n = 0;
            for (TestProxy proxy : List.of(dante, tinyproxy)) {
                Path maildir = dir.resolve("mirror-" + n++);
                ImapSynchronizer.Builder b = ImapSynchronizer.builder()
                        .endpoint(ServerEndpoint.of("localhost", dovecot.port(), Security.PLAIN))
                        .options(ConnectionOptions.builder().allowPlaintext().proxy(proxy.settings()).build())
                        .credentials(Credentials.password("bob", DovecotServer.PASSWORD)).maildir(maildir);
                try (ImapSynchronizer sync = b.build()) {
                    assertThat(sync.syncOnce().added()).as(proxy.settings().toString()).isGreaterThanOrEqualTo(20);
                    int before = files(maildir, "INBOX").size();
                    try (SyncWatch watch = sync.watch()) {
                        try (ServerClient server = new ServerClient("127.0.0.1", dovecot.port(), "bob", DovecotServer.PASSWORD)) {
                            server.append("INBOX", ServerClient.message(100 + n, "<pushed-" + n + "@example.com>", "new"));
                        }
                        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                        while (files(maildir, "INBOX").size() == before && System.nanoTime() < deadline) {
                            Thread.sleep(100);
                        }
                    }
                    assertThat(files(maildir, "INBOX")).as("the new message arrived while watching through " + proxy.settings())
                            .hasSize(before + 1);
                }
                assertThat(files(maildir, "INBOX")).hasSizeGreaterThanOrEqualTo(21);
            }
            assertThat(dante.log()).contains("tcp/connect");
            assertThat(tinyproxy.log()).contains("CONNECT");
        }
    }
}
