package dev.mailkit.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A loopback TCP proxy that delays every chunk by a fixed time in each direction, like a server that
 * far away: 10 ms each way makes a 20 ms round trip, where command round trips decide SMTP throughput.
 */
final class LatencyProxy implements AutoCloseable {

    private final ServerSocket server;
    private final long delayNanos;
    private volatile boolean closed;

    LatencyProxy(int targetPort, long delayMillis) throws IOException {
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
        Thread accept = new Thread(() -> {
            while (!closed) {
                try {
                    Socket client = server.accept();
                    client.setTcpNoDelay(true);
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    upstream.setTcpNoDelay(true);
                    pipe(client, upstream);
                    pipe(upstream, client);
                } catch (IOException e) {
                    // closed
                }
            }
        }, "latency-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private record Chunk(long due, byte[] bytes) {
    }

    /** Reads from one socket, and writes each chunk to the other once it is due; order kept. */
    private void pipe(Socket from, Socket to) {
        LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    queue.put(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buf, n)));
                }
            } catch (IOException | InterruptedException e) {
                // connection ended
            }
            queue.add(new Chunk(0, null));
        });
        Thread writer = new Thread(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk c = queue.take();
                    if (c.bytes() == null) {
                        break;
                    }
                    long wait = c.due() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    out.write(c.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // connection ended
            } finally {
                try {
                    to.shutdownOutput();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        });
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
