package dev.mailkit.core.internal.proxy;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.ProxySettings;
import dev.mailkit.core.internal.PlainSocketFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.ssl.SSLSocketFactory;

/**
 * A TLS socket factory for HTTPS clients that open sockets through it ({@code HttpsURLConnection}, and so the
 * OAuth2 calls): its unconnected sockets connect through the proxy ({@code createSocket()}, then
 * {@code connect}), and TLS is layered over them by the connection options' factory, for the host name of
 * the URL. Used with {@link java.net.Proxy#NO_PROXY}, so that the JDK's own proxy selection does not send
 * the request elsewhere.
 */
public final class TunnellingSslSocketFactory extends SSLSocketFactory {

    private final PlainSocketFactory plain;
    private final SSLSocketFactory tls;
    private final int timeoutMillis;

    private TunnellingSslSocketFactory(PlainSocketFactory plain, SSLSocketFactory tls, int timeoutMillis) {
        this.plain = plain;
        this.tls = tls;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * The TLS socket factory for HTTPS calls made with these options: through their proxy when they have
     * one, else their own {@link ConnectionOptions#sslSocketFactory()}.
     *
     * @param options the connection options
     * @return the factory
     */
    public static SSLSocketFactory forHttps(ConnectionOptions options) {
        ProxySettings proxy = options.proxy().orElse(null);
        if (proxy == null) {
            return options.sslSocketFactory();
        }
        return new TunnellingSslSocketFactory(PlainSocketFactory.INSTANCE.through(proxy, options.connectTimeout()),
                options.sslSocketFactory(), (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()));
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return tls.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return tls.getSupportedCipherSuites();
    }

    /** An unconnected socket whose {@code connect} opens a tunnel through the proxy. */
    @Override
    public Socket createSocket() throws IOException {
        return plain.createSocket();
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return tls.createSocket(s, host, port, autoClose);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = plain.createSocket();
        try {
            s.connect(InetSocketAddress.createUnresolved(host, port), timeoutMillis);
            return tls.createSocket(s, host, port, true);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new SocketException("a connection through a proxy cannot choose its local address");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return createSocket(host.getHostAddress(), port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        throw new SocketException("a connection through a proxy cannot choose its local address");
    }
}
