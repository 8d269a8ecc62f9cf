package dev.mailkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.smtp.internal.mime.MimeAssembler;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.PreencodedMimeBodyPart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Property test: mailkit writes an assembled message (with the session's stream provider) byte for byte as
 * Jakarta Mail's own {@code MimeMessage.writeTo} does, for every shape of message mailkit builds: text,
 * HTML, both, inline images, attachments, and bodies that end up 7bit, quoted-printable or base64; and
 * a text body, which mailkit hands to Jakarta Mail as UTF-8 bytes, gets the headers, transfer encoding and
 * encoded content that {@code setText(text, "UTF-8", subtype)} gives it.
 */
class MimeWriterPropertiesTest {

    @Provide
    Arbitrary<String> body() {
        Arbitrary<String> ascii = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(120);
        Arbitrary<String> unicode = Arbitraries.strings().withCharRange(' ', '\u04ff').ofMaxLength(60);
        Arbitrary<String> longLine = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(990).ofMaxLength(1100);
        Arbitrary<String> breaks = Arbitraries.of("\r\n", "\n", "\r", "\t", " ", "");
        Arbitrary<String> piece = Arbitraries.frequencyOf(
                Tuple.of(6, ascii), Tuple.of(3, unicode), Tuple.of(1, longLine));
        return Combinators.combine(piece, breaks).as((p, b) -> p + b).list().ofMaxSize(12)
                .map(parts -> String.join("", parts)).filter(s -> !s.isEmpty());
    }

    @Provide
    Arbitrary<byte[]> data() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
    }

    @Property(tries = 300)
    void writtenBytes_matchJakartaMail(@ForAll("body") String text, @ForAll("body") String html,
                                       @ForAll boolean withText, @ForAll boolean withHtml,
                                       @ForAll("data") byte[] inline, @ForAll boolean withInline,
                                       @ForAll("data") byte[] attached, @ForAll("body") String attachedText,
                                       @ForAll("attachments") int attachments) throws Exception {
        Email.Builder b = Email.builder().from("sender@example.com", "Sénder").to("rcpt@example.com")
                .cc("Ça Va <cc@example.com>").subject("Sübject " + text.length()).header("X-Tag", "värde");
        if (withText || !withHtml) {
            b.text(text);
        }
        if (withHtml) {
            b.html("<p>" + html + "</p>");
            if (withInline) {
                b.inline("logo", inline, "image/png");
            }
        }
        List<String> names = List.of("report.pdf", "notes.txt", "Überblick.bin");
        for (int i = 0; i < attachments; i++) {
            if (i == 1) {
                b.attach(names.get(i), attachedText.getBytes(StandardCharsets.UTF_8), "text/plain");
            } else {
                b.attach(names.get(i), attached, "application/octet-stream");
            }
        }
        MimeMessage m = b.build().toMimeMessage();
        ByteArrayOutputStream mailkit = new ByteArrayOutputStream();
        m.writeTo(mailkit);
        ByteArrayOutputStream jakarta = new ByteArrayOutputStream();
        MimeAssembler.writeWithJakartaMail(m, jakarta, null);
        assertThat(mailkit.toString(StandardCharsets.ISO_8859_1)).isEqualTo(jakarta.toString(StandardCharsets.ISO_8859_1));
        // and again leaving header lines out, as sending does with Bcc (here X-Tag, which is present)
        String[] ignore = {"Bcc", "X-Tag"};
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        m.writeTo(sent, ignore);
        ByteArrayOutputStream jakartaSent = new ByteArrayOutputStream();
        MimeAssembler.writeWithJakartaMail(m, jakartaSent, ignore);
        String written = sent.toString(StandardCharsets.ISO_8859_1);
        assertThat(written).isEqualTo(jakartaSent.toString(StandardCharsets.ISO_8859_1));
        assertThat(written.substring(0, written.indexOf("\r\n\r\n"))).doesNotContain("X-Tag").contains("Message-ID");
    }

    @Property(tries = 300)
    void textBodies_matchWhatSetTextProduces(@ForAll("body") String text, @ForAll boolean html) throws Exception {
        Email.Builder b = Email.builder().from("sender@example.com").to("rcpt@example.com").subject("s");
        MimeMessage m = (html ? b.html(text) : b.text(text)).build().toMimeMessage();
        MimeMessage reference = new MimeMessage(Session.getInstance(new Properties()));
        reference.setText(text, "UTF-8", html ? "html" : "plain");
        reference.saveChanges();
        assertThat(m.getContentType()).isEqualTo(reference.getContentType());
        assertThat(m.getEncoding()).isEqualTo(reference.getEncoding());
        assertThat(m.getContent()).isEqualTo(reference.getContent());
        assertThat(body(m)).isEqualTo(body(reference));
    }

    private static String body(MimeMessage m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        String raw = out.toString(StandardCharsets.ISO_8859_1);
        return raw.substring(raw.indexOf("\r\n\r\n") + 4);
    }

    @Example
    void whatACallerChangesOnTheMessage_isWrittenAsJakartaMailWritesIt() throws Exception {
        Email email = Email.builder().from("sender@example.com").to("rcpt@example.com").subject("s").text("plain")
                .html("<p>hi</p>").attach("a.bin", new byte[] {1, 2, 3}, "application/octet-stream").build();
        // a header line with raw UTF-8, a part Jakarta Mail writes pre-encoded, and a multipart with a preamble
        MimeMessage m = email.toMimeMessage();
        m.setHeader("X-Raw", "Grüße");
        MimeMultipart mixed = (MimeMultipart) m.getContent();
        PreencodedMimeBodyPart preencoded = new PreencodedMimeBodyPart("base64");
        preencoded.setText("AQID\r\n");
        mixed.addBodyPart(preencoded);
        MimeMultipart own = new MimeMultipart("related");
        own.setPreamble("a preamble");
        MimeBodyPart inner = new MimeBodyPart();
        inner.setText("inner");
        own.addBodyPart(inner);
        MimeBodyPart holder = new MimeBodyPart();
        holder.setContent(own);
        mixed.addBodyPart(holder);
        m.saveChanges();
        assertSameBytes(m);

        MimeMessage replaced = email.toMimeMessage();
        MimeMultipart parsed = new MimeMultipart(new ByteArrayDataSource(
                "--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nsoft=\r\nbreak\r\n--b--\r\n",
                "multipart/mixed; boundary=b"));
        replaced.setContent(parsed);
        replaced.saveChanges();
        assertSameBytes(replaced);
    }

    private static void assertSameBytes(MimeMessage m) throws Exception {
        ByteArrayOutputStream mailkit = new ByteArrayOutputStream();
        m.writeTo(mailkit);
        ByteArrayOutputStream jakarta = new ByteArrayOutputStream();
        MimeAssembler.writeWithJakartaMail(m, jakarta, null);
        assertThat(mailkit.toString(StandardCharsets.ISO_8859_1)).isEqualTo(jakarta.toString(StandardCharsets.ISO_8859_1));
    }

    @Provide
    Arbitrary<Integer> attachments() {
        return Arbitraries.integers().between(0, 3);
    }
}
