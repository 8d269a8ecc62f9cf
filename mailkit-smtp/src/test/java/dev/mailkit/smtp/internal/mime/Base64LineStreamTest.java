package dev.mailkit.smtp.internal.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.eclipse.angus.mail.util.BASE64EncoderStream;

/**
 * Property test: {@link Base64LineStream} writes the bytes Jakarta Mail's base64 encoder (Angus Mail's
 * {@code BASE64EncoderStream}) writes, for every length (full and partial last lines, every padding, contents
 * over several blocks) and however the content is cut into writes.
 */
class Base64LineStreamTest {

    @Provide
    Arbitrary<Integer> length() {
        int block = 57 * 256;
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 400),
                Arbitraries.integers().between(1, 6).map(lines -> lines * 57 - 1 - lines % 3),
                Arbitraries.integers().between(1, 6).map(lines -> lines * 57),
                Arbitraries.integers().between(-3, 3).map(d -> block + d),
                Arbitraries.integers().between(-3, 3).map(d -> 3 * block + d),
                Arbitraries.integers().between(0, 70_000));
    }

    @Property(tries = 300)
    void sameBytesAsJakartaMail(@ForAll("length") int length, @ForAll long seed) throws IOException {
        Random random = new Random(seed);
        byte[] content = new byte[length];
        random.nextBytes(content);
        assertThat(new String(mailkit(content, seed), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo(new String(angus(content, seed), java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Example
    void lastLineOf76Characters_isEnded_shorterLastLine_isNot() throws IOException {
        assertThat(new String(mailkit(new byte[57], 1), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("A".repeat(76) + "\r\n");
        assertThat(new String(mailkit(new byte[55], 1), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("A".repeat(72) + "AA==\r\n");
        assertThat(new String(mailkit(new byte[54], 1), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("A".repeat(72));
        assertThat(new String(mailkit(new byte[58], 1), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("A".repeat(76) + "\r\nAA==");
        assertThat(mailkit(new byte[0], 1)).isEmpty();
    }

    private static void writeCut(OutputStream s, byte[] content, long seed) throws IOException {
        Random random = new Random(seed ^ 0x5DEECE66DL);
        for (int off = 0; off < content.length; ) {
            if (random.nextInt(5) == 0) {
                s.write(content[off++]);
                continue;
            }
            int len = Math.min(content.length - off, random.nextInt(random.nextBoolean() ? 100 : 20_000));
            s.write(content, off, len);
            off += len;
        }
        s.flush();
    }

    private static byte[] mailkit(byte[] content, long seed) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeCut(new Base64LineStream(out), content, seed);
        return out.toByteArray();
    }

    private static byte[] angus(byte[] content, long seed) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeCut(new BASE64EncoderStream(out), content, seed);
        return out.toByteArray();
    }
}
