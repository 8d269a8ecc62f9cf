package dev.mailkit.core.internal.proxy;

import dev.mailkit.core.ProxyException;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.ServerEndpoint;

import java.io.IOException;

/**
 * A proxy's failure as it travels through socket code (which may only throw {@link IOException}), until
 * it is turned into a {@link ProxyException} where the protocol and the mail server are known. Its message
 * names the proxy and the fix; it never holds the proxy's password.
 */
public final class ProxyFailure extends IOException {

    private static final long serialVersionUID = 1L;

    private final ProxyException.Reason reason;
    private final String what;
    private final String fix;
    private final String proxy;
    private final String statusLine;
    private final boolean permanent;

    ProxyFailure(ProxyException.Reason reason, String what, String fix, String proxy, String statusLine, boolean permanent,
                 Throwable cause) {
        super(what + ": " + fix, cause);
        this.reason = reason;
        this.what = what;
        this.fix = fix;
        this.proxy = proxy;
        this.statusLine = statusLine;
        this.permanent = permanent;
    }

    /**
     * What went wrong.
     *
     * @return the reason
     */
    public ProxyException.Reason reason() {
        return reason;
    }

    /**
     * What happened, naming the proxy, without the fix.
     *
     * @return what happened
     */
    public String what() {
        return what;
    }

    /**
     * How to fix it.
     *
     * @return the fix
     */
    public String fix() {
        return fix;
    }

    /**
     * The failure as mailkit's public exception.
     *
     * @param protocol the protocol spoken, or null
     * @param endpoint the mail server the tunnel was for, or null
     * @param failure  what was thrown (this failure, or an exception wrapping it)
     * @return the exception
     */
    public ProxyException toException(Protocol protocol, ServerEndpoint endpoint, Throwable failure) {
        return new ProxyException(reason, getMessage(), proxy, statusLine, protocol, endpoint, failure, permanent);
    }
}
