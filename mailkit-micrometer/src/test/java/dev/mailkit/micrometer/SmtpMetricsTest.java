package dev.mailkit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.AuthenticationException;
import dev.mailkit.core.ConnectionException;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.ConnectionTimeoutException;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.MailkitException;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.TlsException;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.InvalidEmailException;
import dev.mailkit.smtp.MessageRejectedException;
import dev.mailkit.smtp.RateLimitedException;
import dev.mailkit.smtp.RecipientRejectedException;
import dev.mailkit.smtp.RetryPolicy;
import dev.mailkit.smtp.SendListener;
import dev.mailkit.smtp.SendResult;
import dev.mailkit.smtp.SmtpException;
import dev.mailkit.smtp.SmtpReply;
import dev.mailkit.smtp.SmtpSender;
import dev.mailkit.smtp.testing.FakeSmtpServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sending meters, fed by real senders: GreenMail for deliveries, FakeSmtpServer for refusals and retries. */
class SmtpMetricsTest {

    private static final String PASSWORD = "s3cret-pw-7781";
    private static final RetryPolicy FAST = RetryPolicy.builder().maxAttempts(3)
            .initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(50)).build();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private FakeSmtpServer fake;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeSmtpServer();
    }

    @AfterEach
    void stop() throws Exception {
        fake.close();
    }

    private SmtpSender.Builder toFake() {
        return SmtpSender.builder().endpoint("127.0.0.1", fake.port(), Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(Credentials.password("user@example.com", PASSWORD)).retryPolicy(FAST);
    }

    private static Email email(String... to) {
        return Email.builder().from("me@example.com").to(to).subject("hi").text("hello").build();
    }

    private double count(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aDeliveryToGreenMail_isCountedAndTimed_andThePoolGaugeFollowsTheSender() {
        GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        try {
            greenMail.setUser("alice@localhost", "alice", PASSWORD);
            SmtpMetrics metrics = new SmtpMetrics(registry, Tags.of("sender", "test"));
            try (SmtpSender sender = SmtpSender.builder()
                    .endpoint("127.0.0.1", greenMail.getSmtp().getPort(), Security.PLAIN)
                    .options(ConnectionOptions.builder().allowPlaintext().build())
                    .credentials(Credentials.password("alice", PASSWORD)).listener(metrics).build()) {
                metrics.bindPool(sender);
                sender.send(email("bob@localhost"));
                sender.sendAll(List.of(email("bob@localhost"), email("carol@localhost")));
                assertThat(registry.get(SmtpMetrics.POOL_IN_USE).tags("sender", "test").gauge().value()).isZero();
            }
            assertThat(greenMail.getReceivedMessages()).hasSize(3);
        } finally {
            greenMail.stop();
        }
        assertThat(count(SmtpMetrics.MESSAGES_SENT, "sender", "test")).isEqualTo(3);
        var timer = registry.get(SmtpMetrics.SEND_DURATION).tags("sender", "test").timer();
        assertThat(timer.count()).isEqualTo(3);
        assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        assertThat(registry.get(SmtpMetrics.RATE_LIMIT_WAIT).timer().count()).isZero();
        assertNoSecretOrAddress();
    }

    @Test
    void refusedRecipients_areCountedByReplyClass_neverByAddress() {
        fake.rcptReply(a -> a.startsWith("bad") ? "550 5.1.1 <" + a + ">: user unknown"
                : a.startsWith("later") ? "450 4.2.1 mailbox busy" : "250 2.1.5 ok");
        try (SmtpSender sender = toFake().listener(new SmtpMetrics(registry)).build()) {
            SendResult r = sender.send(email("good@example.com", "bad@example.com", "later@example.com"));
            assertThat(r.rejected()).hasSize(2);
            assertThatThrownBy(() -> sender.send(email("bad1@example.com", "bad2@example.com")))
                    .isInstanceOf(RecipientRejectedException.class);
        }
        assertThat(count(SmtpMetrics.MESSAGES_SENT)).isEqualTo(1);
        assertThat(count(SmtpMetrics.RECIPIENTS_REJECTED, "status", "5xx")).isEqualTo(3);
        assertThat(count(SmtpMetrics.RECIPIENTS_REJECTED, "status", "4xx")).isEqualTo(1);
        assertThat(count(SmtpMetrics.MESSAGES_FAILED, "reason", "recipients_rejected")).isEqualTo(1);
        assertNoSecretOrAddress();
    }

    @Test
    void retries_andFailures_areCountedByKind() {
        fake.dataReply(n -> n <= 1 ? "451 4.3.0 temporary local problem" : n == 3 ? "554 5.6.0 message refused"
                : "250 2.0.0 ok");
        try (SmtpSender sender = toFake().listener(new SmtpMetrics(registry)).build()) {
            sender.send(email("you@example.com"));                        // 451, then accepted
            assertThatThrownBy(() -> sender.send(email("you@example.com"))).isInstanceOf(MessageRejectedException.class);
        }
        assertThat(count(SmtpMetrics.RETRIES, "reason", "smtp_4xx")).isEqualTo(1);
        assertThat(count(SmtpMetrics.MESSAGES_SENT)).isEqualTo(1);
        assertThat(count(SmtpMetrics.MESSAGES_FAILED, "reason", "message_rejected")).isEqualTo(1);
    }

    @Test
    void theDailyLimit_isAFailureOfItsOwnKind() {
        try (SmtpSender sender = toFake().rateLimit(0, 1).listener(new SmtpMetrics(registry)).build()) {
            sender.send(email("you@example.com"));
            assertThatThrownBy(() -> sender.send(email("you@example.com"))).isInstanceOf(RateLimitedException.class);
        }
        assertThat(count(SmtpMetrics.MESSAGES_FAILED, "reason", "rate_limited")).isEqualTo(1);
    }

    @Test
    void aClosedPort_isAConnectionFailure() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (SmtpSender sender = SmtpSender.builder().endpoint("127.0.0.1", closed, Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(Credentials.password("user@example.com", PASSWORD)).retryPolicy(RetryPolicy.none())
                .listener(new SmtpMetrics(registry)).build()) {
            assertThatThrownBy(() -> sender.send(email("you@example.com"))).isInstanceOf(ConnectionException.class);
        }
        assertThat(count(SmtpMetrics.MESSAGES_FAILED, "reason", "connection")).isEqualTo(1);
    }

    @Test
    void everyKindOfFailure_hasAReasonFromTheFixedSet() {
        ServerEndpoint at = ServerEndpoint.of("smtp.example.com", 587, Security.STARTTLS);
        SmtpReply r421 = SmtpReply.of(421, "421 4.7.0 try later");
        assertThat(SmtpMetrics.reason(new InvalidEmailException("bad", null))).isEqualTo("invalid_email");
        assertThat(SmtpMetrics.reason(new SmtpException("refused", r421, null, at, null))).isEqualTo("smtp_4xx");
        assertThat(SmtpMetrics.reason(new SmtpException("refused", SmtpReply.of(530, "530 no"), null, at, null)))
                .isEqualTo("smtp_5xx");
        assertThat(SmtpMetrics.reason(new AuthenticationException("no", null, null, null, null, null)))
                .isEqualTo("authentication");
        assertThat(SmtpMetrics.reason(new ConnectionTimeoutException("slow", Duration.ofSeconds(1), null, at, null)))
                .isEqualTo("timeout");
        assertThat(SmtpMetrics.reason(new TlsException(TlsException.Reason.HANDSHAKE_FAILED, "no", null, at, null)))
                .isEqualTo("tls");
        assertThat(SmtpMetrics.reason(new MailkitException("?", null))).isEqualTo("other");
        assertThat(SmtpMetrics.reason(new IllegalStateException("?"))).isEqualTo("other");
    }

    @Test
    void rateLimitWaits_areTimed_andAndThenCallsBoth() {
        SmtpMetrics metrics = new SmtpMetrics(registry);
        List<String> heard = new CopyOnWriteArrayList<>();
        SendListener both = metrics.andThen(new SendListener() {
            @Override
            public void onRateLimitWait(Email email, Duration wait) {
                heard.add("wait " + wait.toMillis());
            }
        });
        both.onRateLimitWait(email("you@example.com"), Duration.ofMillis(1500));
        var timer = registry.get(SmtpMetrics.RATE_LIMIT_WAIT).timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1500);
        assertThat(heard).containsExactly("wait 1500");
    }

    /** No meter name or tag holds an address, a user name or the password. */
    private void assertNoSecretOrAddress() {
        for (Meter m : registry.getMeters()) {
            String id = m.getId().getName() + m.getId().getTags();
            assertThat(id).doesNotContain("@").doesNotContain(PASSWORD).doesNotContain("alice")
                    .doesNotContain("localhost").doesNotContain("example");
            for (Tag t : m.getId().getTags()) {
                assertThat(t.getValue()).matches("[a-z0-9_]+");
            }
        }
    }
}
