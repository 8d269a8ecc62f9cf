package dev.mailkit.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time, to tell what a run cost the whole machine (client, server and kernel) from what it cost the
 * benchmark's own JVM: on a saturated machine the wall time follows the machine's CPU time, of which the
 * client's JVM is the part a client decides directly.
 */
final class Cpu {

    /** Clock ticks per second of /proc/stat (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    private Cpu() {
    }

    /** Busy time of all CPUs since boot in ticks (everything in the first line of /proc/stat but idle and iowait), or 0 without /proc. */
    static long machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long all = 0;
            for (int i = 1; i < f.length; i++) {
                all += Long.parseLong(f[i]);
            }
            return all - Long.parseLong(f[4]) - Long.parseLong(f[5]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static double ticksToSeconds(long ticks) {
        return ticks / TICKS_PER_SECOND;
    }

    /** CPU time of this JVM, all its threads, in nanoseconds. */
    static long processNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
