package dev.mailkit.core;

import dev.mailkit.core.diagnostics.Finding;
import dev.mailkit.core.diagnostics.SettingsCheck;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;
import java.util.Objects;

/**
 * The account part every mailkit builder shares ({@code SmtpSender.builder()},
 * {@code ImapSynchronizer.builder()}): which provider or server, which login, which connection options.
 *
 * @param <B> the concrete builder, returned by every setter so calls chain
 */
public abstract class AccountBuilder<B extends AccountBuilder<B>> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AccountBuilder.class);

    private ProviderRegistry registry = ProviderRegistry.defaults();
    private String providerQuery;
    private ProviderSettings provider;
    private ServerEndpoint endpoint;
    private Credentials credentials;
    private ConnectionOptions options = ConnectionOptions.defaults();

    /** For subclasses. */
    protected AccountBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * Uses a provider from the registry: by id or alias ({@code "outlook"}), by e-mail address or by
     * domain. Its first endpoint for the protocol is used, and its limits, quirks and login hints apply.
     *
     * @param idOrAddress a provider id, alias, e-mail address or domain
     * @return this builder
     */
    public B provider(String idOrAddress) {
        this.providerQuery = Objects.requireNonNull(idOrAddress, "provider");
        this.provider = null;
        return self();
    }

    /**
     * Uses the given provider settings.
     *
     * @param settings the provider
     * @return this builder
     */
    public B provider(ProviderSettings settings) {
        this.provider = Objects.requireNonNull(settings, "provider");
        this.providerQuery = null;
        return self();
    }

    /**
     * Sets the registry that {@link #provider(String)} consults (default {@link ProviderRegistry#defaults()}).
     *
     * @param registry the registry
     * @return this builder
     */
    public B registry(ProviderRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        return self();
    }

    /**
     * Uses an explicit server instead of (or overriding) the provider's.
     *
     * @param endpoint the server
     * @return this builder
     */
    public B endpoint(ServerEndpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        return self();
    }

    /**
     * Uses an explicit server.
     *
     * @param host     host name
     * @param port     port
     * @param security protection
     * @return this builder
     */
    public B endpoint(String host, int port, Security security) {
        return endpoint(ServerEndpoint.of(host, port, security));
    }

    /**
     * Sets the login.
     *
     * @param credentials the login
     * @return this builder
     */
    public B credentials(Credentials credentials) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        return self();
    }

    /**
     * Sets timeouts and TLS trust (default {@link ConnectionOptions#defaults()}).
     *
     * @param options the options
     * @return this builder
     */
    public B options(ConnectionOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        return self();
    }

    /**
     * Resolves the account for one protocol: looks the provider up and chooses the server.
     *
     * @param protocol  the protocol the product speaks
     * @param component the product's name, for error messages ({@code "SmtpSender"})
     * @return the resolved account
     * @throws ProviderNotFoundException      if {@link #provider(String)} matches nothing
     * @throws InvalidConfigurationException if no server can be chosen, or a server set with
     *                                       {@link #endpoint(ServerEndpoint)} is a known mix-up (see {@link SettingsCheck})
     */
    protected Account account(Protocol protocol, String component) {
        ProviderSettings p = provider != null ? provider : providerQuery != null ? registry.lookup(providerQuery) : null;
        ServerEndpoint e = endpoint;
        if (e == null && p != null) {
            e = p.endpoint(protocol).orElseThrow(() -> new InvalidConfigurationException("provider '" + p.id()
                    + "' has no " + protocol + " endpoint; set one with endpoint(..)", null));
        }
        if (e == null) {
            throw new InvalidConfigurationException(component + " needs provider(..) or endpoint(..)", null);
        }
        if (endpoint != null) {
            // A server typed in by hand: catch the swapped host and the port/security mix-up before connecting.
            java.util.List<Finding> findings = SettingsCheck.check(registry, protocol, endpoint);
            SettingsCheck.failOnError(findings, component);
            findings.forEach(f -> LOG.warn("{}: {}", component, f.message()));
        }
        if (p != null && credentials != null && !acceptsSecretOfThisKind(p, credentials.method())) {
            // Refused here, not at the first login: the provider's settings say this kind of login never works.
            throw new InvalidConfigurationException(component + ": " + p.authenticationHint(credentials.method()), null);
        }
        return new Account(p, e, credentials, options);
    }

    /**
     * Whether the provider takes this kind of login. An app password or an authorization code goes over the
     * wire as a password, so it is taken wherever the account password is.
     */
    private static boolean acceptsSecretOfThisKind(ProviderSettings p, AuthMethod method) {
        return p.accepts(method) || (method == AuthMethod.APP_PASSWORD || method == AuthMethod.AUTHORIZATION_CODE)
                && p.accepts(AuthMethod.PASSWORD);
    }

    /**
     * An account resolved by {@link #account(Protocol, String)}.
     *
     * @param provider    the provider, or null when only a server was given
     * @param endpoint    the server
     * @param credentials the login, or null when none was given
     * @param options     timeouts and TLS trust
     */
    public record Account(ProviderSettings provider, ServerEndpoint endpoint, Credentials credentials,
                          ConnectionOptions options) {

        /**
         * A session builder for this account's server.
         *
         * @param protocol the protocol
         * @return the builder, with login, options and provider set
         */
        public MailSession.Builder session(Protocol protocol) {
            return session(protocol, endpoint);
        }

        /**
         * A session builder for another server of the same account (the IMAP server of an SMTP account).
         *
         * @param protocol the protocol
         * @param server   the server
         * @return the builder, with login, options and provider set
         */
        public MailSession.Builder session(Protocol protocol, ServerEndpoint server) {
            MailSession.Builder b = MailSession.builder(protocol, server).options(options);
            if (credentials != null) {
                b.credentials(credentials);
            }
            if (provider != null) {
                b.provider(provider);
            }
            return b;
        }
    }
}
