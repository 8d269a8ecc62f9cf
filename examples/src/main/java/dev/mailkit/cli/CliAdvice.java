package dev.mailkit.cli;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The library's messages name its API ("use Security.STARTTLS", "allowMassDeletion()"); a person at the
 * command line needs the option instead. Every message the CLI prints goes through {@link #of}.
 */
final class CliAdvice {

    /** What the library's messages say, and what the CLI says instead; applied in this order. */
    private static final List<Rewrite> REWRITES = List.of(
            literal("use a provider id from ProviderRegistry.all(), an explicit ServerEndpoint, or register the provider",
                    "use an id from 'mailkit providers list', give --host, --port and --security instead of"
                            + " --provider, or add the provider with --providers FILE"),
            literal("Use SSL_TLS or STARTTLS, or opt in with ConnectionOptions.builder().allowPlaintext() for a loopback"
                    + " test server", "Use --security tls or starttls (--security plain is for a loopback test server)"),
            literal("ConnectionOptions.builder().trustCertificates(pemFile)", "--trust-cert PEM"),
            literal(" (ConnectionOptions.trustCertificates)", ""),
            literal("(Credentials.oauth2 with a token from Microsoft's identity platform)",
                    "(run 'mailkit login EMAIL', then use --oauth2)"),
            literal("OAuth2 (Credentials.oauth2)", "OAuth2 (run 'mailkit login EMAIL', then use --oauth2)"),
            literal("(Credentials.appPassword)", "(give it with --password-env or --password-file)"),
            literal("(Credentials.authorizationCode)", "(give it with --password-env or --password-file)"),
            literal(", or set the endpoint with OAuth2.Builder.deviceAuthorizationEndpoint", ""),
            literal("run syncOnce() first", "run 'mailkit sync' first"),
            literal("(SesSmtpPassword derives it from the secret access key)",
                    "(send --ses-secret-key-env VAR derives it from the secret access key)"),
            literal(" (ProxySettings.withCredentials, or --proxy-password-env VAR)", " (--proxy-password-env VAR)"),
            literal("give the proxy's user name and password (ProxySettings.withCredentials)", "name the proxy's user in"
                    + " --proxy (socks5://USER@HOST:PORT or http://USER@HOST:PORT) and give its password with"
                    + " --proxy-password-env VAR"),
            literal(" (ConnectionOptions.proxy)", " (--proxy)"),
            regex("use (socks5|http)://(\\S+) \\(ProxySettings\\.\\w+\\)", "use --proxy $1://$2"),
            literal("the limit, ConnectionOptions.maxResponseBytes", "mailkit's limit"),
            literal("ConnectionOptions.maxResponseBytes", "mailkit's limit"),
            literal("; ConnectionOptions.maxReplyMemory", ""),
            literal("ConnectionOptions.maxReplyMemory", "mailkit's limit"),
            regex(" \\(ConnectionOptions\\.\\w+Timeout\\)", ""),
            // "sync once with allowMassDeletion() (CLI: --allow-mass-deletion)": the CLI half only
            regex("[\\w.]+\\(\\w*\\) \\(CLI: ([^)]*)\\)", "$1"),
            regex("\\bSecurity\\.SSL_TLS\\b", "--security tls"),
            regex("\\bSecurity\\.STARTTLS\\b", "--security starttls"),
            regex("\\bSecurity\\.PLAIN\\b", "--security plain"),
            regex("\\bor STARTTLS on port\\b", "or --security starttls on port"),
            regex("\\bor SSL_TLS on port\\b", "or --security tls on port"),
            regex("^SmtpSender: ", "SMTP: "),
            regex("^ImapSynchronizer: ", "IMAP: "));

    private CliAdvice() {
    }

    /**
     * A message as a CLI user needs it.
     *
     * @param message a message of the library (or of the CLI itself, left as it is)
     * @return the message with advice naming the API replaced by the CLI's options
     */
    static String of(String message) {
        String s = message;
        for (Rewrite r : REWRITES) {
            s = r.apply(s);
        }
        return s;
    }

    private record Rewrite(Pattern pattern, String replacement) {
        String apply(String s) {
            return pattern.matcher(s).replaceAll(replacement);
        }
    }

    private static Rewrite literal(String from, String to) {
        return new Rewrite(Pattern.compile(Pattern.quote(from)), Matcher.quoteReplacement(to));
    }

    private static Rewrite regex(String from, String to) {
        return new Rewrite(Pattern.compile(from, Pattern.MULTILINE), to);
    }
}
