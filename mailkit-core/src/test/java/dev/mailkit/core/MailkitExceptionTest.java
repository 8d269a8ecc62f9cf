package dev.mailkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MailkitExceptionTest {

    @Test
    void theServersReply_isKeptWithoutItsLineEnd() {
        AuthenticationException e = new AuthenticationException("login refused", "535 5.7.8 invalid\r\n", null,
                Protocol.SMTP, null, null);
        assertThat(e.serverReply()).contains("535 5.7.8 invalid");
        assertThat(new AuthenticationException("login refused", " \r\n", null, null, null, null).serverReply()).isEmpty();
    }

    @Test
    void aRetriedFailure_saysHowManyAttemptsAndHowLong_aSingleOneDoesNot() {
        ConnectionException e = new ConnectionException("cannot connect", null, null, null);
        assertThat(e.getMessage()).isEqualTo("cannot connect");
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.elapsed()).isEmpty();
        e.afterAttempts(3, Duration.ofMillis(3150));
        assertThat(e.getMessage()).isEqualTo("cannot connect; gave up after 3 attempts in 3.2 s");
        assertThat(e.attempts()).isEqualTo(3);
        assertThat(e.elapsed()).contains(Duration.ofMillis(3150));
    }
}
