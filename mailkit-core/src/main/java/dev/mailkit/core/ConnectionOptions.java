package dev.mailkit.core;

import dev.mailkit.core.internal.TlsContexts;
import dev.mailkit.core.internal.VerifyingSocketFactory;

import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * Network and TLS settings for connections to mail servers. The defaults are safe: finite timeouts,
 * the JDK's trusted certificate authorities, host-name verification, TLS 1.2 or newer, no plaintext,
 * and a fixed EHLO name so no reverse-DNS lookup runs per connection. Connections go straight to the
 * server unless a {@linkplain Builder#proxy(ProxySettings) proxy} is set.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()} or use {@link #defaults()}.
 */
public final class ConnectionOptions {

    /** Default time allowed to open a TCP connection. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);
    /** Default time allowed for one read (a server reply) and for one write. */
    public static final Duration DEFAULT_IO_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Default name sent in SMTP EHLO: the address literal {@code [127.0.0.1]}, as Thunderbird sends.
     * It reveals nothing about the client and needs no DNS lookup.
     */
    public static final String DEFAULT_LOCAL_HOST_NAME = "[127.0.0.1]";
    /**
     * Default bound on one server response line and on one IMAP literal: 64 MiB. mailkit's own IMAP sync
     * fetches messages over 8 MiB in 1 MiB parts, so only a broken or hostile server comes near it.
     */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 64L << 20;
    /**
     * Default bound on the memory the responses to one IMAP command may take, as mailkit estimates it
     * (see {@link Builder#maxReplyMemory(long)}): 48 MiB. mailkit's own sync asks for at most 8 MiB of
     * message bodies per command; the bound leaves room for a flag listing of about 80,000 messages in
     * one reply, and keeps what a hostile server can make the client hold well inside a 128 MB heap.
     */
    public static final long DEFAULT_MAX_IMAP_REPLY_MEMORY = 48L << 20;
    /**
     * Default bound on the memory one SMTP reply may take, as mailkit estimates it: 1 MiB. Real replies,
     * EHLO's included, are a few hundred bytes; a pool of SMTP connections stays within a few MiB.
     */
    public static final long DEFAULT_MAX_SMTP_REPLY_MEMORY = 1L << 20;
    /** Default time from the TCP connection (and, with implicit TLS, its handshake) to the end of the greeting: 60 s. */
    public static final Duration DEFAULT_GREETING_TIMEOUT = Duration.ofSeconds(60);
    /** Default time for a whole connection attempt through {@link MailSession}, login included: 2 minutes. */
    public static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofMinutes(2);
    /** Default time from the client's last write to the end of the server's reply: 5 minutes. */
    public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofMinutes(5);
    /** Default longest silence from the server accepted while the client waits in IMAP IDLE: 30 minutes. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);

    private static final ConnectionOptions DEFAULTS = builder().build();

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration writeTimeout;
    private final String localHostName;
    private final boolean allowPlaintext;
    private final long maxResponseBytes;
    private final long maxReplyMemory;
    private final Duration greetingTimeout;
    private final Duration loginTimeout;
    private final Duration replyTimeout;
    private final Duration idleTimeout;
    private final Path trustPem;
    private final KeyStore trustStore;
    private final String trustDescription;
    private final SSLSocketFactory socketFactory;
    private final ProxySettings proxy;

    private ConnectionOptions(Builder b) {
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.writeTimeout = b.writeTimeout;
        this.localHostName = b.localHostName;
        this.allowPlaintext = b.allowPlaintext;
        this.maxResponseBytes = b.maxResponseBytes;
        this.maxReplyMemory = b.maxReplyMemory;
        this.greetingTimeout = b.greetingTimeout;
        this.loginTimeout = b.loginTimeout;
        this.replyTimeout = b.replyTimeout;
        this.idleTimeout = b.idleTimeout;
        this.trustPem = b.trustPem;
        this.trustStore = b.trustStore;
        this.proxy = b.proxy;
        SSLContext context;
        if (trustPem != null) {
            this.trustDescription = "certificates in " + trustPem;
            context = TlsContexts.trusting(TlsContexts.loadPem(trustPem));
        } else if (trustStore != null) {
            this.trustDescription = "a custom KeyStore";
            context = TlsContexts.trusting(trustStore);
        } else {
            this.trustDescription = "system trust store";
            context = TlsContexts.systemDefault();
        }
        this.socketFactory = new VerifyingSocketFactory(context.getSocketFactory());
    }

    /**
     * The safe defaults.
     *
     * @return the default options
     */
    public static ConnectionOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A new builder, starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder initialised with these options; a trusted-certificate file is read again when it builds.
     *
     * @return a new builder with these options
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.connectTimeout = connectTimeout;
        b.readTimeout = readTimeout;
        b.writeTimeout = writeTimeout;
        b.localHostName = localHostName;
        b.allowPlaintext = allowPlaintext;
        b.maxResponseBytes = maxResponseBytes;
        b.maxReplyMemory = maxReplyMemory;
        b.greetingTimeout = greetingTimeout;
        b.loginTimeout = loginTimeout;
        b.replyTimeout = replyTimeout;
        b.idleTimeout = idleTimeout;
        b.trustPem = trustPem;
        b.trustStore = trustStore;
        b.proxy = proxy;
        return b;
    }

    /**
     * Time allowed to open a TCP connection.
     *
     * @return the connect timeout
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * Time allowed for one read from the server.
     *
     * @return the read timeout
     */
    public Duration readTimeout() {
        return readTimeout;
    }

    /**
     * Time allowed for one write to the server.
     *
     * @return the write timeout
     */
    public Duration writeTimeout() {
        return writeTimeout;
    }

    /**
     * The name sent in SMTP EHLO.
     *
     * @return the EHLO host name
     */
    public String localHostName() {
        return localHostName;
    }

    /**
     * Whether endpoints with {@link Security#PLAIN} may be used.
     *
     * @return true when plaintext endpoints are allowed
     */
    public boolean plaintextAllowed() {
        return allowPlaintext;
    }

    /**
     * The largest server response line, and the largest IMAP literal, accepted: a server sending more
     * fails the connection (a {@link ResponseLimitException}) before the client allocates memory for it.
     *
     * @return the bound in bytes
     */
    public long maxResponseBytes() {
        return maxResponseBytes;
    }

    /**
     * The most memory the responses to one command may take, as mailkit estimates it from what the server
     * sends (see {@link Builder#maxReplyMemory(long)}): the value set, else {@link #DEFAULT_MAX_IMAP_REPLY_MEMORY}
     * for IMAP and {@link #DEFAULT_MAX_SMTP_REPLY_MEMORY} for SMTP.
     *
     * @param protocol the protocol spoken
     * @return the bound in bytes
     */
    public long maxReplyMemory(Protocol protocol) {
        if (maxReplyMemory > 0) {
            return maxReplyMemory;
        }
        return protocol == Protocol.SMTP ? DEFAULT_MAX_SMTP_REPLY_MEMORY : DEFAULT_MAX_IMAP_REPLY_MEMORY;
    }

    /**
     * Time allowed from the TCP connection (with implicit TLS: and its handshake) to the end of the server's greeting.
     *
     * @return the greeting timeout
     */
    public Duration greetingTimeout() {
        return greetingTimeout;
    }

    /**
     * Time allowed for a whole connection attempt through {@link MailSession}: TCP, TLS, greeting, capabilities, login.
     *
     * @return the login timeout
     */
    public Duration loginTimeout() {
        return loginTimeout;
    }

    /**
     * Time allowed from the client's last write (a command, a literal, message content) to the end of the server's reply.
     *
     * @return the reply timeout
     */
    public Duration replyTimeout() {
        return replyTimeout;
    }

    /**
     * The longest silence from the server accepted while the client waits in IMAP IDLE (instead of the read timeout).
     *
     * @return the longest accepted silence in IDLE
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * The socket factory for TLS connections, restricted to TLS 1.2+ and to the configured trust anchors.
     *
     * @return the TLS socket factory
     */
    public SSLSocketFactory sslSocketFactory() {
        return socketFactory;
    }

    /**
     * The proxy connections go through: to mail servers (SMTP, IMAP, and the checks of
     * {@link dev.mailkit.core.diagnostics.MailDiagnostics}) and, in {@code mailkit-oauth2}, to the
     * authorization server.
     *
     * @return the proxy, or empty for direct connections
     */
    public Optional<ProxySettings> proxy() {
        return Optional.ofNullable(proxy);
    }

    @Override
    public String toString() {
        return "ConnectionOptions[connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", writeTimeout=" + writeTimeout + ", localHostName=" + localHostName
                + ", allowPlaintext=" + allowPlaintext + ", maxResponseBytes=" + maxResponseBytes
                + ", maxReplyMemory=" + (maxReplyMemory > 0 ? String.valueOf(maxReplyMemory) : "default")
                + ", greetingTimeout=" + greetingTimeout + ", loginTimeout=" + loginTimeout
                + ", replyTimeout=" + replyTimeout + ", idleTimeout=" + idleTimeout + ", trust=" + trustDescription
                + (proxy == null ? "" : ", proxy=" + proxy) + "]";
    }

    /** Mutable, not thread-safe builder for {@link ConnectionOptions}; {@link #build()} leaves it untouched. */
    public static final class Builder {
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_IO_TIMEOUT;
        private Duration writeTimeout = DEFAULT_IO_TIMEOUT;
        private String localHostName = DEFAULT_LOCAL_HOST_NAME;
        private boolean allowPlaintext;
        private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
        private long maxReplyMemory;
        private Duration greetingTimeout = DEFAULT_GREETING_TIMEOUT;
        private Duration loginTimeout = DEFAULT_LOGIN_TIMEOUT;
        private Duration replyTimeout = DEFAULT_REPLY_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Path trustPem;
        private KeyStore trustStore;
        private ProxySettings proxy;

        private Builder() {
        }

        /**
         * Sets the time allowed to open a TCP connection; through a {@linkplain #proxy(ProxySettings) proxy},
         * to connect to the proxy and have it open the tunnel to the server.
         *
         * @param timeout a positive duration of at most one day
         * @return this builder
         * @throws IllegalArgumentException if the duration is zero, negative or longer than a day
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = checkTimeout(timeout, "connectTimeout");
            return this;
        }

        /**
         * Sets the time allowed for one read from the server.
         *
         * @param timeout a positive duration of at most one day
         * @return this builder
         * @throws IllegalArgumentException if the duration is zero, negative or longer than a day
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = checkTimeout(timeout, "readTimeout");
            return this;
        }

        /**
         * Sets the time allowed for one write to the server.
         *
         * @param timeout a positive duration of at most one day
         * @return this builder
         * @throws IllegalArgumentException if the duration is zero, negative or longer than a day
         */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = checkTimeout(timeout, "writeTimeout");
            return this;
        }

        /**
         * Sets the name sent in SMTP EHLO (a fully qualified host name or an address literal such as {@code [192.0.2.1]}).
         *
         * @param name the EHLO name
         * @return this builder
         * @throws IllegalArgumentException if the name is blank or contains white space
         */
        public Builder localHostName(String name) {
            Objects.requireNonNull(name, "localHostName");
            if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("localHostName '" + name + "' must be a host name or address literal without spaces");
            }
            this.localHostName = name;
            return this;
        }

        /**
         * Sets the largest server response line, and the largest IMAP literal ({@code {n}} announced by the
         * server), that a connection accepts; more fails the connection with a {@link ResponseLimitException}
         * before memory is allocated for it. Default {@link #DEFAULT_MAX_RESPONSE_BYTES}. The bound on a whole
         * reply, {@link #maxReplyMemory(long)}, applies too: under both defaults no line above 24 MiB and no
         * literal above 48 MiB is read.
         *
         * @param bytes at least 64 KiB
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is below 64 KiB
         */
        public Builder maxResponseBytes(long bytes) {
            if (bytes < 64 * 1024) {
                throw new IllegalArgumentException("maxResponseBytes must be at least 65536, was " + bytes);
            }
            this.maxResponseBytes = bytes;
            return this;
        }

        /**
         * Sets the most memory the responses to one command may take, for both protocols (default
         * {@link #DEFAULT_MAX_IMAP_REPLY_MEMORY} for IMAP, {@link #DEFAULT_MAX_SMTP_REPLY_MEMORY} for SMTP).
         * Counted from the client's last write (a command, a literal, IMAP's {@code DONE}) as the server's
         * bytes arrive, as an estimate of what the client library keeps of them until the command completes:
         * each byte of a response line counts twice, each space 64 bytes more and each line 128, each byte
         * of an IMAP literal once, plus what its response held before it (Angus Mail copies that to make
         * room). A server sending more fails the connection with a {@link ResponseLimitException} before the
         * memory is spent: an endless multi-line SMTP reply, an endless stream of untagged IMAP responses,
         * many large literals in one FETCH reply. With {@code connections(n)} in the IMAP sync, n replies
         * may be held at once. A flag listing costs about 600 bytes a message: a folder of more than about
         * 80,000 messages on a server without CONDSTORE needs a larger bound, and a heap to match.
         *
         * @param bytes at least 64 KiB
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is below 64 KiB
         */
        public Builder maxReplyMemory(long bytes) {
            if (bytes < 64 * 1024) {
                throw new IllegalArgumentException("maxReplyMemory must be at least 65536, was " + bytes);
            }
            this.maxReplyMemory = bytes;
            return this;
        }

        /**
         * Sets the time allowed from the TCP connection (with implicit TLS: including its handshake) to the
         * end of the server's greeting, however the bytes trickle in (default {@link #DEFAULT_GREETING_TIMEOUT}).
         *
         * @param timeout a positive duration of at most one day
         * @return this builder
         * @throws IllegalArgumentException if the duration is zero, negative or longer than a day
         */
        public Builder greetingTimeout(Duration timeout) {
            this.greetingTimeout = checkTimeout(timeout, "greetingTimeout");
            return this;
        }

        /**
         * Sets the time allowed for a whole connection attempt made through {@link MailSession} (TCP, TLS
         * handshakes, greeting, capabilities, STARTTLS, login), however the bytes trickle in (default
         * {@link #DEFAULT_LOGIN_TIMEOUT}).
         *
         * @param timeout a positive duration of at most one day
         * @return this builder
         * @throws IllegalArgumentException if the duration is zero, negative or longer than a day
         */
        public Builder loginTimeout(Duration timeout) {
            this.loginTimeout = checkTimeout(timeout, "loginTimeout");
            return this;
        }

        /**
         * Sets the time allowed from the client's last write (a command, a literal, message content) to the
         * end of the server's reply, however the bytes trickle in (default {@link #DEFAULT_REPLY_TIMEOUT}).
         * The read timeout still ends any silence longer than itself; this bound ends a reply that keeps
         * coming. A large transfer must arrive within it: 8 MiB in 5 minutes needs about 28 KB/s. Not
         * applied while the client waits in IMAP IDLE (see {@link #idleTimeout(Duration)}).
         *
         * @param timeout a positive duration of at most one day
         * @return this builder
         * @throws IllegalArgumentException if the duration is zero, negative or longer than a day
         */
        public Builder replyTimeout(Duration timeout) {
            this.replyTimeout = checkTimeout(timeout, "replyTimeout");
            return this;
        }

        /**
         * Sets the longest silence from the server accepted while the client waits in IMAP IDLE, in place of
         * the read timeout (default {@link #DEFAULT_IDLE_TIMEOUT}; RFC 2177 servers may end an IDLE after 30
         * minutes, and {@code watch()} issues it again every 25). IDLE ends at the client's next write
         * ({@code DONE}); from then on the read timeout and the reply deadline apply again.
         *
         * @param timeout a positive duration of at most one day
         * @return this builder
         * @throws IllegalArgumentException if the duration is zero, negative or longer than a day
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = checkTimeout(timeout, "idleTimeout");
            return this;
        }

        /**
         * Permits endpoints with {@link Security#PLAIN}: passwords and mail then cross the network
         * unencrypted. Use only for loopback test servers or a local bridge.
         *
         * @return this builder
         */
        public Builder allowPlaintext() {
            this.allowPlaintext = true;
            return this;
        }

        /**
         * Trusts exactly the certificates in a PEM file, instead of the system's certificate
         * authorities: for self-signed test servers. Host names are still verified.
         *
         * @param pemFile a file with one or more {@code -----BEGIN CERTIFICATE-----} blocks
         * @return this builder
         * @throws InvalidConfigurationException (at {@link #build()}) if the file cannot be read or holds no certificate
         */
        public Builder trustCertificates(Path pemFile) {
            this.trustPem = Objects.requireNonNull(pemFile, "pemFile");
            this.trustStore = null;
            return this;
        }

        /**
         * Trusts exactly the certificates in a key store, instead of the system's certificate authorities.
         *
         * @param keyStore a loaded key store holding trusted certificate entries
         * @return this builder
         */
        public Builder trustStore(KeyStore keyStore) {
            this.trustStore = Objects.requireNonNull(keyStore, "keyStore");
            this.trustPem = null;
            return this;
        }

        /**
         * Connects through a proxy: SOCKS5 or an HTTP proxy's {@code CONNECT} tunnel (see {@link ProxySettings}).
         * Every connection of a {@link MailSession} (SMTP and IMAP, in every {@link Security} mode), the checks
         * of {@code MailDiagnostics} and, in {@code mailkit-oauth2}, the HTTPS calls to the authorization server
         * go through it. The mail server's host name is sent to the proxy, which resolves it. TLS runs inside
         * the tunnel, end to end, with the certificate checked for the mail server's host name; the response
         * bounds and deadlines hold as on a direct connection. The {@link #connectTimeout(Duration) connect
         * timeout} covers the connection to the proxy and the opening of the tunnel together; the proxy's answer
         * is bounded (an HTTP proxy's to 8 KiB). A failing proxy is reported as a {@link ProxyException}.
         *
         * @param proxy the proxy
         * @return this builder
         * @throws IllegalArgumentException if the proxy has a user name but no password yet
         */
        public Builder proxy(ProxySettings proxy) {
            Objects.requireNonNull(proxy, "proxy");
            if (proxy.username().isPresent() && proxy.password().isEmpty()) {
                throw new IllegalArgumentException("proxy " + proxy + " names a user but has no password: give both with "
                        + "ProxySettings.withCredentials(user, password)");
            }
            this.proxy = proxy;
            return this;
        }

        /**
         * Connects straight to the servers, without a proxy (the default).
         *
         * @return this builder
         */
        public Builder noProxy() {
            this.proxy = null;
            return this;
        }

        /**
         * Builds the options; loads trusted certificates now so a bad file fails here.
         *
         * @return the options
         * @throws InvalidConfigurationException if a trusted-certificate file is unreadable or malformed
         */
        public ConnectionOptions build() {
            return new ConnectionOptions(this);
        }

        private static Duration checkTimeout(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isZero() || d.isNegative() || d.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException(name + " must be positive and at most one day, was " + d);
            }
            return d;
        }
    }
}
