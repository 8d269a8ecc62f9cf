package dev.mailkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mailkit.core.ConnectionException;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.smtp.testing.HostileSmtpServer;
import dev.mailkit.smtp.testing.HostileSmtpServer.Reply;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A sender pointed at a server of another protocol says so, with the fix, instead of "the server closed the connection". */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProtocolMixUpTest {

    private static Throwable sendTo(HostileSmtpServer server) {
        try (SmtpSender s = SmtpSender.builder().endpoint("127.0.0.1", server.port(), Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().readTimeout(Duration.ofSeconds(3)).build())
                .credentials(Credentials.password("user", "pw-123")).retryPolicy(RetryPolicy.none()).build()) {
            long start = System.nanoTime();
            Throwable e = catchThrowable(() -> s.send(Email.builder().from("me@example.com").to("you@example.com")
                    .subject("x").text("x").build()));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("told at once, not after a timeout")
                    .isLessThan(Duration.ofSeconds(3));
            return e;
        }
    }

    @Test
    void anImapGreeting_isNamed() throws Exception {
        try (HostileSmtpServer server = new HostileSmtpServer()) {
            server.greeting(Reply.lines("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] Dovecot ready."));
            Throwable e = sendTo(server);
            assertThat(e).isInstanceOf(ConnectionException.class)
                    .hasMessageContaining("an IMAP server").hasMessageContaining("SMTP port");
        }
    }

    @Test
    void aMixUp_isNotRetried_whileADroppedConnectionIs_andTheLastFailureSaysHowManyAttempts() throws Exception {
        try (HostileSmtpServer server = new HostileSmtpServer()) {
            server.greeting(Reply.lines("* OK IMAP4rev1 ready"));
            try (SmtpSender s = sender(server, RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(50))
                    .build())) {
                Throwable e = catchThrowable(() -> s.send(email()));
                assertThat(e).isInstanceOfSatisfying(ConnectionException.class, c -> {
                    assertThat(c.isPermanent()).isTrue();
                    assertThat(c.attempts()).isEqualTo(1);
                });
                assertThat(server.connections()).isEqualTo(1);
            }
        }
        try (HostileSmtpServer server = new HostileSmtpServer()) {
            server.onCommand("EHLO", out -> {
                throw new java.io.IOException("drop"); // the server closes the connection: a dropped connection
            });
            try (SmtpSender s = sender(server, RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(50))
                    .build())) {
                Throwable e = catchThrowable(() -> s.send(email()));
                assertThat(e).isInstanceOfSatisfying(ConnectionException.class, c -> {
                    assertThat(c.isPermanent()).isFalse();
                    assertThat(c.attempts()).isEqualTo(3);
                    assertThat(c.elapsed()).isPresent();
                }).hasMessageContaining("gave up after 3 attempts in");
                assertThat(server.connections()).isEqualTo(3);
            }
        }
    }

    private static SmtpSender sender(HostileSmtpServer server, RetryPolicy retry) {
        return SmtpSender.builder().endpoint("127.0.0.1", server.port(), Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().readTimeout(Duration.ofSeconds(3)).build())
                .credentials(Credentials.password("user", "pw-123")).retryPolicy(retry).build();
    }

    private static Email email() {
        return Email.builder().from("me@example.com").to("you@example.com").subject("x").text("x").build();
    }

    @Test
    void aPop3Greeting_isNamed() throws Exception {
        try (HostileSmtpServer server = new HostileSmtpServer()) {
            server.greeting(Reply.lines("+OK POP3 server ready"));
            Throwable e = sendTo(server);
            assertThat(e).isInstanceOf(ConnectionException.class)
                    .hasMessageContaining("a POP3 server").hasMessageContaining("SMTP port");
        }
    }
}
