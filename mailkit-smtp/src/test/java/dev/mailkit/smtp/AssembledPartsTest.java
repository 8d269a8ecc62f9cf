package dev.mailkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The parts mailkit assembles are copies of a prototype, made without Jakarta Mail's constructors (which
 * look their stream provider up through ServiceLoader every time). The copies must share nothing but that
 * provider, and each multipart must have its own boundary.
 */
class AssembledPartsTest {

    /**
     * Every instance field of the classes copied, each of which the copy either resets (as the constructor
     * would) or may share. A field added by a Jakarta Mail upgrade makes this fail: then the copy in
     * internal.angus (AssembledPart, AssembledMultipart) must be checked against the new constructor.
     */
    @Test
    void theCopiedClasses_haveTheFieldsTheCopyHandles() {
        List<String> fields = Stream.of(BodyPart.class, MimeBodyPart.class, Multipart.class, MimeMultipart.class)
                .flatMap(c -> Arrays.stream(c.getDeclaredFields()))
                .filter(f -> !Modifier.isStatic(f.getModifiers()))
                .map(f -> f.getDeclaringClass().getSimpleName() + "." + f.getName() + (Modifier.isProtected(f.getModifiers()) ? "" : " (not protected)"))
                .toList();
        assertThat(fields).containsExactlyInAnyOrder(
                "BodyPart.parent", "BodyPart.streamProvider",
                "MimeBodyPart.dh", "MimeBodyPart.content", "MimeBodyPart.contentStream", "MimeBodyPart.headers",
                "MimeBodyPart.cachedContent",
                "Multipart.parts", "Multipart.contentType", "Multipart.parent", "Multipart.streamProvider",
                "MimeMultipart.ds", "MimeMultipart.parsed", "MimeMultipart.complete", "MimeMultipart.preamble",
                "MimeMultipart.ignoreMissingEndBoundary", "MimeMultipart.ignoreMissingBoundaryParameter",
                "MimeMultipart.ignoreExistingBoundaryParameter", "MimeMultipart.allowEmpty");
    }

    @Test
    void twoMessages_shareNoPart_headersOrBoundary() throws Exception {
        Email.Builder b = Email.builder().from("a@example.com").to("b@example.com").subject("s").text("plain")
                .html("<p>html</p>");
        MimeMessage first = b.attach("one.bin", new byte[] {1}, "application/octet-stream").build().toMimeMessage();
        MimeMessage second = Email.builder().from("a@example.com").to("b@example.com").subject("s").text("other")
                .attach("two.txt", "x".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "text/plain").build()
                .toMimeMessage();
        MimeMultipart a = (MimeMultipart) first.getContent();
        MimeMultipart c = (MimeMultipart) second.getContent();
        assertThat(a).isNotSameAs(c);
        assertThat(a.getCount()).isEqualTo(2);
        assertThat(c.getCount()).isEqualTo(2);
        MimeMultipart alternative = (MimeMultipart) a.getBodyPart(0).getContent();
        List<String> boundaries = new java.util.ArrayList<>();
        for (MimeMultipart m : List.of(a, c, alternative)) {
            boundaries.add(new ContentType(m.getContentType()).getParameter("boundary"));
        }
        assertThat(boundaries).doesNotHaveDuplicates().allSatisfy(x -> assertThat(x).startsWith("----=_Part_"));
        assertThat(a.getBodyPart(1).getFileName()).isEqualTo("one.bin");
        assertThat(c.getBodyPart(1).getFileName()).isEqualTo("two.txt");
        assertThat(a.getBodyPart(1).getHeader("Content-Disposition")).singleElement().asString().contains("one.bin");
        assertThat(c.getBodyPart(1).getHeader("Content-Disposition")).singleElement().asString().contains("two.txt");
        assertThat(alternative.getBodyPart(0).getContent()).isEqualTo("plain");
        assertThat(c.getBodyPart(0).getContent()).isEqualTo("other");
        assertThat(a.getBodyPart(0).getParent()).isSameAs(a);
        assertThat(alternative.getBodyPart(1).getParent()).isSameAs(alternative);
        // a caller changing one message's part changes nothing else
        a.getBodyPart(1).setHeader("X-Changed", "yes");
        assertThat(c.getBodyPart(1).getHeader("X-Changed")).isNull();
        assertThat(Email.builder().from("a@example.com").to("b@example.com").subject("s").text("t")
                .attach("three.bin", new byte[] {3}, null).build().toMimeMessage().getContent())
                .satisfies(m -> assertThat(((MimeMultipart) m).getBodyPart(1).getHeader("X-Changed")).isNull());
    }

    @Test
    void assembledMessage_parsesBackAfterWriting() throws Exception {
        MimeMessage m = Email.builder().from("a@example.com").to("b@example.com").subject("s").text("plain")
                .html("<p>h</p>").inline("logo", new byte[] {9, 8}, "image/png")
                .attach("a.bin", new byte[] {1, 2, 3}, "application/octet-stream").build().toMimeMessage();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        m.writeTo(out);
        MimeMessage parsed = new MimeMessage(null, new java.io.ByteArrayInputStream(out.toByteArray()));
        MimeMultipart mixed = (MimeMultipart) parsed.getContent();
        MimeMultipart alternative = (MimeMultipart) mixed.getBodyPart(0).getContent();
        MimeMultipart related = (MimeMultipart) alternative.getBodyPart(1).getContent();
        assertThat(alternative.getBodyPart(0).getContent()).isEqualTo("plain");
        assertThat(related.getBodyPart(1).getInputStream().readAllBytes()).containsExactly(9, 8);
        assertThat(mixed.getBodyPart(1).getInputStream().readAllBytes()).containsExactly(1, 2, 3);
    }
}
