package dev.mailkit.core.testing;

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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback server on a random port that hands each connection to a handler, one thread per
 * connection, for replies a line-by-line script cannot give: endless, trickled, or cut anywhere. Counts
 * connections and the bytes the handlers sent.
 */
public final class StreamingServer implements AutoCloseable {

    /** Serves one connection; may run until the client goes away. */
    @FunctionalInterface
    public interface Handler {
        void serve(InputStream in, OutputStream out) throws Exception;
    }

    private final ServerSocket socket;
    private final Handler handler;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private static final AtomicLong SENT = new AtomicLong();

    /**
     * Starts the server.
     *
     * @param handler serves each connection
     */
    public StreamingServer(Handler handler) throws IOException {
        this.handler = handler;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "streaming-server");
        t.setDaemon(true);
        t.start();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "streaming-server-connection");
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
            handler.serve(s.getInputStream(), s.getOutputStream());
        } catch (Exception e) {
            // the client went away, or the server closed
        } finally {
            open.remove(s);
        }
    }

    /** The port to connect to on 127.0.0.1. */
    public int port() {
        return socket.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
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

    // For handlers

    /** Writes text (ISO-8859-1) and flushes. */
    public static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        SENT.addAndGet(text.length());
    }

    /** Writes text one byte at a time, {@code perByte} apart, flushing each: never silent for longer than that. */
    public static void trickle(OutputStream out, String text, Duration perByte) throws IOException, InterruptedException {
        for (int i = 0; i < text.length(); i++) {
            out.write(text.charAt(i));
            out.flush();
            SENT.incrementAndGet();
            Thread.sleep(perByte.toMillis());
        }
    }

    /** Writes the same text again and again until the client goes away (an IOException ends it). */
    public static void endless(OutputStream out, String text) throws IOException {
        byte[] chunk = text.repeat(Math.max(1, 8192 / text.length())).getBytes(StandardCharsets.ISO_8859_1);
        while (true) {
            out.write(chunk);
            SENT.addAndGet(chunk.length);
        }
    }

    /** Reads one line (without CRLF), or null at the end of the stream. */
    public static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String line = b.toString(StandardCharsets.ISO_8859_1);
                return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            }
            b.write(c);
        }
        return null;
    }

    /** Bytes every handler of this JVM has sent through these methods. */
    public static long sent() {
        return SENT.get();
    }
}
