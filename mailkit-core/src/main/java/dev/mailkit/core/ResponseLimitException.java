package dev.mailkit.core;

/**
 * The server sent more than a connection accepts: a response line or an IMAP literal over
 * {@link ConnectionOptions#maxResponseBytes()}, the responses to one command over
 * {@link ConnectionOptions#maxReplyMemory(Protocol)}, or lists nested deeper than {@value #MAX_NESTING}
 * levels. The connection is dropped before the client spends the memory; the message names the bound.
 */
public class ResponseLimitException extends ConnectionException {

    private static final long serialVersionUID = 1L;

    /** The deepest nesting of parenthesised lists accepted in one IMAP response (BODYSTRUCTURE of real mail stays far below). */
    public static final int MAX_NESTING = 256;

    /** The bound that was exceeded, in bytes or levels of nesting. */
    private final long limit;

    /**
     * Creates an exception.
     *
     * @param message  which bound was exceeded, and the setting that holds it
     * @param limit    the bound, in bytes (or levels, for nesting)
     * @param protocol the protocol spoken, or null
     * @param endpoint the server, or null
     * @param cause    the underlying failure, or null
     */
    public ResponseLimitException(String message, long limit, Protocol protocol, ServerEndpoint endpoint,
                                  Throwable cause) {
        super(message, protocol, endpoint, cause);
        this.limit = limit;
    }

    /**
     * The bound that was exceeded: bytes, or levels of nesting.
     *
     * @return the bound
     */
    public long limit() {
        return limit;
    }
}
