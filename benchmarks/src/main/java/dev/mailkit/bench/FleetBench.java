package dev.mailkit.bench;

import dev.mailkit.fleet.FleetDatabase;
import dev.mailkit.fleet.testing.ManyUsersDovecot;
import dev.mailkit.fleet.testing.PostgresServer;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The fleet suite: {@code SyncFleet} worker processes ({@link FleetWorker}) on one PostgreSQL database (the
 * distribution's PostgreSQL, started as the fleet tests start it) syncing accounts of a loopback Dovecot.
 * Measures the initial sync of N accounts of M ~4 KB messages with 1, 2 and 3 workers, the takeover time after a
 * worker holding leases is killed with SIGKILL, and the live heap and threads of one worker ({@code threads(8)},
 * {@code -Xmx512m}) syncing 1,000 accounts. Writes {@code fleet-results.md}.
 */
final class FleetBench {

    private static final int THREADS = 4;

    private final boolean full;
    private final Path out;
    private final PrintStream log;
    private final Path workerLog;
    private final List<String> lines = new ArrayList<>();
    private final List<Process> children = new ArrayList<>();
    private int port;
    /** Takeover: 5 s leases and SyncFleet's default poll of 1 s; the smoke run 1 s and 0.1 s. */
    private final long takeoverLeaseMs;
    private final long takeoverPollMs;

    FleetBench(boolean full, Path out, PrintStream log) {
        this.full = full;
        this.out = out;
        this.log = log;
        this.workerLog = out.resolve("fleet-workers.log");
        this.takeoverLeaseMs = full ? 5000 : 1000;
        this.takeoverPollMs = full ? 1000 : 100;
    }

    void run() throws Exception {
        int accounts = Integer.getInteger("bench.fleet.accounts", full ? 200 : 4);
        int messages = Integer.getInteger("bench.fleet.messages", full ? 50 : 3);
        int heapAccounts = full ? 1000 : 10;
        int heapMessages = full ? 10 : 2;
        String chosen = System.getProperty("bench.fleet.parts", "");
        java.util.Set<String> parts = java.util.Set.of((chosen.isBlank() ? "throughput,takeover,heap,watch" : chosen)
                .split(","));
        Files.deleteIfExists(workerLog);
        ManyUsersDovecot dovecot = new ManyUsersDovecot();
        dovecot.beforeAll(null);
        try (PostgresServer pg = PostgresServer.start()) {
            port = dovecot.port();
            line("fleet: " + (full ? "full" : "smoke") + " mode; PostgreSQL and Dovecot on loopback, same machine");
            long t = System.nanoTime();
            List<String> names = names("t", accounts);
            List<String> heapNames = names("h", heapAccounts);
            if (parts.contains("throughput") || parts.contains("takeover")) {
                populate(names, messages);
            }
            if (parts.contains("heap") || parts.contains("watch")) {
                populate(heapNames, heapMessages);
            }
            line(String.format(Locale.ROOT, "populated %d + %d accounts in %.1f s", accounts, heapAccounts,
                    (System.nanoTime() - t) / 1e9));

            if (parts.contains("throughput")) {
                line("");
                line("| workers | threads each | accounts × messages | initial sync | accounts/min | messages/s | scaling | load before → after |");
                line("|---:|---:|---|---:|---:|---:|---:|---|");
                if (full) {
                    syncAll(pg, names, messages, 3, true); // untimed: Dovecot's caches of these mailboxes warm
                }
                double one = 0;
                for (int workers = 1; workers <= 3; workers++) {
                    double s = syncAll(pg, names, messages, workers, false);
                    if (workers == 1) {
                        one = s;
                    }
                    // line written by syncAll; scaling appended there
                    lines.set(lines.size() - 1, lines.get(lines.size() - 1).replace("SCALING",
                            String.format(Locale.ROOT, "%.2f×", one / s)));
                    log.println(lines.get(lines.size() - 1));
                }
            }
            if (parts.contains("takeover")) {
                line("");
                takeover(pg, names, full ? 5 : 1);
            }
            if (parts.contains("heap")) {
                line("");
                heap(pg, heapNames, heapMessages);
            }
            if (parts.contains("watch")) {
                line("");
                watch(pg, heapNames);
            }
        } catch (Exception | Error e) {
            // what Dovecot said about it (connection limits, inotify) before its directory is removed
            String[] dovecotLog = dovecot.log().split("\n");
            System.err.println("Dovecot's log, last 40 lines:");
            for (int i = Math.max(0, dovecotLog.length - 40); i < dovecotLog.length; i++) {
                System.err.println(dovecotLog[i]);
            }
            throw e;
        } finally {
            for (Process p : children) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            dovecot.afterAll(null);
        }
        Files.write(out.resolve("fleet-results.md"), lines, StandardCharsets.UTF_8);
    }

    private void line(String s) {
        lines.add(s);
        log.println(s);
    }

    private static List<String> names(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(String.format("%s-%04d", prefix, i));
        }
        return out;
    }

    private static String load() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    /** M messages of about 4 KB into each account's INBOX, 4 accounts at a time. */
    private void populate(List<String> names, int messages) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String account : names) {
                done.add(pool.submit(() -> {
                    Properties p = new Properties();
                    p.setProperty("mail.imap.connectiontimeout", "10000");
                    p.setProperty("mail.imap.timeout", "60000");
                    try (Store store = Session.getInstance(p).getStore("imap")) {
                        store.connect("127.0.0.1", port, account, ManyUsersDovecot.PASSWORD);
                        Folder inbox = store.getFolder("INBOX");
                        Message[] batch = new Message[messages];
                        for (int i = 0; i < messages; i++) {
                            batch[i] = message(account, i);
                        }
                        inbox.appendMessages(batch);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static MimeMessage message(String account, int i) throws Exception {
        StringBuilder b = new StringBuilder("Message-ID: <").append(account).append('-').append(i)
                .append("@fleet.bench>\r\nSubject: message ").append(i).append(" of ").append(account)
                .append("\r\nFrom: sender@example.com\r\nTo: ").append(account).append("@example.com\r\n\r\n");
        while (b.length() < 4000) {
            b.append("Lorem ipsum dolor sit amet, consectetur adipiscing elit, line ").append(b.length()).append("\r\n");
        }
        return new MimeMessage(null, new ByteArrayInputStream(b.toString().getBytes(StandardCharsets.US_ASCII)));
    }

    /** A new database holding the accounts, not yet due. */
    private static String database(PostgresServer pg, List<String> names) throws Exception {
        String url = pg.newDatabase();
        try (FleetDatabase db = FleetDatabase.builder().jdbcUrl(url).build()) {
            names.forEach(db::addAccount);
        }
        update(url, "UPDATE accounts SET next_due = now() + interval '1 day'");
        return url;
    }

    private static void update(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    private static long scalar(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Process worker(String url, String name, int threads, long leaseMs, long pollMs, long intervalMs)
            throws Exception {
        return worker(url, name, threads, leaseMs, pollMs, intervalMs, "poll");
    }

    private Process worker(String url, String name, int threads, long leaseMs, long pollMs, long intervalMs, String mode)
            throws Exception {
        List<String> cmd = Processes.javaWithHeap("-Xmx512m", FleetWorker.class.getName(), url, String.valueOf(port),
                name, String.valueOf(threads), String.valueOf(leaseMs), String.valueOf(pollMs), String.valueOf(intervalMs),
                mode);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(workerLog.toFile()));
        pb.environment().put("MAILKIT_BENCH_PASSWORD", ManyUsersDovecot.PASSWORD);
        Process p = pb.start();
        children.add(p);
        return p;
    }

    private static void awaitStarted(Process p) throws Exception {
        String first = reader(p).readLine();
        if (!"STARTED".equals(first)) {
            throw new IllegalStateException("fleet worker did not start: " + first);
        }
    }

    private static final java.util.Map<Process, BufferedReader> READERS = new java.util.HashMap<>();

    private static BufferedReader reader(Process p) {
        return READERS.computeIfAbsent(p, q -> new BufferedReader(new InputStreamReader(q.getInputStream(),
                StandardCharsets.US_ASCII)));
    }

    private static void stop(List<Process> ps) throws Exception {
        for (Process p : ps) {
            p.destroyForcibly();
        }
        for (Process p : ps) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Every account synced once by {@code workers} processes; returns seconds from making them due to the last. */
    private double syncAll(PostgresServer pg, List<String> names, int messages, int workers, boolean warmUp)
            throws Exception {
        String url = database(pg, names);
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            ps.add(worker(url, "w" + i, THREADS, 60_000, 200, 3_600_000));
        }
        for (Process p : ps) {
            awaitStarted(p);
        }
        String before = load();
        long start = System.nanoTime();
        update(url, "UPDATE accounts SET next_due = now()");
        long total = (long) names.size() * messages;
        long deadline = start + TimeUnit.MINUTES.toNanos(30);
        while (scalar(url, "SELECT count(*) FROM messages") < total
                || scalar(url, "SELECT count(*) FROM accounts WHERE fencing_token = 0 OR holder IS NOT NULL") > 0) {
            if (scalar(url, "SELECT count(*) FROM accounts WHERE failures > 0") > 0 || System.nanoTime() > deadline) {
                stop(ps);
                throw new IllegalStateException("fleet sync failed or timed out; see " + workerLog);
            }
            Thread.sleep(50);
        }
        double s = (System.nanoTime() - start) / 1e9;
        stop(ps);
        String after = load();
        if (warmUp) {
            log.println(String.format(Locale.ROOT, "warm-up, %d workers: %.1f s", workers, s));
            return s;
        }
        lines.add(String.format(Locale.ROOT, "| %d | %d | %,d × %d | %.1f s | %.0f | %.0f | SCALING | %s → %s |", workers, THREADS,
                names.size(), messages, s, names.size() / s * 60, total / s, before, after));
        return s;
    }

    /** Two workers re-syncing the accounts; one holding leases is killed, timed until all it held are leased anew. */
    private void takeover(PostgresServer pg, List<String> names, int kills) throws Exception {
        String url = database(pg, names);
        List<Process> ps = new ArrayList<>();
        String[] workerNames = {"a0", "b0"};
        for (String n : workerNames) {
            ps.add(worker(url, n, THREADS, takeoverLeaseMs, takeoverPollMs, 2000));
        }
        for (Process p : ps) {
            awaitStarted(p);
        }
        update(url, "UPDATE accounts SET next_due = now()");
        List<Long> times = new ArrayList<>();
        String before = load();
        for (int k = 0; k < kills; k++) {
            Thread.sleep(full ? 3000 : 500);
            // the worker whose turn it is, or else the other, the first seen holding a lease (with few short
            // syncs, as in the smoke run, a worker holds one only now and then)
            int victim = k % 2;
            java.util.Map<String, Long> held = new java.util.HashMap<>();
            for (int tries = 0; held.isEmpty() && tries < 500; tries++) {
                victim = (k + tries) % 2;
                try (Connection c = DriverManager.getConnection(url); PreparedStatement q = c.prepareStatement(
                        "SELECT account, fencing_token FROM accounts WHERE holder LIKE ? AND lease_expires > clock_timestamp()")) {
                    q.setString(1, workerNames[victim] + "#%");
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            held.put(rs.getString(1), rs.getLong(2));
                        }
                    }
                }
                if (held.isEmpty()) {
                    Thread.sleep(10);
                }
            }
            if (held.isEmpty()) {
                throw new IllegalStateException("neither worker held a lease in 10 s");
            }
            ps.get(victim).destroyForcibly(); // SIGKILL
            long killed = System.nanoTime();
            long deadline = killed + TimeUnit.SECONDS.toNanos(60);
            for (var e : held.entrySet()) {
                while (scalar(url, "SELECT fencing_token FROM accounts WHERE account = '" + e.getKey() + "'") == e.getValue()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("no takeover of " + e.getKey() + " within 60 s");
                    }
                    Thread.sleep(20);
                }
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            times.add(ms);
            log.println("takeover after SIGKILL of a worker holding " + held.size() + " lease(s): " + ms + " ms");
            ps.get(victim).waitFor(10, TimeUnit.SECONDS);
            workerNames[victim] = workerNames[victim].charAt(0) + String.valueOf(k + 1);
            ps.set(victim, worker(url, workerNames[victim], THREADS, takeoverLeaseMs, takeoverPollMs, 2000));
            awaitStarted(ps.get(victim));
        }
        stop(ps);
        List<Long> sorted = new ArrayList<>(times);
        sorted.sort(null);
        line(String.format(Locale.ROOT, "takeover after SIGKILL (2 workers × %d threads re-syncing %d accounts every 2 s,"
                        + " lease %d ms renewed every %d ms, poll %d ms jittered): %d kills, until the last account the"
                        + " killed worker held was leased by the other: %s ms (median %d ms); load %s → %s",
                THREADS, names.size(), takeoverLeaseMs, takeoverLeaseMs / 3, takeoverPollMs, kills, times,
                sorted.get(sorted.size() / 2), before, load()));
    }

    /** One worker, threads(8), -Xmx512m, syncing every account; live heap after a full GC sampled meanwhile. */
    private void heap(PostgresServer pg, List<String> names, int messages) throws Exception {
        String url = database(pg, names);
        Process p = worker(url, "heap", 8, 60_000, 200, 20_000);
        awaitStarted(p);
        PrintWriter cmd = new PrintWriter(p.getOutputStream(), true, StandardCharsets.US_ASCII);
        String before = load();
        long start = System.nanoTime();
        update(url, "UPDATE accounts SET next_due = now()");
        long total = (long) names.size() * messages;
        long maxHeap = 0;
        long maxThreads = 0;
        long hwm = 0;
        int samples = 0;
        double firstRound = -1;
        long rounds = full ? 15 : 1; // seconds of re-syncs (interval 20 s) after every account was synced once
        long endAfter = Long.MAX_VALUE;
        List<String> sampleText = new ArrayList<>();
        while (System.nanoTime() < endAfter) {
            Thread.sleep(full ? 2000 : 300);
            cmd.println("HEAP");
            String[] h = reader(p).readLine().split(" ");
            long used = Long.parseLong(h[1]);
            maxHeap = Math.max(maxHeap, used);
            maxThreads = Math.max(maxThreads, Long.parseLong(h[2]));
            hwm = Long.parseLong(h[3]);
            samples++;
            sampleText.add(String.format(Locale.ROOT, "%.1f", used / 1048576.0));
            if (firstRound < 0 && scalar(url, "SELECT count(*) FROM messages") >= total
                    && scalar(url, "SELECT count(*) FROM accounts WHERE fencing_token = 0") == 0) {
                firstRound = (System.nanoTime() - start) / 1e9;
                endAfter = System.nanoTime() + TimeUnit.SECONDS.toNanos(rounds);
            }
            if (scalar(url, "SELECT count(*) FROM accounts WHERE failures > 0") > 0
                    || System.nanoTime() - start > TimeUnit.MINUTES.toNanos(30)) {
                stop(List.of(p));
                throw new IllegalStateException("fleet sync failed or timed out; see " + workerLog);
            }
        }
        long syncs = scalar(url, "SELECT last_value FROM fencing_tokens");
        stop(List.of(p));
        line(String.format(Locale.ROOT, "one worker, threads(8), -Xmx512m, %,d accounts × %d messages (polling: interval"
                        + " 20 s, poll 200 ms): every account synced once in %.1f s, then %d s more of re-syncs (%,d leases in"
                        + " all); live heap after a full GC, %d samples: max %.1f MB (MB: %s); threads max %d; peak RSS %d MB;"
                        + " load %s → %s",
                names.size(), messages, firstRound, rounds, syncs, samples, maxHeap / 1048576.0, String.join(", ", sampleText),
                maxThreads, hwm / 1024, before, load()));
    }

    /**
     * One worker in watch mode, threads(8), -Xmx512m, watching every account (one IDLE connection each, NOTIFY on):
     * the time until all are synced and watched, then mail arriving in random accounts and the time from each
     * APPEND's completion to the message in the database; live heap and threads sampled throughout.
     */
    private void watch(PostgresServer pg, List<String> names) throws Exception {
        String url = database(pg, names);
        update(url, "UPDATE accounts SET next_due = now()");
        String before = load();
        long start = System.nanoTime();
        Process p = worker(url, "watch", 8, 60_000, 1000, 3_600_000, "watch");
        awaitStarted(p);
        PrintWriter cmd = new PrintWriter(p.getOutputStream(), true, StandardCharsets.US_ASCII);
        long maxHeap = 0;
        long maxThreads = 0;
        long hwm = 0;
        List<String> sampleText = new ArrayList<>();
        double allWatched = -1;
        while (allWatched < 0) {
            Thread.sleep(full ? 2000 : 300);
            long[] h = sample(p, cmd);
            maxHeap = Math.max(maxHeap, h[0]);
            maxThreads = Math.max(maxThreads, h[1]);
            hwm = h[2];
            sampleText.add(String.format(Locale.ROOT, "%.1f", h[0] / 1048576.0));
            if (h[4] == names.size() && h[5] == names.size()
                    && scalar(url, "SELECT count(*) FROM accounts WHERE next_due < now() + interval '30 minutes'") == 0) {
                allWatched = (System.nanoTime() - start) / 1e9;
            }
            if (scalar(url, "SELECT count(*) FROM accounts WHERE failures > 0") > 0
                    || System.nanoTime() - start > TimeUnit.MINUTES.toNanos(30)) {
                stop(List.of(p));
                throw new IllegalStateException("fleet watch failed or timed out; see " + workerLog);
            }
        }
        java.util.Random random = new java.util.Random(42);
        List<Long> latencies = new ArrayList<>();
        int arrivals = full ? 40 : 5;
        for (int i = 0; i < arrivals; i++) {
            String account = names.get(random.nextInt(names.size()));
            long count = scalar(url, "SELECT count(*) FROM messages WHERE account = '" + account + "'");
            Properties props = new Properties();
            try (Store store = Session.getInstance(props).getStore("imap")) {
                store.connect("127.0.0.1", port, account, ManyUsersDovecot.PASSWORD);
                store.getFolder("INBOX").appendMessages(new Message[] {message(account, 1000 + i)});
            }
            long t0 = System.nanoTime();
            while (scalar(url, "SELECT count(*) FROM messages WHERE account = '" + account + "'") == count) {
                if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(60)) {
                    stop(List.of(p));
                    throw new IllegalStateException("a message to " + account + " was not synced within 60 s");
                }
                Thread.sleep(5);
            }
            latencies.add((System.nanoTime() - t0) / 1_000_000);
            if (i % 10 == 9) {
                long[] h = sample(p, cmd);
                maxHeap = Math.max(maxHeap, h[0]);
                maxThreads = Math.max(maxThreads, h[1]);
                hwm = h[2];
                sampleText.add(String.format(Locale.ROOT, "%.1f", h[0] / 1048576.0));
            }
        }
        stop(List.of(p));
        List<Long> sorted = new ArrayList<>(latencies);
        java.util.Collections.sort(sorted);
        line(String.format(Locale.ROOT, "watch mode: one worker, threads(8), -Xmx512m, %,d accounts watched (IDLE + NOTIFY,"
                        + " interval 1 h): all synced and watched %.1f s after start; %d messages appended to random"
                        + " accounts, APPEND to mirrored in the database: median %d ms, max %d ms; live heap after a full GC,"
                        + " %d samples: max %.1f MB (MB: %s); threads max %d; peak RSS %d MB; load %s → %s",
                names.size(), allWatched, arrivals, sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1),
                sampleText.size(), maxHeap / 1048576.0, String.join(", ", sampleText), maxThreads, hwm / 1024, before,
                load()));
    }

    /** Live heap, threads, VmHWM kB, VmRSS kB, accounts watched, IDLE connections of a worker. */
    private static long[] sample(Process p, PrintWriter cmd) throws Exception {
        cmd.println("HEAP");
        String[] h = reader(p).readLine().split(" ");
        long[] out = new long[6];
        for (int i = 0; i < 6; i++) {
            out[i] = Long.parseLong(h[i + 1]);
        }
        return out;
    }
}
