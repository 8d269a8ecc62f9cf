package dev.mailkit.bench;

import dev.mailkit.imap.EnvelopeSort;
import dev.mailkit.imap.LocalMailbox;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.testing.DovecotServer;
import dev.mailkit.imap.testing.LocalMirror;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reading and searching the mirror: indexing the benchmark mailbox (the IMAP suite's generated ~4 KB messages,
 * one folder, a third of them read), in a process of its own with the heap capped at 256 MB, against
 * {@code notmuch new} on the same Maildir; listing a page of 50 envelopes and running queries in-process against
 * {@code notmuch search} (a process per query: its start is measured on its own, as "notmuch: an empty query");
 * and, on Dovecot, the initial mirror of the same folder with the index kept and with {@code withoutIndex()},
 * alternately, each a whole process with {@code -Xmx128m} as in the IMAP suite.
 */
final class IndexBench {

    private final boolean full;
    private final Path work;
    private final List<Result> results;
    private final PrintStream log;

    IndexBench(boolean full, Path work, List<Result> results, PrintStream log) {
        this.full = full;
        this.work = work;
        this.results = results;
        this.log = log;
    }

    private int size() {
        String chosen = System.getProperty("bench.index.size", "");
        return !chosen.isBlank() ? Integer.parseInt(chosen) : full ? 100_000 : 200;
    }

    void run(boolean dovecot) throws Exception {
        int size = size();
        String folder = "bench" + size;
        Path mirror = work.resolve("index-mirror-" + size);
        Path logFile = work.resolve("index-processes.log");
        ImapBench.delete(mirror);
        long t0 = System.nanoTime();
        build(mirror, folder, size);
        log.printf("index: %,d messages written to %s in %.1f s (without the index)%n", size, mirror, (System.nanoTime() - t0) / 1e9);
        try {
            indexing(mirror, size, logFile);
            boolean notmuch = notmuchAvailable();
            Path config = notmuch ? notmuchNew(mirror, size, logFile) : null;
            reading(mirror, folder, size, config);
            if (dovecot) {
                syncCost(size, logFile);
            } else {
                log.println("index: the sync's added cost needs Dovecot (dovecot-imapd): not measured");
            }
        } finally {
            ImapBench.delete(mirror);
            ImapBench.delete(work.resolve("notmuch-db-" + size));
        }
    }

    static boolean notmuchAvailable() {
        if (Files.isExecutable(Path.of("/usr/bin/notmuch"))) {
            return true;
        }
        if (System.getenv("CI") != null) {
            throw new IllegalStateException("CI is set but /usr/bin/notmuch is missing: .ci/run installs it (apt-get install notmuch)");
        }
        return false;
    }

    /** The benchmark mailbox written as a sync writes it (files, then records in batches), without the index. */
    private static void build(Path mirror, String folder, int size) throws IOException {
        Random random = new Random(size);
        try (LocalMirror m = LocalMirror.withoutIndex(mirror)) {
            List<byte[]> seen = new ArrayList<>();
            List<byte[]> unseen = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                (i % 3 == 0 ? seen : unseen).add(ImapBench.message(i, random));
                if (seen.size() + unseen.size() == 1_000 || i == size - 1) {
                    m.add(folder, MessageFlags.NONE.withSeen(true), seen.toArray(new byte[0][]));
                    m.add(folder, MessageFlags.NONE, unseen.toArray(new byte[0][]));
                    seen.clear();
                    unseen.clear();
                }
            }
        }
    }

    /** Indexes the whole mirror in a process with 256 MB of heap. */
    private void indexing(Path mirror, int size, Path logFile) throws Exception {
        Processes.Measured m = Processes.run(Processes.javaWithHeap("-Xmx256m", IndexOnce.class.getName(), mirror.toString()),
                Map.of(), logFile);
        String line = lastLine(logFile, "indexed ");
        log.println("index: mailkit " + line + " (process " + Math.round(m.millis()) + " ms, peak RSS " + m.rssKb() / 1024 + " MB)");
        long inside = Long.parseLong(line.replaceAll(".* in (\\d+) ms.*", "$1"));
        results.add(new Result("index", "index the mailbox (time in the process)", size, "mailkit (-Xmx256m)", inside, 1,
                m.rssKb()));
    }

    private static String lastLine(Path logFile, String prefix) throws IOException {
        List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(prefix)) {
                return lines.get(i);
            }
        }
        throw new IOException("no line starting '" + prefix + "' in " + logFile);
    }

    /** notmuch's configuration for the mirror: a database of its own, mailkit's files ignored, Maildir flags as tags. */
    private Path notmuchConfig(Path mirror, int size) throws IOException {
        Path db = work.resolve("notmuch-db-" + size);
        ImapBench.delete(db);
        Files.createDirectories(db);
        Path config = work.resolve("notmuch-config-" + size);
        Files.writeString(config, String.join("\n", "[database]", "path=" + db, "mail_root=" + mirror, "",
                "[new]", "ignore=mailkit-state.db;mailkit-state.db-wal;mailkit-state.db-shm;mailkit.lock;maildirfolder;tmp", "",
                "[maildir]", "synchronize_flags=true", "", "[user]", "name=Bench", "primary_email=bench@example.com", ""));
        return config;
    }

    private Path notmuchNew(Path mirror, int size, Path logFile) throws Exception {
        Path config = notmuchConfig(mirror, size);
        Processes.Measured m = Processes.run(List.of("notmuch", "--config=" + config, "new", "--quiet"), Map.of(), logFile);
        log.printf("index: notmuch new %,d messages in %.0f ms (peak RSS %d MB)%n", size, m.millis(), m.rssKb() / 1024);
        results.add(new Result("index", "index the mailbox (time in the process)", size, "notmuch new (process)", m.millis(),
                1, m.rssKb()));
        return config;
    }

    /** Medians of in-process listings and queries, and of notmuch search as a process. */
    private void reading(Path mirror, String folder, int size, Path notmuch) throws Exception {
        int reps = full ? 30 : 3;
        try (LocalMailbox box = LocalMailbox.open(mirror, ZoneOffset.UTC)) {
            for (EnvelopeSort sort : EnvelopeSort.values()) {
                for (int offset : new int[] {0, Math.max(0, size / 2 - 25), Math.max(0, size - 50)}) {
                    String where = offset == 0 ? "first page" : offset + 50 >= size ? "last page" : "middle page";
                    double ms = median(reps * 4, () -> box.list(folder, sort, offset, 50).size());
                    results.add(new Result("index", "list 50 envelopes by " + sort.name().toLowerCase() + ", " + where, size,
                            "mailkit (in-process)", ms, reps * 4, -1));
                }
            }
            double threads = median(Math.max(1, reps / 3), () -> box.threads(folder, 0, 50).size());
            results.add(new Result("index", "thread the folder, first 50 conversations", size, "mailkit (in-process)", threads,
                    Math.max(1, reps / 3), -1));
            int rare = size / 2 + 1;
            String[][] queries = {
                {"a word in every message", "ordinary", "ordinary"},
                {"a phrase in one message's text", "\"generated message " + rare + " with\"", "\"generated message " + rare + " with\""},
                {"from:", "from:sender42", "from:sender42"},
                {"subject phrase", "subject:\"message " + rare + "\"", "subject:\"message " + rare + "\""},
                {"is:unread", "is:unread", "tag:unread"},
                {"from: is:unread and a word", "from:sender42 is:unread words", "from:sender42 tag:unread words"},
                {"a word with a negation", "ordinary -from:sender42", "ordinary and not from:sender42"},
                {"a prefix", "generat*", "generat*"},
                {"no match", "zqxjkv", "zqxjkv"},
            };
            for (String[] q : queries) {
                int[] count = new int[1];
                double ms = median(reps, () -> count[0] = box.search(q[1], 0, 50).size());
                results.add(new Result("index", "query: " + q[0] + " (50 newest)", size, "mailkit (in-process)", ms, reps, -1));
                if (notmuch != null) {
                    List<Double> times = new ArrayList<>();
                    for (int r = 0; r < Math.max(3, reps / 3); r++) {
                        times.add(notmuchSearch(notmuch, q[2]));
                    }
                    results.add(new Result("index", "query: " + q[0] + " (50 newest)", size, "notmuch search (process)",
                            Processes.median(times), times.size(), -1));
                }
                log.printf("index: %-40s mailkit %.2f ms (%d found)%n", q[0], ms, count[0]);
            }
            if (notmuch != null) {
                List<Double> empty = new ArrayList<>();
                for (int r = 0; r < Math.max(3, reps / 3); r++) {
                    empty.add(notmuchSearch(notmuch, "id:no-such-message"));
                }
                results.add(new Result("index", "notmuch: an empty query (its process start)", size, "notmuch search (process)",
                        Processes.median(empty), empty.size(), -1));
            }
        }
    }

    /** One {@code notmuch search} of the 50 newest threads matching, as a process. */
    private static double notmuchSearch(Path config, String query) throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder("notmuch", "--config=" + config, "search", "--limit=50", "--sort=newest-first", query)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("notmuch search " + query + " failed");
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static double median(int reps, Supplier<Integer> work) {
        for (int i = 0; i < 3; i++) {
            work.get(); // warm
        }
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            work.get();
            times.add((System.nanoTime() - start) / 1e6);
        }
        return Processes.median(times);
    }

    /** The initial mirror from Dovecot with the index kept and without, alternately, each a whole process. */
    void syncCost(int size, Path logFile) throws Exception {
        String folder = "ixbench" + size;
        DovecotServer dovecot = DovecotServer.start();
        try {
            Path dir = dovecot.maildir("alice").resolve("." + folder);
            for (String sub : List.of("cur", "new", "tmp")) {
                Files.createDirectories(dir.resolve(sub));
            }
            Random random = new Random(size);
            for (int i = 0; i < size; i++) {
                byte[] m = ImapBench.message(i, random);
                Files.write(dir.resolve("cur").resolve("1790000000.M" + i + "P1.bench,S=" + m.length + ",W=" + m.length + ":2,"
                        + (i % 3 == 0 ? "S" : "")), m);
            }
            if (new ProcessBuilder("chown", "-R", "mail:mail", dovecot.maildir("alice").toString()).inheritIO().start().waitFor() != 0) {
                throw new IOException("chown failed");
            }
            Map<String, String> env = Map.of("BENCH_PASSWORD", DovecotServer.PASSWORD);
            // one untimed mirror warms Dovecot's cache of the folder
            Path warm = work.resolve("index-sync-warm");
            ImapBench.delete(warm);
            Processes.run(Processes.javaWithHeap("-Xmx128m", SyncOnce.class.getName(), String.valueOf(dovecot.port()), "alice",
                    folder, warm.toString()), env, logFile);
            ImapBench.delete(warm);
            List<Double> with = new ArrayList<>();
            List<Double> without = new ArrayList<>();
            List<Double> cpuWith = new ArrayList<>();
            List<Double> cpuWithout = new ArrayList<>();
            List<Double> machineWith = new ArrayList<>();
            List<Double> machineWithout = new ArrayList<>();
            long rssWith = 0;
            long rssWithout = 0;
            int runs = full ? 3 : 1;
            for (int r = 0; r < runs; r++) {
                for (boolean index : new boolean[] {r % 2 == 0, r % 2 != 0}) {
                    Path target = work.resolve("index-sync-" + (index ? "with" : "without") + "-" + r);
                    ImapBench.delete(target);
                    List<String> args = new ArrayList<>(List.of(String.valueOf(dovecot.port()), "alice", folder, target.toString()));
                    if (!index) {
                        args.add("noindex");
                    }
                    long busy = Cpu.machineBusyTicks();
                    Processes.Measured m = Processes.run(Processes.javaWithHeap("-Xmx128m", SyncOnce.class.getName(),
                            args.toArray(String[]::new)), env, logFile);
                    (index ? machineWith : machineWithout).add(Cpu.ticksToSeconds(Cpu.machineBusyTicks() - busy));
                    (index ? with : without).add(m.millis());
                    (index ? cpuWith : cpuWithout).add(m.cpuSeconds());
                    if (index) {
                        rssWith = Math.max(rssWith, m.rssKb());
                    } else {
                        rssWithout = Math.max(rssWithout, m.rssKb());
                    }
                    ImapBench.delete(target);
                }
            }
            results.add(new Result("index", "initial mirror from Dovecot", size, "mailkit, index kept", Processes.median(with),
                    runs, rssWith));
            results.add(new Result("index", "initial mirror from Dovecot", size, "mailkit, withoutIndex()",
                    Processes.median(without), runs, rssWithout));
            log.printf("index: initial mirror of %,d: %.0f ms with the index, %.0f ms without (+%.0f%%); CPU of the mailkit"
                            + " process %.1f s with, %.1f s without; of the machine %.1f s with, %.1f s without (medians; runs %s / %s)%n",
                    size, Processes.median(with), Processes.median(without),
                    100 * (Processes.median(with) / Processes.median(without) - 1), Processes.median(cpuWith),
                    Processes.median(cpuWithout), Processes.median(machineWith), Processes.median(machineWithout), with, without);
        } finally {
            dovecot.close();
        }
    }
}
