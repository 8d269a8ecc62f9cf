package dev.mailkit.core.internal.angus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.internal.PlainSocketFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CorkTest {

    @Test
    void corkedWrites_leaveTogetherWithTheNextWrite_andSocketsHaveNoDelay() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = PlainSocketFactory.INSTANCE.createSocket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            assertThat(client.getTcpNoDelay()).isTrue();
            try (Socket peer = server.accept()) {
                peer.setSoTimeout(300);
                InputStream in = peer.getInputStream();
                OutputStream out = client.getOutputStream();

                Cork.begin();
                out.write("MAIL\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                out.write("RCPT\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(Cork.end()).isEqualTo(12);
                byte[] buf = new byte[64];
                boolean arrived;
                try {
                    arrived = in.read(buf) > 0;
                } catch (SocketTimeoutException e) {
                    arrived = false;
                }
                assertThat(arrived).as("nothing leaves while corked").isFalse();

                out.write("DATA\r\n".getBytes(StandardCharsets.US_ASCII)); // no flush: the write itself releases
                peer.setSoTimeout(5000);
                int n = 0;
                while (n < 18) {
                    n += in.read(buf, n, buf.length - n);
                }
                assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("MAIL\r\nRCPT\r\nDATA\r\n");
            }
        }
    }

    @Test
    void withoutCork_writesGoStraightOut() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = PlainSocketFactory.INSTANCE.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket peer = server.accept()) {
            peer.setSoTimeout(5000);
            client.getOutputStream().write("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[6];
            assertThat(peer.getInputStream().readNBytes(buf, 0, 6)).isEqualTo(6);
            assertThat(Cork.end()).isZero();
        }
    }
}
