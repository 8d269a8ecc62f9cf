package dev.mailkit.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintWriter;

/**
 * Progress for long work: a progress bar (done of total, percentage, rate, elapsed time and ETA) redrawn in
 * place on a terminal, and the same as a plain line every few seconds otherwise (logs, pipes). Lines of
 * finished work are printed above the bar.
 */
final class Progress implements AutoCloseable {

    /** How often the plain line is printed when the output is not a terminal. */
    static final int PLAIN_INTERVAL_MILLIS = 5_000;

    private final PrintWriter out;
    private final boolean terminal;
    private final String task;
    private final String unit;
    private final int width;
    /** Guards the output: the bar is drawn on the library's thread, lines on the worker's. */
    private final Object screen = new Object();
    private ProgressBar bar;
    private boolean drawn;
    private String lastLine;

    /**
     * @param out      where the bar and the lines go
     * @param terminal whether {@code out} is a terminal (redrawn in place) or not (plain lines)
     * @param task     the bar's name
     * @param unit     what is counted, for example {@code " msg"}
     * @param width    the bar's whole width in characters
     */
    Progress(PrintWriter out, boolean terminal, String task, String unit, int width) {
        this.out = out;
        this.terminal = terminal;
        this.task = task;
        this.unit = unit;
        this.width = width;
    }

    /**
     * The width for the bar's line: {@code COLUMNS} when set; else on a terminal its width (80 when it cannot
     * be found), and 150 for plain lines, which nothing wraps.
     */
    static int width(java.util.function.UnaryOperator<String> environment, boolean terminal) {
        try {
            String columns = environment.apply("COLUMNS");
            if (columns != null) {
                return Math.max(40, Math.min(300, Integer.parseInt(columns.trim())));
            }
        } catch (NumberFormatException e) {
            // not a number: as if unset
        }
        if (!terminal) {
            return 150;
        }
        try {
            return new ConsoleProgressBarConsumer(System.err).getMaxRenderedLength(); // asks the terminal
        } catch (RuntimeException | LinkageError e) {
            return 80;
        }
    }

    /** Adds to the work to do; the bar appears with the first work. */
    synchronized void addTotal(long n) {
        if (n <= 0) {
            return;
        }
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(n).setUnit(unit, 1).showSpeed()
                    .setStyle(terminal ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(terminal ? 200 : PLAIN_INTERVAL_MILLIS)
                    .setConsumer(new DelegatingProgressBarConsumer(this::draw, width)).build();
        } else {
            bar.maxHint(bar.getMax() + n);
        }
    }

    /**
     * One unit of work done.
     *
     * @param extra what the bar shows after the numbers (the current item, bytes)
     */
    synchronized void step(String extra) {
        if (bar == null) {
            addTotal(1);
        }
        if (bar.getCurrent() >= bar.getMax()) {
            bar.maxHint(bar.getCurrent() + 1); // an estimate fell short: never over 100 %
        }
        bar.setExtraMessage(" " + extra);
        bar.step();
    }

    /** Called on the library's thread: holds only the output's lock (close() waits for this thread). */
    private void draw(String rendered) {
        synchronized (screen) {
            if (terminal) {
                out.print("\r\033[K" + rendered);
                drawn = true;
            } else if (!rendered.equals(lastLine)) { // the library draws the last state twice when closing
                out.println(rendered);
                lastLine = rendered;
            }
            out.flush();
        }
    }

    /** A finished step: its own line, above the bar on a terminal. */
    void line(String text) {
        line(out, text);
    }

    /** A line on {@code to} (standard error for failures), above the bar on a terminal. */
    void line(PrintWriter to, String text) {
        synchronized (screen) {
            if (drawn) {
                out.print("\r\033[K");
                out.flush();
                drawn = false;
            }
            to.println(text);
            to.flush();
        }
    }

    /** Ends the bar (its last state drawn once more); the next work starts a new one. */
    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
            synchronized (screen) {
                if (drawn) {
                    out.println();
                    drawn = false;
                }
                out.flush();
            }
        }
    }
}
