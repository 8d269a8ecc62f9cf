package dev.mailkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.smtp.testing.FakeSmtpServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 3030 CHUNKING with pipelining: every pipelining scenario again, now with MAIL, RCPT and
 * {@code BDAT n LAST} plus the message in one flight (the server holds its replies to MAIL and RCPT until
 * the last chunk, so a client waiting in between would time out) — and what only chunking has.
 */
class ChunkingTest extends PipeliningTest {

    @Override
    FakeSmtpServer newServer() throws Exception {
        return new FakeSmtpServer().pipelining().chunking();
    }

    @Override
    String contentVerb() {
        return "BDAT";
    }

    @Test
    void theMessageArrivesExactlyAsWithData() throws Exception {
        Email email = Email.builder().from("me@example.com").to("a@example.com").subject("Grüße 👋")
                .text("line one\nline two, ünïcödé\r\n\r\ntrailing")
                .attach("data.bin", new byte[] {0, 1, 2, (byte) 0xff, '\r', '\n', '.'}, "application/octet-stream").build();
        try (SmtpSender sender = sender().build()) {
            sender.send(email);
        }
        try (FakeSmtpServer plain = new FakeSmtpServer().pipelining();
             SmtpSender sender = sender().endpoint("127.0.0.1", plain.port(), dev.mailkit.core.Security.PLAIN).build()) {
            sender.send(email);
            assertThat(plain.commandsStartingWith("BDAT")).isEmpty();
            // Byte for byte the same, but for the MIME boundary, which each send generates anew.
            assertThat(server.messages().stream().map(ChunkingTest::sameBoundary).toList())
                    .containsExactlyElementsOf(plain.messages().stream().map(ChunkingTest::sameBoundary).toList());
        }
        assertThat(server.commandsStartingWith("BDAT")).singleElement().satisfies(c -> assertThat(c).endsWith(" LAST"));
        assertThat(server.commandsStartingWith("DATA")).isEmpty();
    }

    private static String sameBoundary(String message) {
        return message.replaceAll("----=_Part_[0-9_.]+", "BOUNDARY");
    }

    @Test
    void aLineStartingWithADot_goesWithData_unchanged() {
        try (SmtpSender sender = sender().build()) {
            sender.send(Email.builder().from("me@example.com").to("a@example.com").subject("dots")
                    .text("first\n.second starts with a dot\n..third\n").build());
        }
        assertThat(server.commandsStartingWith("BDAT")).isEmpty();
        assertThat(server.commandsStartingWith("DATA")).hasSize(1);
        // The DATA stream doubles leading dots and the fake server keeps them as received: dot-stuffed.
        assertThat(server.messages()).singleElement().satisfies(m -> assertThat(m).contains("\n..second starts"));
    }

    @Test
    void refusedContent_isTypedByItsReply_andTheNextMessageGoesThrough() {
        server.dataReply(n -> n == 1 ? "554 5.6.0 content rejected" : n == 2 ? "451 4.3.0 try later" : "250 2.0.0 ok");
        try (SmtpSender sender = sender().build()) {
            assertThatThrownBy(() -> sender.send(email(1, "a@example.com")))
                    .isInstanceOfSatisfying(MessageRejectedException.class, e -> assertThat(e.reply().code()).isEqualTo(554));
            assertThatThrownBy(() -> sender.send(email(2, "a@example.com")))
                    .isInstanceOfSatisfying(SmtpException.class, e -> assertThat(e.isTransient()).isTrue());
            sender.send(email(3, "a@example.com"));
        }
        assertThat(server.messages()).singleElement().satisfies(m -> assertThat(m).contains("body 3"));
        assertThat(server.commands().stream().map(c -> c.split(" ")[0]).filter(List.of("BDAT", "NOOP")::contains))
                .containsExactly("BDAT", "NOOP", "BDAT", "NOOP", "BDAT", "NOOP");
    }
}
