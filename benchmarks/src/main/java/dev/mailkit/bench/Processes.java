package dev.mailkit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a whole process under GNU time: wall time from here, peak RSS from time's %M. */
final class Processes {

    /**
     * Wall time, peak memory and CPU time (user and system) of one process run.
     *
     * @param millis     wall time
     * @param rssKb      peak resident memory
     * @param cpuSeconds user and system CPU time of the process, or -1 when not known
     */
    record Measured(double millis, long rssKb, double cpuSeconds) {
        Measured(double millis, long rssKb) {
            this(millis, rssKb, -1);
        }
    }

    private Processes() {
    }

    static Measured run(List<String> command, Map<String, String> env, Path log) throws IOException, InterruptedException {
        Path rss = Files.createTempFile("mailkit-bench-rss", ".txt");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-o", rss.toString(), "-f", "%M %U %S"));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        double millis = (System.nanoTime() - start) / 1e6;
        if (p.exitValue() != 0) {
            throw new IOException(command.get(0) + " exited " + p.exitValue() + "; see " + log);
        }
        String text = Files.readString(rss, StandardCharsets.US_ASCII).strip();
        Files.deleteIfExists(rss);
        String[] lines = text.split("\n");
        String[] f = lines[lines.length - 1].strip().split(" ");
        return new Measured(millis, Long.parseLong(f[0]), Double.parseDouble(f[1]) + Double.parseDouble(f[2]));
    }

    /** The java launcher and class path of this JVM, to start the contenders written in Java. */
    static List<String> java(String mainClass, String... args) {
        return javaWithHeap("-Xmx512m", mainClass, args);
    }

    /** As {@link #java}, with the given maximum heap option. */
    static List<String> javaWithHeap(String xmx, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                xmx, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
