package dev.mailkit.core;

import dev.mailkit.core.internal.ExceptionTranslator;
import dev.mailkit.core.internal.Exchange;
import dev.mailkit.core.internal.PlainSocketFactory;
import dev.mailkit.core.internal.ProxiedTlsSocketFactory;
import dev.mailkit.core.internal.ResponseLimits;
import dev.mailkit.core.internal.sasl.MailkitSaslProvider;
import dev.mailkit.core.internal.TlsContexts;
import dev.mailkit.core.internal.VerifyingSocketFactory;
import dev.mailkit.core.registry.ProviderSettings;
import jakarta.mail.MessagingException;
import jakarta.mail.Service;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocketFactory;

/**
 * The one place that turns an endpoint, credentials and {@link ConnectionOptions} into a Jakarta Mail
 * {@link Session} with safe defaults, and connects with typed errors.
 *
 * <p>Defaults: finite connect, read and write timeouts; deadlines for the greeting, the login and each
 * reply that a server trickling bytes cannot stretch; a bound on the memory of each response line and of
 * each command's whole reply; certificate and host-name verification on;
 * STARTTLS required when chosen (never a silent fall-back to plaintext); TLS 1.2 or newer; a fixed
 * EHLO name (no reverse-DNS look-up per connection); SASL OAUTHBEARER or XOAUTH2, whichever the server
 * offers (OAUTHBEARER first), when the credentials are OAuth2, with a
 * fresh token asked of the {@link TokenProvider} for every new connection. A {@link Security#PLAIN}
 * endpoint is refused unless {@link ConnectionOptions.Builder#allowPlaintext()} was chosen. With a
 * {@linkplain ConnectionOptions.Builder#proxy(ProxySettings) proxy}, every connection, in every security mode,
 * goes through it, with TLS end to end inside the tunnel and the same bounds; a failing proxy is a
 * {@link ProxyException}.
 *
 * <p>Immutable and thread-safe; one instance can open any number of connections.
 *
 * <pre>{@code
 * MailSession smtp = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("smtp.example.com", 587, Security.STARTTLS))
 *         .credentials(Credentials.password("me@example.com", secret))
 *         .build();
 * try (Transport t = smtp.connectTransport()) { ... }
 * }</pre>
 */
public final class MailSession {

    /** The SASL mechanism tried first for OAuth2 credentials when the server offers it; else XOAUTH2. */
    static final String OAUTH2_SASL_MECHANISMS = "OAUTHBEARER";

    private final Protocol protocol;
    private final ServerEndpoint endpoint;
    private final Credentials credentials;
    private final ConnectionOptions options;
    private final ProviderSettings provider;
    private final Map<String, String> extraProperties;
    private final Session session;

    private MailSession(Builder b) {
        this.protocol = b.protocol;
        this.endpoint = b.endpoint;
        this.credentials = b.credentials;
        this.options = b.options;
        this.provider = b.provider;
        this.extraProperties = Map.copyOf(b.extraProperties);
        if (endpoint.isPlaintext() && !options.plaintextAllowed()) {
            throw new InvalidConfigurationException("endpoint " + endpoint + " is unencrypted: passwords and mail "
                    + "would cross the network in clear text. Use SSL_TLS or STARTTLS, or opt in with "
                    + "ConnectionOptions.builder().allowPlaintext() for a loopback test server", null);
        }
        this.session = Session.getInstance(properties());
    }

    /**
     * A new builder.
     *
     * @param protocol SMTP or IMAP
     * @param endpoint the server
     * @return the builder
     */
    public static Builder builder(Protocol protocol, ServerEndpoint endpoint) {
        return new Builder(protocol, endpoint);
    }

    /**
     * The Jakarta protocol name used for the session's properties: {@code smtp} or {@code imap}.
     *
     * @return {@code smtp} or {@code imap}
     */
    public String jakartaProtocol() {
        return protocol.name().toLowerCase(Locale.ROOT);
    }

    private Properties properties() {
        String p = "mail." + jakartaProtocol() + ".";
        Properties props = new Properties();
        props.putAll(extraProperties); // first, so mailkit's safety settings below always win
        props.setProperty(p + "host", endpoint.host());
        props.setProperty(p + "port", String.valueOf(endpoint.port()));
        props.setProperty(p + "connectiontimeout", String.valueOf(options.connectTimeout().toMillis()));
        props.setProperty(p + "timeout", String.valueOf(options.readTimeout().toMillis()));
        props.setProperty(p + "writetimeout", String.valueOf(options.writeTimeout().toMillis()));
        // Angus Mail enforces the write timeout with a scheduler of its own per connection, that is a thread per
        // connection unless given one: all of them share one (a thousand watched accounts are not 1,000 threads)
        props.put(p + "executor.writetimeout", dev.mailkit.core.internal.WriteTimeoutScheduler.INSTANCE);
        ProxySettings proxy = options.proxy().orElse(null);
        // Through a proxy, Angus Mail must not open an implicit TLS connection itself (it would with new Socket(),
        // directly to the server): the plain factory below then makes sockets that are TLS over the tunnel.
        boolean tlsThroughProxy = proxy != null && endpoint.security() == Security.SSL_TLS;
        switch (endpoint.security()) {
            case SSL_TLS -> props.setProperty(p + "ssl.enable", String.valueOf(!tlsThroughProxy));
            case STARTTLS -> {
                props.setProperty(p + "starttls.enable", "true");
                props.setProperty(p + "starttls.required", "true");
            }
            case PLAIN -> props.setProperty(p + "ssl.enable", "false");
            default -> throw new AssertionError(endpoint.security());
        }
        props.setProperty(p + "ssl.checkserveridentity", "true");
        props.setProperty(p + "ssl.protocols", TlsContexts.PROTOCOLS);
        // Sockets whose input is bounded: no response line or IMAP literal above maxResponseBytes, no reply
        // above maxReplyMemory, no greeting, login or reply past its deadline.
        ResponseLimits limits = ResponseLimits.of(options, protocol);
        SSLSocketFactory tls = options.sslSocketFactory() instanceof VerifyingSocketFactory v
                ? v.guarded(limits) : options.sslSocketFactory();
        PlainSocketFactory plain = PlainSocketFactory.guarded(limits).through(proxy, options.connectTimeout());
        props.put(p + "ssl.socketFactory", tls);
        props.put(p + "socketFactory", tlsThroughProxy ? new ProxiedTlsSocketFactory(plain, tls) : plain);
        // A failed TLS connection must surface, not be retried through another socket factory.
        props.setProperty(p + "socketFactory.fallback", "false");
        if (protocol == Protocol.SMTP) {
            props.setProperty(p + "localhost", options.localHostName());
            props.setProperty(p + "auth", String.valueOf(credentials != null));
        }
        if (credentials != null) {
            props.setProperty(p + "user", credentials.username());
            if (credentials.isOAuth2()) {
                // OAUTHBEARER (RFC 7628) through Angus Mail's SASL support when the server offers it; when it
                // does not, Angus finds no SASL mechanism and falls back to its own XOAUTH2 authenticator. XOAUTH2
                // is deliberately not done through SASL: Angus's SASL code writes each response (the token) to its
                // debug log, its XOAUTH2 authenticator does not.
                MailkitSaslProvider.register();
                props.setProperty(p + "sasl.enable", "true");
                props.setProperty(p + "sasl.mechanisms", OAUTH2_SASL_MECHANISMS);
                props.setProperty(p + "auth.mechanisms", "XOAUTH2");
                props.setProperty(p + "auth.xoauth2.disable", "false");
            }
        }
        return props;
    }

    /**
     * The configured Jakarta session (no connection is open).
     *
     * @return the Jakarta Mail session
     */
    public Session session() {
        return session;
    }

    /**
     * The server.
     *
     * @return the server
     */
    public ServerEndpoint endpoint() {
        return endpoint;
    }

    /**
     * SMTP or IMAP.
     *
     * @return the protocol
     */
    public Protocol protocol() {
        return protocol;
    }

    /**
     * The connection options in force.
     *
     * @return the connection options
     */
    public ConnectionOptions options() {
        return options;
    }

    /**
     * The provider, when known (used for login hints).
     *
     * @return the provider, or empty when not known
     */
    public Optional<ProviderSettings> provider() {
        return Optional.ofNullable(provider);
    }

    /**
     * Opens and authenticates an SMTP connection.
     *
     * @return the connected transport; the caller closes it
     * @throws IllegalStateException if this is not an SMTP session
     * @throws MailkitException      typed: {@link ConnectionException}, {@link TlsException}, {@link AuthenticationException}
     */
    public Transport connectTransport() {
        requireProtocol(Protocol.SMTP);
        try {
            Transport t = session.getTransport(jakartaProtocol());
            connect(t);
            return t;
        } catch (MessagingException e) {
            throw translate(e);
        }
    }

    /**
     * Opens and authenticates an IMAP connection.
     *
     * @return the connected store; the caller closes it
     * @throws IllegalStateException if this is not an IMAP session
     * @throws MailkitException      typed: {@link ConnectionException}, {@link TlsException}, {@link AuthenticationException}
     */
    public Store connectStore() {
        requireProtocol(Protocol.IMAP);
        try {
            Store s = session.getStore(jakartaProtocol());
            connect(s);
            return s;
        } catch (MessagingException e) {
            throw translate(e);
        }
    }

    /**
     * Connects a service created from {@link #session()}, asking for a fresh secret (password or
     * OAuth2 token) now. The secret is passed straight to the service and never stored.
     *
     * @param service a transport or store of this session
     * @throws MailkitException typed, see {@link #connectTransport()}
     */
    public void connect(Service service) {
        try (Exchange.LoginScope attempt = Exchange.loginScope()) { // the login deadline of its connections
            if (credentials == null) {
                service.connect(endpoint.host(), endpoint.port(), null, null);
            } else {
                service.connect(endpoint.host(), endpoint.port(), credentials.username(), credentials.secret());
            }
        } catch (MessagingException | RuntimeException e) {
            throw translate(e);
        }
    }

    /**
     * Maps a Jakarta Mail or socket failure that happened on this session's server to a typed exception.
     *
     * @param failure the failure
     * @return the typed exception, with a login hint from the provider when known
     */
    public MailkitException translate(Throwable failure) {
        String hint = provider == null || credentials == null ? null : provider.authenticationHint(credentials.method());
        return ExceptionTranslator.translate(failure, protocol, endpoint, options, hint);
    }

    private void requireProtocol(Protocol expected) {
        if (protocol != expected) {
            throw new IllegalStateException("this is an " + protocol + " session, not " + expected);
        }
    }

    @Override
    public String toString() {
        return "MailSession[" + protocol + " " + endpoint + ", " + credentials + ", " + options + "]";
    }

    /** Angus Mail's own proxy settings, which mailkit's socket factories would bypass: refused. */
    private static final Pattern ANGUS_PROXY = Pattern.compile("mail\\.[a-z]+\\.(proxy|socks)\\..*");

    /** Mutable, not thread-safe builder; {@link #build()} leaves it untouched. */
    public static final class Builder {
        private final Protocol protocol;
        private final ServerEndpoint endpoint;
        private Credentials credentials;
        private ConnectionOptions options = ConnectionOptions.defaults();
        private ProviderSettings provider;
        private final Map<String, String> extraProperties = new LinkedHashMap<>();

        private Builder(Protocol protocol, ServerEndpoint endpoint) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        }

        /**
         * Sets the login; without it no authentication is attempted (an SMTP relay that trusts the client).
         *
         * @param credentials the login
         * @return this builder
         */
        public Builder credentials(Credentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /**
         * Sets network and TLS options (default {@link ConnectionOptions#defaults()}).
         *
         * @param options the options
         * @return this builder
         */
        public Builder options(ConnectionOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Names the provider, so a failed login carries the provider's hint (app password, OAuth2, ...).
         *
         * @param provider the provider
         * @return this builder
         */
        public Builder provider(ProviderSettings provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * Adds a Jakarta Mail session property, for protocol tuning such as {@code mail.smtp.sendpartial}.
         * Properties that carry mailkit's safe defaults (timeouts, TLS, host, port, authentication) always
         * keep mailkit's value. Angus Mail's proxy properties ({@code mail.smtp.proxy.host},
         * {@code mail.imap.socks.host}, ...) are refused: use {@link ConnectionOptions.Builder#proxy(ProxySettings)}.
         *
         * @param name  the property name, starting with {@code mail.}
         * @param value the value
         * @return this builder
         * @throws IllegalArgumentException if the name does not start with {@code mail.}, or is an Angus Mail proxy property
         */
        public Builder property(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (!name.startsWith("mail.")) {
                throw new IllegalArgumentException("'" + name + "' is not a Jakarta Mail property (mail.*)");
            }
            if (ANGUS_PROXY.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "': mailkit opens the connections with its own socket "
                        + "factories, so Angus Mail's proxy properties would be ignored or applied to only some of them; "
                        + "set the proxy with ConnectionOptions.builder().proxy(ProxySettings.socks5(host, port)) or "
                        + "ProxySettings.http(host, port)");
            }
            extraProperties.put(name, value);
            return this;
        }

        /**
         * Builds the session.
         *
         * @return the session
         * @throws InvalidConfigurationException if the endpoint is plaintext and plaintext was not allowed
         */
        public MailSession build() {
            return new MailSession(this);
        }
    }
}
