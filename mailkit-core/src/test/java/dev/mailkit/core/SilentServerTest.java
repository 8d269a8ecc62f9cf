package dev.mailkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.testing.ScriptedServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A server that accepts connections and never answers: every attempt times out, typed, and leaves no thread behind. */
class SilentServerTest {

    @Test
    void twentyTimeouts_leaveNoThreadBehind() throws Exception {
        try (ScriptedServer silent = new ScriptedServer(null, line -> null)) {
            ConnectionOptions quick = ConnectionOptions.builder().allowPlaintext().readTimeout(Duration.ofMillis(300))
                    .connectTimeout(Duration.ofSeconds(2)).build();
            // one attempt first, so that threads every JVM starts once (executors, timers) are counted as the baseline
            MailSession warm = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("127.0.0.1", silent.port(), Security.PLAIN))
                    .options(quick).build();
            assertThatThrownBy(warm::connectTransport).isInstanceOf(ConnectionTimeoutException.class);
            Thread.sleep(200);
            int before = Thread.activeCount();
            for (int i = 0; i < 20; i++) {
                Protocol p = i % 2 == 0 ? Protocol.SMTP : Protocol.IMAP;
                MailSession s = MailSession.builder(p, ServerEndpoint.of("127.0.0.1", silent.port(), Security.PLAIN))
                        .credentials(Credentials.password("u", "pw")).options(quick).build();
                assertThatThrownBy(p == Protocol.SMTP ? s::connectTransport : s::connectStore)
                        .isInstanceOf(ConnectionTimeoutException.class);
            }
            Thread.sleep(500);
            assertThat(Thread.activeCount()).as("live threads after 20 timeouts").isLessThanOrEqualTo(before + 2);
        }
    }
}
