package dev.mailkit.bench;

/**
 * One measured cell: the median of several runs.
 *
 * @param suite     {@code imap} or {@code smtp}
 * @param scenario  what was done, for example {@code initial mirror}
 * @param size      messages in the workload
 * @param contender who did it
 * @param millis    median wall time
 * @param runs      how many runs the median is of
 * @param rssKb     peak resident memory of the process, or -1 when it ran inside the benchmark's JVM
 */
record Result(String suite, String scenario, int size, String contender, double millis, int runs, long rssKb) {
}
