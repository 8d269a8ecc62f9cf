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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A loopback server on a random port that answers each line the client sends through a script and
 * records every line received. Used to prove what a client does (and does not) send.
 */
public final class ScriptedServer implements AutoCloseable {

    private final ServerSocket socket;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final Thread thread;

    /**
     * Starts the server.
     *
     * @param greeting sent on connect, or null to stay silent forever
     * @param script   maps a received line to the reply (CRLF-terminated lines), or null to close
     */
    public ScriptedServer(String greeting, Function<String, String> script) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> serve(greeting, script), "scripted-server");
        thread.setDaemon(true);
        thread.start();
    }

    private void serve(String greeting, Function<String, String> script) {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                OutputStream out = s.getOutputStream();
                if (greeting == null) {
                    s.getInputStream().read(); // hold the connection open, answer nothing
                    continue;
                }
                out.write((greeting + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null) {
                    received.add(line);
                    String reply = script.apply(line);
                    if (reply == null) {
                        break;
                    }
                    out.write(reply.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                // client went away or server closed
            }
        }
    }

    /** The port to connect to. */
    public int port() {
        return socket.getLocalPort();
    }

    /** Every line received so far. */
    public List<String> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
