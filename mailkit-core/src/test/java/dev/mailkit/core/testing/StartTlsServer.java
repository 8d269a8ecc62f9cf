package dev.mailkit.core.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;

/**
 * A loopback SMTP or IMAP server that offers STARTTLS (or speaks implicit TLS) and, after it, accepts any
 * login: with the certificate of {@link TestCertificates} ({@code localhost} and {@code mail.example.test}),
 * recording the host name each client asked for in its TLS handshake (SNI) and every line received.
 */
public final class StartTlsServer implements AutoCloseable {

    private final ServerSocket socket;
    private final boolean imap;
    private final boolean implicit;
    private final List<String> sniNames = new CopyOnWriteArrayList<>();
    private final List<String> received = new CopyOnWriteArrayList<>();

    private StartTlsServer(boolean imap, boolean implicit) throws IOException {
        this.imap = imap;
        this.implicit = implicit;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serve, "starttls-server");
        t.setDaemon(true);
        t.start();
    }

    /** An SMTP server offering STARTTLS. */
    public static StartTlsServer smtp() throws IOException {
        return new StartTlsServer(false, false);
    }

    /** An IMAP server offering STARTTLS (and LOGINDISABLED before it). */
    public static StartTlsServer imap() throws IOException {
        return new StartTlsServer(true, false);
    }

    /** An SMTP server speaking implicit TLS. */
    public static StartTlsServer smtps() throws IOException {
        return new StartTlsServer(false, true);
    }

    /** The port to connect to. */
    public int port() {
        return socket.getLocalPort();
    }

    /** The host names clients sent in their TLS handshakes (SNI), in order. */
    public List<String> sniNames() {
        return List.copyOf(sniNames);
    }

    /** Every line received, before and after STARTTLS. */
    public List<String> received() {
        return List.copyOf(received);
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                converse(s);
            } catch (IOException e) {
                // the client went away, or the server closed
            }
        }
    }

    private void converse(Socket plain) throws IOException {
        Socket s = implicit ? upgrade(plain) : plain;
        boolean tls = implicit;
        OutputStream out = s.getOutputStream();
        BufferedReader in = reader(s);
        write(out, imap ? "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready" : "220 starttls.test ESMTP");
        String line;
        while ((line = in.readLine()) != null) {
            received.add(line);
            String upper = line.toUpperCase(Locale.ROOT);
            String tag = line.split(" ")[0];
            String verb = imap ? (upper.contains(" ") ? upper.split(" ")[1] : "") : upper.split(" ")[0];
            if (verb.equals("STARTTLS")) {
                write(out, imap ? tag + " OK begin TLS" : "220 2.0.0 go ahead");
                SSLSocket ssl = upgrade(s);
                s = ssl;
                tls = true;
                out = s.getOutputStream();
                in = reader(s);
            } else if (imap) {
                switch (verb) {
                    case "CAPABILITY" -> write(out, "* CAPABILITY IMAP4rev1 " + (tls ? "AUTH=PLAIN" : "STARTTLS LOGINDISABLED")
                            + "\r\n" + tag + " OK done");
                    case "LOGOUT" -> {
                        write(out, "* BYE bye\r\n" + tag + " OK done");
                        return;
                    }
                    case "LOGIN", "AUTHENTICATE" -> write(out, tls ? tag + " OK logged in" : tag + " NO not before TLS");
                    default -> write(out, tag + " OK done");
                }
            } else {
                switch (verb) {
                    case "EHLO" -> write(out, "250-starttls.test\r\n" + (tls ? "" : "250-STARTTLS\r\n") + "250 AUTH PLAIN LOGIN");
                    case "AUTH" -> write(out, tls ? "235 2.7.0 accepted" : "530 5.7.0 send STARTTLS first");
                    case "DATA" -> {
                        write(out, "354 go on");
                        String l;
                        while ((l = in.readLine()) != null && !l.equals(".")) {
                            received.add(l);
                        }
                        write(out, "250 2.0.0 queued");
                    }
                    case "QUIT" -> {
                        write(out, "221 bye");
                        return;
                    }
                    default -> write(out, "250 ok");
                }
            }
        }
    }

    /** TLS as the server, recording the name the client asks for. */
    private SSLSocket upgrade(Socket s) throws IOException {
        SSLSocket ssl = (SSLSocket) TestCertificates.serverContext().getSocketFactory().createSocket(s, null, s.getPort(), true);
        ssl.setUseClientMode(false);
        SSLParameters p = ssl.getSSLParameters();
        p.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
            @Override
            public boolean matches(SNIServerName name) {
                sniNames.add(((SNIHostName) name).getAsciiName());
                return true;
            }
        }));
        ssl.setSSLParameters(p);
        ssl.startHandshake();
        return ssl;
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void write(OutputStream out, String lines) throws IOException {
        out.write((lines + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
