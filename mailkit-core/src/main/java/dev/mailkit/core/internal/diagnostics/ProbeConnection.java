package dev.mailkit.core.internal.diagnostics;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.MailkitException;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.ProxySettings;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.TlsException;
import dev.mailkit.core.diagnostics.Finding;
import dev.mailkit.core.diagnostics.Severity;
import dev.mailkit.core.internal.ExceptionTranslator;
import dev.mailkit.core.internal.PlainSocketFactory;
import dev.mailkit.core.internal.proxy.ProxyFailure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLSocket;

/**
 * The raw SMTP or IMAP connection of {@link dev.mailkit.core.diagnostics.MailDiagnostics}: a plain or TLS
 * socket spoken to line by line, far enough to see the greeting, the capabilities and the TLS handshake
 * (never a login, which goes through Jakarta Mail). Each step adds its {@link Finding} to the list given.
 */
public final class ProbeConnection implements AutoCloseable {

    /**
     * What the server said it can do.
     *
     * @param starttls      whether STARTTLS is offered
     * @param auth          the login mechanisms offered (for IMAP, {@code LOGIN} unless LOGINDISABLED)
     * @param loginDisabled whether IMAP said LOGINDISABLED
     */
    public record Capabilities(boolean starttls, List<String> auth, boolean loginDisabled) {
    }

    private final Protocol protocol;
    private final ServerEndpoint endpoint;
    private final ConnectionOptions options;
    private final List<Finding> out;
    private Socket socket;
    private BufferedReader in;
    private OutputStream outStream;
    private int tag;

    private ProbeConnection(Protocol protocol, ServerEndpoint endpoint, ConnectionOptions options, List<Finding> out) {
        this.protocol = protocol;
        this.endpoint = endpoint;
        this.options = options;
        this.out = out;
    }

    /**
     * Connects, adding a TCP finding.
     *
     * @param address  the address to connect to
     * @param endpoint the server (its port and security; its host for TLS)
     * @param options  timeouts and trust
     * @param protocol SMTP or IMAP
     * @param out      where findings go
     * @return the connection, or null when it could not be made (the finding says why)
     */
    public static ProbeConnection open(InetAddress address, ServerEndpoint endpoint, ConnectionOptions options, Protocol protocol,
                        List<Finding> out) {
        ProbeConnection s = new ProbeConnection(protocol, endpoint, options, out);
        long start = System.nanoTime();
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(address, endpoint.port()), (int) options.connectTimeout().toMillis());
            socket.setSoTimeout((int) Math.min(options.readTimeout().toMillis(), 15_000));
        } catch (IOException e) {
            closeQuietly(socket);
            boolean timeout = e instanceof SocketTimeoutException;
            out.add(new Finding(protocol, Severity.ERROR, "TCP", (timeout ? "no answer from " : "refused by ")
                    + address.getHostAddress() + ":" + endpoint.port() + (timeout ? " within "
                    + options.connectTimeout().toSeconds() + " s" : ""), timeout
                    ? "a firewall or network may block port " + endpoint.port() + "; try another network, or the provider's other port"
                    : "nothing listens on port " + endpoint.port() + ": check the port"));
            return null;
        }
        s.socket = socket;
        out.add(new Finding(protocol, Severity.OK, "TCP", "connected to " + address.getHostAddress() + ":" + endpoint.port()
                + " in " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms", ""));
        return s;
    }

    /**
     * Connects through the options' proxy, which resolves the server's host name, adding a proxy finding
     * when the proxy fails and a TCP finding otherwise.
     *
     * @param endpoint the server
     * @param options  timeouts, trust and the proxy
     * @param protocol SMTP or IMAP
     * @param out      where findings go
     * @return the connection, or null when it could not be made (the finding says why)
     */
    public static ProbeConnection openThroughProxy(ServerEndpoint endpoint, ConnectionOptions options, Protocol protocol,
                                                   List<Finding> out) {
        ProxySettings proxy = options.proxy().orElseThrow();
        ProbeConnection s = new ProbeConnection(protocol, endpoint, options, out);
        long start = System.nanoTime();
        Socket socket = null;
        try {
            socket = PlainSocketFactory.INSTANCE.through(proxy, options.connectTimeout()).createSocket();
            socket.connect(InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port()),
                    (int) options.connectTimeout().toMillis());
            socket.setSoTimeout((int) Math.min(options.readTimeout().toMillis(), 15_000));
        } catch (ProxyFailure e) {
            closeQuietly(socket);
            out.add(new Finding(protocol, Severity.ERROR, "proxy", e.what(), e.fix()));
            return null;
        } catch (IOException e) {
            closeQuietly(socket);
            out.add(new Finding(protocol, Severity.ERROR, "proxy", "the connection through the " + proxy.type() + " proxy "
                    + proxy.address() + " failed: " + e.getMessage(), "check the proxy"));
            return null;
        }
        s.socket = socket;
        out.add(new Finding(protocol, Severity.OK, "TCP", "connected to " + endpoint.host() + ":" + endpoint.port()
                + " through the " + proxy.type() + " proxy " + proxy.address() + " in "
                + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms", ""));
        return s;
    }

    /**
     * Implicit TLS: the handshake now; otherwise nothing to do.
     *
     * @return false when the handshake failed (the finding says why)
     */
    public boolean handshake() {
        if (endpoint.security() != Security.SSL_TLS) {
            return true;
        }
        return tls("TLS");
    }

    /**
     * Asks for STARTTLS and shakes hands.
     *
     * @return false when refused or the handshake failed (the finding says why)
     * @throws IOException if the connection fails
     */
    public boolean startTls() throws IOException {
        String reply = protocol == Protocol.SMTP ? command("STARTTLS") : command(nextTag() + " STARTTLS");
        if (reply == null || !(reply.startsWith("220") || reply.contains(" OK"))) {
            out.add(new Finding(protocol, Severity.ERROR, "STARTTLS", "refused: " + reply, "check the server settings"));
            return false;
        }
        return tls("STARTTLS");
    }

    private boolean tls(String check) {
        try {
            SSLSocket ssl = (SSLSocket) options.sslSocketFactory().createSocket(socket, endpoint.host(), endpoint.port(), true);
            ssl.startHandshake();
            socket = ssl;
            in = null;
            X509Certificate cert = (X509Certificate) ssl.getSession().getPeerCertificates()[0];
            out.add(new Finding(protocol, Severity.OK, check, ssl.getSession().getProtocol() + ", certificate for "
                    + endpoint.host() + " valid until " + cert.getNotAfter().toInstant(), ""));
            return true;
        } catch (IOException e) {
            String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (msg.contains("unrecognized ssl message") || msg.contains("plaintext connection")) {
                out.add(new Finding(protocol, Severity.ERROR, check, "the server answered in plaintext on port "
                        + endpoint.port() + ", not with TLS", "use Security.STARTTLS on this port (or implicit TLS on port "
                        + (protocol == Protocol.SMTP ? 465 : 993) + ")"));
                return false;
            }
            MailkitException t = ExceptionTranslator.translate(e, protocol, endpoint, options, null);
            String reason = t instanceof TlsException te ? te.reason().name() : t.getClass().getSimpleName();
            out.add(new Finding(protocol, Severity.ERROR, check, reason + ": " + oneLine(t.getMessage()),
                    t instanceof TlsException te && te.reason() == TlsException.Reason.UNTRUSTED_CERTIFICATE
                            ? "for your own server, trust its certificate with ConnectionOptions.trustCertificates(pem)"
                            : "do not send credentials to this server until its TLS is fixed"));
            return false;
        }
    }

    /**
     * Reads the greeting (first time) and asks for the capabilities.
     *
     * @return the capabilities, or null when the greeting or EHLO failed (the finding says why)
     * @throws IOException if the connection fails
     */
    public Capabilities capabilities() throws IOException {
        if (in == null) {
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            outStream = socket.getOutputStream();
        }
        if (!greeted) {
            greeted = true;
            String greeting = readReply();
            boolean ok = greeting != null && (protocol == Protocol.SMTP ? greeting.startsWith("220")
                    : greeting.startsWith("* OK") || greeting.startsWith("* PREAUTH"));
            if (!ok) {
                out.add(new Finding(protocol, Severity.ERROR, "greeting", greeting == null
                        ? "no greeting within " + socket.getSoTimeout() / 1000 + " s" : "unexpected: " + oneLine(greeting),
                        greeting == null && endpoint.security() != Security.SSL_TLS
                                ? "the port may expect implicit TLS: use Security.SSL_TLS (SMTP 465, IMAP 993)"
                                : "check that this is a " + protocol + " server and port"));
                return null;
            }
            out.add(new Finding(protocol, Severity.OK, "greeting", oneLine(greeting), ""));
        }
        List<String> lines = new ArrayList<>();
        if (protocol == Protocol.SMTP) {
            String reply = command("EHLO mailkit-doctor");
            if (reply == null || !reply.startsWith("250")) {
                out.add(new Finding(protocol, Severity.ERROR, "EHLO", "refused: " + oneLine(reply), "check that this is an SMTP server"));
                return null;
            }
            lines.addAll(List.of(reply.split("\n")));
        } else {
            String t = nextTag();
            send(t + " CAPABILITY");
            String line;
            while ((line = in.readLine()) != null && !line.startsWith(t + " ")) {
                lines.add(line);
            }
        }
        boolean starttls = false;
        boolean loginDisabled = false;
        List<String> auth = new ArrayList<>();
        for (String l : lines) {
            String u = l.toUpperCase(Locale.ROOT);
            if (protocol == Protocol.SMTP) {
                String ext = u.length() > 4 ? u.substring(4).strip() : "";
                starttls |= ext.equals("STARTTLS");
                if (ext.startsWith("AUTH ") || ext.startsWith("AUTH=")) {
                    auth.addAll(List.of(ext.substring(5).strip().split("\\s+")));
                }
            } else {
                for (String cap : u.replace("* CAPABILITY", "").strip().split("\\s+")) {
                    starttls |= cap.equals("STARTTLS");
                    loginDisabled |= cap.equals("LOGINDISABLED");
                    if (cap.startsWith("AUTH=")) {
                        auth.add(cap.substring(5));
                    }
                }
            }
        }
        if (protocol == Protocol.IMAP && !loginDisabled && !auth.contains("LOGIN")) {
            auth.add("LOGIN"); // the IMAP LOGIN command, available unless LOGINDISABLED
        }
        return new Capabilities(starttls, auth, loginDisabled);
    }

    private boolean greeted;

    private String nextTag() {
        return "d" + (++tag);
    }

    private void send(String line) throws IOException {
        outStream.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        outStream.flush();
    }

    private String command(String line) throws IOException {
        send(line);
        if (protocol == Protocol.IMAP) {
            String t = line.substring(0, line.indexOf(' '));
            String l;
            while ((l = in.readLine()) != null) {
                if (l.startsWith(t + " ")) {
                    return l;
                }
            }
            return null;
        }
        return readReply();
    }

    /** One SMTP reply (all its lines) or one IMAP line; null on timeout or end of stream. */
    private String readReply() throws IOException {
        StringBuilder b = new StringBuilder();
        try {
            String line;
            while ((line = in.readLine()) != null) {
                b.append(b.length() == 0 ? "" : "\n").append(line);
                if (protocol == Protocol.IMAP || line.length() < 4 || line.charAt(3) != '-') {
                    return b.toString();
                }
            }
        } catch (SocketTimeoutException e) {
            return null;
        }
        return b.length() == 0 ? null : b.toString();
    }

    @Override
    public void close() {
        if (socket != null && outStream != null && !socket.isClosed()) {
            try {
                send(protocol == Protocol.SMTP ? "QUIT" : nextTag() + " LOGOUT");
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket s) {
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException ignored) {
            // closing
        }
    }

    /**
     * A server's text on one line, for a finding.
     *
     * @param s the text, or null
     * @return the text with line breaks replaced; empty for null
     */
    public static String oneLine(String s) {
        return s == null ? "" : s.replace('\r', ' ').replace('\n', ' ').strip();
    }
}
