package dev.mailkit.core;

import java.util.Objects;
import java.util.Optional;

/**
 * The proxy set with {@link ConnectionOptions.Builder#proxy(ProxySettings)} failed, not the mail server:
 * it could not be reached, wanted or refused a login, refused to open the tunnel, or answered in a way
 * mailkit cannot use. {@link #reason()} says which; the message names the proxy ({@code host:port}) and
 * the fix, and {@link #statusLine()} holds the proxy's own words where it gave some. Never carries the
 * proxy's password.
 */
public class ProxyException extends ConnectionException {

    private static final long serialVersionUID = 1L;

    /** What went wrong at the proxy. */
    public enum Reason {
        /** No connection to the proxy: its host name is unknown, it refused the connection, or it did not answer in time. */
        UNREACHABLE,
        /** The proxy asks for a user name and password and none was given. */
        AUTHENTICATION_REQUIRED,
        /** The proxy refused the user name and password given, or accepts no login mailkit can offer. */
        AUTHENTICATION_FAILED,
        /**
         * The proxy refused to open a tunnel to the mail server (its rules), or could not reach it (unknown host,
         * refused, unreachable network); {@link #statusLine()} has its answer.
         */
        REFUSED,
        /** The proxy accepted the connection but did not finish opening the tunnel within the connect timeout. */
        TIMEOUT,
        /** The proxy answered in a way mailkit cannot use: not SOCKS5 or HTTP, cut short, or longer than its bound. */
        BAD_REPLY
    }

    /** What went wrong. */
    private final Reason reason;
    /** The proxy, without its password. */
    private final String proxy;
    /** The proxy's answer, or null. */
    private final String statusLine;

    /**
     * Creates an exception.
     *
     * @param reason     what went wrong
     * @param message    what went wrong at which proxy, and the fix
     * @param proxy      the proxy, as {@link ProxySettings#toString()} writes it (never with its password)
     * @param statusLine the proxy's answer (an HTTP status line, or the meaning of a SOCKS5 reply code), or null
     * @param protocol   the protocol spoken, or null
     * @param endpoint   the mail server the tunnel was for, or null
     * @param cause      the underlying failure, or null
     * @param permanent  true when trying again cannot help (a refused login, a rule of the proxy)
     */
    public ProxyException(Reason reason, String message, String proxy, String statusLine, Protocol protocol,
                          ServerEndpoint endpoint, Throwable cause, boolean permanent) {
        super(message, protocol, endpoint, cause, permanent);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.proxy = Objects.requireNonNull(proxy, "proxy");
        this.statusLine = statusLine;
    }

    /**
     * What went wrong at the proxy.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }

    /**
     * The proxy, as {@code socks5://host:port} or {@code http://user@host:port} (never with its password).
     *
     * @return the proxy
     */
    public String proxy() {
        return proxy;
    }

    /**
     * The proxy's own answer: the status line of an HTTP proxy ({@code HTTP/1.1 403 Forbidden}), or the
     * meaning of a SOCKS5 reply code ({@code connection not allowed by ruleset}), with control characters removed.
     *
     * @return the answer, or empty when the proxy gave none
     */
    public Optional<String> statusLine() {
        return Optional.ofNullable(statusLine);
    }
}
