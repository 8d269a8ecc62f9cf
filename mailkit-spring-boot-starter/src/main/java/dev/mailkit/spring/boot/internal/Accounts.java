package dev.mailkit.spring.boot.internal;

import dev.mailkit.core.AccountBuilder;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.InvalidConfigurationException;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.TokenProvider;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.spring.boot.MailkitProperties;

import java.util.Optional;

/** Reads the account of one protocol out of the {@code mailkit.*} properties: provider, server and login. */
public final class Accounts {

    private Accounts() {
    }

    /**
     * One protocol's account.
     *
     * @param protocol the protocol
     * @param prefix   the properties' prefix for that protocol, for messages ({@code mailkit.smtp})
     * @param provider the provider, or null for a server given by hand at an unknown domain
     * @param endpoint the server given by hand, or null for the provider's
     * @param username the login name, or null
     * @param password the secret, or null
     */
    public record Account(Protocol protocol, String prefix, ProviderSettings provider, ServerEndpoint endpoint, String username,
                   String password) {

        /**
         * The server used.
         *
         * @return the one given by hand, else the provider's first for the protocol; empty without either
         */
        public Optional<ServerEndpoint> server() {
            return endpoint != null ? Optional.of(endpoint)
                    : provider == null ? Optional.empty() : provider.endpoint(protocol);
        }

        /**
         * Sets provider and server on a builder.
         *
         * @param builder the builder
         * @param <B>     the builder's type
         * @return the builder
         */
        public <B extends AccountBuilder<B>> B applyTo(B builder) {
            if (provider != null) {
                builder.provider(provider);
            }
            if (endpoint != null) {
                builder.endpoint(endpoint);
            }
            return builder;
        }

        /**
         * The login: the application's own {@link Credentials} bean, else OAuth2 through a
         * {@link TokenProvider} bean, else the secret as the provider takes it.
         *
         * @param own    the application's credentials, or null
         * @param tokens the application's token provider, or null
         * @return the login, or null when none is set
         * @throws InvalidConfigurationException if a login is set without a login name
         */
        public Credentials credentials(Credentials own, TokenProvider tokens) {
            if (own != null) {
                return own;
            }
            if (tokens == null && password == null) {
                return null;
            }
            if (username == null) {
                throw new InvalidConfigurationException("mailkit: set mailkit.address or mailkit.username (the login name)"
                        + " for " + prefix, null);
            }
            return tokens != null ? Credentials.oauth2(username, tokens) : Credentials.secretFor(provider, username, password);
        }

        @Override
        public String toString() {
            return "Account[" + protocol + ", provider=" + (provider == null ? "none" : provider.id()) + ", endpoint="
                    + endpoint + ", username=" + username + ", password=" + (password == null ? "none" : "****") + "]";
        }
    }

    /**
     * Resolves one protocol's account.
     *
     * @param p        the properties
     * @param server   {@code mailkit.smtp} or {@code mailkit.sync}
     * @param protocol the protocol
     * @param prefix   the server's property prefix, for messages
     * @param registry where providers are looked up
     * @return the account
     * @throws dev.mailkit.core.ProviderNotFoundException if mailkit.provider, or the address when no server is given
     *                                                    by hand, matches no provider
     * @throws InvalidConfigurationException             if neither a provider nor a server can be found
     */
    public static Account resolve(MailkitProperties p, MailkitProperties.Server server, Protocol protocol, String prefix,
                           ProviderRegistry registry) {
        String username = firstText(server.getUsername(), p.getUsername(), p.getAddress());
        // a secret is taken as it is, spaces included
        String password = server.getPassword() != null && !server.getPassword().isEmpty() ? server.getPassword()
                : p.getPassword() != null && !p.getPassword().isEmpty() ? p.getPassword() : null;
        ServerEndpoint endpoint = null;
        if (hasText(server.getHost())) {
            Security security = server.getSecurity() != null ? server.getSecurity()
                    : protocol == Protocol.SMTP ? Security.STARTTLS : Security.SSL_TLS;
            int port = server.getPort() != null ? server.getPort() : defaultPort(protocol, security);
            endpoint = ServerEndpoint.of(server.getHost().strip(), port, security);
        }
        ProviderSettings provider;
        String query = firstText(p.getAddress(), username != null && username.contains("@") ? username : null);
        if (hasText(p.getProvider())) {
            provider = registry.lookup(p.getProvider().strip());
        } else if (endpoint != null) {
            provider = query == null ? null : known(registry, query);
        } else if (query != null) {
            provider = registry.lookup(query);
        } else {
            throw new InvalidConfigurationException("mailkit: no " + protocol + " server: set mailkit.address (the provider"
                    + " is looked up from it), mailkit.provider, or " + prefix + ".host", null);
        }
        return new Account(protocol, prefix, provider, endpoint, username, password);
    }

    /** The provider of an address at a domain the registry knows; null for other domains and non-addresses. */
    private static ProviderSettings known(ProviderRegistry registry, String address) {
        try {
            return registry.forEmail(address).orElse(null);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int defaultPort(Protocol protocol, Security security) {
        if (protocol == Protocol.SMTP) {
            return switch (security) {
                case SSL_TLS -> 465;
                case STARTTLS -> 587;
                case PLAIN -> 25;
            };
        }
        return security == Security.SSL_TLS ? 993 : 143;
    }

    /**
     * Whether a property is set.
     *
     * @param s the value
     * @return true when it has a character other than white space
     */
    public static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }

    private static String firstText(String... values) {
        for (String v : values) {
            if (hasText(v)) {
                return v.strip();
            }
        }
        return null;
    }
}
