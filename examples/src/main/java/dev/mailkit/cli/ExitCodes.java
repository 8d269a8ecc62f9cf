package dev.mailkit.cli;

import dev.mailkit.core.AuthenticationException;
import dev.mailkit.core.ConnectionException;
import dev.mailkit.core.InvalidConfigurationException;
import dev.mailkit.core.ProviderNotFoundException;
import dev.mailkit.core.TlsException;
import dev.mailkit.imap.MassDeletionException;
import dev.mailkit.imap.SyncStateException;
import dev.mailkit.oauth2.OAuth2Exception;

/** The exit codes of {@code mailkit}, documented in the README and {@code mailkit --help}. */
public final class ExitCodes {

    /** Everything worked. */
    public static final int OK = 0;
    /** An unexpected failure. */
    public static final int FAILURE = 1;
    /** Bad arguments, an unknown provider, or settings that cannot work. */
    public static final int USAGE = 2;
    /** The server refused the login. */
    public static final int AUTHENTICATION = 3;
    /** No connection, a timeout, a proxy that failed, or no secure connection (TLS). */
    public static final int CONNECTION = 4;
    /** Part of the work failed: some recipients or messages were refused. */
    public static final int PARTIAL = 5;
    /** Refused for safety: the sync would have deleted too much on the server. */
    public static final int REFUSED = 6;
    /** The local Maildir or sync state cannot be used. */
    public static final int LOCAL_STORE = 7;

    /** For {@code --help}. */
    static final String HELP = "Exit codes: 0 success, 1 unexpected failure, 2 usage or configuration, "
            + "3 login refused, 4 connection, proxy, TLS or DNS failure, 5 partial failure, 6 refused mass deletion, "
            + "7 local store or state error.";

    private ExitCodes() {
    }

    /** The exit code for an exception. */
    static int of(Throwable e) {
        if (e instanceof OAuth2Exception o && (o.getCause() instanceof java.io.IOException
                || o.getCause() instanceof ConnectionException)) {
            return CONNECTION; // the authorization server could not be reached (or the proxy failed), or its certificate not trusted
        }
        if (e instanceof AuthenticationException) {
            return AUTHENTICATION;
        }
        if (e instanceof ConnectionException || e instanceof TlsException) {
            return CONNECTION;
        }
        if (e instanceof dev.mailkit.imap.QuerySyntaxException) {
            return USAGE; // a search query that cannot be read is a bad argument
        }
        if (e instanceof ProviderNotFoundException || e instanceof InvalidConfigurationException
                || e instanceof IllegalArgumentException || e instanceof dev.mailkit.smtp.InvalidEmailException) {
            // an address, a header or an attachment given on the command line: a bad argument
            return USAGE;
        }
        if (e instanceof MassDeletionException) {
            return REFUSED;
        }
        if (e instanceof SyncStateException) {
            return LOCAL_STORE;
        }
        return FAILURE;
    }
}
