package dev.mailkit.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mailkit.core.ConnectionException;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.imap.testing.HostileImapServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A synchronizer pointed at an SMTP or POP3 port says so, with the fix, at once. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ImapProtocolMixUpTest {

    @TempDir
    Path dir;

    private Throwable syncWithGreeting(String greeting) throws Exception {
        try (HostileImapServer server = new HostileImapServer("u", "p")) {
            server.greeting(out -> {
                out.write((greeting + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(10_000); // an SMTP or POP3 server waits for the client's command
            });
            try (ImapSynchronizer sync = ImapSynchronizer.builder().endpoint("127.0.0.1", server.port(), Security.PLAIN)
                    .options(ConnectionOptions.builder().allowPlaintext().readTimeout(Duration.ofSeconds(5)).build())
                    .credentials(Credentials.password("u", "p")).maildir(dir.resolve("m")).build()) {
                long start = System.nanoTime();
                Throwable e = catchThrowable(sync::syncOnce);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("told at once, not after a timeout")
                        .isLessThan(Duration.ofSeconds(4));
                return e;
            }
        }
    }

    @Test
    void anSmtpGreeting_isNamed() throws Exception {
        assertThat(syncWithGreeting("220 mx.example.com ESMTP Postfix")).isInstanceOfSatisfying(ConnectionException.class,
                c -> assertThat(c.isPermanent()).isTrue())
                .hasMessageContaining("an SMTP server, not an IMAP server").hasMessageContaining("IMAP port");
    }

    @Test
    void aPop3Greeting_isNamed() throws Exception {
        assertThat(syncWithGreeting("+OK Dovecot ready.")).isInstanceOf(ConnectionException.class)
                .hasMessageContaining("a POP3 server").hasMessageContaining("IMAP port");
    }
}
