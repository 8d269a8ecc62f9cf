package dev.mailkit.core.internal;

import dev.mailkit.core.DeadlineExceededException.Deadline;

import java.io.IOException;
import java.time.Duration;

/**
 * Thrown (as the read's {@link IOException}) when one of a connection's deadlines passed. Deliberately
 * not a {@link java.net.SocketTimeoutException}: Angus Mail takes a socket timeout in IMAP IDLE for a
 * wait to go on with, and would read again for ever; this one ends the connection. Its message names
 * the deadline and its setting, which is all that survives where Angus keeps only the text of a failure
 * (an IMAP connection closed by a synthetic BYE).
 */
public final class DeadlinePassedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final Deadline deadline;
    private final transient Duration timeout;

    DeadlinePassedException(Deadline deadline, Duration timeout) {
        super(describe(deadline, timeout));
        this.deadline = deadline;
        this.timeout = timeout;
    }

    /** Which deadline passed. */
    public Deadline deadline() {
        return deadline;
    }

    /** Its length. */
    public Duration timeout() {
        return timeout;
    }

    DeadlinePassedException again() {
        DeadlinePassedException e = new DeadlinePassedException(deadline, timeout);
        e.initCause(this);
        return e;
    }

    /** The setting that holds each deadline, as named in messages. */
    static String setting(Deadline deadline) {
        return switch (deadline) {
            case GREETING -> "ConnectionOptions.greetingTimeout";
            case LOGIN -> "ConnectionOptions.loginTimeout";
            case REPLY -> "ConnectionOptions.replyTimeout";
            case IDLE -> "ConnectionOptions.idleTimeout";
        };
    }

    private static String describe(Deadline deadline, Duration timeout) {
        String what = switch (deadline) {
            case GREETING -> "the server's greeting did not end within";
            case LOGIN -> "connecting and logging in did not end within";
            case REPLY -> "the server's reply did not end within";
            case IDLE -> "the server said nothing during IDLE for";
        };
        return what + " " + Exchange.readable(timeout) + " (" + setting(deadline) + ")";
    }
}
