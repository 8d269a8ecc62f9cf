package dev.mailkit.core.internal;

import dev.mailkit.core.ProxySettings;
import dev.mailkit.core.internal.angus.Cork;
import dev.mailkit.core.internal.angus.UnderlyingSocket;
import dev.mailkit.core.internal.proxy.ProxyTunnel;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import javax.net.SocketFactory;

/**
 * The factory for the plain TCP sockets of a connection (before STARTTLS, or without TLS): ordinary
 * sockets with {@code TCP_NODELAY}. Mail protocols send short commands and wait for replies; with
 * pipelining (RFC 2920) several go out back to back, and Nagle's algorithm would hold each one until
 * the previous one was acknowledged. Their output can be held back with {@link Cork}. Guarded sockets
 * read through {@link TimedInput} (the connection's deadlines, also under a TLS socket layered on them)
 * and, until TLS is layered over them, through a {@link ResponseGuard}; their writes are reported to the
 * connection's {@link Exchange}.
 *
 * <p>With a proxy ({@link #through}), a socket's {@code connect} opens a TCP connection to the proxy and asks
 * it for a tunnel to the address given (its host name is sent for the proxy to resolve; see
 * {@link ProxyTunnel}); once it returns, the socket is the mail server's, and the connection's greeting
 * deadline counts from then.
 */
public final class PlainSocketFactory extends SocketFactory {

    /** An instance without a {@link ResponseGuard}. */
    public static final PlainSocketFactory INSTANCE = new PlainSocketFactory(null, null, null);

    private final ResponseLimits limits;
    private final ProxySettings proxy;
    private final Duration proxyTimeout;

    private PlainSocketFactory(ResponseLimits limits, ProxySettings proxy, Duration proxyTimeout) {
        this.limits = limits;
        this.proxy = proxy;
        this.proxyTimeout = proxyTimeout;
    }

    /**
     * A factory whose sockets pass what they read through a {@link ResponseGuard} bounding lines and literals.
     *
     * @param responseLimit the largest response line or literal accepted
     * @param literals      true for IMAP
     * @return the factory
     */
    public static PlainSocketFactory guarded(long responseLimit, boolean literals) {
        return new PlainSocketFactory(ResponseLimits.lineOnly(responseLimit, literals), null, null);
    }

    /**
     * A factory whose sockets enforce these limits: lines, literals, replies and deadlines.
     *
     * @param limits the limits
     * @return the factory
     */
    public static PlainSocketFactory guarded(ResponseLimits limits) {
        return new PlainSocketFactory(limits, null, null);
    }

    /**
     * The same factory, with sockets that connect through a proxy.
     *
     * @param proxy   the proxy, or null for direct connections (then this factory is returned)
     * @param timeout the time allowed for the TCP connection to the proxy and the tunnel together
     * @return the factory
     */
    public PlainSocketFactory through(ProxySettings proxy, Duration timeout) {
        return proxy == null ? this : new PlainSocketFactory(limits, proxy, timeout);
    }

    /**
     * Called when TLS is layered over {@code s} (STARTTLS): from then on it carries encrypted bytes, which the
     * guard must not read as responses (the TLS socket over it is guarded instead).
     *
     * @param s the plain socket under a new TLS socket, or Angus Mail's write-timeout wrapper around it
     * @return the connection's exchange, which the TLS socket shares; null when {@code s} is not a guarded
     *         socket of this factory (implicit TLS over a socket Angus made itself)
     */
    static Exchange layered(Socket s) {
        CorkableSocket c = s instanceof CorkableSocket direct ? direct
                : UnderlyingSocket.under(s) instanceof CorkableSocket under ? under : null;
        if (c == null) {
            return null;
        }
        c.layered = true;
        return c.exchange;
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // the failure that led here is what counts
        }
    }

    static Socket noDelay(Socket s) throws SocketException {
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public Socket createSocket() throws IOException {
        CorkableSocket s = new CorkableSocket(limits, proxy, proxyTimeout);
        UnderlyingSocket.created(s); // found again under Angus's write-timeout wrapper at STARTTLS
        return noDelay(s);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return open(null, new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return open(new InetSocketAddress(localHost, localPort), new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return open(null, new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return open(new InetSocketAddress(localAddress, localPort), new InetSocketAddress(address, port));
    }

    /** A new socket, bound to {@code local} unless null, connected to {@code remote}. */
    private Socket open(InetSocketAddress local, InetSocketAddress remote) throws IOException {
        Socket s = createSocket();
        try {
            if (local != null) {
                s.bind(local);
            }
            s.connect(remote, proxyTimeout == null ? 0 : (int) Math.min(Integer.MAX_VALUE, proxyTimeout.toMillis()));
        } catch (IOException | RuntimeException e) {
            closeQuietly(s);
            throw e;
        }
        return s;
    }

    /** A socket whose output stream can be corked and whose input can be guarded. */
    private static final class CorkableSocket extends Socket implements TimedInput.Timeouts {
        private final Exchange exchange;
        private final ProxySettings proxy;
        private final Duration proxyTimeout;
        private OutputStream out;
        private InputStream raw;
        private InputStream in;
        private volatile boolean layered;
        private volatile int readTimeout;
        private int applied = -1;

        CorkableSocket(ResponseLimits limits, ProxySettings proxy, Duration proxyTimeout) {
            this.exchange = limits == null ? null : new Exchange(limits);
            this.proxy = proxy;
            this.proxyTimeout = proxyTimeout;
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            if (proxy == null) {
                super.connect(endpoint, timeout);
            } else {
                tunnel(endpoint, timeout);
            }
            if (exchange != null) {
                exchange.start(); // the greeting deadline counts from the open connection (the open tunnel)
            }
        }

        /**
         * Connects to the proxy and opens the tunnel to {@code endpoint}, within the proxy timeout from now (and
         * the TCP connection within {@code timeout} too, when one is given).
         */
        private void tunnel(SocketAddress endpoint, int timeout) throws IOException {
            if (!(endpoint instanceof InetSocketAddress target)) {
                throw new IllegalArgumentException("not an internet address: " + endpoint);
            }
            long start = System.nanoTime();
            long budget = Math.max(1, proxyTimeout.toMillis());
            int connectTimeout = (int) Math.min(Integer.MAX_VALUE, timeout > 0 ? Math.min(timeout, budget) : budget);
            try {
                super.connect(new InetSocketAddress(proxy.host(), proxy.port()), connectTimeout);
            } catch (IOException e) {
                closeQuietly(this);
                throw ProxyTunnel.unreachable(proxy, e, Duration.ofMillis(connectTimeout));
            }
            try {
                ProxyTunnel.open(proxy, super.getInputStream(), super.getOutputStream(), super::setSoTimeout,
                        target.getHostString(), target.getPort(), start + budget * 1_000_000L, Duration.ofMillis(budget));
                super.setSoTimeout(readTimeout); // as the protocol library set it
                applied = readTimeout;
            } catch (IOException | RuntimeException e) {
                closeQuietly(this);
                throw e;
            }
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (exchange == null) {
                return super.getInputStream();
            }
            if (raw == null) {
                raw = new TimedInput(super.getInputStream(), exchange, this);
            }
            if (layered) {
                return raw; // TLS records: the TLS socket above reads the responses, the deadlines hold here
            }
            if (in == null) {
                in = new ResponseGuard(raw, exchange);
            }
            return in;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (out == null) {
                out = new CorkableOutputStream(super.getOutputStream(), this);
            }
            return out;
        }

        @Override
        public synchronized void setSoTimeout(int timeout) throws SocketException {
            super.setSoTimeout(timeout);
            readTimeout = timeout;
            applied = timeout;
        }

        @Override
        public synchronized int getSoTimeout() {
            return readTimeout;
        }

        @Override
        public int readTimeout() {
            return readTimeout;
        }

        @Override
        public synchronized void apply(int millis) throws SocketException {
            if (millis != applied) {
                super.setSoTimeout(millis);
                applied = millis;
            }
        }

        /** The client wrote plain text (not TLS records) to the server. */
        void wrote(byte[] b, int off, int len) throws IOException {
            if (exchange != null && !layered) {
                exchange.clientWrote(b, off, len);
            }
        }
    }

    /**
     * While the writing thread holds a {@link Cork}, writes and flushes are kept here; afterwards the
     * next write sends everything held together with its own bytes, in one write (Angus's write-timeout
     * wrapper does not pass flushes on, so a flush cannot be what releases them).
     */
    private static final class CorkableOutputStream extends FilterOutputStream {
        private final ByteArrayOutputStream held = new ByteArrayOutputStream();
        private final CorkableSocket socket;

        CorkableOutputStream(OutputStream out, CorkableSocket socket) {
            super(out);
            this.socket = socket;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            socket.wrote(b, off, len);
            if (Cork.active()) {
                held.write(b, off, len);
                Cork.held(len);
            } else if (held.size() > 0) {
                held.write(b, off, len); // what was held leaves together with this write
                held.writeTo(out);
                held.reset();
            } else {
                out.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            if (Cork.active()) {
                return;
            }
            if (held.size() > 0) {
                held.writeTo(out);
                held.reset();
            }
            out.flush();
        }
    }
}
