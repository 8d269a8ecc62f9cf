package dev.mailkit.core.internal;

import dev.mailkit.core.ResponseLimitException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Bounds what a server can make the client hold in memory. Angus Mail reads a whole response line, and
 * an IMAP literal ({@code {n}} at the end of a line, then n bytes) into one buffer grown to the announced
 * size, and keeps every response to a command (IMAP's untagged ones, an SMTP reply's lines) until the
 * command completes; a hostile or broken server announcing {@code {2000000000}}, sending a line without
 * end, or untagged responses without end, would exhaust the heap. This filter follows the server's bytes
 * as they arrive and fails the connection with a {@link ResponseTooLargeException} before Angus allocates
 * the memory:
 * <ul>
 * <li>a line, or an announced literal, over {@link ResponseLimits#maxResponseBytes()};</li>
 * <li>the responses since the client's last write (one command's reply) over
 * {@link ResponseLimits#maxReplyMemory()}, as estimated here from the bytes: {@value #LINE_BYTE_COST}
 * per byte of a line (its buffer grows by doubling), {@value #SPACE_COST} more per space (each word of a
 * parsed response becomes an object: an IMAP keyword costs about 90 bytes of heap), {@value #LINE_COST}
 * per line (the response object), and per byte of a literal one, plus what its response held before it
 * (Angus copies its buffer to make room for the literal);</li>
 * <li>parenthesised lists nested more than {@link ResponseLimitException#MAX_NESTING} levels deep in one
 * IMAP response (Angus parses them recursively and would overflow the thread's stack).</li>
 * </ul>
 * Literal contents pass uninspected. The client's writes are reported to the same {@link Exchange} by
 * the socket's output, which is how a new reply is recognised. The server's {@code +} continuation after
 * the client's {@code IDLE} is reported to it too: the wait in IDLE begins.
 */
public final class ResponseGuard extends FilterInputStream {

    /** Thrown (as the read's {@link IOException}) when a server response exceeds a bound. */
    public static final class ResponseTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        private final long limit;

        ResponseTooLargeException(String message, long limit) {
            super(message);
            this.limit = limit;
        }

        /** The bound exceeded: bytes, or levels of nesting. */
        public long limit() {
            return limit;
        }

        ResponseTooLargeException again() {
            ResponseTooLargeException e = new ResponseTooLargeException(getMessage(), limit);
            e.initCause(this);
            return e;
        }
    }

    static final int LINE_BYTE_COST = 2;
    static final int SPACE_COST = 64;
    static final int LINE_COST = 128;

    private final Exchange exchange;
    private final long limit;
    private final long replyLimit;
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

    /** The client's write count when the current reply began. */
    private long replyOf = -1;
    /** The current reply's estimated memory. */
    private long cost;
    /** Bytes of the current response (lines and literals). */
    private long responseBytes;
    /** The first byte of the current response. */
    private int responseFirst = -1;
    /** Lists open in the current response, and quoted-string state (IMAP). */
    private int depth;
    private boolean inQuote;
    private boolean escaped;

    private static final int PLAIN = 0;
    private static final int IN_BRACE = 1;   // after '{' and digits
    private static final int CLOSED = 2;     // after "{digits}"
    private static final int CR = 3;         // after "{digits}\r"

    /**
     * Guards a server's input stream with a bound on lines and literals only.
     *
     * @param in       the stream from the server
     * @param limit    the largest line, and the largest literal, accepted (bytes)
     * @param literals true for IMAP, whose lines may announce literals
     */
    public ResponseGuard(InputStream in, long limit, boolean literals) {
        this(in, new Exchange(ResponseLimits.lineOnly(limit, literals)));
    }

    /**
     * Guards a server's input stream with the bounds of a connection.
     *
     * @param in       the stream from the server (plain text)
     * @param exchange the connection's exchange: its limits, and the client's writes
     */
    public ResponseGuard(InputStream in, Exchange exchange) {
        super(in);
        this.exchange = exchange;
        this.limit = exchange.limits().maxResponseBytes();
        this.replyLimit = exchange.limits().maxReplyMemory();
        this.literals = exchange.limits().imap();
    }

    @Override
    public int read() throws IOException {
        exchange.checkFailed();
        int b = in.read();
        if (b >= 0) {
            scan(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        exchange.checkFailed();
        int n = in.read(buf, off, len);
        if (n > 0) {
            scan(buf, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        int got = read(buf, 0, buf.length);
        return Math.max(got, 0);
    }

    private void scan(byte[] buf, int off, int len) throws IOException {
        long writes = exchange.writes();
        if (writes != replyOf) {
            replyOf = writes; // the client wrote: a new reply begins
            cost = 0;
        }
        int i = off;
        int end = off + len;
        while (i < end) {
            if (literalLeft > 0) {
                int pass = (int) Math.min(literalLeft, end - i);
                literalLeft -= pass;
                responseBytes += pass;
                i += pass;
                continue;
            }
            byte b = buf[i++];
            if (responseBytes++ == 0) {
                responseFirst = b;
            }
            boolean lineEnd = literals ? b == '\n' && afterCr : b == '\n' || b == '\r';
            afterCr = b == '\r';
            if (lineEnd) {
                lineLength = 0;
                inQuote = false;
                escaped = false;
                if (b == '\n') {
                    charge(LINE_COST);
                }
                if (literals && state == CR) {
                    if (tooLarge) {
                        throw exchange.failed(new ResponseTooLargeException("the server announced a literal of more than "
                                + limit + " bytes (the limit, ConnectionOptions.maxResponseBytes); refused before reading it",
                                limit));
                    }
                    // Angus grows the response's buffer to hold the literal, copying what it holds already.
                    long copy = responseBytes;
                    if (cost + announced + copy > replyLimit) {
                        throw exchange.failed(new ResponseTooLargeException("the server announced a literal of "
                                + announced + " bytes, which would take its reply to one command past " + replyLimit
                                + " bytes of memory (ConnectionOptions.maxReplyMemory); refused before reading it",
                                replyLimit));
                    }
                    cost += announced + copy;
                    literalLeft = announced;
                } else {
                    if (literals && responseFirst == '+') {
                        exchange.continuation();
                    }
                    responseBytes = 0; // the response is complete
                    depth = 0;
                }
                state = PLAIN;
                continue;
            }
            if (++lineLength > limit) {
                throw exchange.failed(new ResponseTooLargeException("the server sent a response line longer than " + limit
                        + " bytes (ConnectionOptions.maxResponseBytes); refused to keep reading it", limit));
            }
            charge(b == ' ' ? LINE_BYTE_COST + SPACE_COST : LINE_BYTE_COST);
            if (literals) {
                step(b);
                nest(b);
            }
        }
    }

    private void charge(long bytes) throws ResponseTooLargeException {
        cost += bytes;
        if (cost > replyLimit) {
            throw exchange.failed(new ResponseTooLargeException("the server's reply to one command would take more than "
                    + replyLimit + " bytes of memory (as estimated from its " + (literals ? "responses" : "lines")
                    + "; ConnectionOptions.maxReplyMemory); refused to keep reading it", replyLimit));
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

    /** Counts open lists outside quoted strings (a literal cannot be inside one). */
    private void nest(byte b) throws ResponseTooLargeException {
        if (inQuote) {
            if (escaped) {
                escaped = false;
            } else if (b == '\\') {
                escaped = true;
            } else if (b == '"') {
                inQuote = false;
            }
        } else if (b == '"') {
            inQuote = true;
        } else if (b == '(') {
            if (++depth > ResponseLimitException.MAX_NESTING) {
                throw exchange.failed(new ResponseTooLargeException("the server sent lists nested more than "
                        + ResponseLimitException.MAX_NESTING + " levels deep in one response; refused before parsing it",
                        ResponseLimitException.MAX_NESTING));
            }
        } else if (b == ')' && depth > 0) {
            depth--;
        }
    }
}
