package dev.mailkit.core;

import static dev.mailkit.core.testing.StreamingServer.endless;
import static dev.mailkit.core.testing.StreamingServer.readLine;
import static dev.mailkit.core.testing.StreamingServer.send;
import static dev.mailkit.core.testing.StreamingServer.trickle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mailkit.core.testing.StartTlsServer;
import dev.mailkit.core.testing.StreamingServer;
import dev.mailkit.core.testing.TestCertificates;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The proxy handshakes against fake proxies (threads on loopback sockets) that do what real ones rarely do:
 * answer with the server's greeting in the same packet, refuse in every way, answer in the other protocol,
 * or never end their answer. Real proxies are in {@code RealProxyTest}.
 */
class ProxyHandshakeTest {

    private static final String PASSWORD = "pr0xy-Pa55word";

    /** A plaintext SMTP session to {@code host} through {@code proxy}, with a short connect timeout. */
    private static MailSession smtp(String host, ProxySettings proxy, Duration connectTimeout) {
        return MailSession.builder(Protocol.SMTP, ServerEndpoint.of(host, 25, Security.PLAIN))
                .options(ConnectionOptions.builder().allowPlaintext().connectTimeout(connectTimeout).proxy(proxy).build())
                .build();
    }

    /** After the tunnel: an SMTP server that greets, answers EHLO and QUIT. */
    private static void smtpServer(InputStream in, OutputStream out) throws IOException {
        String line;
        while ((line = readLine(in)) != null) {
            if (line.startsWith("EHLO")) {
                send(out, "250-fake\r\n250 8BITMIME\r\n");
            } else if (line.startsWith("QUIT")) {
                send(out, "221 bye\r\n");
                return;
            } else {
                send(out, "250 ok\r\n");
            }
        }
    }

    /** The request head a client sent to an HTTP proxy, up to the empty line. */
    private static List<String> head(InputStream in) throws IOException {
        List<String> lines = new java.util.ArrayList<>();
        String l;
        while ((l = readLine(in)) != null && !l.isEmpty()) {
            lines.add(l);
        }
        return lines;
    }

    private static String trace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    @Test
    void httpConnect_theServersGreetingInTheSamePacketAsTheProxysAnswer_isNotLost() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        try (StreamingServer proxy = new StreamingServer((in, out) -> {
            requests.addAll(head(in));
            send(out, "HTTP/1.1 200 Connection established\r\nVia: 1.1 fake\r\n\r\n220 fake ESMTP\r\n");
            smtpServer(in, out);
        })) {
            // a name this machine cannot resolve: the proxy resolves it
            MailSession s = smtp("mail.example.invalid", ProxySettings.http("127.0.0.1", proxy.port()), Duration.ofSeconds(5));
            try (Transport t = s.connectTransport()) {
                assertThat(t.isConnected()).isTrue();
            }
        }
        assertThat(requests).startsWith("CONNECT mail.example.invalid:25 HTTP/1.1", "Host: mail.example.invalid:25")
                .noneMatch(l -> l.startsWith("Proxy-Authorization"));
    }

    /** An HTTP proxy that resolves every name to loopback and relays the tunnel's bytes. */
    private static StreamingServer relay(List<String> requests) throws IOException {
        return new StreamingServer((in, out) -> {
            List<String> request = head(in);
            requests.add(request.get(0));
            int port = Integer.parseInt(request.get(0).split(" ")[1].replaceAll(".*:", ""));
            try (Socket server = new Socket(InetAddress.getLoopbackAddress(), port)) {
                send(out, "HTTP/1.1 200 Connection established\r\n\r\n");
                Thread up = new Thread(() -> {
                    try {
                        in.transferTo(server.getOutputStream());
                    } catch (IOException e) {
                        // either side went away
                    }
                });
                up.setDaemon(true);
                up.start();
                server.getInputStream().transferTo(out);
            }
        });
    }

    @Test
    void tlsThroughTheTunnel_sendsTheMailServersNameAsSni_andChecksTheCertificateForIt() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        try (StreamingServer proxy = relay(requests); StartTlsServer smtps = StartTlsServer.smtps();
             StartTlsServer smtp = StartTlsServer.smtp(); StartTlsServer imap = StartTlsServer.imap()) {
            ConnectionOptions options = ConnectionOptions.builder().trustCertificates(TestCertificates.localhostPem())
                    .proxy(ProxySettings.http("127.0.0.1", proxy.port())).build();
            Credentials login = Credentials.password("alice", "s3cret-pw");
            try (Transport t = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("mail.example.test", smtps.port(),
                    Security.SSL_TLS)).credentials(login).options(options).build().connectTransport()) {
                assertThat(t.isConnected()).isTrue();
            }
            try (Transport t = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("mail.example.test", smtp.port(),
                    Security.STARTTLS)).credentials(login).options(options).build().connectTransport()) {
                assertThat(t.isConnected()).isTrue();
            }
            try (Store st = MailSession.builder(Protocol.IMAP, ServerEndpoint.of("mail.example.test", imap.port(),
                    Security.STARTTLS)).credentials(login).options(options).build().connectStore()) {
                assertThat(st.isConnected()).isTrue();
            }
            assertThat(smtps.sniNames()).containsExactly("mail.example.test");
            assertThat(smtp.sniNames()).containsExactly("mail.example.test");
            assertThat(imap.sniNames()).containsExactly("mail.example.test");
            assertThat(requests).containsExactly("CONNECT mail.example.test:" + smtps.port() + " HTTP/1.1",
                    "CONNECT mail.example.test:" + smtp.port() + " HTTP/1.1",
                    "CONNECT mail.example.test:" + imap.port() + " HTTP/1.1");
            // the proxy's name is not what the certificate is checked against: another name is refused
            Throwable e = catchThrowable(MailSession.builder(Protocol.SMTP, ServerEndpoint.of("other.example.test",
                    smtps.port(), Security.SSL_TLS)).credentials(login).options(options).build()::connectTransport);
            assertThat(e).isInstanceOfSatisfying(TlsException.class,
                    t -> assertThat(t.reason()).isEqualTo(TlsException.Reason.HOSTNAME_MISMATCH));
            assertThat(smtps.received()).as("no login after the refused handshake").filteredOn(l -> l.startsWith("AUTH"))
                    .hasSize(1);
        }
    }

    @Test
    void httpConnect_anEndlessHeaderLine_isCutOffAtTheBound() throws Exception {
        try (StreamingServer proxy = new StreamingServer((in, out) -> {
            head(in);
            send(out, "HTTP/1.1 200 Connection established\r\nX-Padding: ");
            endless(out, "a");
        })) {
            long start = System.nanoTime();
            Throwable e = catchThrowable(smtp("mail.example.test", ProxySettings.http("127.0.0.1", proxy.port()),
                    Duration.ofSeconds(30))::connectTransport);
            assertThat(e).isInstanceOfSatisfying(ProxyException.class, p -> {
                assertThat(p.reason()).isEqualTo(ProxyException.Reason.BAD_REPLY);
                assertThat(p.isPermanent()).isTrue();
                assertThat(p.statusLine()).contains("HTTP/1.1 200 Connection established");
            }).hasMessageContaining("HTTP proxy 127.0.0.1:" + proxy.port()).hasMessageContaining("more than 8192 bytes");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("cut off by the byte bound, not a timeout")
                    .isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void httpConnect_anEndlessStatusLine_isCutOffAtTheBound() throws Exception {
        try (StreamingServer proxy = new StreamingServer((in, out) -> {
            head(in);
            endless(out, "HTTP/1.1 200 ");
        })) {
            Throwable e = catchThrowable(smtp("mail.example.test", ProxySettings.http("127.0.0.1", proxy.port()),
                    Duration.ofSeconds(30))::connectTransport);
            assertThat(e).isInstanceOfSatisfying(ProxyException.class,
                    p -> assertThat(p.reason()).isEqualTo(ProxyException.Reason.BAD_REPLY))
                    .hasMessageContaining("more than 8192 bytes");
        }
    }

    @Test
    void httpConnect_anAnswerTrickledByteByByte_endsAtTheConnectTimeout() throws Exception {
        try (StreamingServer proxy = new StreamingServer((in, out) -> {
            head(in);
            trickle(out, "HTTP/1.1 200 Connection established\r\nX-Slow: " + "b".repeat(8000), Duration.ofMillis(100));
        })) {
            long start = System.nanoTime();
            Throwable e = catchThrowable(smtp("mail.example.test", ProxySettings.http("127.0.0.1", proxy.port()),
                    Duration.ofSeconds(2))::connectTransport);
            assertThat(e).isInstanceOfSatisfying(ProxyException.class, p -> {
                assertThat(p.reason()).isEqualTo(ProxyException.Reason.TIMEOUT);
                assertThat(p.isPermanent()).isFalse();
            }).hasMessageContaining("within 2 s").hasMessageContaining("mail.example.test:25");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(8));
        }
    }

    @Test
    void httpConnect_refusals_areTypedWithTheProxysStatusLine() throws Exception {
        for (String status : List.of("HTTP/1.1 403 Forbidden", "HTTP/1.0 502 Bad Gateway")) {
            try (StreamingServer proxy = new StreamingServer((in, out) -> {
                head(in);
                send(out, status + "\r\nContent-Length: 0\r\n\r\n");
            })) {
                Throwable e = catchThrowable(smtp("mail.example.test", ProxySettings.http("127.0.0.1", proxy.port()),
                        Duration.ofSeconds(5))::connectTransport);
                boolean forbidden = status.contains("403");
                assertThat(e).as(status).isInstanceOfSatisfying(ProxyException.class, p -> {
                    assertThat(p.reason()).isEqualTo(ProxyException.Reason.REFUSED);
                    assertThat(p.statusLine()).contains(status);
                    assertThat(p.isPermanent()).isEqualTo(forbidden);
                    assertThat(p.proxy()).isEqualTo("http://127.0.0.1:" + proxy.port());
                    assertThat(p.endpoint()).contains(ServerEndpoint.of("mail.example.test", 25, Security.PLAIN));
                }).hasMessageContaining("the HTTP proxy 127.0.0.1:" + proxy.port())
                        .hasMessageContaining(status)
                        .hasMessageContaining(forbidden ? "its rules may not allow" : "could not reach mail.example.test:25");
            }
        }
    }

    @Test
    void httpConnect_aLogin_isSentAsBasic_andARefusalNeverShowsThePassword() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        try (StreamingServer proxy = new StreamingServer((in, out) -> {
            requests.addAll(head(in));
            send(out, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n\r\n");
        })) {
            ProxySettings bare = ProxySettings.http("127.0.0.1", proxy.port());
            Throwable required = catchThrowable(smtp("mail.example.test", bare, Duration.ofSeconds(5))::connectTransport);
            assertThat(required).isInstanceOfSatisfying(ProxyException.class, p ->
                    assertThat(p.reason()).isEqualTo(ProxyException.Reason.AUTHENTICATION_REQUIRED))
                    .hasMessageContaining("requires a login").hasMessageContaining("withCredentials");
            Throwable refused = catchThrowable(smtp("mail.example.test", bare.withCredentials("me", PASSWORD),
                    Duration.ofSeconds(5))::connectTransport);
            assertThat(refused).isInstanceOfSatisfying(ProxyException.class, p -> {
                assertThat(p.reason()).isEqualTo(ProxyException.Reason.AUTHENTICATION_FAILED);
                assertThat(p.isPermanent()).isTrue();
                assertThat(p.proxy()).isEqualTo("http://me@127.0.0.1:" + proxy.port());
            }).hasMessageContaining("refused the login of 'me'");
            String basic = Base64.getEncoder().encodeToString(("me:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            assertThat(requests).contains("Proxy-Authorization: Basic " + basic);
            for (String trace : List.of(trace(required), trace(refused))) {
                assertThat(trace).doesNotContain(PASSWORD).doesNotContain(basic);
            }
        }
    }

    @Test
    void httpConnect_aLoginSchemeOtherThanBasic_isNamed() throws Exception {
        try (StreamingServer proxy = new StreamingServer((in, out) -> {
            head(in);
            send(out, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Negotiate\r\n"
                    + "Proxy-Authenticate: NTLM\r\n\r\n");
        })) {
            Throwable e = catchThrowable(smtp("mail.example.test", ProxySettings.http("127.0.0.1", proxy.port()),
                    Duration.ofSeconds(5))::connectTransport);
            assertThat(e).isInstanceOf(ProxyException.class).hasMessageContaining("Negotiate, NTLM")
                    .hasMessageContaining("only Basic");
        }
    }

    @Test
    void theWrongKindOfProxy_isSaid() throws Exception {
        try (StreamingServer http = new StreamingServer((in, out) -> {
            in.read();
            send(out, "HTTP/1.1 400 Bad Request\r\n\r\n");
        }); StreamingServer socks = new StreamingServer((in, out) -> {
            head(in);
            out.write(new byte[] {5, (byte) 0xff});
            out.flush();
        })) {
            Throwable asSocks = catchThrowable(smtp("mail.example.test", ProxySettings.socks5("127.0.0.1", http.port()),
                    Duration.ofSeconds(5))::connectTransport);
            assertThat(asSocks).isInstanceOfSatisfying(ProxyException.class,
                    p -> assertThat(p.reason()).isEqualTo(ProxyException.Reason.BAD_REPLY))
                    .hasMessageContaining("use http://127.0.0.1:" + http.port());
            Throwable asHttp = catchThrowable(smtp("mail.example.test", ProxySettings.http("127.0.0.1", socks.port()),
                    Duration.ofSeconds(5))::connectTransport);
            assertThat(asHttp).isInstanceOfSatisfying(ProxyException.class,
                    p -> assertThat(p.reason()).isEqualTo(ProxyException.Reason.BAD_REPLY))
                    .hasMessageContaining("use socks5://127.0.0.1:" + socks.port());
        }
    }

    @Test
    void anHttpProxyTakenForSocks5_staysSilent_andTheTimeoutSaysWhatItMayBe() throws Exception {
        try (StreamingServer http = new StreamingServer((in, out) -> head(in))) { // waits for a request line's end
            Throwable e = catchThrowable(smtp("mail.example.test", ProxySettings.socks5("127.0.0.1", http.port()),
                    Duration.ofSeconds(1))::connectTransport);
            assertThat(e).isInstanceOfSatisfying(ProxyException.class,
                    p -> assertThat(p.reason()).isEqualTo(ProxyException.Reason.TIMEOUT))
                    .hasMessageContaining("did not answer the SOCKS5 greeting within 1 s")
                    .hasMessageContaining("then use http://127.0.0.1:" + http.port());
        }
    }

    @Test
    void aProxyThatIsNotListening_isUnreachable_namingItsAddress() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Throwable e = catchThrowable(smtp("mail.example.test", ProxySettings.socks5("127.0.0.1", port),
                Duration.ofSeconds(5))::connectTransport);
        assertThat(e).isInstanceOfSatisfying(ProxyException.class, p -> {
            assertThat(p.reason()).isEqualTo(ProxyException.Reason.UNREACHABLE);
            assertThat(p.isPermanent()).isFalse();
        }).isInstanceOf(ConnectionException.class)
                .hasMessageContaining("cannot connect to the SOCKS5 proxy 127.0.0.1:" + port)
                .hasMessageContaining("connection refused").hasMessageContaining("the proxy is running");
    }

    /** A SOCKS5 proxy that wants {@code me} / {@link #PASSWORD} and records the CONNECT request. */
    private static StreamingServer socks5(List<String> seen, int reply) throws IOException {
        return new StreamingServer((raw, out) -> {
            DataInputStream in = new DataInputStream(raw);
            byte[] greeting = new byte[2];
            in.readFully(greeting);
            byte[] methods = new byte[greeting[1]];
            in.readFully(methods);
            boolean offersLogin = new String(methods, StandardCharsets.ISO_8859_1).indexOf(2) >= 0;
            if (!offersLogin) {
                out.write(new byte[] {5, (byte) 0xff});
                out.flush();
                return;
            }
            out.write(new byte[] {5, 2});
            out.flush();
            in.readUnsignedByte();
            byte[] user = new byte[in.readUnsignedByte()];
            in.readFully(user);
            byte[] password = new byte[in.readUnsignedByte()];
            in.readFully(password);
            boolean ok = new String(user, StandardCharsets.UTF_8).equals("me")
                    && new String(password, StandardCharsets.UTF_8).equals(PASSWORD);
            out.write(new byte[] {1, (byte) (ok ? 0 : 1)});
            out.flush();
            if (!ok) {
                return;
            }
            byte[] head = new byte[4];
            in.readFully(head);
            byte[] name = new byte[in.readUnsignedByte()];
            in.readFully(name);
            int port = in.readUnsignedShort();
            seen.add("atyp " + head[3] + " " + new String(name, StandardCharsets.US_ASCII) + ":" + port);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            answer.writeBytes(new byte[] {5, (byte) reply, 0, 1, 10, 0, 0, 1, 0, 25});
            if (reply == 0) {
                answer.writeBytes("220 fake ESMTP\r\n".getBytes(StandardCharsets.US_ASCII)); // in the same packet
            }
            out.write(answer.toByteArray());
            out.flush();
            if (reply == 0) {
                smtpServer(in, out);
            }
        });
    }

    @Test
    void socks5_logsInWithUserNameAndPassword_andSendsTheServersNameForTheProxyToResolve() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (StreamingServer proxy = socks5(seen, 0)) {
            ProxySettings p = ProxySettings.socks5("127.0.0.1", proxy.port()).withCredentials("me", PASSWORD);
            try (Transport t = smtp("mail.example.invalid", p, Duration.ofSeconds(5)).connectTransport()) {
                assertThat(t.isConnected()).isTrue();
            }
            assertThat(seen).containsExactly("atyp 3 mail.example.invalid:25");
            Throwable required = catchThrowable(smtp("mail.example.test", ProxySettings.socks5("127.0.0.1", proxy.port()),
                    Duration.ofSeconds(5))::connectTransport);
            assertThat(required).isInstanceOfSatisfying(ProxyException.class,
                    e -> assertThat(e.reason()).isEqualTo(ProxyException.Reason.AUTHENTICATION_REQUIRED));
            Throwable refused = catchThrowable(smtp("mail.example.test", ProxySettings.socks5("127.0.0.1", proxy.port())
                    .withCredentials("me", "wrong-" + PASSWORD), Duration.ofSeconds(5))::connectTransport);
            assertThat(refused).isInstanceOfSatisfying(ProxyException.class,
                    e -> assertThat(e.reason()).isEqualTo(ProxyException.Reason.AUTHENTICATION_FAILED))
                    .hasMessageContaining("refused the login of 'me'");
            assertThat(trace(refused)).doesNotContain(PASSWORD);
        }
    }

    @Test
    void socks5_replyCodes_areTypedRefusals() throws Exception {
        for (int reply : List.of(2, 5)) {
            try (StreamingServer proxy = socks5(new CopyOnWriteArrayList<>(), reply)) {
                ProxySettings p = ProxySettings.socks5("127.0.0.1", proxy.port()).withCredentials("me", PASSWORD);
                Throwable e = catchThrowable(smtp("mail.example.test", p, Duration.ofSeconds(5))::connectTransport);
                assertThat(e).isInstanceOfSatisfying(ProxyException.class, x -> {
                    assertThat(x.reason()).isEqualTo(ProxyException.Reason.REFUSED);
                    assertThat(x.isPermanent()).isEqualTo(reply == 2);
                    assertThat(x.statusLine()).contains(reply == 2 ? "SOCKS5 reply 2: connection not allowed by ruleset"
                            : "SOCKS5 reply 5: connection refused");
                }).hasMessageContaining("SOCKS5 proxy 127.0.0.1:" + proxy.port());
            }
        }
    }
}
