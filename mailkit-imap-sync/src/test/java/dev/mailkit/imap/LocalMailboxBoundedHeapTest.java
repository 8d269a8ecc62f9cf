package dev.mailkit.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.imap.testing.LocalMirror;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a 96 MB message in a JVM with 128 MB of heap (this class runs only in the {@code -Xmx128m} execution):
 * it is indexed, opened, its 40 MB text cut at the limit, its 40 MB attachment streamed through a digest, and
 * the live heap afterwards stays far below what the message's size would take.
 */
class LocalMailboxBoundedHeapTest {

    @TempDir
    Path dir;

    @Test
    void aMessageOfAlmostAHundredMegabytes_isIndexedOpenedAndStreamed_in128MBOfHeap() throws Exception {
        assertThat(Runtime.getRuntime().maxMemory()).as("run with -Xmx128m (mvn test runs this class so)")
                .isLessThanOrEqualTo(160L << 20);
        Path big = dir.resolve("big.eml");
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(big))) {
            out.write(("From: big@example.com\r\nSubject: huge message\r\nMessage-ID: <big@x>\r\nMIME-Version: 1.0\r\n"
                    + "Content-Type: multipart/mixed; boundary=BIG\r\n\r\n--BIG\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] line = "a long text line with words 会议室 in it, again and again and again ......\r\n".getBytes(StandardCharsets.UTF_8);
            for (long n = 0; n < 40L << 20; n += line.length) {
                out.write(line);
            }
            out.write("--BIG\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=blob.bin\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.write("Content-Transfer-Encoding: base64\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            java.util.Random random = new java.util.Random(1);
            byte[] chunk = new byte[57 * 1024];
            try (OutputStream b64 = Base64.getMimeEncoder().wrap(new java.io.FilterOutputStream(out) {
                @Override
                public void close() {
                    // keep the file open
                }
            })) {
                for (int i = 0; i < 720; i++) { // 40 MiB of bytes
                    random.nextBytes(chunk);
                    expected.update(chunk);
                    b64.write(chunk);
                }
            }
            out.write("\r\n--BIG--\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(Files.size(big)).isGreaterThan(90L << 20);
        long uid;
        try (LocalMirror m = LocalMirror.in(dir.resolve("mail"))) {
            uid = m.addFile("INBOX", big);
        }
        Files.delete(big);
        try (LocalMailbox box = LocalMailbox.open(dir.resolve("mail"), ZoneOffset.UTC)) {
            assertThat(box.search("会议室", 0, 10)).extracting(Envelope::uid).containsExactly(uid);
            LocalMessage m = box.open("INBOX", uid);
            assertThat(m.truncated()).isTrue();
            assertThat(m.text().orElseThrow()).hasSize(1 << 20);
            MessagePart blob = m.attachments().get(0);
            assertThat(blob.size()).isEqualTo(720L * 57 * 1024);
            MessageDigest got = MessageDigest.getInstance("SHA-256");
            try (InputStream in = blob.open()) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) > 0) {
                    got.update(buf, 0, n);
                }
            }
            assertThat(HexFormat.of().formatHex(got.digest())).isEqualTo(HexFormat.of().formatHex(expected.digest()));
            System.gc();
            long used = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            assertThat(used).as("live heap with the message open").isLessThan(48L << 20);
        }
    }
}
