package dev.mailkit.smtp.internal.mime;

import dev.mailkit.smtp.internal.CanonicalLines;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Base64 content transfer encoding as Jakarta Mail writes it (Angus Mail's {@code BASE64EncoderStream}): lines
 * of 76 characters, each ended by CRLF (the last one too when it has 76 characters, padding included), a
 * shorter last line not ended, '=' padding only at the end.
 * The input is gathered into blocks of whole lines and encoded with {@link java.util.Base64}'s MIME encoder, one
 * call and one write per block, where Angus's stream encodes and writes line by line. The output is the same
 * bytes however the input is cut into writes, and {@link #flush()} ends the content: it encodes what is left
 * and may be called once, as mailkit's writer does (Angus's stream encodes a partial group at every flush).
 */
final class Base64LineStream extends OutputStream {

    /** Input bytes per 76-character line. */
    private static final int LINE_INPUT = 57;

    private static final int LINES_PER_BLOCK = 256;

    private static final byte[] CRLF = {'\r', '\n'};

    private static final Base64.Encoder ENCODER = Base64.getMimeEncoder(76, CRLF);

    private final OutputStream out;
    private final byte[] in = new byte[LINE_INPUT * LINES_PER_BLOCK];

    /**
     * Encoded block: 76 characters per line and CRLF after each, the last one included. Made when a first
     * block is full: a small part is encoded in {@link #flush()} alone.
     */
    private byte[] encoded;
    private int count;

    Base64LineStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        in[count++] = (byte) b;
        if (count == in.length) {
            writeBlock();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            int n = Math.min(len, in.length - count);
            System.arraycopy(b, off, in, count, n);
            count += n;
            off += n;
            len -= n;
            if (count == in.length) {
                writeBlock();
            }
        }
    }

    /** Encodes and writes what is left (the last line, padded where it must be), then flushes. */
    @Override
    public void flush() throws IOException {
        if (count > 0) {
            byte[] rest = ENCODER.encode(Arrays.copyOf(in, count)); // CRLF between lines, none after the last
            out.write(rest);
            int last = count % LINE_INPUT;
            if (last == 0 || last >= LINE_INPUT - 2) {
                out.write(CRLF); // a last line of 76 characters (55 to 57 bytes, padded) is ended, as in Jakarta Mail
            }
            count = 0;
        }
        out.flush();
    }

    private void writeBlock() throws IOException {
        if (encoded == null) {
            encoded = new byte[(LINE_INPUT / 3 * 4 + CRLF.length) * LINES_PER_BLOCK];
        }
        int n = ENCODER.encode(in, encoded); // CRLF between lines, none after the last
        encoded[n++] = '\r';
        encoded[n++] = '\n';
        if (out instanceof CanonicalLines lines && lines.atLineStart()) {
            lines.writeCanonicalLines(encoded, 0, n); // whole lines of base64: no CR, LF or dot to look for
        } else {
            out.write(encoded, 0, n);
        }
        count = 0;
    }
}
