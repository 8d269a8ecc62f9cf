package dev.mailkit.examples;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.fleet.FleetDatabase;
import dev.mailkit.fleet.FleetListener;
import dev.mailkit.fleet.Lease;
import dev.mailkit.fleet.SyncFleet;
import dev.mailkit.imap.SyncReport;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Many accounts synced by two fleet workers sharing one PostgreSQL database, all in this process: an embedded
 * PostgreSQL (the real server binaries, unpacked to a temporary directory), an embedded IMAP server with a few
 * users, and two {@link SyncFleet}s in watch mode that share the accounts, sync each when mail arrives, and hand
 * the accounts over when one stops. In production each worker is its own process, on its own machine, and the
 * database is a managed PostgreSQL. Usage: {@code SyncManyAccounts} (no arguments, nothing to set up).
 */
public final class SyncManyAccounts {

    private SyncManyAccounts() {
    }

    public static void main(String[] args) throws Exception {
        run(6, new PrintWriter(System.out, true, StandardCharsets.UTF_8));
    }

    /**
     * Runs the example.
     *
     * @param accounts how many accounts
     * @param out      where the narration goes
     * @return the messages each account's mirror received, by account
     * @throws Exception if an embedded server misbehaves
     */
    static Map<String, Integer> run(int accounts, PrintWriter out) throws Exception {
        GreenMail imap = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
        imap.start();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            String jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
            out.println("PostgreSQL " + jdbcUrl + ", IMAP 127.0.0.1:" + imap.getImap().getPort());
            for (int i = 1; i <= accounts; i++) {
                String user = "user" + i;
                imap.setUser(user + "@localhost", user, "secret-" + i).deliver(message(user, "Welcome, " + user));
            }
            ServerEndpoint server = ServerEndpoint.of("127.0.0.1", imap.getImap().getPort(), Security.PLAIN);
            Map<String, Integer> mirrored = new ConcurrentHashMap<>();

            try (FleetDatabase db = FleetDatabase.builder().jdbcUrl(jdbcUrl).build()) {
                for (int i = 1; i <= accounts; i++) {
                    db.addAccount("user" + i);                     // once, when the account signs up
                }
                try (SyncFleet first = worker(db, "worker-1", server, mirrored, out);
                     SyncFleet second = worker(db, "worker-2", server, mirrored, out)) {
                    first.start();
                    second.start();
                    waitUntil(() -> first.watched() + second.watched() == accounts
                            && mirrored.size() == accounts);
                    out.println("worker-1 watches " + first.watched() + " accounts, worker-2 " + second.watched());

                    second.close();                                // its accounts go back to the fleet at once
                    waitUntil(() -> first.watched() == accounts);
                    out.println("worker-2 stopped: worker-1 watches all " + first.watched());

                    imap.getUserManager().getUser("user1").deliver(message("user1", "Arrived later"));
                    waitUntil(() -> Integer.valueOf(2).equals(mirrored.get("user1")));
                }
            }
            return mirrored;
        } finally {
            imap.stop();
        }
    }

    private static SyncFleet worker(FleetDatabase db, String name, ServerEndpoint server, Map<String, Integer> mirrored,
                                    PrintWriter out) {
        return SyncFleet.builder(db)
                .workerName(name)
                .watch(1_000)                                      // at most this many accounts in this worker
                .threads(4)                                        // syncs at once in this worker
                .interval(Duration.ofSeconds(2))                   // short here: GreenMail's IDLE is not relied on
                .poll(Duration.ofMillis(200))
                .endpoints(account -> server)                      // default: the provider of an e-mail address
                .options(ConnectionOptions.builder().allowPlaintext().build())   // loopback without TLS
                .credentials(account -> Credentials.password(account, "secret-" + account.substring(4)))
                .listener(new FleetListener() {
                    @Override
                    public void onSynced(Lease lease, SyncReport report) {
                        if (report.added() > 0) {
                            mirrored.merge(lease.account(), report.added(), Integer::sum);
                            out.println(name + " synced " + lease.account() + ": " + report.added() + " new");
                        }
                    }
                })
                .build();
    }

    private static MimeMessage message(String user, String subject) throws MessagingException {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom("alice@localhost");
        m.setRecipients(Message.RecipientType.TO, user + "@localhost");
        m.setSubject(subject);
        m.setText("Hello");
        m.saveChanges();
        return m;
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the example did not reach its next step within 60 s");
            }
            Thread.sleep(50);
        }
    }
}
