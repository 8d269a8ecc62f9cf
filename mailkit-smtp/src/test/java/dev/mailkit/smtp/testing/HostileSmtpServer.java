package dev.mailkit.smtp.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process SMTP server on loopback (plain text, one thread per connection) whose replies are
 * scripted per scenario, for tests of clients against servers that misbehave in time and size: a
 * greeting or a reply trickled one byte at a time, a multi-line reply that never ends, a final reply to
 * DATA that never comes. With nothing scripted it behaves: EHLO (PIPELINING is not offered), AUTH PLAIN
 * with an initial response (any credentials), MAIL, RCPT, DATA (content read up to the lone dot), RSET,
 * NOOP, QUIT. Records every command line and counts connections and the bytes its replies sent.
 *
 * <p>A {@link Reply} writes to the connection directly and may never return (it ends when the client
 * goes away); {@link #onCommand} replaces the reply to a command, {@link #greeting} the greeting, and
 * {@link #onEndOfData} the reply to the end of a message's content.
 */
public final class HostileSmtpServer implements AutoCloseable {

    /** What the server sends in place of one reply. */
    @FunctionalInterface
    public interface Reply {
        void send(OutputStream out) throws IOException, InterruptedException;

        /** These lines, each ended with CRLF. */
        static Reply lines(String... lines) {
            return out -> write(out, String.join("\r\n", lines) + "\r\n");
        }

        /** {@code line} (with CRLF) again and again, as fast as the client reads, until it goes away. */
        static Reply endless(String line) {
            return out -> {
                byte[] chunk = (line + "\r\n").repeat(Math.max(1, 16384 / (line.length() + 2)))
                        .getBytes(StandardCharsets.US_ASCII);
                while (true) {
                    out.write(chunk);
                    SENT.addAndGet(chunk.length);
                }
            };
        }

        /** {@code text} one byte at a time, {@code perByte} apart: never silent for longer than that. */
        static Reply trickle(String text, Duration perByte) {
            return out -> {
                for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
                    out.write(b);
                    out.flush();
                    SENT.incrementAndGet();
                    Thread.sleep(perByte.toMillis());
                }
            };
        }

        /** {@code line} (with CRLF) again and again, {@code every} apart, until the client goes away. */
        static Reply every(Duration every, String line) {
            return out -> {
                while (true) {
                    write(out, line + "\r\n");
                    Thread.sleep(every.toMillis());
                }
            };
        }
    }

    private static final AtomicLong SENT = new AtomicLong();

    private final ServerSocket socket;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final Map<String, Reply> replies = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger messages = new AtomicInteger();
    private volatile Reply greeting = Reply.lines("220 hostile ESMTP test server ready");
    private volatile Reply endOfData = Reply.lines("250 2.0.0 queued");

    /** Starts listening on a random loopback port. */
    public HostileSmtpServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "hostile-smtp-accept");
        t.setDaemon(true);
        t.start();
    }

    /** Replaces the greeting. */
    public HostileSmtpServer greeting(Reply reply) {
        this.greeting = reply;
        return this;
    }

    /** Replaces the reply to every command with this verb ({@code EHLO}, {@code MAIL}, {@code RCPT}, {@code DATA}, ...). */
    public HostileSmtpServer onCommand(String verb, Reply reply) {
        replies.put(verb.toUpperCase(Locale.ROOT), reply);
        return this;
    }

    /** Replaces the reply to the end of a message's content (the lone dot after DATA's 354). */
    public HostileSmtpServer onEndOfData(Reply reply) {
        this.endOfData = reply;
        return this;
    }

    /** The port to connect to on 127.0.0.1. */
    public int port() {
        return socket.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Messages whose content arrived in full (up to the lone dot). */
    public int messages() {
        return messages.get();
    }

    /** Every command line received, in order (message content not included). */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    /** Bytes that the replies of every server of this JVM sent. */
    public static long sent() {
        return SENT.get();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "hostile-smtp");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            greeting.send(out);
            out.flush();
            String line;
            while ((line = readLine(in)) != null) {
                commands.add(line);
                String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                Reply scripted = replies.get(verb);
                if (scripted != null) {
                    scripted.send(out);
                    out.flush();
                    continue;
                }
                switch (verb) {
                    case "EHLO" -> write(out, "250-hostile greets you\r\n250-AUTH PLAIN\r\n250-8BITMIME\r\n250 SIZE 10000000\r\n");
                    case "HELO" -> write(out, "250 hostile\r\n");
                    case "AUTH" -> write(out, "235 2.7.0 authenticated\r\n");
                    case "MAIL", "RCPT", "RSET", "NOOP" -> write(out, "250 2.0.0 ok\r\n");
                    case "DATA" -> {
                        write(out, "354 go ahead\r\n");
                        if (!content(in, out)) {
                            return;
                        }
                    }
                    case "QUIT" -> {
                        write(out, "221 2.0.0 bye\r\n");
                        return;
                    }
                    default -> write(out, "502 5.5.2 not implemented\r\n");
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away, or the server closed
        } finally {
            open.remove(s);
        }
    }

    /** Reads message content up to the lone dot and sends the end-of-data reply; false when the client went away. */
    private boolean content(InputStream in, OutputStream out) throws IOException, InterruptedException {
        String l;
        while ((l = readLine(in)) != null) {
            if (l.equals(".")) {
                commands.add(".");
                messages.incrementAndGet();
                endOfData.send(out);
                out.flush();
                return true;
            }
        }
        return false;
    }

    private static void write(OutputStream out, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        out.write(b);
        out.flush();
        SENT.addAndGet(b.length);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String line = b.toString(StandardCharsets.US_ASCII);
                return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            }
            b.write(c);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }
}
