package dev.mailkit.smtp.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** NSD serving one zone on 127.53.0.2, port 53 (the system resolver's port, for tools that use it). */
public final class DnsZoneServer implements AutoCloseable {

    private final String zone;
    private final List<String> records = new ArrayList<>();
    private Process process;
    private Path dir;

    private DnsZoneServer(String zone) {
        this.zone = zone;
    }

    public static DnsZoneServer start(String zone) {
        return new DnsZoneServer(zone);
    }

    public DnsZoneServer txt(String name, String value) {
        StringBuilder quoted = new StringBuilder();
        for (int i = 0; i < value.length(); i += 255) {
            quoted.append(" \"").append(value, i, Math.min(value.length(), i + 255)).append('"');
        }
        records.add(name + " IN TXT" + quoted);
        return this;
    }

    public String host() {
        return "127.53.0.2";
    }

    public int port() {
        return 53;
    }

    public DnsZoneServer serve() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("nsd");
        Files.writeString(dir.resolve("nsd.conf"), String.join("\n",
                "server:", "    ip-address: " + host() + "@" + port(), "    username: \"\"", "    chroot: \"\"",
                "    zonesdir: \"" + dir + "\"", "    database: \"\"", "    pidfile: \"" + dir.resolve("nsd.pid") + "\"",
                "    xfrdfile: \"" + dir.resolve("xfrd.state") + "\"", "    zonelistfile: \"" + dir.resolve("zone.list") + "\"",
                "    xfrdir: \"" + dir + "\"", "    server-count: 1", "remote-control:", "    control-enable: no",
                "zone:", "    name: \"" + zone + "\"", "    zonefile: \"zone\"", ""));
        Files.writeString(dir.resolve("zone"), "$ORIGIN " + zone + ".\n$TTL 60\n@ IN SOA ns admin 1 3600 600 86400 60\n"
                + "@ IN NS ns\nns IN A 127.0.0.1\n" + String.join("\n", records) + "\n");
        process = new ProcessBuilder("/usr/sbin/nsd", "-d", "-c", dir.resolve("nsd.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nsd.log").toFile()).start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            if (answers()) {
                return this;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        close();
        throw new IOException("NSD did not answer: " + Files.readString(dir.resolve("nsd.log")));
    }

    private boolean answers() throws IOException {
        byte[] q = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0};
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(q);
        for (String label : zone.split("\\.")) {
            b.write(label.length());
            b.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        b.writeBytes(new byte[] {0, 0, 6, 0, 1});
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(200);
            byte[] query = b.toByteArray();
            s.send(new DatagramPacket(query, query.length, InetAddress.getByName(host()), port()));
            byte[] answer = new byte[512];
            s.receive(new DatagramPacket(answer, answer.length));
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
        }
    }
}
