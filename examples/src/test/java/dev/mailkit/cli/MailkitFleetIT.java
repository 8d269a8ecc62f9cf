package dev.mailkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.fleet.testing.PostgresServer;
import dev.mailkit.imap.testing.DovecotServer;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailkit fleet}: a worker on a real PostgreSQL syncing real Dovecot accounts, and its usage errors. */
class MailkitFleetIT {

    @RegisterExtension
    static final DovecotServer.PerClass DOVECOT = new DovecotServer.PerClass();

    static PostgresServer postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static void append(String user, String subject) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", DOVECOT.server().port(), user, DovecotServer.PASSWORD);
        try {
            Folder f = store.getFolder("INBOX");
            String raw = "From: a@example.com\r\nTo: " + user + "@example.com\r\nSubject: " + subject
                    + "\r\nMessage-ID: <" + subject.replace(' ', '-') + "@example.com>\r\n\r\nbody\r\n";
            f.appendMessages(new Message[] {new MimeMessage(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)))});
        } finally {
            store.close();
        }
    }

    private Path accounts(String... lines) throws Exception {
        Path f = dir.resolve("accounts");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    private String line(String user) {
        return user + "@example.com user=" + user + " password-env=DOVECOT_PW host=127.0.0.1 port="
                + DOVECOT.server().port() + " security=plain";
    }

    @Test
    void aWorker_syncsEveryAccountOfTheFile_intoTheDatabase() throws Exception {
        append("alice", "fleet one");
        append("alice", "fleet two");
        append("bob", "fleet three");
        String db = postgres.newDatabase();
        Path file = accounts("# two accounts", line("alice"), "", line("bob"));
        CliRun r = CliRun.of(Map.of("DOVECOT_PW", DovecotServer.PASSWORD), "fleet", "--db", db, "--accounts",
                file.toString(), "--threads", "2", "--for", "8", "--interval", "2");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("fleet: worker started on 2 account(s) in the file, 2 in the database")
                .contains("fleet: synced alice@example.com (2 added").contains("fleet: synced bob@example.com (1 added")
                .endsWith("fleet: worker stopped\n").doesNotContain("failed");
        assertThat(r.out() + r.err()).doesNotContain(DovecotServer.PASSWORD);

        // a second worker on the same database (the accounts due again 2 s after their last sync) finds the mail
        // already there: nothing added again
        CliRun again = CliRun.of(Map.of("DOVECOT_PW", DovecotServer.PASSWORD), "fleet", "--db", db, "--accounts",
                file.toString(), "--for", "6", "--interval", "2");
        assertThat(again.code()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("fleet: synced alice@example.com (0 added").doesNotContain("2 added");
    }

    @Test
    void aWatchingWorker_syncsWhenMailArrives_notOnlyEveryInterval_andGivesTheAccountBackOnStop() throws Exception {
        append("carol", "watched before");
        String db = postgres.newDatabase();
        Path file = accounts(line("carol"));
        // the interval is ten minutes: a second sync that adds the new message can only come from IDLE
        java.util.concurrent.CompletableFuture<CliRun> run = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                CliRun.of(Map.of("DOVECOT_PW", DovecotServer.PASSWORD), "fleet", "--db", db, "--accounts",
                        file.toString(), "--watch", "10", "--interval", "600", "--for", "9"));
        Thread.sleep(5000);
        append("carol", "watched after");
        CliRun r = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        String out = r.out();
        assertThat(out).contains("fleet: watching carol@example.com").contains("fleet: gave back carol@example.com")
                .doesNotContain("failed");
        int first = out.indexOf("fleet: synced carol@example.com");
        assertThat(first).as(out).isNotNegative();
        assertThat(out.substring(first + 1)).as(out).contains("fleet: synced carol@example.com (1 added");
    }

    /** A {@code mailkit fleet} process and the accounts it says it watches. */
    private static final class Worker {
        final Process process;
        final java.util.Set<String> watching = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final StringBuffer out = new StringBuffer();
        final Thread reader;

        Worker(Process process) {
            this.process = process;
            reader = new Thread(() -> {
                try (java.io.BufferedReader r = new java.io.BufferedReader(
                        new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        out.append(line).append('\n');
                        if (line.startsWith("fleet: watching ")) {
                            watching.add(line.substring("fleet: watching ".length()));
                        } else if (line.startsWith("fleet: gave back ")) {
                            watching.remove(line.substring("fleet: gave back ".length()));
                        } else if (line.startsWith("fleet: lost ")) {
                            watching.remove(line.substring("fleet: lost ".length()).replace(" to another worker", ""));
                        }
                    }
                } catch (java.io.IOException e) {
                    // the process is gone
                }
            });
            reader.setDaemon(true);
            reader.start();
        }
    }

    private Worker worker(String db, Path accounts, String name) throws Exception {
        return worker(db, accounts, name, 2);
    }

    /** Every worker process a test started, killed after it. */
    private final java.util.List<Worker> started = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void killWorkers() throws Exception {
        for (Worker w : started) {
            w.process.destroyForcibly();
            w.process.waitFor();
        }
    }

    private Worker worker(String db, Path accounts, String name, int leaseSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Mailkit.class.getName(), "fleet", "--db", db, "--accounts", accounts.toString(), "--watch", "10",
                "--lease", String.valueOf(leaseSeconds), "--worker", name).redirectErrorStream(true);
        pb.environment().put("DOVECOT_PW", DovecotServer.PASSWORD);
        Worker w = new Worker(pb.start());
        started.add(w);
        return w;
    }

    private static void await(String what, long millis, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within " + millis + " ms: " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void threeWatchingWorkers_shareTheAccounts_andAKilledOnesAccountsMoveToTheOthers() throws Exception {
        String db = postgres.newDatabase();
        Path file = accounts(line("alice"), line("bob"), line("carol"), line("dave"));
        java.util.List<Worker> workers = new java.util.ArrayList<>();
        for (String name : java.util.List.of("w1", "w2", "w3")) {
            workers.add(worker(db, file, name));
        }
        // 4 accounts on 3 workers: 2, 1 and 1 once they have evened out
        await("every account watched, each worker watching one or two", 60_000, () ->
                workers.stream().mapToInt(w -> w.watching.size()).sum() == 4
                        && workers.stream().allMatch(w -> w.watching.size() >= 1 && w.watching.size() <= 2));
        Worker victim = workers.stream().max(java.util.Comparator.comparingInt(w -> w.watching.size())).orElseThrow();
        java.util.Set<String> orphaned = java.util.Set.copyOf(victim.watching);
        victim.process.destroyForcibly(); // SIGKILL: its leases expire, nothing is given back
        victim.process.waitFor();
        long killed = System.nanoTime();
        java.util.List<Worker> survivors = workers.stream().filter(w -> w != victim).toList();
        await("the killed worker's " + orphaned + " watched by the others", 30_000, () -> survivors.stream()
                .flatMap(w -> w.watching.stream()).collect(java.util.stream.Collectors.toSet()).containsAll(orphaned)
                && survivors.stream().mapToInt(w -> w.watching.size()).sum() == 4);
        long tookMs = (System.nanoTime() - killed) / 1_000_000;
        System.out.println("MailkitFleetIT: " + orphaned + " taken over " + tookMs + " ms after the SIGKILL (2 s leases)");
        for (Worker w : survivors) {
            assertThat(w.out.toString()).as("worker output").doesNotContain("failed");
        }
    }

    @Test
    void aWorkerStoppedWithSigterm_handsItsAccountsOver_beforeItsLeasesWouldExpire() throws Exception {
        String db = postgres.newDatabase();
        Path file = accounts(line("alice"), line("bob"), line("carol"), line("dave"));
        java.util.List<Worker> workers = new java.util.ArrayList<>();
        for (String name : java.util.List.of("t1", "t2")) {
            workers.add(worker(db, file, name, 60)); // leases of a minute: an expiry cannot explain a handover
        }
        await("the accounts shared 2 and 2", 60_000, () -> workers.stream().allMatch(w -> w.watching.size() == 2));
        Worker stopped = workers.get(0);
        long t0 = System.nanoTime();
        // SIGTERM, as a service manager stops it (Process.destroy() would also close this end of its output)
        assertThat(new ProcessBuilder("kill", "-TERM", String.valueOf(stopped.process.pid())).start().waitFor())
                .isZero();
        assertThat(stopped.process.waitFor(45, java.util.concurrent.TimeUnit.SECONDS)).as("stopped").isTrue();
        stopped.reader.join(10_000); // everything it printed read
        await("the other worker watching all four", 20_000, () -> workers.get(1).watching.size() == 4);
        System.out.println("MailkitFleetIT: accounts handed over " + (System.nanoTime() - t0) / 1_000_000
                + " ms after SIGTERM (60 s leases)");
        assertThat(stopped.out.toString()).contains("fleet: gave back").contains("fleet: worker stopped");
    }

    @Test
    void badAccountFiles_andMissingPasswords_areUsageErrors_namingTheLine() throws Exception {
        String db = postgres.newDatabase();
        CliRun noEnv = CliRun.of(Map.of(), "fleet", "--db", db, "--accounts", accounts(line("alice")).toString(), "--for", "1");
        assertThat(noEnv.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noEnv.err()).contains("DOVECOT_PW").contains("alice@example.com");
        CliRun twice = CliRun.of(Map.of("DOVECOT_PW", "x"), "fleet", "--db", db, "--accounts",
                accounts(line("alice"), line("alice")).toString());
        assertThat(twice.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(twice.err()).contains("line 2").contains("listed twice");
        CliRun noPassword = CliRun.of(Map.of(), "fleet", "--db", db, "--accounts",
                accounts("carol@example.com user=carol password=secret").toString());
        assertThat(noPassword.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noPassword.err()).contains("line 1").contains("unknown key 'password'");
        assertThat(noPassword.out() + noPassword.err()).doesNotContain("secret");
    }
}
