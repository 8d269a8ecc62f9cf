package dev.mailkit.core.internal;

import dev.mailkit.core.DeadlineExceededException.Deadline;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of one connection's exchange with its server, shared by the layers that watch it: when the
 * client last wrote (a command, a literal, message content), whether it now waits in IMAP IDLE, and
 * which deadline a read must meet. The protocol layer (plain socket, or the TLS socket above it) reports
 * the client's writes and bounds each reply's memory ({@link ResponseGuard}); the transport layer (the
 * TCP socket's input, under TLS if any) enforces the deadlines on every read ({@link TimedInput}), so a
 * TLS handshake or record trickled byte by byte is bounded too. Once a bound fails, every later read and
 * write on the connection fails at once with the same failure, so that closing it (QUIT, LOGOUT) does
 * not wait on the server again.
 *
 * <p>What restarts what: every write by the client starts a new reply (the reply deadline and the reply's
 * memory count from it); the greeting deadline counts from the connection; the login deadline from the
 * start of {@link #loginScope}; in IDLE (the client's last line was {@code tag IDLE} and the server
 * answered with a continuation) no deadline runs and only a silence longer than the IDLE timeout ends the
 * wait, until the client writes again ({@code DONE}).
 */
public final class Exchange {

    /** A deadline a read must meet. */
    record Due(long atNanos, Deadline deadline, Duration timeout) {
    }

    private static final ThreadLocal<LoginScope> SCOPE = new ThreadLocal<>();

    private final ResponseLimits limits;
    private volatile long startNanos;
    private volatile long lastWriteNanos;
    private volatile long writes;
    private volatile boolean idle;
    private boolean idleRequested;
    private volatile long loginStartNanos;
    private volatile boolean login;
    private volatile IOException failure;

    /** The line the client is writing (IMAP), to recognise {@code tag IDLE}: at most {@link #LINE} bytes kept. */
    private static final int LINE = 64;
    private final byte[] line = new byte[LINE];
    private int lineLength;
    private boolean lineTooLong;
    private boolean lastLineIdle;

    /**
     * A new exchange; the greeting deadline counts from now (see {@link #start()}). Made during a
     * {@link #loginScope}, it also has that attempt's login deadline.
     *
     * @param limits the bounds
     */
    public Exchange(ResponseLimits limits) {
        this.limits = limits;
        start();
        LoginScope scope = SCOPE.get();
        if (scope != null && limits.login() != null) {
            loginStartNanos = scope.startNanos;
            login = true;
            scope.exchanges.add(this);
        }
    }

    /** The bounds. */
    public ResponseLimits limits() {
        return limits;
    }

    /** Restarts the greeting deadline: the TCP connection is open now. */
    void start() {
        long now = System.nanoTime();
        startNanos = now;
        lastWriteNanos = now;
    }

    /** The client's writes (at the protocol layer) so far: a new value means a new reply. */
    long writes() {
        return writes;
    }

    /** When the client last wrote (or the connection opened). */
    long lastWriteNanos() {
        return lastWriteNanos;
    }

    /** Whether the client waits in IMAP IDLE. */
    boolean idle() {
        return idle;
    }

    /**
     * The client wrote these bytes at the protocol layer (plain text): a new reply starts.
     *
     * @throws IOException the connection's earlier failure
     */
    synchronized void clientWrote(byte[] b, int off, int len) throws IOException {
        checkFailed();
        if (limits.imap()) {
            for (int i = off; i < off + len; i++) {
                byte c = b[i];
                if (c == '\n') {
                    lastLineIdle = !lineTooLong && isIdle(line, lineLength);
                    lineLength = 0;
                    lineTooLong = false;
                } else if (lineLength < LINE) {
                    line[lineLength++] = c;
                } else {
                    lineTooLong = true;
                }
            }
        }
        idleRequested = lastLineIdle && lineLength == 0 && !lineTooLong;
        idle = false;
        lastWriteNanos = System.nanoTime();
        writes++;
    }

    /** The server sent a continuation ({@code +}) line: after the client's {@code IDLE}, the wait in IDLE begins. */
    synchronized void continuation() {
        if (idleRequested) {
            idle = true;
        }
    }

    /** {@code tag IDLE}, CR optional, case-insensitive. */
    private static boolean isIdle(byte[] l, int n) {
        if (n > 0 && l[n - 1] == '\r') {
            n--;
        }
        int space = -1;
        for (int i = 0; i < n; i++) {
            if (l[i] == ' ') {
                space = i;
                break;
            }
        }
        if (space <= 0 || n - space - 1 != 4) {
            return false;
        }
        String verb = new String(l, space + 1, 4, java.nio.charset.StandardCharsets.US_ASCII);
        return verb.equalsIgnoreCase("IDLE");
    }

    /** The deadline a read starting now must meet, or null (none configured, or in IDLE). */
    Due due() {
        if (idle) {
            return null;
        }
        Due d = null;
        if (writes == 0 && limits.greeting() != null) {
            d = new Due(startNanos + limits.greeting().toNanos(), Deadline.GREETING, limits.greeting());
        } else if (writes > 0 && limits.reply() != null) {
            d = new Due(lastWriteNanos + limits.reply().toNanos(), Deadline.REPLY, limits.reply());
        }
        if (login) {
            long at = loginStartNanos + limits.login().toNanos();
            if (d == null || at - d.atNanos() < 0) {
                d = new Due(at, Deadline.LOGIN, limits.login());
            }
        }
        return d;
    }

    /**
     * Records a failed bound: from now on every read and write fails with it.
     *
     * @param e the failure
     * @return e
     */
    <E extends IOException> E failed(E e) {
        if (failure == null) {
            failure = e;
        }
        return e;
    }

    /** Throws the connection's earlier failure, if any, again. */
    void checkFailed() throws IOException {
        IOException f = failure;
        if (f instanceof DeadlinePassedException d) {
            throw d.again();
        }
        if (f instanceof ResponseGuard.ResponseTooLargeException r) {
            throw r.again();
        }
    }

    /**
     * Starts a connection attempt on this thread: every connection opened on this thread until the
     * returned scope is closed must be logged in (its greeting read, TLS negotiated, login done) within
     * its {@link ResponseLimits#login()} of now; closing the scope lifts that deadline.
     *
     * @return the scope; close it when the attempt ends, whatever its outcome
     */
    public static LoginScope loginScope() {
        LoginScope scope = new LoginScope(SCOPE.get());
        SCOPE.set(scope);
        return scope;
    }

    /** A connection attempt on one thread (see {@link #loginScope()}). */
    public static final class LoginScope implements AutoCloseable {
        private final LoginScope outer;
        private final long startNanos = System.nanoTime();
        private final List<Exchange> exchanges = new ArrayList<>();

        private LoginScope(LoginScope outer) {
            this.outer = outer;
        }

        /** Lifts the login deadline of the connections opened in this scope. */
        @Override
        public void close() {
            for (Exchange e : exchanges) {
                e.login = false;
            }
            exchanges.clear();
            if (outer == null) {
                SCOPE.remove();
            } else {
                SCOPE.set(outer);
            }
        }
    }

    /** "300 ms", "60 s", "5 min". */
    static String readable(Duration d) {
        if (d.toMillis() < 1000 || d.toMillis() % 1000 != 0) {
            return d.toMillis() + " ms";
        }
        long s = d.getSeconds();
        return s % 60 == 0 && s >= 120 ? s / 60 + " min" : s + " s";
    }
}
