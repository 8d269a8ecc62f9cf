package dev.mailkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.angus.mail.util.SocketFetcher;
import org.junit.jupiter.api.Test;

/**
 * The plain socket under STARTTLS is found again through Angus Mail's own connection path: Angus opens it
 * through mailkit's factory, wraps it in its write-timeout socket, and hands the wrapper to the TLS socket
 * factory. Fails when an Angus upgrade opens or wraps the socket so that {@code UnderlyingSocket} no longer
 * finds it (then the TLS records would be read as responses and the deadlines lost).
 */
class StartTlsUnderAngusTest {

    @Test
    void startTls_overAngusWriteTimeoutWrapper_findsTheGuardedSocket() throws Exception {
        AtomicReference<Socket> handed = new AtomicReference<>();
        AtomicReference<Exchange> found = new AtomicReference<>();
        SSLSocketFactory recording = new SSLSocketFactory() {
            @Override
            public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
                handed.set(s);
                found.set(PlainSocketFactory.layered(s));
                throw new IOException("stop after recording");
            }

            @Override
            public String[] getDefaultCipherSuites() {
                return new String[0];
            }

            @Override
            public String[] getSupportedCipherSuites() {
                return new String[0];
            }

            @Override
            public Socket createSocket(String host, int port) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(InetAddress host, int port) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
                throw new UnsupportedOperationException();
            }
        };
        Properties props = new Properties();
        props.put("mail.smtp.socketFactory", PlainSocketFactory.guarded(1000, false));
        props.setProperty("mail.smtp.socketFactory.fallback", "false");
        props.put("mail.smtp.ssl.socketFactory", recording);
        props.setProperty("mail.smtp.writetimeout", "5000");
        props.setProperty("mail.smtp.connectiontimeout", "5000");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket plain = SocketFetcher.getSocket("127.0.0.1", server.getLocalPort(), props, "mail.smtp", false);
            try (Socket accepted = server.accept()) {
                assertThatThrownBy(() -> SocketFetcher.startTLS(plain, "127.0.0.1", props, "mail.smtp"))
                        .hasStackTraceContaining("stop after recording");
                assertThat(handed.get()).isNotNull();
                assertThat(found.get()).as("the guarded socket under " + handed.get().getClass().getName()).isNotNull();
            } finally {
                plain.close();
            }
        }
    }
}
