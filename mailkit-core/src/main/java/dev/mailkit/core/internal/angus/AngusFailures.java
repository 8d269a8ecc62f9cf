package dev.mailkit.core.internal.angus;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The failures Angus Mail reports only as text, read back for {@code ExceptionTranslator}. Where Angus throws
 * a type of its own ({@code AuthenticationFailedException}, {@code SMTPAddressFailedException},
 * {@code StoreClosedException}, {@code iap.ConnectionException}, ...) or passes the JDK's on
 * ({@code SocketTimeoutException}, {@code UnknownHostException}, {@code SSLException}, ...), mailkit
 * classifies by type; these are the cases where no type exists:
 * <ul>
 *   <li>a host name refused by Angus's own server-identity check: a plain {@code IOException};</li>
 *   <li>a connection the SMTP server closed: the reply {@code [EOF]} in the message of a plain
 *       {@code MessagingException} or {@code AuthenticationFailedException};</li>
 *   <li>STARTTLS required and not offered: a plain {@code MessagingException} with the wording
 *       "STARTTLS is required but host does not support STARTTLS" (SMTP) or "STARTTLS required but not
 *       supported by server" (IMAP);</li>
 *   <li>an IMAP connection Angus closed itself: the exception that made it do so survives only as the text of a
 *       synthetic {@code * BYE Jakarta Mail Exception: <exception>} response, passed on as the message of a
 *       {@code FolderClosedException} or {@code StoreClosedException} (the response object, where Angus keeps
 *       it, is read by {@link #hiddenCause}).</li>
 *   <li>a greeting the SMTP client did not understand: "Got bad greeting from SMTP host: h, port: p,
 *       response: &lt;greeting&gt;" in a plain {@code MessagingException} ({@link #badGreeting}).</li>
 * </ul>
 * Guarded by {@code ExceptionTranslatorTest}, {@code ResponseBoundsTest} and {@code TlsRefusalTest} (core), and
 * {@code SmtpFaultSoakTest} (smtp): an upgrade that changes a wording makes them fail.
 */
public final class AngusFailures {

    /** Angus SMTP's wording of a greeting that is not a 220 reply; the greeting follows "response: ". */
    private static final Pattern BAD_GREETING = Pattern.compile("bad greeting from \\S+ host: .*?response: ([^\\r\\n)]*)",
            Pattern.CASE_INSENSITIVE);

    /** Angus's wording when STARTTLS is required and not offered (SMTP and IMAP). */
    private static final Pattern STARTTLS_MISSING = Pattern.compile("starttls (is )?required but");

    private AngusFailures() {
    }

    /**
     * What an exception that Angus kept only as text said.
     *
     * @param type    the exception's class
     * @param message its message
     */
    public record Text(Class<? extends Throwable> type, String message) {
    }

    /**
     * Finds, in a failure's message, the text {@code <class name>: <message>} of one of the given exceptions
     * (the form of Angus's synthetic {@code * BYE} response).
     *
     * @param failure the failure whose message is read
     * @param types   the exceptions looked for, in order of preference within one message
     * @return the first match, or null
     */
    public static Text keptAsText(Throwable failure, List<Class<? extends Throwable>> types) {
        StringBuilder names = new StringBuilder();
        for (Class<? extends Throwable> type : types) {
            names.append(names.length() == 0 ? "" : "|").append(Pattern.quote(type.getName()));
        }
        Matcher m = Pattern.compile("(" + names + "): ([^\\r\\n]*)").matcher(String.valueOf(failure.getMessage()));
        if (!m.find()) {
            return null;
        }
        for (Class<? extends Throwable> type : types) {
            if (type.getName().equals(m.group(1))) {
                return new Text(type, m.group(2).strip());
            }
        }
        return null;
    }

    /**
     * The exception Angus turned into a synthetic {@code * BYE} response, where it kept the response.
     *
     * @param t a failure in the chain
     * @return the hidden exception, or null
     */
    public static Throwable hiddenCause(Throwable t) {
        if (t instanceof org.eclipse.angus.mail.iap.ProtocolException pe && pe.getResponse() != null) {
            return pe.getResponse().getException();
        }
        return null;
    }

    /**
     * Whether Angus said STARTTLS was required and not offered.
     *
     * @param messages the messages of the failure's chain, lower case
     * @return true for Angus's wording of that refusal
     */
    public static boolean startTlsMissing(String messages) {
        return STARTTLS_MISSING.matcher(messages.toLowerCase(Locale.ROOT)).find();
    }

    /**
     * Whether Angus refused the server's certificate for its host name itself ({@code mail.*.ssl.checkserveridentity}):
     * a plain IOException "Unable to check server identity for: host" (older releases: "Can't verify identity
     * of server").
     *
     * @param messages the messages of the failure's chain, lower case
     * @return true for that refusal
     */
    public static boolean serverIdentityRefused(String messages) {
        return messages.contains("server identity") || messages.contains("verify identity");
    }

    /**
     * Whether a message is Angus SMTP's report of a connection the server (or the network) closed: the reply
     * {@code [EOF]}.
     *
     * @param message an exception's message, or null
     * @return true for that report
     */
    public static boolean closedByServer(String message) {
        return message != null && message.strip().endsWith("[EOF]");
    }

    /**
     * The greeting Angus SMTP refused as not a 220 reply ("Got bad greeting ... response: ..."), or null.
     *
     * @param messages the messages of the failure's chain
     * @return the greeting line as the server sent it, or null
     */
    public static String badGreeting(String messages) {
        Matcher m = BAD_GREETING.matcher(messages);
        return m.find() ? m.group(1).strip() : null;
    }
}
