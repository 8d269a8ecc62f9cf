package dev.mailkit.micrometer.internal;

import dev.mailkit.core.AuthenticationException;
import dev.mailkit.core.ConnectionException;
import dev.mailkit.core.ConnectionTimeoutException;
import dev.mailkit.core.InvalidConfigurationException;
import dev.mailkit.core.TlsException;

/**
 * The {@code reason} tag of a failure: a word from a fixed set, never the exception's message (which
 * may name a server, an address or a folder). Only mailkit-core's types are named here, so this class
 * loads whichever of the SMTP and sync modules is present; each of them adds its own kinds first.
 */
public final class Reasons {

    /** The value for a failure of no kind named here. */
    public static final String OTHER = "other";

    private Reasons() {
    }

    /**
     * The kind of a failure mailkit-core defines.
     *
     * @param failure the failure
     * @return {@code authentication}, {@code tls}, {@code timeout}, {@code connection}, {@code configuration}
     *         or {@code other}
     */
    public static String core(Throwable failure) {
        if (failure instanceof AuthenticationException) {
            return "authentication";
        }
        if (failure instanceof TlsException) {
            return "tls";
        }
        if (failure instanceof ConnectionTimeoutException) {
            return "timeout";
        }
        if (failure instanceof ConnectionException) {
            return "connection";
        }
        if (failure instanceof InvalidConfigurationException) {
            return "configuration";
        }
        return OTHER;
    }
}
