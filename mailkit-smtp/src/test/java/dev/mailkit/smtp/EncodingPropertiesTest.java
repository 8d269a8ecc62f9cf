package dev.mailkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property tests: display names, subjects and header values of any Unicode survive the trip through the
 * raw message and back (RFC 2047 encoding), the raw message stays 7-bit in its header section with no
 * line over 998 characters, and a CR or LF anywhere is refused instead of starting a new header.
 */
class EncodingPropertiesTest {

    private static final Session SESSION = Session.getInstance(new Properties());

    @Provide
    Arbitrary<String> text() {
        // Unicode without control characters (those are refused separately), ASCII specials included
        return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(200)
                .filter(s -> s.codePoints().noneMatch(c -> Character.getType(c) == Character.CONTROL
                        || Character.getType(c) == Character.SURROGATE || Character.getType(c) == Character.UNASSIGNED
                        || Character.getType(c) == Character.PRIVATE_USE))
                .filter(s -> !s.isBlank() && s.strip().equals(s));
    }

    private static MimeMessage roundTrip(Email email) throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        email.writeTo(raw);
        byte[] bytes = raw.toByteArray();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        String headers = text.substring(0, text.indexOf("\r\n\r\n"));
        assertThat(headers.chars()).as("header section is 7-bit").allMatch(c -> c < 128);
        for (String line : text.split("\r\n")) {
            assertThat(line.length()).as("line length").isLessThanOrEqualTo(998);
        }
        return new MimeMessage(SESSION, new ByteArrayInputStream(bytes));
    }

    @Property(tries = 300)
    void displayNamesSubjectsAndHeaders_roundTrip(@ForAll("text") String name, @ForAll("text") String subject,
                                                   @ForAll("text") String value) throws Exception {
        Email email = Email.builder().from("sender@example.com", name).to("rcpt@example.com").subject(subject)
                .header("X-Test", value).text("body").build();
        MimeMessage parsed = roundTrip(email);
        assertThat(((InternetAddress) parsed.getFrom()[0]).getPersonal()).isEqualTo(name);
        assertThat(((InternetAddress) parsed.getFrom()[0]).getAddress()).isEqualTo("sender@example.com");
        assertThat(parsed.getSubject()).isEqualTo(subject);
        assertThat(MimeUtility.decodeText(MimeUtility.unfold(parsed.getHeader("X-Test", null)))).isEqualTo(value);
    }

    @Property(tries = 200)
    void crOrLfAnywhere_isRefused(@ForAll("text") String before, @ForAll("text") String after,
                                  @ForAll boolean cr) {
        String injected = before + (cr ? "\r" : "\n") + "Bcc: victim@example.com" + after;
        assertThatThrownBy(() -> Email.builder().from("a@example.com").to("b@example.com").subject(injected).text("x").build())
                .isInstanceOf(InvalidEmailException.class);
        assertThatThrownBy(() -> Email.builder().from("a@example.com").to("b@example.com").header("X-Test", injected)
                .text("x").build()).isInstanceOf(InvalidEmailException.class);
        assertThatThrownBy(() -> Email.builder().from("a@example.com", injected).to("b@example.com").text("x").build())
                .isInstanceOf(InvalidEmailException.class);
    }
}
