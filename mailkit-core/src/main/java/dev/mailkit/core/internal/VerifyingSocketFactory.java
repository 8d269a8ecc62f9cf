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
    private final long responseLimit;
    private final boolean literals;

    /**
     * Wraps a factory.
     *
     * @param delegate the factory creating the sockets
     */
    public VerifyingSocketFactory(SSLSocketFactory delegate) {
        this(delegate, 0, false);
    }

    private VerifyingSocketFactory(SSLSocketFactory delegate, long responseLimit, boolean literals) {
        this.delegate = delegate;
        this.responseLimit = responseLimit;
        this.literals = literals;
    }

    /**
     * The same factory, with sockets whose decrypted input passes through a {@link ResponseGuard}.
     *
     * @param responseLimit the largest response line or literal accepted
     * @param literals      true for IMAP
     * @return the factory
     */
    public VerifyingSocketFactory guarded(long responseLimit, boolean literals) {
        return new VerifyingSocketFactory(delegate, responseLimit, literals);
    }

    private Socket secure(Socket s) throws IOException {
        PlainSocketFactory.noDelay(s);
        if (s instanceof SSLSocket ssl) {
            SSLParameters p = ssl.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            p.setProtocols(PROTOCOLS);
            ssl.setSSLParameters(p);
            if (responseLimit > 0) {
                return new GuardedSslSocket(ssl, responseLimit, literals);
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
        return secure(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        if (responseLimit > 0) {
            PlainSocketFactory.layered(s); // its bytes are now TLS records; the new socket is guarded instead
        }
        return secure(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return secure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return secure(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return secure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return secure(delegate.createSocket(address, port, localAddress, localPort));
    }
}
