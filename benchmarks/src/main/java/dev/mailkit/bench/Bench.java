package dev.mailkit.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark runner: {@code smoke} (tiny sizes, so the harness cannot rot) or {@code full} (the
 * figures of BENCHMARKS.md). Starts its servers itself on loopback, runs every contender in the same
 * run, and writes {@code results.json}, {@code results.md} and {@code sync-time.svg} to the output directory.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        boolean full = args.length > 0 && args[0].equals("full");
        Path out = Path.of(args.length > 1 ? args[1] : "benchmarks/target/bench");
        List<String> suites = List.of((args.length > 2 ? args[2] : "imap,smtp,fleet,index").split(","));
        Files.createDirectories(out);
        PrintStream log = System.out;
        List<Result> results = new ArrayList<>();
        log.println("mailkit benchmarks, " + (full ? "full" : "smoke") + " mode, " + Runtime.getRuntime().availableProcessors()
                + " cores, " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        String missing = missingTools();
        if (!suites.contains("imap")) {
            log.println("IMAP benchmark not selected (-Dbench.suites=" + String.join(",", suites) + ")");
        } else if (!missing.isEmpty()) {
            if (System.getenv("CI") != null) {
                throw new IllegalStateException("CI is set but " + missing + " is missing: .ci/run installs it");
            }
            log.println("skipping the IMAP benchmark: " + missing + " not installed (apt-get install dovecot-imapd isync time)");
        } else {
            new ImapBench(full, out, results, log).run();
        }
        if (suites.contains("smtp")) {
            new SmtpBench(full, out, results, log).run();
        }
        if (suites.contains("fleet")) {
            String fleetMissing = missingFleetTools();
            if (!fleetMissing.isEmpty()) {
                if (System.getenv("CI") != null) {
                    throw new IllegalStateException("CI is set but " + fleetMissing + " is missing: .ci/run installs it");
                }
                log.println("skipping the fleet benchmark: " + fleetMissing
                        + " not installed (apt-get install postgresql dovecot-imapd)");
            } else {
                new FleetBench(full, out, log).run();
            }
        }
        if (!suites.contains("index")) {
            log.println("index benchmark not selected (-Dbench.suites=" + String.join(",", suites) + ")");
        } else if (!Files.isExecutable(Path.of("/usr/bin/time"))) {
            if (System.getenv("CI") != null) {
                throw new IllegalStateException("CI is set but /usr/bin/time is missing: .ci/run installs it");
            }
            log.println("skipping the index benchmark: /usr/bin/time not installed (apt-get install time)");
        } else {
            new IndexBench(full, out, results, log).run(Files.isExecutable(Path.of("/usr/sbin/dovecot")));
        }
        String table = table(results);
        log.println(table);
        Files.writeString(out.resolve("results.md"), table, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("results.json"), json(results), StandardCharsets.UTF_8);
        if (results.stream().anyMatch(r -> r.suite().equals("imap"))) {
            Files.writeString(out.resolve("sync-time.svg"), Chart.svg(results), StandardCharsets.UTF_8);
        }
        log.println("written to " + out.toAbsolutePath());
    }

    private static String missingFleetTools() {
        StringBuilder b = new StringBuilder();
        if (!Files.isExecutable(Path.of("/usr/sbin/dovecot"))) {
            b.append("/usr/sbin/dovecot");
        }
        boolean postgres = false;
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            postgres = versions.anyMatch(v -> Files.isExecutable(v.resolve("bin/initdb")));
        } catch (java.io.IOException e) {
            // not installed
        }
        if (!postgres) {
            b.append(b.length() == 0 ? "" : ", ").append("PostgreSQL (/usr/lib/postgresql/*/bin/initdb)");
        }
        return b.toString();
    }

    private static String missingTools() {
        StringBuilder b = new StringBuilder();
        for (String tool : new String[] {"/usr/sbin/dovecot", "/usr/bin/mbsync", "/usr/bin/time"}) {
            if (!Files.isExecutable(Path.of(tool))) {
                b.append(b.length() == 0 ? "" : ", ").append(tool);
            }
        }
        return b.toString();
    }

    /** One Markdown table per suite: a row per scenario and size, a column per contender, ratios after. */
    static String table(List<Result> results) {
        StringBuilder all = new StringBuilder();
        for (String suite : new String[] {"imap", "smtp", "index"}) {
            List<Result> part = results.stream().filter(r -> r.suite().equals(suite)).toList();
            if (!part.isEmpty()) {
                all.append(suiteTable(part)).append('\n');
            }
        }
        return all.toString();
    }

    private static String suiteTable(List<Result> results) {
        Map<String, List<Result>> byRow = new LinkedHashMap<>();
        Set<String> contenders = new LinkedHashSet<>();
        for (Result r : results) {
            byRow.computeIfAbsent(r.suite() + "|" + r.scenario() + "|" + r.size(), k -> new ArrayList<>()).add(r);
            contenders.add(r.contender());
        }
        StringBuilder b = new StringBuilder("| suite | scenario | messages |");
        contenders.forEach(c -> b.append(' ').append(c).append(" |"));
        b.append(" speed-up (other's time ÷ mailkit's) |\n|---|---|---:|");
        contenders.forEach(c -> b.append("---:|"));
        b.append("---|\n");
        for (List<Result> row : byRow.values()) {
            Result first = row.get(0);
            b.append("| ").append(first.suite()).append(" | ").append(first.scenario()).append(" | ")
                    .append(String.format("%,d", first.size())).append(" |");
            Result mailkit = null;
            for (String c : contenders) {
                Result r = row.stream().filter(x -> x.contender().equals(c)).findFirst().orElse(null);
                if (r != null && c.startsWith("mailkit") && mailkit == null) {
                    mailkit = r;
                }
                b.append(' ').append(r == null ? "" : cell(r)).append(" |");
            }
            StringBuilder ratios = new StringBuilder();
            for (Result r : row) {
                if (mailkit != null && r != mailkit && !r.contender().startsWith("mailkit")) {
                    ratios.append(ratios.length() == 0 ? "" : ", ").append(String.format("%.2f× vs %s",
                            r.millis() / mailkit.millis(), r.contender()));
                }
            }
            // Like for like: mailkit with 4 connections against simple-java-mail's pool of 4, and with one
            // connection against one reused Jakarta Transport.
            pair(row, "mailkit (4 conn.)", "simple-java-mail (batch, 4 conn.)", ratios);
            pair(row, "mailkit (1 conn.)", "Jakarta reused Transport", ratios);
            // and both fsyncing every file: durableWrites() against mbsync's default (FSync yes).
            pair(row, "mailkit, durableWrites()", "mbsync", ratios);
            b.append(' ').append(ratios).append(" |\n");
        }
        return b.toString();
    }

    private static void pair(List<Result> row, String ours, String theirs, StringBuilder out) {
        Result a = row.stream().filter(r -> r.contender().equals(ours)).findFirst().orElse(null);
        Result b = row.stream().filter(r -> r.contender().equals(theirs)).findFirst().orElse(null);
        if (a != null && b != null) {
            out.append("; ").append(String.format("%s: %.2f×", ours.replace("mailkit ", "").replace("(", "").replace(")", ""),
                    b.millis() / a.millis())).append(" vs ").append(theirs);
        }
    }

    private static String cell(Result r) {
        String time = r.millis() >= 10_000 ? String.format("%.1f s", r.millis() / 1000)
                : r.millis() >= 100 ? String.format("%.0f ms", r.millis()) : String.format("%.1f ms", r.millis());
        return r.rssKb() > 0 ? time + " (" + r.rssKb() / 1024 + " MB)" : time;
    }

    static String json(List<Result> results) {
        StringBuilder b = new StringBuilder("{\"date\":\"" + Instant.now() + "\",\"cores\":"
                + Runtime.getRuntime().availableProcessors() + ",\"results\":[\n");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            b.append(i == 0 ? "" : ",\n").append(String.format(java.util.Locale.ROOT,
                    "{\"suite\":\"%s\",\"scenario\":\"%s\",\"messages\":%d,\"contender\":\"%s\",\"medianMillis\":%.2f,"
                            + "\"runs\":%d,\"peakRssKb\":%d}", r.suite(), r.scenario(), r.size(), r.contender(), r.millis(),
                    r.runs(), r.rssKb()));
        }
        return b.append("\n]}\n").toString();
    }
}
