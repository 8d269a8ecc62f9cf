package dev.mailkit.core.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.SocketFactory;

/**
 * The factory for the plain TCP sockets of a connection (before STARTTLS, or without TLS): ordinary
 * sockets with {@code TCP_NODELAY}. Mail protocols send short commands and wait for replies; with
 * pipelining (RFC 2920) several go out back to back, and Nagle's algorithm would hold each one until
 * the previous one was acknowledged.
 */
public final class PlainSocketFactory extends SocketFactory {

    /** The shared instance. */
    public static final PlainSocketFactory INSTANCE = new PlainSocketFactory();

    private PlainSocketFactory() {
    }

    static Socket noDelay(Socket s) throws SocketException {
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public Socket createSocket() throws IOException {
        return noDelay(new Socket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return noDelay(new Socket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return noDelay(new Socket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return noDelay(new Socket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return noDelay(new Socket(address, port, localAddress, localPort));
    }
}
