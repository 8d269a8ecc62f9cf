package dev.mailkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionException;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.ConnectionTimeoutException;
import dev.mailkit.core.DeadlineExceededException;
import dev.mailkit.core.DeadlineExceededException.Deadline;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.ResponseLimitException;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.Security;
import dev.mailkit.core.TlsException;
import jakarta.mail.FolderClosedException;
import jakarta.mail.MessagingException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/** The connection's bounds and timeouts are reported as what they are, whatever Angus Mail wrapped them in. */
class ExceptionTranslatorTest {

    private static final ServerEndpoint SERVER = ServerEndpoint.of("mail.example.com", 993, Security.SSL_TLS);
    private static final ConnectionOptions OPTIONS = ConnectionOptions.builder().readTimeout(Duration.ofSeconds(7))
            .replyTimeout(Duration.ofSeconds(42)).build();

    private static Throwable translate(Throwable t) {
        return ExceptionTranslator.translate(t, Protocol.IMAP, SERVER, OPTIONS, null);
    }

    @Test
    void anUnknownHost_isPermanent_whileARefusedConnectionMaySucceedLater() {
        assertThat(translate(new MessagingException("connect", new java.net.UnknownHostException("mail.example.invalid"))))
                .isInstanceOfSatisfying(ConnectionException.class, c -> assertThat(c.isPermanent()).isTrue())
                .hasMessageContaining("unknown host");
        assertThat(translate(new MessagingException("connect", new java.net.ConnectException("Connection refused"))))
                .isInstanceOfSatisfying(ConnectionException.class, c -> assertThat(c.isPermanent()).isFalse());
    }

    @Test
    void aDeadline_evenUnderATlsFailure_isADeadline() {
        DeadlinePassedException passed = new DeadlinePassedException(Deadline.GREETING, Duration.ofSeconds(60));
        assertThat(translate(new MessagingException("connect", new SSLException("handshake", passed))))
                .isInstanceOfSatisfying(DeadlineExceededException.class, d -> {
                    assertThat(d.deadline()).isEqualTo(Deadline.GREETING);
                    assertThat(d.timeout()).contains(Duration.ofSeconds(60));
                }).isNotInstanceOf(TlsException.class);
    }

    @Test
    void whereAngusKeptOnlyTheText_theDeadlineAndTheLimitAreReadBackFromIt() {
        DeadlinePassedException passed = new DeadlinePassedException(Deadline.REPLY, Duration.ofSeconds(42));
        // IMAPFolder turns the synthetic BYE into a FolderClosedException with only its text
        FolderClosedException closed = new FolderClosedException(null, "* BYE Jakarta Mail Exception: " + passed);
        assertThat(translate(closed)).isInstanceOfSatisfying(DeadlineExceededException.class, d -> {
            assertThat(d.deadline()).isEqualTo(Deadline.REPLY);
            assertThat(d.timeout()).contains(Duration.ofSeconds(42));
        }).hasMessageContaining("replyTimeout");
        ResponseGuard.ResponseTooLargeException big = new ResponseGuard.ResponseTooLargeException(
                "the server's reply to one command would take more than 50331648 bytes of memory (as estimated from its"
                        + " responses; ConnectionOptions.maxReplyMemory); refused to keep reading it", 50331648);
        assertThat(translate(new FolderClosedException(null, "* BYE Jakarta Mail Exception: " + big)))
                .isInstanceOfSatisfying(ResponseLimitException.class,
                        r -> assertThat(r.limit()).isEqualTo(OPTIONS.maxReplyMemory(Protocol.IMAP)));
    }

    @Test
    void aReadTimeoutInASyntheticBye_isATimeout_butAConnectTimeoutStaysOne() {
        FolderClosedException read = new FolderClosedException(null,
                "* BYE Jakarta Mail Exception: java.net.SocketTimeoutException: Read timed out");
        assertThat(translate(read)).isInstanceOfSatisfying(ConnectionTimeoutException.class,
                t -> assertThat(t.timeout()).contains(Duration.ofSeconds(7))).hasMessageNotContaining("closed");
        // Angus's MailConnectException carries the nested exception's text in its own message
        MessagingException connect = new MessagingException("Couldn't connect to host, port: mail.example.com, 993;"
                + " timeout 15000;\n  nested exception is:\n\tjava.net.SocketTimeoutException: Connect timed out",
                new SocketTimeoutException("Connect timed out"));
        assertThat(translate(connect)).isInstanceOfSatisfying(ConnectionTimeoutException.class,
                t -> assertThat(t.timeout()).contains(OPTIONS.connectTimeout())).hasMessageContaining("connecting");
        assertThat(translate(new FolderClosedException(null, "* BYE server shutting down")))
                .isInstanceOf(ConnectionException.class).isNotInstanceOf(ConnectionTimeoutException.class);
    }
}
