package dev.mailkit.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * A loopback proxy between a client and a server that records every byte the client sends and may
 * rewrite what the server says, line by line: an attacker on the path, for example one that removes
 * STARTTLS from the server's capabilities. One connection at a time.
 */
public final class ManInTheMiddle implements AutoCloseable {

    /** Ends a replacement line: what comes before it is sent, then the connection is closed. */
    public static final String HANG_UP = "\u0000hang-up";

    private final ServerSocket socket;
    private final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    private final Thread thread;

    /**
     * @param serverPort      the real server on loopback
     * @param rewriteFromServer maps each line the server sends (without CRLF) to what the client gets
     *                        instead, or null to drop the line
     */
    public ManInTheMiddle(int serverPort, UnaryOperator<String> rewriteFromServer) throws IOException {
        socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept();
                     Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort)) {
                    connections.incrementAndGet();
                    Thread up = new Thread(() -> copy(client, server), "mitm-up");
                    up.setDaemon(true);
                    up.start();
                    rewrite(server, client, rewriteFromServer);
                    up.join(5000);
                } catch (IOException | InterruptedException e) {
                    // a side went away
                }
            }
        }, "mitm");
        thread.setDaemon(true);
        thread.start();
    }

    private void copy(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (fromClient) {
                    fromClient.write(buf, 0, n);
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // closed
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private static void rewrite(Socket server, Socket client, UnaryOperator<String> rewrite) throws IOException {
        InputStream in = server.getInputStream();
        OutputStream out = client.getOutputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                line.reset();
                String replaced = rewrite.apply(text.substring(0, text.length() - (text.endsWith("\r\n") ? 2 : 1)));
                if (replaced != null && replaced.endsWith(HANG_UP)) {
                    out.write(replaced.substring(0, replaced.length() - HANG_UP.length()).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    client.close();
                    server.close();
                    return;
                }
                if (replaced != null) {
                    out.write((replaced + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            }
        }
    }

    /** The port clients connect to. */
    public int port() {
        return socket.getLocalPort();
    }

    /** Client connections relayed so far. */
    public int connections() {
        return connections.get();
    }

    /** Every byte clients sent so far, as ISO-8859-1 text. */
    public String fromClient() {
        synchronized (fromClient) {
            return fromClient.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
