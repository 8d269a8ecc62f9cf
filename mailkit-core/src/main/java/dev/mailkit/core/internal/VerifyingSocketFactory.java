package dev.mailkit.core.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Wraps a socket factory so that every TLS socket verifies the server's host name during the
 * handshake (endpoint identification "HTTPS", RFC 2818 / RFC 6125 rules) and speaks only TLS 1.2+.
 * This does not depend on how a protocol implementation configures its sockets. Sockets get
 * {@code TCP_NODELAY}, so pipelined commands are not held back waiting for acknowledgements.
 */
public final class VerifyingSocketFactory extends SSLSocketFactory {

    private static final String[] PROTOCOLS = TlsContexts.PROTOCOLS.split(" ");

    private final SSLSocketFactory delegate;
    private final ResponseLimits limits;

    /**
     * Wraps a factory.
     *
     * @param delegate the factory creating the sockets
     */
    public VerifyingSocketFactory(SSLSocketFactory delegate) {
        this(delegate, null);
    }

    private VerifyingSocketFactory(SSLSocketFactory delegate, ResponseLimits limits) {
        this.delegate = delegate;
        this.limits = limits;
    }

    /**
     * The same factory, with sockets whose decrypted input passes through a {@link ResponseGuard} bounding
     * lines and literals.
     *
     * @param responseLimit the largest response line or literal accepted
     * @param literals      true for IMAP
     * @return the factory
     */
    public VerifyingSocketFactory guarded(long responseLimit, boolean literals) {
        return new VerifyingSocketFactory(delegate, ResponseLimits.lineOnly(responseLimit, literals));
    }

    /**
     * The same factory, with sockets that enforce these limits: the decrypted input passes through a
     * {@link ResponseGuard}, the client's writes are watched, and the TCP socket under TLS (when the
     * connection's plain socket comes from {@link PlainSocketFactory}, or is handed to
     * {@link #createSocket(Socket, String, int, boolean)}) reads with the connection's deadlines, the
     * handshake included.
     *
     * @param limits the limits
     * @return the factory
     */
    public VerifyingSocketFactory guarded(ResponseLimits limits) {
        return new VerifyingSocketFactory(delegate, limits);
    }

    private Socket secure(Socket s, Exchange exchange) throws IOException {
        PlainSocketFactory.noDelay(s);
        if (s instanceof SSLSocket ssl) {
            SSLParameters p = ssl.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            p.setProtocols(PROTOCOLS);
            ssl.setSSLParameters(p);
            if (limits != null) {
                return new GuardedSslSocket(ssl, exchange != null ? exchange : new Exchange(limits));
            }
        }
        return s;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
        return secure(delegate.createSocket(), null);
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        if (limits == null) {
            return secure(delegate.createSocket(s, host, port, autoClose), null);
        }
        // STARTTLS over a socket of PlainSocketFactory: its bytes are now TLS records, read there with the
        // connection's deadlines, and the new socket guards the responses. Implicit TLS over a socket Angus
        // made itself: a new connection, whose TCP input is read with its deadlines from here on.
        Exchange exchange = PlainSocketFactory.layered(s);
        Socket under = s;
        if (exchange == null) {
            exchange = new Exchange(limits);
            under = new DeadlineSocket(s, exchange);
        }
        return secure(delegate.createSocket(under, host, port, autoClose), exchange);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return secure(delegate.createSocket(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return secure(delegate.createSocket(host, port, localHost, localPort), null);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return secure(delegate.createSocket(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return secure(delegate.createSocket(address, port, localAddress, localPort), null);
    }
}
