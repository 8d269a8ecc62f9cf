package dev.mailkit.core.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Bounds what a server can make the client hold in memory. Angus Mail reads a whole response line, and
 * an IMAP literal ({@code {n}} at the end of a line, then n bytes) into one buffer grown to the announced
 * size; a hostile or broken server announcing {@code {2000000000}}, or sending a line without end, would
 * exhaust the heap. This filter follows the server's bytes as they arrive and fails the connection with
 * a {@link ResponseTooLargeException} as soon as a line, or an announced literal, exceeds the limit, before
 * Angus allocates anything for it. Literal contents pass uninspected.
 */
public final class ResponseGuard extends FilterInputStream {

    /** Thrown (as the read's {@link IOException}) when a server response exceeds the limit. */
    public static final class ResponseTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        ResponseTooLargeException(String message) {
            super(message);
        }
    }

    private final long limit;
    private final boolean literals;

    /** Bytes of literal content still to pass through unread. */
    private long literalLeft;
    /** Bytes of the current line so far (literal contents not counted). */
    private long lineLength;
    /** The previous byte was CR: an LF now ends the line (IMAP lines end with CRLF only). */
    private boolean afterCr;
    /** The scanner's position in a possible literal announcement ({@code {digits}}) at the end of the line. */
    private int state;
    private long announced;
    private boolean tooLarge;

    private static final int PLAIN = 0;
    private static final int IN_BRACE = 1;   // after '{' and digits
    private static final int CLOSED = 2;     // after "{digits}"
    private static final int CR = 3;         // after "{digits}\r"

    /**
     * Guards a server's input stream.
     *
     * @param in       the stream from the server
     * @param limit    the largest line, and the largest literal, accepted (bytes)
     * @param literals true for IMAP, whose lines may announce literals
     */
    public ResponseGuard(InputStream in, long limit, boolean literals) {
        super(in);
        this.limit = limit;
        this.literals = literals;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            scan(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = in.read(buf, off, len);
        if (n > 0) {
            scan(buf, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, 8192)];
        int got = read(buf, 0, buf.length);
        return Math.max(got, 0);
    }

    private void scan(byte[] buf, int off, int len) throws IOException {
        int i = off;
        int end = off + len;
        while (i < end) {
            if (literalLeft > 0) {
                int pass = (int) Math.min(literalLeft, end - i);
                literalLeft -= pass;
                i += pass;
                continue;
            }
            byte b = buf[i++];
            boolean lineEnd = literals ? b == '\n' && afterCr : b == '\n' || b == '\r';
            afterCr = b == '\r';
            if (lineEnd) {
                lineLength = 0;
                if (literals && state == CR) {
                    if (tooLarge) {
                        throw new ResponseTooLargeException("the server announced a literal of more than " + limit
                                + " bytes (the limit, ConnectionOptions.maxResponseBytes); refused before reading it");
                    }
                    literalLeft = announced;
                }
                state = PLAIN;
                continue;
            }
            if (++lineLength > limit) {
                throw new ResponseTooLargeException("the server sent a response line longer than " + limit
                        + " bytes (ConnectionOptions.maxResponseBytes); refused to keep reading it");
            }
            if (literals) {
                step(b);
            }
        }
    }

    /** Follows "{digits}CR" as Angus Mail recognizes a literal: the last '{' of the line, digits, '}', CRLF. */
    private void step(byte b) {
        if (b == '{') {
            state = IN_BRACE;
            announced = 0;
            tooLarge = false;
        } else if (state == IN_BRACE && b >= '0' && b <= '9') {
            if (announced <= limit) {
                announced = announced * 10 + (b - '0');
            }
            tooLarge |= announced > limit;
        } else if (state == IN_BRACE && b == '}') {
            state = CLOSED;
        } else if (state == CLOSED && b == '\r') {
            state = CR;
        } else {
            state = PLAIN;
        }
    }
}
