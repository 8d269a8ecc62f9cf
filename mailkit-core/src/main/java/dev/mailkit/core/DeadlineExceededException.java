package dev.mailkit.core;

import java.time.Duration;

/**
 * The server kept the client waiting past one of the deadlines of {@link ConnectionOptions}, however
 * the bytes trickled in: the read timeout restarts with every byte, these do not. {@link #deadline()}
 * says which one, {@link #timeout()} its length.
 */
public class DeadlineExceededException extends ConnectionTimeoutException {

    private static final long serialVersionUID = 1L;

    /** The deadlines. */
    public enum Deadline {
        /** The greeting did not end within {@link ConnectionOptions#greetingTimeout()} of the TCP connection. */
        GREETING,
        /** Connecting and logging in did not end within {@link ConnectionOptions#loginTimeout()}. */
        LOGIN,
        /** A reply did not end within {@link ConnectionOptions#replyTimeout()} of the client's last write. */
        REPLY,
        /** In IMAP IDLE, the server said nothing for {@link ConnectionOptions#idleTimeout()}. */
        IDLE
    }

    /** Which deadline passed. */
    private final Deadline deadline;

    /**
     * Creates an exception.
     *
     * @param message  what did not end in time
     * @param deadline which deadline passed
     * @param timeout  its length
     * @param protocol the protocol spoken, or null
     * @param endpoint the server, or null
     * @param cause    the underlying failure, or null
     */
    public DeadlineExceededException(String message, Deadline deadline, Duration timeout, Protocol protocol,
                                     ServerEndpoint endpoint, Throwable cause) {
        super(message, timeout, protocol, endpoint, cause);
        this.deadline = deadline;
    }

    /**
     * Which deadline passed.
     *
     * @return the deadline that passed
     */
    public Deadline deadline() {
        return deadline;
    }
}
