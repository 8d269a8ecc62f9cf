package dev.mailkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.InvalidConfigurationException;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.registry.CredentialForm;
import dev.mailkit.core.registry.ProviderKind;
import dev.mailkit.core.registry.ProviderLimits;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.smtp.testing.FakeSmtpServer;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A sending service's published limits, applied by SmtpSender as the other providers' are: on loopback. */
class SendingServiceLimitsTest {

    private static final ProviderSettings SES = ProviderRegistry.defaults().byId("ses-us-east-1").orElseThrow();

    private FakeSmtpServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeSmtpServer();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** The service's settings, its server replaced by the fake one on loopback. */
    private SmtpSender.Builder to(ProviderSettings service) {
        return SmtpSender.builder().provider(service).endpoint("127.0.0.1", server.port(), Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(Credentials.password("AKIAEXAMPLE", "smtp-password"))
                .retryPolicy(RetryPolicy.none()).poolSize(1);
    }

    private static Email email(int i, String... to) {
        return Email.builder().from("me@example.com").to(to.length == 0 ? new String[] {"you@example.com"} : to)
                .subject("m" + i).text("body " + i).build();
    }

    @Test
    void sesSandbox_sendsOneMessageASecond() {
        try (SmtpSender sender = to(SES).sandboxLimits().build()) {
            long start = System.nanoTime();
            SendResult first = sender.send(email(1));
            SendResult second = sender.send(email(2));
            SendResult third = sender.send(email(3));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(first.rateLimitWait()).isZero();
            assertThat(second.rateLimitWait()).isGreaterThan(Duration.ofMillis(500));
            assertThat(third.rateLimitWait()).isGreaterThan(Duration.ofMillis(500));
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        }
        assertThat(server.messages()).hasSize(3);
    }

    @Test
    void sesProduction_doesNotWait_theRateIsTheAccountsOwn() {
        try (SmtpSender sender = to(SES).build()) {
            for (int i = 0; i < 5; i++) {
                assertThat(sender.send(email(i)).rateLimitWait()).isZero();
            }
        }
        try (SmtpSender sender = to(SES).rateLimit(2, 0, 0).build()) {
            sender.send(email(1));
            sender.send(email(2));
            assertThat(sender.send(email(3)).rateLimitWait()).isGreaterThan(Duration.ofMillis(500));
        }
    }

    @Test
    void sesRecipientsPerMessage_failsBeforeSending() {
        String[] fiftyOne = IntStream.range(0, 51).mapToObj(i -> "r" + i + "@example.com").toArray(String[]::new);
        try (SmtpSender sender = to(SES).build()) {
            assertThatThrownBy(() -> sender.send(email(1, fiftyOne))).isInstanceOf(InvalidEmailException.class)
                    .hasMessageContaining("at most 50").hasMessageContaining("Amazon SES");
            assertThat(sender.send(email(2, java.util.Arrays.copyOf(fiftyOne, 50))).accepted()).hasSize(50);
        }
        assertThat(server.messages()).hasSize(1);
    }

    @Test
    void sesLargestMessage_failsBeforeConnecting() {
        byte[] over = new byte[40 * 1024 * 1024 + 1];
        Email big = Email.builder().from("me@example.com").to("you@example.com").subject("big").text("see attachment")
                .attach("big.bin", over, "application/octet-stream").build();
        try (SmtpSender sender = to(SES).build()) {
            assertThatThrownBy(() -> sender.send(big)).isInstanceOf(InvalidEmailException.class)
                    .hasMessageContaining("at most 41943040 bytes");
        }
        assertThat(server.connections()).isZero();
        try (SmtpSender sender = to(SES).noRateLimit().build()) {
            Email small = Email.builder().from("me@example.com").to("you@example.com").text("x")
                    .attach("small.bin", new byte[1024], "application/octet-stream").build();
            sender.send(small);
        }
        assertThat(server.messages()).hasSize(1);
    }

    @Test
    void sandboxDailyQuota_thenRateLimitedException_andNoSandboxLimits_isAConfigurationError() {
        ProviderSettings relay = ProviderSettings.builder("test-relay").displayName("Test Relay")
                .kind(ProviderKind.SENDING_SERVICE).smtp(ServerEndpoint.of("smtp.relay.example", 587, Security.STARTTLS))
                .credentialForm(new CredentialForm("the word key", "a token"))
                .sandboxLimits(new ProviderLimits(OptionalInt.of(2), OptionalInt.empty(), OptionalInt.empty(),
                        OptionalInt.empty(), OptionalLong.empty())).build();
        try (SmtpSender sender = to(relay).sandboxLimits().build()) {
            sender.send(email(1));
            sender.send(email(2));
            assertThatThrownBy(() -> sender.send(email(3))).isInstanceOf(RateLimitedException.class);
        }
        assertThat(server.dataCommands()).isEqualTo(2);
        ProviderSettings sendgrid = ProviderRegistry.defaults().byId("sendgrid").orElseThrow();
        assertThatThrownBy(() -> to(sendgrid).sandboxLimits().build()).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("no sandbox limits");
    }
}
