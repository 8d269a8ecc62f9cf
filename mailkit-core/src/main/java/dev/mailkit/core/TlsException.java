package dev.mailkit.core;

/**
 * A secure connection could not be established; no credentials were sent. {@link #reason()} tells
 * what exactly failed.
 */
public class TlsException extends MailkitException {

    private static final long serialVersionUID = 1L;

    /** What went wrong with TLS. */
    public enum Reason {
        /** The server's certificate chain does not lead to a trusted certificate (self-signed, unknown CA). */
        UNTRUSTED_CERTIFICATE,
        /** The certificate is valid but issued for another host name. */
        HOSTNAME_MISMATCH,
        /** The certificate has expired or is not yet valid. */
        CERTIFICATE_EXPIRED,
        /** STARTTLS was required but the server did not offer it (or a middlebox stripped it). */
        STARTTLS_NOT_OFFERED,
        /** The server only speaks a TLS version mailkit refuses (below TLS 1.2). */
        PROTOCOL_VERSION,
        /** Any other handshake failure, including a server that does not speak TLS on an implicit-TLS port. */
        HANDSHAKE_FAILED
    }

    /** What failed. */
    private final Reason reason;

    /**
     * Creates an exception.
     *
     * @param reason   what failed
     * @param message  details and the fix
     * @param protocol the protocol spoken, or null
     * @param endpoint the server, or null
     * @param cause    the underlying failure, or null
     */
    public TlsException(Reason reason, String message, Protocol protocol, ServerEndpoint endpoint, Throwable cause) {
        super(message + where(protocol, endpoint), protocol, endpoint, cause);
        this.reason = java.util.Objects.requireNonNull(reason, "reason");
    }

    /**
     * What failed.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }
}
