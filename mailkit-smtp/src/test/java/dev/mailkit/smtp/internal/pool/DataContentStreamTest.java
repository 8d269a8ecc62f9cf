package dev.mailkit.smtp.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.eclipse.angus.mail.smtp.SMTPOutputStream;

/**
 * Property test: message content written through {@link DataContentStream} reaches the connection byte for
 * byte as through Angus Mail's {@code SMTPOutputStream} followed by its {@code ensureAtBOL()} (what Angus
 * sends before the final dot): line breaks made CRLF, dots at the beginning of a line doubled, the last line
 * ended, whatever the content and however it is cut into writes.
 */
class DataContentStreamTest {

    /** Content made of the bytes that matter (CR, LF, dot) among others, cut into writes of random sizes. */
    @Provide
    Arbitrary<byte[]> content() {
        Arbitrary<Byte> b = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just((byte) '\r')),
                net.jqwik.api.Tuple.of(3, Arbitraries.just((byte) '\n')),
                net.jqwik.api.Tuple.of(3, Arbitraries.just((byte) '.')),
                net.jqwik.api.Tuple.of(8, Arbitraries.bytes()));
        return b.array(byte[].class).ofMaxSize(400);
    }

    @Property(tries = 1000)
    void sameBytesAsAngus(@ForAll("content") byte[] content, @ForAll long seed) throws IOException {
        assertThat(mailkit(content, seed)).isEqualTo(angus(content, seed));
    }

    @Example
    void largeContent_crossesBlocks_sameBytesAsAngus() throws IOException {
        Random random = new Random(7);
        byte[] content = new byte[3 * DataContentStream.BLOCK + 12_345];
        random.nextBytes(content);
        for (int i = 0; i < content.length; i += 1 + random.nextInt(100)) {
            content[i] = (byte) ".\r\n".charAt(random.nextInt(3));
        }
        for (long seed = 0; seed < 5; seed++) {
            assertThat(mailkit(content, seed)).isEqualTo(angus(content, seed));
        }
        // a single write larger than a block
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataContentStream s = new DataContentStream().open(out);
        s.write(content);
        s.finish();
        assertThat(out.toByteArray()).isEqualTo(angus(content, -1));
    }

    @Example
    void dotLines_areDoubled_andTheLastLineIsEnded() throws IOException {
        byte[] content = ".\r\n..\nx.\r.y\r\n.".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataContentStream s = new DataContentStream().open(out);
        s.write(content);
        s.finish();
        assertThat(out.toString(java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("..\r\n...\r\nx.\r\n..y\r\n..\r\n");
    }

    @Example
    void eachMessage_startsAtTheBeginningOfALine_andNothingIsLeftFromTheLastOne() throws IOException {
        DataContentStream s = new DataContentStream();
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        s.open(first).write("a\r\nb".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        s.finish();
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        s.open(second).write(".c".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        s.finish();
        assertThat(first.toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("a\r\nb\r\n");
        assertThat(second.toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("..c\r\n");
    }

    @Example
    void angusBufferedOutput_isReachable_soContentTakesThisStream() {
        // Fails if an Angus Mail upgrade renames or retypes SMTPTransport.serverOutput: content would then
        // silently fall back to Angus's own, slower stream.
        assertThat(PipeliningTransport.usesDataContentStream()).isTrue();
    }

    /** The writes a seed cuts the content into: single bytes and arrays of random sizes; seed -1: one write. */
    private static List<int[]> cuts(int length, long seed) {
        List<int[]> cuts = new ArrayList<>();
        if (seed == -1) {
            cuts.add(new int[] {0, length});
            return cuts;
        }
        Random random = new Random(seed);
        for (int off = 0; off < length; ) {
            int len = random.nextInt(4) == 0 ? -1 : Math.min(length - off, random.nextInt(300));
            cuts.add(new int[] {off, len});
            off += len == -1 ? 1 : len;
        }
        return cuts;
    }

    private static void writeCut(OutputStream s, byte[] content, long seed) throws IOException {
        for (int[] cut : cuts(content.length, seed)) {
            if (cut[1] == -1) {
                s.write(content[cut[0]]);
            } else {
                s.write(content, cut[0], cut[1]);
            }
        }
    }

    private static byte[] mailkit(byte[] content, long seed) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataContentStream s = new DataContentStream().open(out);
        writeCut(s, content, seed);
        s.finish();
        return out.toByteArray();
    }

    private static byte[] angus(byte[] content, long seed) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SMTPOutputStream s = new SMTPOutputStream(out);
        writeCut(s, content, seed);
        s.ensureAtBOL();
        return Arrays.copyOf(out.toByteArray(), out.size());
    }
}
