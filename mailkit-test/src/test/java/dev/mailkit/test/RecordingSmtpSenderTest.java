package dev.mailkit.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.ConnectionTimeoutException;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.RateLimitedException;
import dev.mailkit.smtp.RecipientRejectedException;
import dev.mailkit.smtp.SendOutcome;
import dev.mailkit.smtp.SendResult;
import dev.mailkit.smtp.SmtpReply;
import dev.mailkit.smtp.SmtpSender;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordingSmtpSenderTest {

    private static Email to(String... rcpt) {
        return Email.builder().from("app@example.com").to(rcpt).subject("News").text("hello").build();
    }

    @Test
    void records_whatIsSent_inOrder() {
        RecordingSmtpSender sender = RecordingSmtpSender.create();
        SmtpSender asInterface = sender;
        SendResult r = asInterface.send(to("a@example.com"));
        asInterface.send(to("b@example.com", "c@example.com"));
        assertThat(r.accepted()).containsExactly("a@example.com");
        assertThat(r.isPartial()).isFalse();
        assertThat(sender.sent()).extracting(Email::recipients)
                .containsExactly(List.of("a@example.com"), List.of("b@example.com", "c@example.com"));
        assertThat(sender.lastSent()).hasValueSatisfying(e -> assertThat(e.recipients()).contains("c@example.com"));
        assertThat(sender.toString()).isEqualTo("RecordingSmtpSender[2 sent]");
    }

    @Test
    void aRefusedRecipient_makesAPartialResult_andAllRefusedThrowsAsASenderWould() {
        RecordingSmtpSender sender = RecordingSmtpSender.create().rejectRecipient("Gone@Example.com");
        SendResult partial = sender.send(to("a@example.com", "gone@example.com"));
        assertThat(partial.isPartial()).isTrue();
        assertThat(partial.accepted()).containsExactly("a@example.com");
        assertThat(partial.rejected()).singleElement().satisfies(rr -> {
            assertThat(rr.address()).isEqualTo("gone@example.com");
            assertThat(rr.reply().code()).isEqualTo(550);
        });
        assertThatThrownBy(() -> sender.send(to("gone@example.com")))
                .isInstanceOfSatisfying(RecipientRejectedException.class, e ->
                        assertThat(e.rejected()).extracting(rr -> rr.address()).containsExactly("gone@example.com"));
        assertThat(sender.sent()).hasSize(1);
        sender.rejectRecipient("busy@example.com", SmtpReply.of(452, "452 4.2.2 mailbox full"));
        assertThat(sender.send(to("a@example.com", "busy@example.com")).rejected().get(0).reply().code()).isEqualTo(452);
    }

    @Test
    void failuresQueued_comeInOrder_thenSendingWorksAgain() {
        RecordingSmtpSender sender = RecordingSmtpSender.create().failNext(RecordingSmtpSender.timeout())
                .failNext(RecordingSmtpSender.rateLimited(Duration.ofMinutes(1)));
        assertThatThrownBy(() -> sender.send(to("a@example.com"))).isInstanceOf(ConnectionTimeoutException.class);
        assertThatThrownBy(() -> sender.send(to("a@example.com"))).isInstanceOfSatisfying(RateLimitedException.class,
                e -> assertThat(e.retryAfter()).contains(Duration.ofMinutes(1)));
        assertThat(sender.send(to("a@example.com")).accepted()).hasSize(1);
        assertThat(sender.sent()).hasSize(1);
    }

    @Test
    void failAlways_untilReset_andSendAllReportsEachOutcome() {
        RecordingSmtpSender sender = RecordingSmtpSender.create().failAlways(RecordingSmtpSender.timeout());
        assertThatThrownBy(sender::testConnection).isInstanceOf(ConnectionTimeoutException.class);
        List<SendOutcome> down = sender.sendAll(List.of(to("a@example.com"), to("b@example.com")));
        assertThat(down).allSatisfy(o -> assertThat(o.failure()).isPresent());
        sender.reset();
        sender.rejectRecipient("b@example.com");
        List<SendOutcome> up = sender.sendAll(List.of(to("a@example.com"), to("b@example.com"), to("c@example.com")));
        assertThat(up).extracting(SendOutcome::index).containsExactly(0L, 1L, 2L);
        assertThat(up.get(0).result()).isPresent();
        assertThat(up.get(1).failure()).hasValueSatisfying(f -> assertThat(f).isInstanceOf(RecipientRejectedException.class));
        assertThat(sender.sendAsync(to("d@example.com")).join().accepted()).containsExactly("d@example.com");
        assertThat(sender.sent()).hasSize(3);
    }

    @Test
    void afterClose_sendingIsRefused() {
        RecordingSmtpSender sender = RecordingSmtpSender.create();
        sender.close();
        assertThatThrownBy(() -> sender.send(to("a@example.com"))).isInstanceOf(IllegalStateException.class);
        assertThat(sender.sendAsync(to("a@example.com"))).isCompletedExceptionally();
    }
}
