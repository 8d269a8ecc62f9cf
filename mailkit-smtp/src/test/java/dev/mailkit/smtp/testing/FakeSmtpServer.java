package dev.mailkit.smtp.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scripted SMTP server on loopback for replies GreenMail cannot produce: chosen replies to RCPT and
 * to the end of DATA, a connection dropped in the middle of DATA, STARTTLS with a test certificate.
 * Counts connections and records every command line and every message received.
 */
public final class FakeSmtpServer implements AutoCloseable {

    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-smtp");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger dataCommands = new AtomicInteger();
    private final AtomicInteger quits = new AtomicInteger();
    private final AtomicInteger endsWithNextWaiting = new AtomicInteger();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final List<byte[]> rawMessages = new CopyOnWriteArrayList<>();
    private volatile Function<String, String> rcptReply = rcpt -> "250 2.1.5 ok";
    private volatile IntFunction<String> dataReply = n -> "250 2.0.0 queued as " + n;
    private volatile int dropDuringData = -1;
    private volatile SSLContext starttls;
    private volatile String auth = "AUTH PLAIN XOAUTH2";
    private volatile boolean closeAfterMessage;
    private volatile String authReply = "235 2.7.0 authenticated";
    private volatile boolean pipelining;
    private volatile String mailReply = "250 2.1.0 ok";

    /** Starts listening on a random loopback port. */
    public FakeSmtpServer() throws IOException {
        socket = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        threads.submit(this::acceptLoop);
    }

    /** Replies to RCPT TO by address (the text between the angle brackets). */
    public FakeSmtpServer rcptReply(Function<String, String> reply) {
        this.rcptReply = reply;
        return this;
    }

    /** Replies to the end of DATA by the 1-based number of the DATA command across all connections. */
    public FakeSmtpServer dataReply(IntFunction<String> reply) {
        this.dataReply = reply;
        return this;
    }

    /** Closes the connection after receiving part of the message of the given DATA command (1-based). */
    public FakeSmtpServer dropDuringData(int dataNumber) {
        this.dropDuringData = dataNumber;
        return this;
    }

    /** Closes each connection right after the reply to a message, as servers do with idle connections. */
    public FakeSmtpServer closeAfterMessage() {
        this.closeAfterMessage = true;
        return this;
    }

    /**
     * Offers PIPELINING (RFC 2920) and holds the replies to MAIL and RCPT back until DATA arrives, as a
     * server may: a client that waits for each reply before the next command then waits forever (its
     * read timeout ends it). DATA is refused with 554 when no recipient was accepted.
     */
    public FakeSmtpServer pipelining() {
        this.pipelining = true;
        return this;
    }

    /** Replies to MAIL FROM with the given line. */
    public FakeSmtpServer mailReply(String reply) {
        this.mailReply = reply;
        return this;
    }

    /** Replies to AUTH with the given line. */
    public FakeSmtpServer authReply(String reply) {
        this.authReply = reply;
        return this;
    }

    /** Offers STARTTLS with the given server context. */
    public FakeSmtpServer starttls(SSLContext context) {
        this.starttls = context;
        return this;
    }

    /** The port. */
    public int port() {
        return socket.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** QUIT commands received so far. */
    public int quits() {
        return quits.get();
    }

    /** DATA commands received so far. */
    public int dataCommands() {
        return dataCommands.get();
    }

    /**
     * Messages whose final dot arrived with more commands right behind it, before the server's reply
     * (a client pipelining the next message's commands with the end of this one).
     */
    public int endsWithNextWaiting() {
        return endsWithNextWaiting.get();
    }

    /** Every command line received, in order. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    /**
     * Every message completed with a 250 reply, as its bytes: CRLF line ends, dot-stuffing undone (exact
     * for content in UTF-8 or 7-bit, as mailkit writes it).
     */
    public List<byte[]> rawMessages() {
        return List.copyOf(rawMessages);
    }

    /** Every message completed with a 250 reply, as received. */
    public List<String> messages() {
        return List.copyOf(messages);
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                connections.incrementAndGet();
                threads.submit(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket raw) {
        Socket s = raw;
        try {
            s.setSoTimeout(30_000);
            s.setTcpNoDelay(true); // replies written one by one must not wait for the client's delayed ACK
            write(s, "220 fake ESMTP ready");
            BufferedReader in = reader(s);
            String line;
            StringBuilder held = new StringBuilder(); // replies held back until DATA (pipelining mode)
            boolean anyRecipient = false;
            while ((line = in.readLine()) != null) {
                commands.add(line);
                String upper = line.toUpperCase();
                if (upper.startsWith("EHLO")) {
                    boolean tls = s instanceof SSLSocket;
                    write(s, "250-fake greets you\r\n" + (starttls != null && !tls ? "250-STARTTLS\r\n" : "")
                            + (pipelining ? "250-PIPELINING\r\n" : "")
                            + "250-" + auth + "\r\n250-8BITMIME\r\n250 SIZE 10000000");
                } else if (upper.startsWith("STARTTLS") && starttls != null) {
                    write(s, "220 2.0.0 ready to start TLS");
                    SSLSocket tls = (SSLSocket) starttls.getSocketFactory().createSocket(s, null, s.getPort(), true);
                    tls.setUseClientMode(false);
                    tls.startHandshake();
                    s = tls;
                    in = reader(s);
                } else if (upper.startsWith("AUTH")) {
                    if (line.split(" ").length == 2) { // AUTH LOGIN without initial response
                        write(s, "535 5.7.8 only initial-response mechanisms here");
                    } else {
                        write(s, authReply);
                    }
                } else if (upper.startsWith("MAIL FROM")) {
                    anyRecipient = false;
                    reply(s, held, mailReply);
                } else if (upper.startsWith("RCPT TO")) {
                    String addr = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
                    String reply = mailReply.startsWith("2") ? rcptReply.apply(addr) : "503 5.5.1 MAIL first";
                    anyRecipient |= reply.startsWith("2");
                    reply(s, held, reply);
                } else if (upper.equals("DATA")) {
                    if (pipelining) {
                        s.getOutputStream().write(held.toString().getBytes(StandardCharsets.UTF_8));
                        held.setLength(0);
                        if (!anyRecipient) {
                            write(s, "554 5.5.1 no valid recipients");
                            continue;
                        }
                    }
                    int n = dataCommands.incrementAndGet();
                    write(s, "354 go ahead");
                    StringBuilder msg = new StringBuilder();
                    java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
                    String l;
                    int lines = 0;
                    while ((l = in.readLine()) != null && !l.equals(".")) {
                        msg.append(l).append("\n");
                        // the content as sent: CRLF line ends, the dot-stuffing of RFC 5321 §4.5.2 undone
                        content.writeBytes((l.startsWith(".") ? l.substring(1) : l).getBytes(StandardCharsets.UTF_8));
                        content.writeBytes(new byte[] {'\r', '\n'});
                        if (++lines == 3 && n == dropDuringData) {
                            s.close();
                            return;
                        }
                    }
                    if (l == null) {
                        return; // the connection ended inside the message: nothing was received
                    }
                    if (in.ready()) {
                        endsWithNextWaiting.incrementAndGet(); // the client sent more before this reply
                    }
                    String reply = dataReply.apply(n);
                    if (reply.startsWith("250")) {
                        messages.add(msg.toString());
                        rawMessages.add(content.toByteArray());
                    }
                    write(s, reply);
                    if (closeAfterMessage) {
                        return; // like a server that drops idle connections
                    }
                } else if (upper.startsWith("QUIT")) {
                    quits.incrementAndGet();
                    write(s, "221 2.0.0 bye");
                    break;
                } else if (upper.startsWith("RSET") || upper.startsWith("NOOP")) {
                    write(s, "250 2.0.0 ok");
                } else {
                    write(s, "502 5.5.2 not implemented");
                }
            }
        } catch (IOException e) {
            // client went away
        } finally {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private void reply(Socket s, StringBuilder held, String reply) throws IOException {
        if (pipelining) {
            held.append(reply).append("\r\n");
        } else {
            write(s, reply);
        }
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void write(Socket s, String reply) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The lines of commands starting with a prefix, case-insensitively. */
    public List<String> commandsStartingWith(String prefix) {
        List<String> out = new ArrayList<>();
        for (String c : commands) {
            if (c.toUpperCase().startsWith(prefix.toUpperCase())) {
                out.add(c);
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        threads.shutdownNow();
    }
}
