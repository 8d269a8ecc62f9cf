package dev.mailkit.cli;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.ProxySettings;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The account options shared by {@code send} and {@code sync}. Passwords never come from the command line. */
final class AccountOptions {

    /** Either a provider from the registry or an explicit server. */
    static final class Server {
        @Option(names = "--provider", description = "Provider id, alias, domain or address from the registry "
                + "(see 'mailkit providers list').")
        String provider;

        @ArgGroup(exclusive = false)
        Explicit explicit;
    }

    /** An explicit server. */
    static final class Explicit {
        @Option(names = "--host", required = true, description = "Server host name.")
        String host;

        @Option(names = "--port", required = true, description = "Server port.")
        int port;

        @Option(names = "--security", required = true, description = "tls, starttls or plain (plain only on loopback or when you mean it).")
        String security;
    }

    /** Where the password comes from. */
    static final class Secret {
        @Option(names = "--password-env", paramLabel = "VAR", description = "Read the password from this environment variable.")
        String env;

        @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from the first line of this file.")
        Path file;

        /** The password, from the variable or the file's first line. */
        String password(UnaryOperator<String> environment) {
            String password;
            if (env != null) {
                password = environment.apply(env);
                if (password == null) {
                    throw new IllegalArgumentException("environment variable " + env + " is not set");
                }
                if (password.isEmpty()) {
                    throw new IllegalArgumentException("environment variable " + env + " is set but empty");
                }
                return password;
            }
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                int end = text.indexOf('\n');
                password = (end < 0 ? text : text.substring(0, end)).replace("\r", "");
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --password-file " + file + ": " + e.getMessage());
            }
            if (password.isEmpty()) {
                throw new IllegalArgumentException("--password-file " + file + " is empty");
            }
            return password;
        }
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Server server;

    @Option(names = "--user", required = true, description = "Login name, usually the e-mail address.")
    String user;

    @ArgGroup(exclusive = true)
    Secret secret;

    @Option(names = "--oauth2", description = "Log in with the OAuth2 tokens saved by 'mailkit login' (refreshed as "
            + "needed) instead of a password.")
    boolean oauth2;

    @Option(names = "--token-store", paramLabel = "DIR", description = "With --oauth2: where tokens are kept "
            + "(default ~/.mailkit/tokens).")
    Path tokenStore;

    @Option(names = "--client-secret-env", paramLabel = "VAR", description = "With --oauth2: the client secret, for "
            + "confidential clients.")
    String clientSecretEnv;

    @Option(names = "--providers", paramLabel = "FILE", description = "Add providers from this file in the built-in "
            + "XML format (self-hosted servers, custom authorization servers).")
    Path providersFile;

    @Option(names = "--trust-cert", paramLabel = "PEM", description = "Also trust the certificate(s) in this PEM file "
            + "(a self-signed test server), also for the HTTPS calls to the authorization server.")
    Path trustCert;

    @Mixin
    ProxyOptions proxy;

    /** The explicit endpoint, or null when a provider is used. */
    ServerEndpoint endpoint() {
        if (server.explicit == null) {
            return null;
        }
        Security security = security("--security", server.explicit.security);
        return ServerEndpoint.of(server.explicit.host, server.explicit.port, security);
    }

    /**
     * Parses a security option value: tls (or ssl), starttls, plain (or none).
     *
     * @param option the option, for the error message
     * @param value  the value given
     * @return the security
     * @throws IllegalArgumentException for any other value
     */
    static Security security(String option, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "tls", "ssl" -> Security.SSL_TLS;
            case "starttls" -> Security.STARTTLS;
            case "plain", "none" -> Security.PLAIN;
            default -> throw new IllegalArgumentException(option + " must be tls, starttls or plain, not '" + value + "'");
        };
    }

    /**
     * The login from the secret's variable, of the kind the provider takes: its password, or where it wants
     * one, an app password or an authorization code (the variable holds that). A provider that takes only
     * OAuth2 is refused by the builder with the way to sign in.
     */
    Credentials credentials(UnaryOperator<String> environment) {
        if (oauth2) {
            if (secret != null) {
                throw new IllegalArgumentException("--oauth2 logs in with a token: leave out --password-env and --password-file");
            }
            ProviderRegistry registry = registry();
            Optional<ProviderSettings> provider = server.provider != null
                    ? Optional.of(registry.lookup(server.provider)) : registry.forEmail(user);
            return OAuth2Cli.forAccount(user, provider, tokenStore, OAuth2Cli.clientSecret(clientSecretEnv, environment),
                    trustCert, proxy.settings(environment)).credentials(user);
        }
        if (secret == null) {
            throw new IllegalArgumentException("give --password-env VAR, --password-file FILE or --oauth2");
        }
        ProviderSettings p = server == null || server.provider == null ? null
                : registry().byId(server.provider).or(() -> lookup(server.provider)).orElse(null);
        return Credentials.secretFor(p, user, secret.password(environment));
    }

    private Optional<ProviderSettings> lookup(String query) {
        try {
            return Optional.of(registry().lookup(query));
        } catch (RuntimeException notFound) {
            return Optional.empty(); // the builder says so with its own message
        }
    }

    /** The registry: built-in, plus {@code --providers FILE}. */
    ProviderRegistry registry() {
        return OAuth2Cli.registry(providersFile);
    }

    ConnectionOptions connectionOptions(UnaryOperator<String> environment) {
        ConnectionOptions.Builder b = ConnectionOptions.builder();
        ProxySettings p = proxy.settings(environment);
        if (p != null) {
            b.proxy(p);
        }
        ServerEndpoint e = endpoint();
        if (e != null && e.security() == Security.PLAIN) {
            b.allowPlaintext(); // asked for explicitly with --security plain
        }
        if (trustCert != null) {
            b.trustCertificates(trustCert);
        }
        return b.build();
    }
}
