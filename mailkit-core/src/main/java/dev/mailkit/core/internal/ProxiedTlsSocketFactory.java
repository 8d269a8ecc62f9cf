package dev.mailkit.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.Set;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Implicit TLS through a proxy, as a plain socket factory. For an implicit-TLS endpoint Angus Mail opens the
 * TCP connection itself, with {@code new Socket()}, and only hands it to the TLS socket factory afterwards:
 * a proxy set on mailkit's factories would be bypassed. So through a proxy the session is configured as if
 * the endpoint were plain, and this factory's sockets are TLS sockets already: {@code connect} opens the
 * tunnel with a socket of the plain factory (guards and deadlines included) and layers TLS over it with
 * the TLS factory, for the mail server's host name (SNI and certificate check), and completes the
 * handshake before it returns. The socket Angus gets reads and writes through TLS.
 */
public final class ProxiedTlsSocketFactory extends SocketFactory {

    private final PlainSocketFactory plain;
    private final SSLSocketFactory tls;

    /**
     * A factory.
     *
     * @param plain the factory for the tunnelled TCP socket (with its proxy)
     * @param tls   the factory that layers TLS over it
     */
    public ProxiedTlsSocketFactory(PlainSocketFactory plain, SSLSocketFactory tls) {
        this.plain = plain;
        this.tls = tls;
    }

    @Override
    public Socket createSocket() throws IOException {
        return new TlsThroughTunnel(plain.createSocket(), tls);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return open(InetSocketAddress.createUnresolved(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new SocketException("a connection through a proxy cannot choose its local address");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return open(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        throw new SocketException("a connection through a proxy cannot choose its local address");
    }

    private Socket open(InetSocketAddress target) throws IOException {
        Socket s = createSocket();
        try {
            s.connect(target);
        } catch (IOException | RuntimeException e) {
            PlainSocketFactory.closeQuietly(s);
            throw e;
        }
        return s;
    }

    /** Before {@code connect}: the tunnelled TCP socket; after: the TLS socket over it. */
    private static final class TlsThroughTunnel extends Socket {
        private final Socket tcp;
        private final SSLSocketFactory factory;
        private volatile Socket tls;

        TlsThroughTunnel(Socket tcp, SSLSocketFactory factory) {
            this.tcp = tcp;
            this.factory = factory;
        }

        private Socket now() {
            Socket t = tls;
            return t != null ? t : tcp;
        }

        private Socket connected() throws SocketException {
            Socket t = tls;
            if (t == null) {
                throw new SocketException("not connected");
            }
            return t;
        }

        @Override
        public void connect(SocketAddress endpoint) throws IOException {
            connect(endpoint, 0);
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            if (!(endpoint instanceof InetSocketAddress target)) {
                throw new IllegalArgumentException("not an internet address: " + endpoint);
            }
            tcp.connect(endpoint, timeout);
            Socket s;
            try {
                s = factory.createSocket(tcp, target.getHostString(), target.getPort(), true);
                if (s instanceof SSLSocket ssl) {
                    ssl.startHandshake(); // as Angus would for a TLS socket it made; the greeting deadline bounds it
                }
            } catch (IOException | RuntimeException e) {
                PlainSocketFactory.closeQuietly(tcp);
                throw e;
            }
            tls = s;
        }

        @Override
        public void bind(SocketAddress bindpoint) throws IOException {
            throw new SocketException("a connection through a proxy cannot choose its local address");
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return connected().getInputStream();
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return connected().getOutputStream();
        }

        @Override
        public InetAddress getInetAddress() {
            return now().getInetAddress();
        }

        @Override
        public InetAddress getLocalAddress() {
            return now().getLocalAddress();
        }

        @Override
        public int getPort() {
            return now().getPort();
        }

        @Override
        public int getLocalPort() {
            return now().getLocalPort();
        }

        @Override
        public SocketAddress getRemoteSocketAddress() {
            return now().getRemoteSocketAddress();
        }

        @Override
        public SocketAddress getLocalSocketAddress() {
            return now().getLocalSocketAddress();
        }

        @Override
        public SocketChannel getChannel() {
            return null;
        }

        @Override
        public void setTcpNoDelay(boolean on) throws SocketException {
            now().setTcpNoDelay(on);
        }

        @Override
        public boolean getTcpNoDelay() throws SocketException {
            return now().getTcpNoDelay();
        }

        @Override
        public void setSoLinger(boolean on, int linger) throws SocketException {
            now().setSoLinger(on, linger);
        }

        @Override
        public int getSoLinger() throws SocketException {
            return now().getSoLinger();
        }

        @Override
        public void sendUrgentData(int data) throws IOException {
            throw new SocketException("urgent data is not sent over TLS");
        }

        @Override
        public void setOOBInline(boolean on) throws SocketException {
            now().setOOBInline(on);
        }

        @Override
        public boolean getOOBInline() throws SocketException {
            return now().getOOBInline();
        }

        @Override
        public void setSoTimeout(int timeout) throws SocketException {
            now().setSoTimeout(timeout);
        }

        @Override
        public int getSoTimeout() throws SocketException {
            return now().getSoTimeout();
        }

        @Override
        public void setSendBufferSize(int size) throws SocketException {
            now().setSendBufferSize(size);
        }

        @Override
        public int getSendBufferSize() throws SocketException {
            return now().getSendBufferSize();
        }

        @Override
        public void setReceiveBufferSize(int size) throws SocketException {
            now().setReceiveBufferSize(size);
        }

        @Override
        public int getReceiveBufferSize() throws SocketException {
            return now().getReceiveBufferSize();
        }

        @Override
        public void setKeepAlive(boolean on) throws SocketException {
            now().setKeepAlive(on);
        }

        @Override
        public boolean getKeepAlive() throws SocketException {
            return now().getKeepAlive();
        }

        @Override
        public void setTrafficClass(int tc) throws SocketException {
            now().setTrafficClass(tc);
        }

        @Override
        public int getTrafficClass() throws SocketException {
            return now().getTrafficClass();
        }

        @Override
        public void setReuseAddress(boolean on) throws SocketException {
            now().setReuseAddress(on);
        }

        @Override
        public boolean getReuseAddress() throws SocketException {
            return now().getReuseAddress();
        }

        @Override
        public void close() throws IOException {
            Socket t = tls;
            if (t != null) {
                t.close();
            }
            tcp.close();
        }

        @Override
        public void shutdownInput() throws IOException {
            now().shutdownInput();
        }

        @Override
        public void shutdownOutput() throws IOException {
            now().shutdownOutput();
        }

        @Override
        public boolean isConnected() {
            return tls != null && tls.isConnected();
        }

        @Override
        public boolean isBound() {
            return now().isBound();
        }

        @Override
        public boolean isClosed() {
            return now().isClosed();
        }

        @Override
        public boolean isInputShutdown() {
            return now().isInputShutdown();
        }

        @Override
        public boolean isOutputShutdown() {
            return now().isOutputShutdown();
        }

        @Override
        public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
            now().setPerformancePreferences(connectionTime, latency, bandwidth);
        }

        @Override
        public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
            now().setOption(name, value);
            return this;
        }

        @Override
        public <T> T getOption(SocketOption<T> name) throws IOException {
            return now().getOption(name);
        }

        @Override
        public Set<SocketOption<?>> supportedOptions() {
            return now().supportedOptions();
        }

        @Override
        public String toString() {
            return "TLS through a proxy: " + now();
        }
    }
}
