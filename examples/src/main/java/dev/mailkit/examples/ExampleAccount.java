package dev.mailkit.examples;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.smtp.SmtpSender;

import java.util.Locale;

/**
 * The account the examples use, from environment variables: {@code MAILKIT_PROVIDER} (an id such as
 * {@code gmail}, or your address) or {@code MAILKIT_SMTP} / {@code MAILKIT_IMAP} as {@code host:port:security};
 * {@code MAILKIT_USER}; {@code MAILKIT_PASSWORD} (an app password where the provider wants one).
 *
 * @param provider    a provider id or address, or null when the endpoints are given
 * @param smtp        the SMTP server when no provider is given
 * @param imap        the IMAP server when no provider is given
 * @param credentials the login
 * @param options     timeouts and TLS trust
 */
public record ExampleAccount(String provider, ServerEndpoint smtp, ServerEndpoint imap, Credentials credentials,
                             ConnectionOptions options) {

    /** Reads the account from the environment. */
    public static ExampleAccount fromEnvironment() {
        String user = require("MAILKIT_USER");
        String provider = System.getenv("MAILKIT_PROVIDER");
        // MAILKIT_PASSWORD holds what the provider wants: its password, an app password or an authorization code
        Credentials credentials = Credentials.secretFor(provider == null ? null
                : dev.mailkit.core.registry.ProviderRegistry.defaults().lookup(provider), user, require("MAILKIT_PASSWORD"));
        if (provider != null) {
            return new ExampleAccount(provider, null, null, credentials, ConnectionOptions.defaults());
        }
        ServerEndpoint smtp = endpoint(require("MAILKIT_SMTP"));
        ServerEndpoint imap = endpoint(require("MAILKIT_IMAP"));
        ConnectionOptions.Builder options = ConnectionOptions.builder();
        if (smtp.security() == Security.PLAIN || imap.security() == Security.PLAIN) {
            options.allowPlaintext();
        }
        return new ExampleAccount(null, smtp, imap, credentials, options.build());
    }

    private static String require(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("set " + name + " (see ExampleAccount)");
        }
        return v;
    }

    private static ServerEndpoint endpoint(String hostPortSecurity) {
        String[] p = hostPortSecurity.split(":");
        if (p.length != 3) {
            throw new IllegalArgumentException("expected host:port:security, got " + hostPortSecurity);
        }
        return ServerEndpoint.of(p[0], Integer.parseInt(p[1]), Security.valueOf(p[2].toUpperCase(Locale.ROOT)));
    }

    /** A sender builder for this account. */
    public SmtpSender.Builder sender() {
        SmtpSender.Builder b = SmtpSender.builder().credentials(credentials).options(options);
        return provider != null ? b.provider(provider) : b.endpoint(smtp);
    }

    /** A synchronizer builder for this account. */
    public ImapSynchronizer.Builder synchronizer() {
        ImapSynchronizer.Builder b = ImapSynchronizer.builder().credentials(credentials).options(options);
        return provider != null ? b.provider(provider) : b.endpoint(imap);
    }
}
