package dev.mailkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmailTest {

    private static Email.Builder minimal() {
        return Email.builder().from("me@example.com").to("you@example.com").subject("s").text("body");
    }

    @Test
    void headerInjection_isRefusedEverywhere() {
        assertThatThrownBy(() -> minimal().subject("hi\r\nBcc: victim@example.com"))
                .isInstanceOf(InvalidEmailException.class).hasMessageContaining("subject").hasMessageContaining("\\r\\n");
        assertThatThrownBy(() -> minimal().header("X-Tag", "a\nB: c")).isInstanceOf(InvalidEmailException.class)
                .hasMessageContaining("X-Tag");
        assertThatThrownBy(() -> minimal().to("you@example.com\r\nBcc: x@example.com"))
                .isInstanceOf(InvalidEmailException.class);
        assertThatThrownBy(() -> minimal().from("me@example.com", "Me\nBcc: x@y.z")).isInstanceOf(InvalidEmailException.class);
        assertThatThrownBy(() -> minimal().header("Bad Name", "v")).isInstanceOf(InvalidEmailException.class);
        assertThatThrownBy(() -> minimal().header("Content-Type", "text/evil")).isInstanceOf(InvalidEmailException.class)
                .hasMessageContaining("own Email.Builder method");
    }

    @Test
    void addresses_areValidatedWithTheFieldNamed() {
        assertThatThrownBy(() -> minimal().to("not an address")).isInstanceOf(InvalidEmailException.class)
                .hasMessageContaining("to").hasMessageContaining("not an address");
        assertThatThrownBy(() -> minimal().cc("a@b.com, c@d.com")).isInstanceOf(InvalidEmailException.class)
                .hasMessageContaining("exactly one address");
        assertThatThrownBy(() -> minimal().to("用户@example.com")).isInstanceOf(InvalidEmailException.class)
                .hasMessageContaining("SMTPUTF8");
        Email e = minimal().to("Ünïcode Name <user@bücher.example>").build();
        assertThat(e.recipients()).contains("user@xn--bcher-kva.example");
        assertThat(e.to().get(1)).isEqualTo("\"Ünïcode Name\" <user@xn--bcher-kva.example>");
    }

    @Test
    void build_requiresSenderRecipientAndBody() {
        assertThatThrownBy(() -> Email.builder().to("a@b.example").text("x").build())
                .isInstanceOf(InvalidEmailException.class).hasMessageContaining("from");
        assertThatThrownBy(() -> Email.builder().from("a@b.example").text("x").build())
                .isInstanceOf(InvalidEmailException.class).hasMessageContaining("recipient");
        assertThatThrownBy(() -> Email.builder().from("a@b.example").to("c@d.example").build())
                .isInstanceOf(InvalidEmailException.class).hasMessageContaining("body");
        assertThatThrownBy(() -> minimal().messageId("<grüße@example.com>")).isInstanceOf(InvalidEmailException.class)
                .hasMessageContaining("printable ASCII");
        assertThatThrownBy(() -> minimal().messageId("<a\u0000b@example.com>")).isInstanceOf(InvalidEmailException.class);
        assertThat(minimal().messageId("<a.b+c$d@host.example>").build().messageId()).isEqualTo("<a.b+c$d@host.example>");
        assertThatThrownBy(() -> minimal().inline("logo", new byte[] {1}, "image/png").build())
                .isInstanceOf(InvalidEmailException.class).hasMessageContaining("html");
    }

    @Test
    void aCidReferenceWithoutItsInlinePart_isRefused_namingTheId() {
        assertThatThrownBy(() -> minimal().html("<p><img src=\"cid:logo\"> <img src='CID:chart'></p>")
                .inline("logo", new byte[] {1}, "image/png").build())
                .isInstanceOf(InvalidEmailException.class).hasMessageContaining("cid:chart")
                .hasMessageContaining("inline(\"chart\"");
        // RFC 2392: the reference is URL-encoded
        minimal().html("<img src=\"cid:part1%40example.com\">").inline("part1@example.com", new byte[] {1}, "image/png")
                .build();
        minimal().html("<p>cid: is a word here, and so is acid:free</p>").build();
    }

    @Test
    void structure_followsTheParts(@TempDir Path dir) throws Exception {
        Path pdf = dir.resolve("report.pdf");
        Files.write(pdf, new byte[] {'%', 'P', 'D', 'F'});
        Email e = Email.builder().from("me@example.com").to("you@example.com").subject("x")
                .text("plain").html("<p>hi <img src='cid:logo'></p>").inline("logo", new byte[] {1, 2}, "image/png")
                .attach(pdf).build();
        MimeMessage m = e.toMimeMessage();
        assertThat(m.getContentType()).startsWith("multipart/mixed");
        MimeMultipart mixed = (MimeMultipart) m.getContent();
        assertThat(mixed.getCount()).isEqualTo(2);
        MimeMultipart alternative = (MimeMultipart) mixed.getBodyPart(0).getContent();
        assertThat(alternative.getContentType()).startsWith("multipart/alternative");
        assertThat(alternative.getBodyPart(0).getContentType()).startsWith("text/plain");
        MimeMultipart related = (MimeMultipart) alternative.getBodyPart(1).getContent();
        assertThat(related.getContentType()).startsWith("multipart/related");
        assertThat(related.getBodyPart(1).getHeader("Content-ID")).containsExactly("<logo>");
        assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo("report.pdf");
        assertThat(mixed.getBodyPart(1).getContentType()).startsWith("application/pdf");

        MimeMessage textOnly = minimal().build().toMimeMessage();
        assertThat(textOnly.getContentType()).startsWith("text/plain").contains("UTF-8");
    }

    @Test
    void messageId_isFixedAtBuild_andBccNeverWritten() throws Exception {
        Email e = minimal().bcc("hidden@example.com").date(Instant.parse("2026-01-02T03:04:05Z")).build();
        assertThat(e.messageId()).matches("<[0-9a-f-]+@example\\.com>");
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        e.writeTo(a);
        e.writeTo(b);
        String first = a.toString(StandardCharsets.UTF_8);
        assertThat(first).contains("Message-ID: " + e.messageId()).doesNotContain("hidden@example.com")
                .doesNotContainIgnoringCase("bcc:").contains("Date: Fri, 2 Jan 2026");
        assertThat(first).contains("\r\n");
        assertThat(e.recipients()).containsExactly("you@example.com", "hidden@example.com");
        assertThat(minimal().build().messageId()).isNotEqualTo(e.messageId());
    }

    @Test
    void unicodeSubjectAndHeader_areEncoded() throws Exception {
        Email e = minimal().subject("季度报告 Q3 🚀").header("X-Note", "café").build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        e.writeTo(out);
        String raw = out.toString(StandardCharsets.US_ASCII);
        assertThat(raw).contains("Subject: =?UTF-8?").contains("X-Note: =?UTF-8?");
        assertThat(e.toMimeMessage().getSubject()).isEqualTo("季度报告 Q3 🚀");
    }

    @Test
    void attachment_missingFile_andBadContentType_areTyped(@TempDir Path dir) {
        assertThatThrownBy(() -> minimal().attach(dir.resolve("missing.pdf"))).isInstanceOf(InvalidEmailException.class)
                .hasMessageContaining("missing.pdf");
        assertThatThrownBy(() -> minimal().attach("a.bin", new byte[0], "not a type")).isInstanceOf(InvalidEmailException.class);
        assertThat(Attachment.of("x.unknownext", new byte[0], null).contentType()).isEqualTo("application/octet-stream");
        assertThat(Attachment.of("photo.JPG", new byte[0], null).contentType()).isEqualTo("image/jpeg");
    }
}
