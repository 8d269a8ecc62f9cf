package dev.mailkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.smtp.testing.FakeSmtpServer;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 2920 PIPELINING against a server that holds its replies to MAIL and RCPT back until DATA: a client
 * that waited for each reply would hit its 3 s read timeout, so these sends only succeed when MAIL, RCPT
 * and DATA really go out together.
 */
class PipeliningTest {

    private FakeSmtpServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeSmtpServer().pipelining();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private SmtpSender.Builder sender() {
        return SmtpSender.builder().endpoint("127.0.0.1", server.port(), Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().readTimeout(Duration.ofSeconds(3)).build())
                .credentials(Credentials.password("user", "pw-123"))
                .retryPolicy(RetryPolicy.builder().maxAttempts(1).build()).poolSize(1);
    }

    private static Email email(int i, String... to) {
        return Email.builder().from("me@example.com").to(to).subject("m" + i).text("body " + i).build();
    }

    @Test
    void commandsGoOutTogether_andEveryMessageArrives() {
        try (SmtpSender sender = sender().build()) {
            for (int i = 0; i < 3; i++) {
                SendResult r = sender.send(email(i, "a@example.com", "b@example.com"));
                assertThat(r.accepted()).containsExactly("a@example.com", "b@example.com");
            }
        }
        assertThat(server.messages()).hasSize(3).allSatisfy(m -> assertThat(m).contains("body "));
        assertThat(server.connections()).isEqualTo(1);
        List<String> verbs = server.commands().stream().map(c -> c.split("[ :]")[0].toUpperCase())
                .filter(v -> List.of("MAIL", "RCPT", "DATA").contains(v)).toList();
        assertThat(verbs).containsExactlyElementsOf(IntStream.range(0, 3)
                .boxed().flatMap(i -> List.of("MAIL", "RCPT", "RCPT", "DATA").stream()).toList());
    }

    @Test
    void dotLines_areDoubledOnTheWire_inPipelinedSends() {
        List<Email> batch = IntStream.range(0, 3).mapToObj(i -> Email.builder().from("me@example.com")
                .to("a@example.com").subject("dots " + i).text(".\n.line " + i + "\nend.").build()).toList();
        try (SmtpSender sender = sender().build()) {
            assertThat(sender.sendAll(batch)).allSatisfy(o -> assertThat(o.isSuccess()).isTrue());
        }
        assertThat(server.messages()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            int n = i;
            // as received, before the server removes the added dots
            assertThat(server.messages()).filteredOn(m -> m.contains("\n..\n..line " + n + "\nend.\n")).hasSize(1);
        }
    }

    @Test
    void partialRefusal_isReported_andTheConnectionIsReused() {
        server.rcptReply(a -> a.startsWith("bad") ? "550 5.1.1 <" + a + ">: user unknown" : "250 2.1.5 ok");
        try (SmtpSender sender = sender().build()) {
            SendResult r = sender.send(email(1, "good@example.com", "bad@example.com"));
            assertThat(r.isPartial()).isTrue();
            assertThat(r.accepted()).containsExactly("good@example.com");
            assertThat(r.rejected()).singleElement().satisfies(rr -> {
                assertThat(rr.address()).isEqualTo("bad@example.com");
                assertThat(rr.reply().code()).isEqualTo(550);
                assertThat(rr.reply().text()).contains("user unknown");
            });
            sender.send(email(2, "good@example.com"));
        }
        assertThat(server.messages()).hasSize(2);
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void everyRecipientRefused_isTypedError_nothingIsSent_andTheNextMessageGoesThrough() {
        server.rcptReply(a -> a.startsWith("bad") ? "550 5.1.1 <" + a + ">: no such user" : "250 2.1.5 ok");
        try (SmtpSender sender = sender().build()) {
            assertThatThrownBy(() -> sender.send(email(1, "bad1@example.com", "bad2@example.com")))
                    .isInstanceOfSatisfying(RecipientRejectedException.class, e -> {
                        assertThat(e.rejected()).extracting(RejectedRecipient::address)
                                .containsExactly("bad1@example.com", "bad2@example.com");
                        assertThat(e.reply().code()).isEqualTo(550);
                    });
            sender.send(email(2, "good@example.com"));
        }
        assertThat(server.dataCommands()).isEqualTo(1);
        assertThat(server.messages()).singleElement().satisfies(m -> assertThat(m).contains("body 2"));
    }

    @Test
    void refusedSender_isTypedError_withTheServersReply() {
        server.mailReply("550 5.7.1 sender not allowed");
        try (SmtpSender sender = sender().build()) {
            assertThatThrownBy(() -> sender.send(email(1, "a@example.com")))
                    .isInstanceOfSatisfying(SmtpException.class, e -> {
                        assertThat(e.reply().code()).isEqualTo(550);
                        assertThat(e.reply().text()).contains("sender not allowed");
                        assertThat(e.isTransient()).isFalse();
                    });
        }
        assertThat(server.dataCommands()).isZero();
        assertThat(server.messages()).isEmpty();
    }

    @Test
    void inABatch_theNextMessagesCommandsLeaveWithTheEndOfThisOne() {
        List<Email> batch = IntStream.range(0, 5).mapToObj(i -> email(i, "a@example.com", "b@example.com")).toList();
        List<SendOutcome> outcomes;
        try (SmtpSender sender = sender().build()) {
            outcomes = sender.sendAll(batch);
        }
        assertThat(outcomes).allSatisfy(o -> assertThat(o.isSuccess()).isTrue());
        assertThat(server.messages()).hasSize(5);
        for (int i = 0; i < 5; i++) {
            int n = i;
            assertThat(server.messages()).filteredOn(m -> m.contains("body " + n + "\n")).hasSize(1);
        }
        assertThat(server.connections()).isEqualTo(1);
        // Messages 1 to 4 end with the next one's MAIL, RCPT, RCPT, DATA behind their final dot.
        assertThat(server.endsWithNextWaiting()).isEqualTo(4);
        assertThat(server.dataCommands()).isEqualTo(5);
    }

    @Test
    void inABatch_aRejectedMessage_isReported_andTheOthersGoThroughOnce() {
        server.dataReply(n -> n == 2 ? "554 5.7.1 rejected as spam" : "250 2.0.0 queued");
        List<SendOutcome> outcomes;
        try (SmtpSender sender = sender().build()) {
            outcomes = sender.sendAll(IntStream.range(0, 5).mapToObj(i -> email(i, "a@example.com")).toList());
        }
        assertThat(outcomes.get(1).failure()).get().isInstanceOfSatisfying(SmtpException.class,
                e -> assertThat(e.reply().code()).isEqualTo(554));
        assertThat(outcomes).filteredOn(SendOutcome::isSuccess).extracting(SendOutcome::index)
                .containsExactly(0L, 2L, 3L, 4L);
        assertThat(server.messages()).hasSize(4);
        for (int i : new int[] {0, 2, 3, 4}) {
            assertThat(server.messages()).filteredOn(m -> m.contains("body " + i + "\n")).hasSize(1);
        }
    }

    @Test
    void inABatch_aTransientFailure_isRetried_andTheMessageWaitingBehindItIsNotLostOrDoubled() {
        server.dataReply(n -> n == 2 ? "451 4.3.0 try again later" : "250 2.0.0 queued");
        List<SendOutcome> outcomes;
        try (SmtpSender sender = sender().retryPolicy(RetryPolicy.builder().maxAttempts(2)
                .initialBackoff(Duration.ofMillis(1)).build()).build()) {
            outcomes = sender.sendAll(IntStream.range(0, 5).mapToObj(i -> email(i, "a@example.com")).toList());
        }
        assertThat(outcomes).allSatisfy(o -> assertThat(o.isSuccess()).isTrue());
        assertThat(outcomes.get(1).result()).get().extracting(SendResult::attempts).isEqualTo(2);
        for (int i = 0; i < 5; i++) {
            int n = i;
            assertThat(server.messages()).filteredOn(m -> m.contains("body " + n + "\n")).hasSize(1);
        }
        // Message 3's commands were waiting on the connection when message 2 failed: that connection was
        // dropped inside message 3's content (never completed there) and message 3 was sent again.
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void aSingleSendDuringALongBatch_getsAConnectionSoon() throws Exception {
        server.dataReply(n -> {
            sleepMillis(2); // about 2 ms a message: the batch takes over a second
            return "250 2.0.0 queued";
        });
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        try (SmtpSender sender = sender().build()) {
            var batch = java.util.concurrent.CompletableFuture.runAsync(() -> sender.sendAll(
                    IntStream.range(0, 500).mapToObj(i -> email(i, "a@example.com")).toList(),
                    o -> done.incrementAndGet()));
            while (done.get() < 5) {
                Thread.sleep(1);
            }
            sender.send(email(1000, "single@example.com"));
            int doneWhenSingleWasSent = done.get();
            batch.get();
            assertThat(doneWhenSingleWasSent).isLessThan(100);
        }
        assertThat(server.messages()).hasSize(501);
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
