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
