package dev.mailkit.cli;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.fleet.FleetDatabase;
import dev.mailkit.fleet.FleetListener;
import dev.mailkit.fleet.Lease;
import dev.mailkit.fleet.LeaseLostException;
import dev.mailkit.fleet.SyncFleet;
import dev.mailkit.imap.SyncReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code mailkit fleet}: one worker of a fleet sharing a PostgreSQL database. */
@Command(name = "fleet", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Runs one sync worker of a fleet: accounts, their sync state and their mail are kept in a"
                + " PostgreSQL database, and leased to whichever worker is free. Start several (on one machine or"
                + " several) on the same database; when one stops or dies, the others take its accounts over.",
                "ACCOUNTS lists one account a line: ADDRESS password-env=VAR [user=U] [host=H port=P"
                        + " security=tls|starttls|plain]. Passwords come only from environment variables."})
final class FleetCommand implements Callable<Integer> {

    @ParentCommand
    Mailkit root;

    @Option(names = "--db", required = true, paramLabel = "JDBC_URL", description = "The database, for example"
            + " jdbc:postgresql://localhost:5432/mail.")
    String db;

    @Option(names = "--db-user", paramLabel = "USER", description = "The database user.")
    String dbUser;

    @Option(names = "--db-password-env", paramLabel = "VAR", description = "The environment variable holding the"
            + " database password.")
    String dbPasswordEnv;

    @Option(names = "--accounts", required = true, paramLabel = "FILE", description = "The accounts (added to the"
            + " database if missing), one a line.")
    Path accounts;

    @Option(names = "--threads", paramLabel = "N", description = "Accounts synced at once by this worker (default 4).")
    int threads = 4;

    @Option(names = "--interval", paramLabel = "SECONDS", description = "Time between two syncs of an account"
            + " (default 300).")
    long interval = 300;

    @Option(names = "--lease", paramLabel = "SECONDS", description = "How long an account's lease lasts unless"
            + " renewed: the time after which another worker takes over the accounts of one that died (default 60).")
    long lease = 60;

    @Option(names = "--watch", paramLabel = "N", description = "Watch mode: keep up to N accounts (this worker's"
            + " share) leased and sync each as soon as its server tells of a change (IDLE, and NOTIFY for its other"
            + " folders), besides every --interval. Workers share the accounts evenly and hand them over on stop.")
    Integer watch;

    @Option(names = "--worker", paramLabel = "NAME", description = "This worker's name in the database (default:"
            + " host and process id).")
    String worker;

    @Option(names = "--for", paramLabel = "SECONDS", description = "Stop after this long (default: run until"
            + " interrupted).")
    Long seconds;

    /** One account of the file. */
    private record Account(String address, String user, String passwordEnv, ServerEndpoint endpoint) {
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Account> list = read(accounts);
        boolean plaintext = list.values().stream().anyMatch(a -> a.endpoint() != null
                && a.endpoint().security() == Security.PLAIN);
        for (Account a : list.values()) {
            if (root.environment.apply(a.passwordEnv()) == null) {
                throw new IllegalArgumentException(accounts + ": the environment variable " + a.passwordEnv()
                        + " (the password of " + a.address() + ") is not set");
            }
        }
        FleetDatabase.Builder dbb = FleetDatabase.builder().jdbcUrl(db);
        if (dbUser != null) {
            String password = dbPasswordEnv == null ? null : root.environment.apply(dbPasswordEnv);
            if (dbPasswordEnv != null && password == null) {
                throw new IllegalArgumentException("--db-password-env: the environment variable " + dbPasswordEnv
                        + " is not set");
            }
            dbb.credentials(dbUser, password);
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C or SIGTERM: the JVM ends once its hooks return, so the hook waits for the worker to close — the
        // syncs under way finish and the accounts are given back to the other workers at once — for at most 40 s
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(40, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "mailkit-fleet-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (FleetDatabase database = dbb.build()) {
            List<String> known = database.accounts();
            for (String address : list.keySet()) {
                if (!known.contains(address)) {
                    database.addAccount(address);
                }
            }
            SyncFleet.Builder fb = SyncFleet.builder(database).threads(threads).interval(Duration.ofSeconds(interval))
                    .leaseDuration(Duration.ofSeconds(lease))
                    .credentials(address -> {
                        Account a = list.get(address);
                        if (a == null) {
                            throw new IllegalStateException(address + " is in the database but not in " + accounts);
                        }
                        return Credentials.password(a.user(), root.environment.apply(a.passwordEnv()));
                    })
                    .endpoints(address -> list.containsKey(address) ? list.get(address).endpoint() : null)
                    .listener(new Printer());
            if (plaintext) {
                fb.options(ConnectionOptions.builder().allowPlaintext().build()); // asked for with security=plain
            }
            if (worker != null) {
                fb.workerName(worker);
            }
            if (watch != null) {
                fb.watch(watch);
            }
            try (SyncFleet fleet = fb.build()) {
                fleet.start();
                root.out.println("fleet: worker started on " + list.size() + " account(s) in the file, "
                        + database.accounts().size() + " in the database");
                root.out.flush();
                if (seconds != null) {
                    stop.await(seconds, TimeUnit.SECONDS);
                } else {
                    stop.await();
                }
            }
            root.out.println("fleet: worker stopped");
            root.out.flush();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook waits for this
            }
            stopped.countDown();
        }
        return ExitCodes.OK;
    }

    /** A line per event; the printer is called from the fleet's threads. */
    private final class Printer implements FleetListener {
        @Override
        public void onSynced(Lease lease, SyncReport report) {
            line("synced " + lease.account() + " (" + report.added() + " added, " + report.changed() + " changed, "
                    + report.removed() + " removed, " + report.pushed() + " pushed)");
        }

        @Override
        public void onFailed(Lease lease, RuntimeException error, int failures, Duration retryIn) {
            line("failed " + lease.account() + " (" + failures + " in a row, again in " + retryIn.toSeconds() + " s): "
                    + Mailkit.describe(error));
        }

        @Override
        public void onLeaseLost(Lease lease, LeaseLostException error) {
            line("lost " + lease.account() + " to another worker");
        }

        @Override
        public void onLeased(Lease lease) {
            line("watching " + lease.account());
        }

        @Override
        public void onGivenBack(Lease lease) {
            line("gave back " + lease.account());
        }

        private void line(String text) {
            synchronized (root.out) {
                root.out.println("fleet: " + Printable.of(text));
                root.out.flush();
            }
        }
    }

    /** The accounts file: {@code ADDRESS key=value...}, # comments and blank lines ignored. */
    static Map<String, Account> read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("--accounts: cannot read " + file + ": " + e.getMessage());
        }
        Map<String, Account> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1);
            String[] words = line.split("\\s+");
            String address = words[0];
            if (address.indexOf('@') <= 0 || address.contains("=")) {
                throw new IllegalArgumentException(where + ": a line starts with the account's address");
            }
            Map<String, String> kv = new LinkedHashMap<>();
            for (int w = 1; w < words.length; w++) {
                int eq = words[w].indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(where + ": '" + words[w] + "' is not key=value");
                }
                String key = words[w].substring(0, eq);
                if (!List.of("password-env", "user", "host", "port", "security").contains(key)) {
                    throw new IllegalArgumentException(where + ": unknown key '" + key + "' (password-env, user, host,"
                            + " port, security)");
                }
                kv.put(key, words[w].substring(eq + 1));
            }
            if (!kv.containsKey("password-env")) {
                throw new IllegalArgumentException(where + ": password-env=VAR is missing (passwords come only from"
                        + " environment variables)");
            }
            ServerEndpoint endpoint = null;
            if (kv.containsKey("host")) {
                Security security = AccountOptions.security(where + ": security",
                        kv.getOrDefault("security", "tls"));
                int port;
                try {
                    port = Integer.parseInt(kv.getOrDefault("port", security == Security.SSL_TLS ? "993" : "143"));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + ": port must be a number");
                }
                endpoint = ServerEndpoint.of(kv.get("host"), port, security);
            } else if (kv.containsKey("port") || kv.containsKey("security")) {
                throw new IllegalArgumentException(where + ": port and security go with host");
            }
            if (out.put(address, new Account(address, kv.getOrDefault("user", address), kv.get("password-env"),
                    endpoint)) != null) {
                throw new IllegalArgumentException(where + ": " + address + " is listed twice");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--accounts: " + file + " lists no account");
        }
        return out;
    }
}
