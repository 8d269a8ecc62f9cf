package dev.mailkit.core.internal.angus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.AuthenticationException;
import dev.mailkit.core.ConnectionException;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.MailSession;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.testing.ScriptedServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Angus Mail's own wording of the failures it reports only as text (see {@link AngusFailures}), through
 * Angus itself against scripted servers. Fails when an Angus upgrade changes a wording that mailkit reads.
 */
class AngusWordingTest {

    private static MailSession smtp(ScriptedServer server) {
        return MailSession.builder(Protocol.SMTP, ServerEndpoint.of("127.0.0.1", server.port(), Security.PLAIN))
                .credentials(Credentials.password("alice", "secret"))
                .options(ConnectionOptions.builder().allowPlaintext().readTimeout(Duration.ofSeconds(5)).build())
                .build();
    }

    @Test
    void smtpConnectionClosedDuringTheLogin_isReportedAsEof_soItIsALostConnectionNotARefusal() throws Exception {
        try (ScriptedServer server = new ScriptedServer("220 scripted ESMTP", line -> {
            String l = line.toUpperCase();
            if (l.startsWith("EHLO")) {
                return "250-scripted\r\n250 AUTH PLAIN LOGIN\r\n";
            }
            return l.startsWith("AUTH") ? null : "250 ok\r\n"; // closes the connection at AUTH
        })) {
            assertThatThrownBy(() -> smtp(server).connectTransport()).isInstanceOf(ConnectionException.class)
                    .isNotInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("lost during the login");
        }
    }

    @Test
    void smtpRefusedLogin_isAnAuthenticationFailure_notTheEofReport() throws Exception {
        try (ScriptedServer server = new ScriptedServer("220 scripted ESMTP", line -> {
            String l = line.toUpperCase();
            if (l.startsWith("EHLO")) {
                return "250-scripted\r\n250 AUTH PLAIN LOGIN\r\n";
            }
            return l.startsWith("AUTH") ? "535 5.7.8 bad credentials\r\n" : "250 ok\r\n";
        })) {
            assertThatThrownBy(() -> smtp(server).connectTransport()).isInstanceOf(AuthenticationException.class);
        }
    }

    @Test
    void theTextsMailkitReads_matchAngusWording() {
        assertThat(AngusFailures.closedByServer("[EOF]")).isTrue();
        assertThat(AngusFailures.startTlsMissing("STARTTLS is required but host does not support STARTTLS")).isTrue();
        assertThat(AngusFailures.startTlsMissing("STARTTLS required but not supported by server")).isTrue();
        assertThat(AngusFailures.serverIdentityRefused("unable to check server identity for: example.com")).isTrue();
    }
}
