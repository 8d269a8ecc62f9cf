package dev.mailkit.core.internal;

import dev.mailkit.core.AuthenticationException;
import dev.mailkit.core.ConnectionException;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.ConnectionTimeoutException;
import dev.mailkit.core.DeadlineExceededException;
import dev.mailkit.core.MailkitException;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.ResponseLimitException;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.TlsException;
import dev.mailkit.core.internal.angus.AngusFailures;
import dev.mailkit.core.internal.proxy.ProxyFailure;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * Turns Jakarta Mail and socket failures into mailkit's typed exceptions. Classifies by exception type
 * wherever Jakarta Mail, Angus Mail or the JDK give one; the few failures Angus reports only as text are read
 * by {@link AngusFailures}, and the JDK's TLS and timeout failures that differ only in their message are
 * matched by message where marked below.
 */
public final class ExceptionTranslator {

    private ExceptionTranslator() {
    }

    /**
     * Maps a failure to the most specific mailkit exception.
     *
     * @param failure  what Jakarta Mail or the socket layer threw
     * @param protocol the protocol spoken
     * @param endpoint the server
     * @param options  the connection options in force (for the timeout values)
     * @param authHint how to fix a failed login, or null
     * @return the typed exception (the argument itself if it already is one)
     */
    public static MailkitException translate(Throwable failure, Protocol protocol, ServerEndpoint endpoint,
                                             ConnectionOptions options, String authHint) {
        if (failure instanceof MailkitException mk) {
            return mk;
        }
        List<Throwable> chain = chain(failure);
        for (Throwable t : chain) {
            if (t instanceof MailkitException mk) {
                return mk;
            }
        }
        // The proxy failed, not the server: said first, before what followed from it (a connection timeout).
        for (Throwable t : chain) {
            if (t instanceof ProxyFailure p) {
                return p.toException(protocol, endpoint, failure);
            }
        }
        // A bound of the connection, or a timeout, comes first: what follows from it (a TLS handshake that
        // could not finish, Angus's synthetic "BYE" that closes the connection) is not what happened.
        MailkitException bound = bound(chain, protocol, endpoint, options, failure);
        if (bound != null) {
            return bound;
        }
        for (Throwable t : chain) {
            if (t instanceof AuthenticationFailedException afe && AngusFailures.closedByServer(afe.getMessage())) {
                // The connection went away during the login: no refusal was said, the login may be tried again.
                return new ConnectionException("the connection was lost during the login", protocol, endpoint, failure);
            }
            if (t instanceof AuthenticationFailedException afe) {
                return new AuthenticationException("login refused for the given credentials",
                        afe.getMessage(), authHint, protocol, endpoint, failure);
            }
        }
        String all = messages(chain);
        MailkitException mixUp = protocolMixUp(chain, protocol, endpoint, failure);
        if (mixUp != null) {
            return mixUp;
        }
        if (AngusFailures.startTlsMissing(all)) {
            return new TlsException(TlsException.Reason.STARTTLS_NOT_OFFERED,
                    "STARTTLS is required for this endpoint but the server did not offer it; "
                            + "no credentials were sent. Check the port (SMTP 587 / IMAP 143 use STARTTLS, "
                            + "465 / 993 use implicit TLS) or look for a proxy stripping STARTTLS",
                    protocol, endpoint, failure);
        }
        boolean tls = chain.stream().anyMatch(t -> t instanceof SSLException
                || t instanceof java.security.cert.CertificateException
                || t instanceof CertPathValidatorException || t instanceof CertPathBuilderException)
                || AngusFailures.serverIdentityRefused(all);
        if (tls) {
            return tlsFailure(chain, all, protocol, endpoint, failure);
        }
        for (Throwable t : chain) {
            if (t instanceof SocketTimeoutException) {
                boolean connect = isConnectTimeout(t);
                return new ConnectionTimeoutException(
                        (connect ? "connecting" : "waiting for the server") + " timed out after "
                                + (connect ? options.connectTimeout() : options.readTimeout()).toMillis() + " ms",
                        connect ? options.connectTimeout() : options.readTimeout(), protocol, endpoint, failure);
            }
            if (t instanceof UnknownHostException) {
                return new ConnectionException("unknown host '" + endpoint.host() + "' (DNS lookup failed)",
                        protocol, endpoint, failure, true);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return new ConnectionException("cannot connect: " + t.getMessage(), protocol, endpoint, failure);
            }
            if (t instanceof SocketException) {
                return new ConnectionException("connection lost: " + t.getMessage(), protocol, endpoint, failure);
            }
            if (t instanceof org.eclipse.angus.mail.iap.ConnectionException || t instanceof jakarta.mail.StoreClosedException
                    || t instanceof jakarta.mail.FolderClosedException) {
                return new ConnectionException("the server closed the connection: " + t.getMessage(), protocol, endpoint,
                        failure);
            }
        }
        if (chain.stream().anyMatch(t -> t instanceof java.io.EOFException || AngusFailures.closedByServer(t.getMessage()))) {
            return new ConnectionException("the server closed the connection", protocol, endpoint, failure);
        }
        if (chain.stream().anyMatch(t -> t instanceof org.eclipse.angus.mail.util.MailConnectException)) {
            return new ConnectionException("connection failed: " + failure.getMessage(), protocol, endpoint, failure);
        }
        // Other failures to connect that Jakarta Mail reports without a type of their own ("not connected").
        if (failure instanceof MessagingException && all.contains("connect")) {
            return new ConnectionException("connection failed: " + failure.getMessage(), protocol, endpoint, failure);
        }
        return new MailkitException(protocol + " failure at " + endpoint + ": " + failure.getMessage(),
                protocol, endpoint, failure);
    }

    /**
     * A server of another protocol at the endpoint, told by its greeting: an IMAP ({@code * OK}) or POP3
     * ({@code +OK}) server on the port an SMTP client was given, an SMTP ({@code 220}) or POP3 server on the
     * port an IMAP client was given.
     */
    private static MailkitException protocolMixUp(List<Throwable> chain, Protocol protocol, ServerEndpoint endpoint,
                                                  Throwable failure) {
        StringBuilder raw = new StringBuilder();
        chain.forEach(t -> raw.append(t.getMessage()).append('\n'));
        String greeting;
        String other;
        String fix;
        if (protocol == Protocol.SMTP) {
            greeting = AngusFailures.badGreeting(raw.toString());
            other = greeting == null ? null : greeting.startsWith("* OK") || greeting.startsWith("* PREAUTH")
                    ? "an IMAP server" : greeting.startsWith("+OK") ? "a POP3 server" : null;
            fix = "use the provider's SMTP port (submission: 587 with STARTTLS, or 465 with TLS)";
        } else if (protocol == Protocol.IMAP) {
            greeting = AngusFailures.refusedImapGreeting(chain);
            other = greeting == null ? null : greeting.matches("220[ -].*") ? "an SMTP server"
                    : greeting.startsWith("+OK") ? "a POP3 server" : null;
            fix = "use the provider's IMAP port (143 with STARTTLS, or 993 with TLS)";
        } else {
            return null;
        }
        if (other == null) {
            return null; // a greeting cut short ("[EOF]"), or a refusal such as 554: not another protocol
        }
        String shown = greeting.length() > 120 ? greeting.substring(0, 120) + "…" : greeting;
        return new ConnectionException("port " + endpoint.port() + " answers as " + other + ", not an " + protocol
                + " server (its greeting: \"" + shown + "\"): " + fix, protocol, endpoint, failure, true);
    }

    /** Mailkit's own failures, and the JDK's read timeout, as Angus keeps them in the text of a synthetic BYE. */
    private static final List<Class<? extends Throwable>> KEPT_AS_TEXT = List.of(DeadlinePassedException.class,
            ResponseGuard.ResponseTooLargeException.class, SocketTimeoutException.class);

    /** The connection's bounds (deadlines, response limits) and read timeouts anywhere in the chain, or null. */
    private static MailkitException bound(List<Throwable> chain, Protocol protocol, ServerEndpoint endpoint,
                                          ConnectionOptions options, Throwable failure) {
        for (Throwable t : chain) {
            if (t instanceof DeadlinePassedException d) {
                return new DeadlineExceededException(d.getMessage(), d.deadline(), d.timeout(), protocol, endpoint, failure);
            }
            if (t instanceof ResponseGuard.ResponseTooLargeException r) {
                return new ResponseLimitException(r.getMessage(), r.limit(), protocol, endpoint, failure);
            }
        }
        for (Throwable t : chain) {
            AngusFailures.Text kept = AngusFailures.keptAsText(t, KEPT_AS_TEXT);
            if (kept == null) {
                continue;
            }
            String message = kept.message();
            if (kept.type() == DeadlinePassedException.class) {
                for (DeadlineExceededException.Deadline d : DeadlineExceededException.Deadline.values()) {
                    if (message.contains(DeadlinePassedException.setting(d))) {
                        return new DeadlineExceededException(message, d, timeout(d, options), protocol, endpoint, failure);
                    }
                }
            } else if (kept.type() == ResponseGuard.ResponseTooLargeException.class) {
                long limit = message.contains("maxReplyMemory") ? options.maxReplyMemory(protocol)
                        : message.contains("maxResponseBytes") ? options.maxResponseBytes() : ResponseLimitException.MAX_NESTING;
                return new ResponseLimitException(message, limit, protocol, endpoint, failure);
            } else if (!message.toLowerCase(Locale.ROOT).contains("connect")) {
                return readTimeout(protocol, endpoint, options, failure); // a connect timeout is reported below
            }
        }
        for (Throwable t : chain) {
            if (t instanceof SocketTimeoutException && !isConnectTimeout(t)) {
                return readTimeout(protocol, endpoint, options, failure);
            }
        }
        return null;
    }

    private static ConnectionTimeoutException readTimeout(Protocol protocol, ServerEndpoint endpoint,
                                                          ConnectionOptions options, Throwable failure) {
        return new ConnectionTimeoutException("waiting for the server timed out after " + options.readTimeout().toMillis()
                + " ms", options.readTimeout(), protocol, endpoint, failure);
    }

    private static java.time.Duration timeout(DeadlineExceededException.Deadline d, ConnectionOptions options) {
        return switch (d) {
            case GREETING -> options.greetingTimeout();
            case LOGIN -> options.loginTimeout();
            case REPLY -> options.replyTimeout();
            case IDLE -> options.idleTimeout();
        };
    }

    /**
     * Whether a timeout happened while connecting. The JDK throws the same SocketTimeoutException for a connect
     * and a read timeout; only its message ("Connect timed out", "Read timed out") tells them apart.
     */
    private static boolean isConnectTimeout(Throwable t) {
        return String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("connect");
    }

    private static TlsException tlsFailure(List<Throwable> chain, String all, Protocol protocol,
                                           ServerEndpoint endpoint, Throwable failure) {
        TlsException.Reason reason;
        String fix;
        if (chain.stream().anyMatch(t -> t instanceof CertificateExpiredException
                || t instanceof CertificateNotYetValidException)) {
            reason = TlsException.Reason.CERTIFICATE_EXPIRED;
            fix = "the server's certificate has expired or is not yet valid";
        } else if (all.contains("subject alternative") || all.contains("no name matching")
                || AngusFailures.serverIdentityRefused(all)) {
            // The JDK reports a name mismatch as a plain CertificateException; only its message says so.
            reason = TlsException.Reason.HOSTNAME_MISMATCH;
            fix = "the server's certificate was not issued for '" + endpoint.host()
                    + "'; connect with the host name the certificate names";
        } else if (chain.stream().anyMatch(t -> t instanceof CertPathValidatorException || t instanceof CertPathBuilderException)
                || all.contains("pkix") || all.contains("certification path")) {
            // By type where the JDK's validator keeps the cause; its ValidatorException is not public API.
            reason = TlsException.Reason.UNTRUSTED_CERTIFICATE;
            fix = "the server's certificate is not trusted; for a self-signed test server use "
                    + "ConnectionOptions.builder().trustCertificates(pemFile)";
        } else if (all.contains("protocol_version") || all.contains("no appropriate protocol")
                || all.contains("protocol is disabled")) {
            // The JDK has no type for a TLS version refused on either side: an SSLHandshakeException's message.
            reason = TlsException.Reason.PROTOCOL_VERSION;
            fix = "the server offers no TLS version mailkit accepts (TLS 1.2 or newer)";
        } else {
            reason = TlsException.Reason.HANDSHAKE_FAILED;
            fix = "TLS handshake failed (" + rootMessage(chain) + ")"
                    + (endpoint.security() == Security.SSL_TLS
                    ? "; if the port expects STARTTLS (587, 143), use Security.STARTTLS instead of SSL_TLS" : "");
        }
        return new TlsException(reason, fix + "; no credentials were sent", protocol, endpoint, failure);
    }

    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> out = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        List<Throwable> todo = new ArrayList<>(List.of(failure));
        while (!todo.isEmpty() && out.size() < 32) {
            Throwable t = todo.remove(0);
            if (t == null || seen.put(t, Boolean.TRUE) != null) {
                continue;
            }
            out.add(t);
            todo.add(t.getCause());
            if (t instanceof MessagingException me) {
                todo.add(me.getNextException());
            }
            todo.add(AngusFailures.hiddenCause(t)); // what Angus turned into a synthetic BYE
        }
        return out;
    }

    private static String messages(List<Throwable> chain) {
        StringBuilder b = new StringBuilder();
        for (Throwable t : chain) {
            b.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    private static String rootMessage(List<Throwable> chain) {
        Throwable root = chain.get(chain.size() - 1);
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
