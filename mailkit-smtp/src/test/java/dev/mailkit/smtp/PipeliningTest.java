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
}
