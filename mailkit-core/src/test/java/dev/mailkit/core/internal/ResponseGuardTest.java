package dev.mailkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** The bound on server response lines and IMAP literals, byte by byte and on real sockets. */
class ResponseGuardTest {

    private static final long LIMIT = 1000;

    private static byte[] readAll(String server, boolean literals, int chunk) throws IOException {
        InputStream in = new ResponseGuard(new ByteArrayInputStream(server.getBytes(StandardCharsets.ISO_8859_1)),
                LIMIT, literals);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[chunk];
        int n;
        while ((n = chunk == 1 ? single(in, buf) : in.read(buf, 0, chunk)) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static int single(InputStream in, byte[] buf) throws IOException {
        int b = in.read();
        if (b < 0) {
            return -1;
        }
        buf[0] = (byte) b;
        return 1;
    }

    @Test
    void responsesWithinTheLimit_passByteExact_whateverTheReadSizes() throws Exception {
        // A literal whose content looks like a huge announcement, and a line end split across reads.
        String literal = "x".repeat(900) + "{99999999999}\r\n" + "y".repeat(50);
        String server = "* OK ready\r\n* 1 FETCH (UID 7 BODY[] {" + literal.length() + "}\r\n" + literal + ")\r\n"
                + "* 2 FETCH (ENVELOPE (\"subject {123456789012} in quotes\"))\r\nA1 OK done\r\n";
        for (int chunk : new int[] {1, 3, 7, 64, 8192}) {
            assertThat(new String(readAll(server, true, chunk), StandardCharsets.ISO_8859_1)).isEqualTo(server);
        }
    }

    @Test
    void aLiteralAnnouncedOverTheLimit_isRefusedAtTheEndOfItsLine() {
        for (String announced : new String[] {"1001", "2000000000", "99999999999999999999999"}) {
            for (int chunk : new int[] {1, 5, 8192}) {
                assertThatThrownBy(() -> readAll("* 1 FETCH (BODY[] {" + announced + "}\r\nabc", true, chunk))
                        .isInstanceOf(ResponseGuard.ResponseTooLargeException.class)
                        .hasMessageContaining("announced a literal of more than 1000 bytes");
            }
        }
        // binary literals (RFC 3516) too
        assertThatThrownBy(() -> readAll("* 1 FETCH (BINARY[] ~{5000}\r\n", true, 64))
                .isInstanceOf(ResponseGuard.ResponseTooLargeException.class);
    }

    @Test
    void aLiteralOfExactlyTheLimit_passes() throws Exception {
        String server = "* 1 FETCH (BODY[] {1000}\r\n" + "z".repeat(1000) + ")\r\n";
        assertThat(readAll(server, true, 100)).hasSize(server.length());
    }

    @Test
    void anOverlongLine_isRefused_evenWithBareLineFeeds_whichDoNotEndAnImapLine() {
        assertThatThrownBy(() -> readAll("* " + "a".repeat(2000) + "\r\n", true, 64))
                .isInstanceOf(ResponseGuard.ResponseTooLargeException.class)
                .hasMessageContaining("response line longer than 1000 bytes");
        assertThatThrownBy(() -> readAll("* " + "a\n".repeat(600) + "\r\n", true, 64))
                .isInstanceOf(ResponseGuard.ResponseTooLargeException.class);
    }

    @Test
    void smtpReplies_haveNoLiterals_butTheirLinesAreBounded() throws Exception {
        String replies = "250 {99999999999}\r\n250-a\r\n250 b\n";
        assertThat(readAll(replies, false, 4)).hasSize(replies.length());
        assertThatThrownBy(() -> readAll("250-" + "a".repeat(1001) + "\r\n", false, 64))
                .isInstanceOf(ResponseGuard.ResponseTooLargeException.class);
    }

    private static Exchange exchange(long replyLimit) {
        return new Exchange(new ResponseLimits(LIMIT, replyLimit, true, null, null, null, null));
    }

    private static void write(Exchange e, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        e.clientWrote(b, 0, b.length);
    }

    private static int responsesRead(InputStream in, String response) throws IOException {
        int n = 0;
        byte[] buf = new byte[response.length()];
        while (true) {
            try {
                if (in.readNBytes(buf, 0, buf.length) < buf.length) {
                    return n;
                }
            } catch (ResponseGuard.ResponseTooLargeException e) {
                assertThat(e).hasMessageContaining("maxReplyMemory");
                return n;
            }
            n++;
        }
    }

    @Test
    void aReplyIsBoundedByItsEstimatedMemory_andTheClientsNextWriteStartsANewReply() throws Exception {
        // "* 1 EXISTS\r\n": 11 bytes at 2 (the LF ends the line), 2 spaces at 64, one line at 128 = 278 bytes each
        String exists = "* 1 EXISTS\r\n";
        Exchange e = exchange(280 * 10);
        InputStream in = new ResponseGuard(new ByteArrayInputStream(exists.repeat(10).getBytes(StandardCharsets.ISO_8859_1)), e);
        assertThat(responsesRead(in, exists)).isEqualTo(10);
        e = exchange(280 * 10);
        InputStream endless = new ResponseGuard(new ByteArrayInputStream(exists.repeat(1000).getBytes(StandardCharsets.ISO_8859_1)), e);
        assertThat(responsesRead(endless, exists)).as("the 11th response passes the bound").isEqualTo(10);
        // once failed, the connection stays failed: a further read and a write fail at once
        InputStream failed = endless;
        Exchange failedExchange = e;
        assertThatThrownBy(() -> failed.read()).isInstanceOf(ResponseGuard.ResponseTooLargeException.class);
        assertThatThrownBy(() -> write(failedExchange, "A2 NOOP\r\n")).isInstanceOf(ResponseGuard.ResponseTooLargeException.class);

        Exchange fresh = exchange(280 * 10);
        InputStream perCommand = new ResponseGuard(new ByteArrayInputStream(exists.repeat(30).getBytes(StandardCharsets.ISO_8859_1)), fresh);
        byte[] nine = new byte[exists.length() * 9];
        for (int command = 0; command < 3; command++) {
            write(fresh, "A" + command + " NOOP\r\n"); // each command's reply gets the whole bound
            assertThat(perCommand.readNBytes(nine, 0, nine.length)).isEqualTo(nine.length);
        }
    }

    @Test
    void aWordCostsMoreThanItsBytes_soAFloodOfKeywordsIsBoundedLikeTheHeapItTakes() throws Exception {
        String flood = "* 1 FETCH (FLAGS (" + "k ".repeat(400) + "))\r\n"; // within the 1000-byte line bound
        Exchange e = exchange(20_000);
        InputStream in = new ResponseGuard(new ByteArrayInputStream(flood.getBytes(StandardCharsets.ISO_8859_1)), e);
        assertThatThrownBy(() -> in.readAllBytes()).isInstanceOf(ResponseGuard.ResponseTooLargeException.class)
                .hasMessageContaining("maxReplyMemory");
        // the same number of bytes without spaces passes
        String word = "* 1 FETCH (FLAGS (" + "kk".repeat(400) + "))\r\n";
        InputStream ok = new ResponseGuard(new ByteArrayInputStream(word.getBytes(StandardCharsets.ISO_8859_1)), exchange(20_000));
        assertThat(ok.readAllBytes()).hasSize(word.length());
    }

    @Test
    void aSecondLiteralInOneResponse_countsTheCopyAngusMakesToGrowItsBuffer() throws Exception {
        String two = "* 1 FETCH (BODY[1] {400}\r\n" + "a".repeat(400) + " BODY[2] {400}\r\n" + "b".repeat(400) + ")\r\n";
        // literals 400 + 400, and the second one's copy of the ~440 bytes before it: refused under 1,600
        InputStream tight = new ResponseGuard(new ByteArrayInputStream(two.getBytes(StandardCharsets.ISO_8859_1)), exchange(1_600));
        assertThatThrownBy(() -> tight.readAllBytes()).isInstanceOf(ResponseGuard.ResponseTooLargeException.class)
                .hasMessageContaining("announced a literal of 400 bytes");
        InputStream roomy = new ResponseGuard(new ByteArrayInputStream(two.getBytes(StandardCharsets.ISO_8859_1)), exchange(2_400));
        assertThat(roomy.readAllBytes()).hasSize(two.length());
    }

    @Test
    void nestingIsBounded_outsideQuotedStringsAndLiterals() throws Exception {
        String deep = "* 1 FETCH (BODYSTRUCTURE " + "(".repeat(257) + "\r\n";
        assertThatThrownBy(() -> readAll(deep, true, 64)).isInstanceOf(ResponseGuard.ResponseTooLargeException.class)
                .hasMessageContaining("nested more than 256 levels");
        String quoted = "* 1 FETCH (ENVELOPE (\"" + "(".repeat(300) + "\\\" still quoted (\" NIL))\r\n";
        assertThat(readAll(quoted, true, 7)).hasSize(quoted.length());
        String literal = "* 1 FETCH (BODY[] {300}\r\n" + "(".repeat(300) + ")\r\n";
        assertThat(readAll(literal, true, 64)).hasSize(literal.length());
        // depth ends with the response
        String many = ("* 1 FETCH (X " + "(".repeat(200) + ")\r\n").repeat(3);
        assertThat(readAll(many, true, 64)).hasSize(many.length());
    }

    @Test
    void theWaitInIdle_beginsWithTheServersContinuation_andEndsWithTheClientsNextWrite() throws Exception {
        Exchange e = exchange(Long.MAX_VALUE);
        InputStream in = new ResponseGuard(new ByteArrayInputStream("+ idling\r\n".getBytes(StandardCharsets.ISO_8859_1)), e);
        write(e, "A7 IDLE\r\n");
        assertThat(e.idle()).as("not before the server agreed").isFalse();
        in.readAllBytes();
        assertThat(e.idle()).isTrue();
        write(e, "DONE\r\n");
        assertThat(e.idle()).isFalse();
        // a continuation for anything else (a literal, AUTHENTICATE) is not IDLE
        write(e, "A8 APPEND INBOX {5}\r\n");
        e.continuation();
        assertThat(e.idle()).isFalse();
        // nor is a line that merely ends in IDLE, or an SMTP connection
        write(e, "A9 SEARCH KEYWORD IDLE\r\n");
        e.continuation();
        assertThat(e.idle()).isFalse();
        Exchange smtp = new Exchange(new ResponseLimits(LIMIT, Long.MAX_VALUE, false, null, null, null, null));
        write(smtp, "A1 IDLE\r\n");
        smtp.continuation();
        assertThat(smtp.idle()).isFalse();
    }

    @Test
    void plainSockets_areGuarded_untilTlsIsLayeredOverThem_alsoUnderAngusWriteTimeoutWrapper() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket plain = PlainSocketFactory.guarded(LIMIT, true).createSocket();
             Socket wrapped = new org.eclipse.angus.mail.util.WriteTimeoutSocket(plain, 1000)) {
            wrapped.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            try (Socket accepted = server.accept()) {
                assertThat(wrapped.getInputStream()).isInstanceOf(ResponseGuard.class);
                VerifyingSocketFactory tls = new VerifyingSocketFactory(SSLContext.getDefault().getSocketFactory())
                        .guarded(LIMIT, true);
                Socket layered = tls.createSocket(wrapped, "localhost", server.getLocalPort(), false);
                assertThat(wrapped.getInputStream()).isNotInstanceOf(ResponseGuard.class);
                assertThat(layered.getInputStream()).isInstanceOf(ResponseGuard.class);
                assertThat(accepted.isConnected()).isTrue();
            }
        }
    }

    @Test
    void plainSockets_areGuarded_untilTlsIsLayeredOverThem() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket plain = PlainSocketFactory.guarded(LIMIT, true).createSocket(InetAddress.getLoopbackAddress(),
                     server.getLocalPort());
             Socket accepted = server.accept()) {
            assertThat(plain.getInputStream()).isInstanceOf(ResponseGuard.class);
            VerifyingSocketFactory tls = new VerifyingSocketFactory(SSLContext.getDefault().getSocketFactory())
                    .guarded(LIMIT, true);
            Socket layered = tls.createSocket(plain, "localhost", server.getLocalPort(), false);
            // the TLS socket reads through the plain one, which now carries TLS records: not guarded there
            assertThat(plain.getInputStream()).isNotInstanceOf(ResponseGuard.class);
            assertThat(layered).isInstanceOf(GuardedSslSocket.class);
            assertThat(layered.getInputStream()).isInstanceOf(ResponseGuard.class);
            assertThat(accepted.isConnected()).isTrue();
        }
    }
}
