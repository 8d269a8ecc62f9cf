package dev.mailkit.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy that injects faults between a client and a server: it can cut every connection
 * once a given number of bytes has passed in one direction (a dropped connection at a chosen byte offset,
 * in the middle of a command, a literal or a reply), and counts the cuts it made. Between faults it
 * relays bytes unchanged.
 */
public final class FaultProxy implements AutoCloseable {

    /** Which bytes the cut offset counts. */
    public enum Direction { TO_SERVER, TO_CLIENT }

    private final ServerSocket socket;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger cuts = new AtomicInteger();
    private volatile Direction direction = Direction.TO_CLIENT;
    private volatile long cutAfter = -1;
    private final AtomicLong counted = new AtomicLong();
    private volatile long bytesPerSecond;
    private volatile long delayMillis;

    public FaultProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "fault-proxy");
        t.setDaemon(true);
        t.start();
    }

    /** The port clients connect to. */
    public int port() {
        return socket.getLocalPort();
    }

    /**
     * Arms a fault: the connections are cut once {@code bytes} more bytes went in {@code direction}
     * (counted across connections, from now).
     */
    public void cutAfter(Direction direction, long bytes) {
        this.direction = direction;
        this.counted.set(0);
        this.cutAfter = bytes;
    }

    /** Cuts every open connection now (a server restart, a NAT timeout), counted as a fault. */
    public void cutNow() {
        cuts.incrementAndGet();
        cutAll();
    }

    /**
     * Slows every relayed chunk: {@code delay} before it is forwarded (latency, each way), and a
     * bandwidth of {@code bytesPerSecond} in each direction (0: unlimited).
     */
    public void slow(java.time.Duration delay, long bytesPerSecond) {
        this.delayMillis = delay.toMillis();
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Relays everything from now on. */
    public void disarm() {
        this.cutAfter = -1;
    }

    /** How many times a fault fired. */
    public int cuts() {
        return cuts.get();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(server);
                start(client, server, Direction.TO_SERVER);
                start(server, client, Direction.TO_CLIENT);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void start(Socket from, Socket to, Direction dir) {
        Thread t = new Thread(() -> relay(from, to, dir), "fault-proxy-" + dir);
        t.setDaemon(true);
        t.start();
    }

    private void relay(Socket from, Socket to, Direction dir) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                long limit = cutAfter;
                if (limit >= 0 && dir == direction) {
                    long before = counted.getAndAdd(n);
                    if (before + n > limit) {
                        int pass = (int) Math.max(0, limit - before);
                        out.write(buf, 0, pass);
                        out.flush();
                        cutAfter = -1;
                        cuts.incrementAndGet();
                        cutAll();
                        return;
                    }
                }
                pace(n);
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // a side closed
        } finally {
            open.remove(from);
            open.remove(to);
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void pace(int n) {
        long sleep = delayMillis + (bytesPerSecond > 0 ? n * 1000L / bytesPerSecond : 0);
        if (sleep > 0) {
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void cutAll() {
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        cutAll();
    }
}
