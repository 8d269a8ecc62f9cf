package dev.mailkit.core.internal;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.Objects;
import javax.net.SocketFactory;

/**
 * The factory for the plain TCP sockets of a connection (before STARTTLS, or without TLS): ordinary
 * sockets with {@code TCP_NODELAY}. Mail protocols send short commands and wait for replies; with
 * pipelining (RFC 2920) several go out back to back, and Nagle's algorithm would hold each one until
 * the previous one was acknowledged. Their output can be held back with {@link Cork}.
 */
public final class PlainSocketFactory extends SocketFactory {

    /** An instance without a {@link ResponseGuard}. */
    public static final PlainSocketFactory INSTANCE = new PlainSocketFactory(0, false);

    private final long responseLimit;
    private final boolean literals;

    private PlainSocketFactory(long responseLimit, boolean literals) {
        this.responseLimit = responseLimit;
        this.literals = literals;
    }

    /**
     * A factory whose sockets pass what they read through a {@link ResponseGuard}.
     *
     * @param responseLimit the largest response line or literal accepted
     * @param literals      true for IMAP
     * @return the factory
     */
    public static PlainSocketFactory guarded(long responseLimit, boolean literals) {
        return new PlainSocketFactory(responseLimit, literals);
    }

    /**
     * Called when TLS is layered over {@code s} (STARTTLS): from then on it carries encrypted bytes, which the
     * guard must not read as responses (the TLS socket over it is guarded instead).
     *
     * @param s the plain socket under a new TLS socket, or Angus Mail's write-timeout wrapper around it
     */
    static void layered(Socket s) {
        if (s instanceof CorkableSocket c) {
            c.layered = true;
            return;
        }
        // Angus wraps the plain socket (WriteTimeoutSocket) and does not expose it; STARTTLS runs on the
        // thread that opened the connection, so the socket this thread made last is it when the ends match.
        WeakReference<CorkableSocket> ref = LAST.get();
        CorkableSocket c = ref == null ? null : ref.get();
        if (c != null && c.getLocalPort() == s.getLocalPort() && c.getPort() == s.getPort()
                && Objects.equals(c.getInetAddress(), s.getInetAddress())) {
            c.layered = true;
        }
    }

    /** The socket this thread created last (see {@link #layered}). */
    private static final ThreadLocal<WeakReference<CorkableSocket>> LAST = new ThreadLocal<>();

    static Socket noDelay(Socket s) throws SocketException {
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public Socket createSocket() throws IOException {
        CorkableSocket s = new CorkableSocket(responseLimit, literals);
        LAST.set(new WeakReference<>(s));
        return noDelay(s);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new java.net.InetSocketAddress(localHost, localPort));
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new java.net.InetSocketAddress(localAddress, localPort));
        s.connect(new java.net.InetSocketAddress(address, port));
        return s;
    }

    /** A socket whose output stream can be corked and whose input can be guarded. */
    private static final class CorkableSocket extends Socket {
        private final long responseLimit;
        private final boolean literals;
        private OutputStream out;
        private InputStream in;
        private volatile boolean layered;

        CorkableSocket(long responseLimit, boolean literals) {
            this.responseLimit = responseLimit;
            this.literals = literals;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (responseLimit <= 0 || layered) {
                return super.getInputStream();
            }
            if (in == null) {
                in = new ResponseGuard(super.getInputStream(), responseLimit, literals);
            }
            return in;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (out == null) {
                out = new CorkableOutputStream(super.getOutputStream());
            }
            return out;
        }
    }

    /**
     * While the writing thread holds a {@link Cork}, writes and flushes are kept here; afterwards the
     * next write sends everything held together with its own bytes, in one write (Angus's write-timeout
     * wrapper does not pass flushes on, so a flush cannot be what releases them).
     */
    private static final class CorkableOutputStream extends FilterOutputStream {
        private final ByteArrayOutputStream held = new ByteArrayOutputStream();

        CorkableOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
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
