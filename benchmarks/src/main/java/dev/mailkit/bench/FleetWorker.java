package dev.mailkit.bench;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.fleet.FleetDatabase;
import dev.mailkit.fleet.SyncFleet;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A fleet worker process for {@link FleetBench}: one {@link SyncFleet} on the given database and loopback Dovecot,
 * run until killed. Arguments: JDBC URL, IMAP port, worker name, threads, lease ms, poll ms, interval ms. The password
 * comes from {@code MAILKIT_BENCH_PASSWORD}. Prints {@code STARTED}; for each line {@code HEAP} read from standard
 * input it runs a full GC and prints {@code HEAP <live heap bytes> <threads> <VmHWM kB> <VmRSS kB> <accounts watched>
 * <IDLE connections>}. An eighth argument {@code watch} runs the fleet in watch mode.
 */
public final class FleetWorker {

    private FleetWorker() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int port = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[3]);
        String password = System.getenv("MAILKIT_BENCH_PASSWORD");
        FleetDatabase db = FleetDatabase.builder().jdbcUrl(url).maxConnections(threads + 2).build();
        SyncFleet.Builder builder = SyncFleet.builder(db);
        if (args.length > 7 && args[7].equals("watch")) {
            builder.watch(100_000);
        }
        SyncFleet fleet = builder
                .workerName(args[2])
                .threads(threads)
                .leaseDuration(Duration.ofMillis(Long.parseLong(args[4])))
                .poll(Duration.ofMillis(Long.parseLong(args[5])))
                .interval(Duration.ofMillis(Long.parseLong(args[6])))
                .endpoints(account -> ServerEndpoint.of("127.0.0.1", port, Security.PLAIN))
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(account -> Credentials.password(account, password))
                .build();
        fleet.start();
        System.out.println("STARTED");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("HEAP")) {
                System.gc();
                System.gc();
                long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                int live = ManagementFactory.getThreadMXBean().getThreadCount();
                System.out.println("HEAP " + used + " " + live + " " + status("VmHWM") + " " + status("VmRSS") + " "
                        + fleet.watched() + " " + fleet.idleConnections());
                System.out.flush();
            }
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    private static long status(String key) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith(key + ":")) {
                return Long.parseLong(l.substring(key.length() + 1).replace("kB", "").strip());
            }
        }
        return -1;
    }
}
