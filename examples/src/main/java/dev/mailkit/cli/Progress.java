package dev.mailkit.cli;

import java.io.PrintWriter;

/**
 * Progress for long work: one line redrawn in place on a terminal, a line per step otherwise (logs, pipes).
 */
final class Progress {

    private final PrintWriter out;
    private final boolean terminal;
    private long lastDraw;
    private boolean drawn;

    Progress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Shows the current state; on a terminal at most ten times a second. */
    synchronized void update(String text) {
        if (!terminal) {
            return;
        }
        long now = System.nanoTime();
        if (drawn && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        drawn = true;
        out.print("\r\033[K" + text);
        out.flush();
    }

    /** A finished step: its own line in both modes. */
    synchronized void line(String text) {
        if (terminal && drawn) {
            out.print("\r\033[K");
            drawn = false;
        }
        out.println(text);
        out.flush();
    }

    /** A bar of {@code width} cells for {@code done} of {@code total}. */
    static String bar(long done, long total, int width) {
        int filled = total <= 0 ? 0 : (int) Math.min(width, done * width / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }
}
