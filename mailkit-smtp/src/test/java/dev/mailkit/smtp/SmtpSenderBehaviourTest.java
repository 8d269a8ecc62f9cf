package dev.mailkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.MailkitException;
import dev.mailkit.core.Security;
import dev.mailkit.core.testing.TestCertificates;
import dev.mailkit.smtp.testing.FakeSmtpServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replies GreenMail cannot produce, scripted on loopback: partial acceptance, 4xx/5xx, drops, pooling, STARTTLS, XOAUTH2. */
class SmtpSenderBehaviourTest {

    private static final RetryPolicy FAST = RetryPolicy.builder().maxAttempts(3)
            .initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(50)).build();

    private FakeSmtpServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeSmtpServer();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private SmtpSender.Builder plain() {
        return SmtpSender.builder().endpoint("127.0.0.1", server.port(), Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(Credentials.password("user", "pw-123")).retryPolicy(FAST);
    }

    private static Email email(int i) {
        return Email.builder().from("me@example.com").to("you@example.com").subject("m" + i).text("body " + i).build();
    }

    @Test
    void partialAcceptance_isReportedWithCodes_andTheMessageGoesToTheOthers() {
        server.rcptReply(a -> a.startsWith("bad") ? "550 5.1.1 <" + a + ">: user unknown" : "250 2.1.5 ok");
        try (SmtpSender sender = plain().build()) {
            SendResult r = sender.send(Email.builder().from("me@example.com").to("good@example.com", "bad@example.com")
                    .text("x").build());
            assertThat(r.isPartial()).isTrue();
            assertThat(r.accepted()).containsExactly("good@example.com");
            assertThat(r.rejected()).singleElement().satisfies(rr -> {
                assertThat(rr.address()).isEqualTo("bad@example.com");
                assertThat(rr.reply().code()).isEqualTo(550);
                assertThat(rr.reply().enhanced()).contains("5.1.1");
                assertThat(rr.reply().text()).contains("user unknown");
            });
            sender.send(email(2)); // the connection stays in the pool after a partial acceptance
        }
        assertThat(server.messages()).hasSize(2);
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void allRecipientsRejected_isTypedError_andNothingIsSent() {
        server.rcptReply(a -> "550 5.1.1 <" + a + ">: no such user");
        try (SmtpSender sender = plain().build()) {
            assertThatThrownBy(() -> sender.send(email(1))).isInstanceOfSatisfying(RecipientRejectedException.class, e -> {
                assertThat(e.rejected()).extracting(RejectedRecipient::address).containsExactly("you@example.com");
                assertThat(e.reply().enhanced()).contains("5.1.1");
                assertThat(e.endpoint()).isPresent();
            });
        }
        assertThat(server.dataCommands()).isZero();
    }

    @Test
    void transientFailure_isRetried_andReportedToTheListener() {
        server.dataReply(n -> n == 1 ? "451 4.3.0 temporary local problem" : "250 2.0.0 ok");
        List<String> events = new CopyOnWriteArrayList<>();
        try (SmtpSender sender = plain().listener(new SendListener() {
            @Override
            public void onRetry(Email email, int attempt, MailkitException failure, Duration delay) {
                events.add("retry " + attempt + " " + ((SmtpException) failure).reply().code());
            }

            @Override
            public void onSent(Email email, SendResult result) {
                events.add("sent " + result.attempts());
            }
        }).build()) {
            SendResult r = sender.send(email(1));
            assertThat(r.attempts()).isEqualTo(2);
        }
        assertThat(events).containsExactly("retry 1 451", "sent 2");
        assertThat(server.dataCommands()).isEqualTo(2);
        assertThat(server.messages()).hasSize(1);
    }

    @Test
    void permanentFailure_isNotRetried() {
        server.dataReply(n -> "554 5.7.1 message refused by policy");
        try (SmtpSender sender = plain().build()) {
            assertThatThrownBy(() -> sender.send(email(1))).isInstanceOfSatisfying(MessageRejectedException.class, e -> {
                assertThat(e.reply().code()).isEqualTo(554);
                assertThat(e.reply().enhanced()).contains("5.7.1");
                assertThat(e.messageId()).isPresent();
                assertThat(e.isTransient()).isFalse();
            });
        }
        assertThat(server.dataCommands()).isEqualTo(1);
    }

    @Test
    void tooLarge_isRecognised() {
        server.dataReply(n -> "552 5.3.4 message size exceeds fixed limit");
        try (SmtpSender sender = plain().build()) {
            assertThatThrownBy(() -> sender.send(email(1))).isInstanceOfSatisfying(MessageRejectedException.class,
                    e -> assertThat(e.isTooLarge()).isTrue());
        }
    }

    @Test
    void rateLimitReply_outlastingRetries_isRateLimitedException() {
        server.dataReply(n -> "451 4.7.0 too many messages, slow down");
        try (SmtpSender sender = plain().build()) {
            assertThatThrownBy(() -> sender.send(email(1))).isInstanceOf(RateLimitedException.class);
        }
        assertThat(server.dataCommands()).isEqualTo(3);
    }

    @Test
    void connectionDroppedDuringData_isRetriedOnAFreshConnection_andDeliveredOnce() {
        server.dropDuringData(1);
        try (SmtpSender sender = plain().build()) {
            SendResult r = sender.send(email(1));
            assertThat(r.attempts()).isEqualTo(2);
        }
        assertThat(server.messages()).hasSize(1);
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void authenticationFailure_isNotRetried() {
        server.authReply("535 5.7.8 Authentication credentials invalid");
        try (SmtpSender sender = plain().build()) {
            assertThatThrownBy(() -> sender.send(email(1))).isInstanceOfSatisfying(
                    dev.mailkit.core.AuthenticationException.class,
                    e -> assertThat(e.serverReply()).hasValueSatisfying(r -> assertThat(r).contains("5.7.8")))
                    .hasMessageNotContaining("pw-123");
        }
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void tlsFailure_isNotRetried() {
        try (SmtpSender sender = SmtpSender.builder().endpoint("127.0.0.1", server.port(), Security.STARTTLS)
                .credentials(Credentials.password("user", "pw")).retryPolicy(FAST).build()) {
            assertThatThrownBy(() -> sender.send(email(1))).isInstanceOf(dev.mailkit.core.TlsException.class);
        }
        assertThat(server.connections()).isEqualTo(1);
        assertThat(server.commandsStartingWith("AUTH")).isEmpty();
    }

    @Test
    void pool_reusesConnections_counted_onTheServer() {
        try (SmtpSender sender = plain().poolSize(2).build()) {
            List<SendOutcome> outcomes = sender.sendAll(IntStream.range(0, 30).mapToObj(SmtpSenderBehaviourTest::email)
                    .collect(Collectors.toList()));
            assertThat(outcomes).hasSize(30).allMatch(SendOutcome::isSuccess);
            assertThat(outcomes).extracting(SendOutcome::index).containsExactlyElementsOf(
                    IntStream.range(0, 30).mapToObj(i -> (long) i).collect(Collectors.toList()));
        }
        assertThat(server.messages()).hasSize(30);
        assertThat(server.connections()).isBetween(1, 2);
    }

    @Test
    void pool_recyclesAfterMaxMessages_andClosesOnClose() throws Exception {
        SmtpSender sender = plain().poolSize(1).maxMessagesPerConnection(5).build();
        for (int i = 0; i < 12; i++) {
            sender.send(email(i));
        }
        assertThat(server.connections()).isEqualTo(3);
        sender.close();
        long deadline = System.currentTimeMillis() + 5000;
        while (server.quits() < 3 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.quits()).isEqualTo(3);
        assertThatThrownBy(() -> sender.send(email(99))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void idleConnectionDroppedByServer_isDetectedByNoopBeforeReuse() {
        server.closeAfterMessage();
        try (SmtpSender sender = plain().poolSize(1).validateAfterIdle(Duration.ZERO).build()) {
            assertThat(sender.send(email(1)).attempts()).isEqualTo(1);
            assertThat(sender.send(email(2)).attempts()).isEqualTo(1);
        }
        assertThat(server.connections()).isEqualTo(2);
        assertThat(server.messages()).hasSize(2);
    }

    @Test
    void idleConnectionDroppedByServer_withoutValidation_costsOneRetryNotAMessage() {
        server.closeAfterMessage();
        try (SmtpSender sender = plain().poolSize(1).validateAfterIdle(Duration.ofHours(1)).build()) {
            sender.send(email(1));
            assertThat(sender.send(email(2)).attempts()).isEqualTo(2);
        }
        assertThat(server.messages()).hasSize(2);
    }

    @Test
    void close_stopsTheSendersThreads() throws Exception {
        SmtpSender sender = plain().poolSize(3).build();
        sender.sendAll(IntStream.range(0, 10).mapToObj(SmtpSenderBehaviourTest::email).collect(Collectors.toList()));
        assertThat(threadsNamed("mailkit-smtp-")).isPositive();
        sender.close();
        long deadline = System.currentTimeMillis() + 5000;
        while (threadsNamed("mailkit-smtp-") > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(threadsNamed("mailkit-smtp-")).isZero();
        assertThat(server.quits()).isEqualTo(server.connections());
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    @Test
    void sendAll_streamsOutcomesForAnIterable_andReportsFailuresPerMessage() {
        server.rcptReply(a -> a.startsWith("nobody") ? "550 5.1.1 unknown" : "250 ok");
        List<Long> failedIndexes = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger calls = new AtomicInteger();
        Iterable<Email> lazy = () -> IntStream.range(0, 50).mapToObj(i -> i % 10 == 3
                ? Email.builder().from("me@example.com").to("nobody" + i + "@example.com").text("x").build()
                : email(i)).iterator();
        try (SmtpSender sender = plain().poolSize(3).build()) {
            BatchSummary summary = sender.sendAll(lazy, o -> {
                calls.incrementAndGet();
                if (!o.isSuccess()) {
                    failedIndexes.add(o.index());
                    assertThat(o.failure()).containsInstanceOf(RecipientRejectedException.class);
                }
            });
            assertThat(summary.sent()).isEqualTo(45);
            assertThat(summary.failed()).isEqualTo(5);
        }
        assertThat(calls).hasValue(50);
        assertThat(failedIndexes).containsExactlyInAnyOrder(3L, 13L, 23L, 33L, 43L);
    }

    @Test
    void sendAsync_completesWithResultOrTypedFailure() throws Exception {
        server.dataReply(n -> n == 2 ? "554 5.7.1 no" : "250 ok");
        try (SmtpSender sender = plain().retryPolicy(RetryPolicy.none()).poolSize(1).build()) {
            assertThat(sender.sendAsync(email(1)).get().accepted()).containsExactly("you@example.com");
            assertThat(sender.sendAsync(email(2))).failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(MessageRejectedException.class);
        }
    }

    @Test
    void dailyLimit_failsFastWithoutContactingTheServer() {
        try (SmtpSender sender = plain().rateLimit(0, 2).build()) {
            sender.send(email(1));
            sender.send(email(2));
            assertThatThrownBy(() -> sender.send(email(3))).isInstanceOfSatisfying(RateLimitedException.class,
                    e -> assertThat(e.retryAfter()).isPresent());
        }
        assertThat(server.dataCommands()).isEqualTo(2);
    }

    @Test
    void providerLimits_applyByDefault_recipientsPerMessageFailsFast() {
        var workspace = dev.mailkit.core.registry.ProviderRegistry.defaults().byId("google-workspace").orElseThrow();
        assertThat(workspace.limits().recipientsPerMessage()).hasValue(100);
        String[] many = IntStream.range(0, 101).mapToObj(i -> "r" + i + "@example.com").toArray(String[]::new);
        Email big = Email.builder().from("me@example.com").to(many).text("x").build();
        try (SmtpSender sender = plain().provider(workspace).credentials(Credentials.appPassword("user", "pw-123")).build()) {
            assertThatThrownBy(() -> sender.send(big)).isInstanceOf(InvalidEmailException.class)
                    .hasMessageContaining("at most 100");
        }
        try (SmtpSender sender = plain().provider(workspace).credentials(Credentials.appPassword("user", "pw-123")).noRateLimit()
                .build()) {
            assertThat(sender.send(big).accepted()).hasSize(101);
        }
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void starttls_withTrustedSelfSignedCertificate_sends() {
        server.starttls(TestCertificates.serverContext());
        try (SmtpSender sender = SmtpSender.builder().endpoint("localhost", server.port(), Security.STARTTLS)
                .options(ConnectionOptions.builder().trustCertificates(TestCertificates.localhostPem()).build())
                .credentials(Credentials.password("user", "pw-123")).build()) {
            sender.send(email(1));
        }
        assertThat(server.commands()).contains("STARTTLS");
        List<String> afterTls = server.commands().subList(server.commands().indexOf("STARTTLS"), server.commands().size());
        assertThat(afterTls).anyMatch(c -> c.startsWith("AUTH PLAIN"));
        assertThat(server.commands().subList(0, server.commands().indexOf("STARTTLS"))).noneMatch(c -> c.startsWith("AUTH"));
        assertThat(server.messages()).hasSize(1);
    }

    @Test
    void oauth2_usesXoauth2_withAFreshTokenPerConnection() {
        AtomicInteger n = new AtomicInteger();
        try (SmtpSender sender = SmtpSender.builder().endpoint("127.0.0.1", server.port(), Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(Credentials.oauth2("me@example.com", () -> "token-" + n.incrementAndGet()))
                .poolSize(1).maxMessagesPerConnection(1).build()) {
            sender.send(email(1));
            sender.send(email(2));
        }
        List<String> auths = server.commandsStartingWith("AUTH XOAUTH2 ");
        assertThat(auths).hasSize(2);
        List<String> decoded = auths.stream().map(a -> new String(Base64.getDecoder().decode(a.substring(13)),
                StandardCharsets.UTF_8)).collect(Collectors.toList());
        assertThat(decoded.get(0)).contains("user=me@example.com").contains("auth=Bearer token-1");
        assertThat(decoded.get(1)).contains("auth=Bearer token-2");
    }

    @Test
    void builder_failsFastOnMissingEndpoint_andUnknownProvider() {
        assertThatThrownBy(() -> SmtpSender.builder().build()).isInstanceOf(dev.mailkit.core.InvalidConfigurationException.class)
                .hasMessageContaining("provider(..) or endpoint(..)");
        assertThatThrownBy(() -> SmtpSender.builder().provider("no-such-provider").build())
                .isInstanceOf(dev.mailkit.core.ProviderNotFoundException.class);
        assertThatThrownBy(() -> SmtpSender.builder().poolSize(0)).isInstanceOf(IllegalArgumentException.class);
        try (SmtpSender outlook = SmtpSender.builder().provider("someone@hotmail.com").withoutAuthentication().build()) {
            assertThat(outlook.endpoint().toString()).isEqualTo("smtp-mail.outlook.com:587 STARTTLS");
        }
    }

    @Test
    void anImapServerGivenForSending_failsAtBuild_namingTheSmtpServer() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SmtpSender.builder()
                        .endpoint("imap.gmail.com", 993, Security.SSL_TLS)
                        .credentials(Credentials.password("me@gmail.com", "app-password")).build())
                .isInstanceOf(dev.mailkit.core.InvalidConfigurationException.class)
                .hasMessageContaining("imap.gmail.com is Gmail's IMAP server")
                .hasMessageContaining("use smtp.gmail.com:465 SSL_TLS for SMTP");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SmtpSender.builder()
                        .endpoint("mail.example.org", 465, Security.STARTTLS)
                        .credentials(Credentials.password("me@example.org", "pw")).build())
                .isInstanceOf(dev.mailkit.core.InvalidConfigurationException.class)
                .hasMessageContaining("port 465 is implicit TLS");
    }

    @Test
    void connectionsInUse_countsTheConnectionsLentToSends() throws Exception {
        java.util.concurrent.CountDownLatch atData = new java.util.concurrent.CountDownLatch(2);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        server.dataReply(n -> {
            atData.countDown();
            try {
                release.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "250 2.0.0 ok";
        });
        try (SmtpSender sender = plain().poolSize(3).build()) {
            assertThat(sender.connectionsInUse()).isZero();
            var first = sender.sendAsync(email(1));
            var second = sender.sendAsync(email(2));
            assertThat(atData.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(sender.connectionsInUse()).isEqualTo(2); // both wait for the server's reply to DATA
            release.countDown();
            first.join();
            second.join();
            assertThat(sender.connectionsInUse()).isZero();  // back in the pool, idle
        }
    }
}
