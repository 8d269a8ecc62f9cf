package dev.mailkit.core.internal;

import org.slf4j.Logger;

/**
 * Closing without letting the close's own failure hide the failure that led to it. A close after a
 * failed command (QUIT, LOGOUT on a broken connection, a state file on a full disk) can fail too, even
 * with an {@link Error}; what the caller must see is the first failure.
 */
public final class Closing {

    /** One thing to close. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private Closing() {
    }

    /**
     * Runs {@code step}; whatever it throws is logged, never thrown: for closes in {@code finally} blocks
     * and on paths that already failed.
     *
     * @param step what closes
     * @param log  where a failure is logged
     * @param what what is closed, for the log line
     */
    public static void quietly(Step step, Logger log, String what) {
        try {
            step.run();
        } catch (Exception e) {
            log.debug("closing {} failed: {}", what, e.toString());
        } catch (Throwable e) { // an Error while closing must not replace the failure being handled
            log.warn("closing {} failed: {}", what, e.toString());
        }
    }

    /**
     * Runs every step, each whatever the ones before did; then throws the first failure, with the later
     * ones added to it as suppressed.
     *
     * @param steps what closes, in order
     * @throws RuntimeException or Error: the first failure (a checked one wrapped in a RuntimeException)
     */
    public static void all(Step... steps) {
        Throwable first = null;
        for (Step step : steps) {
            try {
                step.run();
            } catch (Throwable t) {
                if (first == null) {
                    first = t;
                } else if (first != t) {
                    first.addSuppressed(t);
                }
            }
        }
        if (first instanceof RuntimeException r) {
            throw r;
        }
        if (first instanceof Error e) {
            throw e;
        }
        if (first != null) {
            throw new IllegalStateException("closing failed: " + first, first);
        }
    }
}
