package dev.mailkit.fleet;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import java.time.Duration;

/**
 * A worker process for {@link FleetKillIT}: a {@link SyncFleet} on the given database and loopback Dovecot, run
 * until the process is killed. Arguments: JDBC URL, IMAP port, worker name, lease milliseconds, and {@code watch} for
 * watch mode (syncs started by IDLE and NOTIFY, the interval ten minutes) or {@code poll}. The password comes
 * from the environment variable {@code MAILKIT_TEST_PASSWORD}. Each lease lost (a renewal or a write refused after
 * another worker took the account over) is written to standard error as a line {@code LEASE_LOST account token}.
 */
public final class FleetWorkerProcess {

    private FleetWorkerProcess() {
    }

    /**
     * Runs the worker.
     *
     * @param args URL, port, name, lease ms, mode
     * @throws Exception never returns normally
     */
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int port = Integer.parseInt(args[1]);
        String password = System.getenv("MAILKIT_TEST_PASSWORD");
        FleetDatabase db = FleetDatabase.builder().jdbcUrl(url).maxConnections(4).build();
        boolean watch = args.length > 4 && args[4].equals("watch");
        SyncFleet.Builder builder = SyncFleet.builder(db);
        if (watch) {
            builder.watch(1000).idleRefresh(Duration.ofSeconds(5));
        }
        SyncFleet fleet = builder
                .workerName(args[2])
                .threads(2)
                .leaseDuration(Duration.ofMillis(Long.parseLong(args[3])))
                .poll(Duration.ofMillis(100))
                .interval(watch ? Duration.ofMinutes(10) : Duration.ofMillis(200))
                .backoff(Duration.ofMillis(200), Duration.ofSeconds(1))
                .endpoints(account -> ServerEndpoint.of("127.0.0.1", port, Security.PLAIN))
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(account -> Credentials.password(account, password))
                .listener(new FleetListener() {
                    @Override
                    public void onLeaseLost(Lease lease, LeaseLostException error) {
                        System.err.println("LEASE_LOST " + lease.account() + " " + lease.fencingToken());
                    }
                })
                .build();
        fleet.start();
        System.out.println("STARTED");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
