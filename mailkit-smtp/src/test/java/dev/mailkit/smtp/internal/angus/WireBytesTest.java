package dev.mailkit.smtp.internal.angus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.JakartaReference;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.eclipse.angus.mail.smtp.SMTPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Whole messages as they go on the wire after DATA: mailkit's writer (its base64 blocks, the lines passed
 * straight through) into its DATA stream, against Jakarta Mail's writer into Angus Mail's SMTPOutputStream,
 * for messages with dots, bare CR and LF, non-ASCII text and attachments of the sizes where base64 blocks
 * and lines end (55, 57, 14,591-14,593 and 29,184 bytes) up to 200 KB.
 */
class WireBytesTest {

    private static final String[] NOT_SENT = {"Bcc", "Content-Length"};

    @Test
    void mailkitsBytesOnTheWire_areJakartaMailsAndAngusMails() throws Exception {
        Random r = new Random(42);
        String[] pieces = {".", "\r", "\n", "\r\n", "a", "中文", "é", " ", "..", "\t"};
        int[] sizes = {0, 1, 55, 57, 14_591, 14_592, 14_593, 29_184, 100_000, -1};
        for (int i = 0; i < 200; i++) {
            Email.Builder b = Email.builder().from("a@example.com", "Ünïcode Näme").to("b@example.com").subject("s " + i);
            StringBuilder text = new StringBuilder();
            int n = r.nextInt(i % 5 == 0 ? 40_000 : 500);
            for (int k = 0; k < n; k++) {
                text.append(pieces[r.nextInt(pieces.length)]);
            }
            boolean withText = i % 3 == 0;
            if (withText) {
                b.text(text.toString());
            }
            if (!withText || r.nextBoolean()) {
                b.html("<p>" + text + "</p>");
            }
            for (int k = r.nextInt(3); k > 0; k--) {
                int size = sizes[r.nextInt(sizes.length)];
                byte[] data = new byte[size < 0 ? r.nextInt(200_000) : size];
                r.nextBytes(data);
                if (r.nextInt(4) == 0) {
                    Arrays.fill(data, (byte) '.');
                }
                b.attach("f" + k + (r.nextBoolean() ? ".bin" : ".txt"), data,
                        r.nextBoolean() ? "application/octet-stream" : "text/plain");
            }
            MimeMessage m = b.build().toMimeMessage();
            ByteArrayOutputStream mailkit = new ByteArrayOutputStream();
            DataContentStream data = new DataContentStream().open(mailkit);
            m.writeTo(data, NOT_SENT);
            data.finish();
            ByteArrayOutputStream angus = new ByteArrayOutputStream();
            SMTPOutputStream smtp = new SMTPOutputStream(angus);
            JakartaReference.write(m, smtp, NOT_SENT);
            smtp.ensureAtBOL();
            assertThat(mailkit.toByteArray()).as("message %d", i).isEqualTo(angus.toByteArray());
        }
    }
}
