package dev.mailkit.bench;

import dev.mailkit.imap.LocalMailbox;

import java.nio.file.Path;

/**
 * Indexes a Maildir mirror written without the index, in a process of its own: {@link LocalMailbox#open} indexes
 * every message the index lacks. Prints {@code indexed N in T ms (R messages/s), max heap H MiB}, T being the
 * time of the open (the JVM's start excluded). Args: the Maildir.
 */
public final class IndexOnce {

    private IndexOnce() {
    }

    public static void main(String[] args) {
        long start = System.nanoTime();
        int indexed;
        long ms;
        try (LocalMailbox box = LocalMailbox.open(Path.of(args[0]))) {
            ms = (System.nanoTime() - start) / 1_000_000;
            indexed = box.folders().stream().mapToInt(box::count).sum();
        }
        System.out.printf("indexed %d in %d ms (%.0f messages/s), max heap %d MiB%n", indexed, ms,
                indexed * 1000.0 / Math.max(1, ms), Runtime.getRuntime().maxMemory() >> 20);
    }
}
