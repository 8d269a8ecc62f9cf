package dev.mailkit.spring.boot;

import dev.mailkit.core.Security;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code mailkit.*} properties: the account (address, provider, login), how to connect, and what
 * {@link MailkitAutoConfiguration} and {@link MailkitSyncAutoConfiguration} build from them. Secrets
 * never appear in {@link #toString()}.
 */
@ConfigurationProperties(prefix = "mailkit")
public class MailkitProperties {

    /**
     * The account's e-mail address. It selects the provider from mailkit's registry (unless
     * mailkit.provider is set) and is the login name (unless mailkit.username is set).
     */
    private String address;

    /**
     * Provider id, alias, domain or address to look up in the registry (for example "gmail" or
     * "outlook"). Default: the provider of mailkit.address, or of the login name.
     */
    private String provider;

    /** Login name for sending and syncing. Default: mailkit.address. */
    private String username;

    /**
     * The secret for sending and syncing: sent as a password, an app password or an authorization code,
     * whichever the provider takes (Credentials.secretFor). Leave it unset to log in with OAuth2.
     */
    private String password;

    /**
     * A providers file in mailkit's XML format, added to the built-in registry (a self-hosted server,
     * corrected settings).
     */
    private Path providersFile;

    /** Whether unencrypted connections (security PLAIN) are permitted: loopback test servers only. */
    private boolean allowPlaintext;

    /**
     * A PEM file with the certificates to trust instead of the system's authorities (a self-signed server).
     * Host names are still verified.
     */
    private Path trustCertificates;

    /** How long to wait for a TCP connection. Default: 15 seconds. */
    private Duration connectTimeout;

    /** How long a read may wait without receiving a byte. Default: 60 seconds. */
    private Duration readTimeout;

    /** How long a whole login may take, TLS and authentication included. Default: 2 minutes. */
    private Duration loginTimeout;

    /** How long every reply may take after the client's last write. Default: 5 minutes. */
    private Duration replyTimeout;

    private final Smtp smtp = new Smtp();

    private final Sync sync = new Sync();

    private final OAuth2 oauth2 = new OAuth2();

    private final Health health = new Health();

    private final Metrics metrics = new Metrics();

    /**
     * The account's e-mail address.
     *
     * @return the address, or null
     */
    public String getAddress() {
        return address;
    }

    /**
     * Sets the account's e-mail address.
     *
     * @param address the address
     */
    public void setAddress(String address) {
        this.address = address;
    }

    /**
     * The provider to look up.
     *
     * @return the provider id, alias, domain or address, or null
     */
    public String getProvider() {
        return provider;
    }

    /**
     * Sets the provider to look up.
     *
     * @param provider a provider id, alias, domain or address
     */
    public void setProvider(String provider) {
        this.provider = provider;
    }

    /**
     * The login name.
     *
     * @return the login name, or null
     */
    public String getUsername() {
        return username;
    }

    /**
     * Sets the login name.
     *
     * @param username the login name
     */
    public void setUsername(String username) {
        this.username = username;
    }

    /**
     * The secret.
     *
     * @return the password, app password or authorization code, or null
     */
    public String getPassword() {
        return password;
    }

    /**
     * Sets the secret.
     *
     * @param password the password, app password or authorization code
     */
    public void setPassword(String password) {
        this.password = password;
    }

    /**
     * The extra providers file.
     *
     * @return the file, or null
     */
    public Path getProvidersFile() {
        return providersFile;
    }

    /**
     * Sets the extra providers file.
     *
     * @param providersFile a file in mailkit's providers XML format
     */
    public void setProvidersFile(Path providersFile) {
        this.providersFile = providersFile;
    }

    /**
     * Whether unencrypted connections are permitted.
     *
     * @return true when PLAIN endpoints are permitted
     */
    public boolean isAllowPlaintext() {
        return allowPlaintext;
    }

    /**
     * Permits unencrypted connections.
     *
     * @param allowPlaintext true to permit PLAIN endpoints
     */
    public void setAllowPlaintext(boolean allowPlaintext) {
        this.allowPlaintext = allowPlaintext;
    }

    /**
     * The certificates to trust.
     *
     * @return the PEM file, or null for the system's authorities
     */
    public Path getTrustCertificates() {
        return trustCertificates;
    }

    /**
     * Sets the certificates to trust.
     *
     * @param trustCertificates a PEM file
     */
    public void setTrustCertificates(Path trustCertificates) {
        this.trustCertificates = trustCertificates;
    }

    /**
     * The connect timeout.
     *
     * @return the timeout, or null for the default
     */
    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    /**
     * Sets the connect timeout.
     *
     * @param connectTimeout the timeout
     */
    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /**
     * The read timeout.
     *
     * @return the timeout, or null for the default
     */
    public Duration getReadTimeout() {
        return readTimeout;
    }

    /**
     * Sets the read timeout.
     *
     * @param readTimeout the timeout
     */
    public void setReadTimeout(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    /**
     * The login deadline.
     *
     * @return the deadline, or null for the default
     */
    public Duration getLoginTimeout() {
        return loginTimeout;
    }

    /**
     * Sets the login deadline.
     *
     * @param loginTimeout the deadline
     */
    public void setLoginTimeout(Duration loginTimeout) {
        this.loginTimeout = loginTimeout;
    }

    /**
     * The reply deadline.
     *
     * @return the deadline, or null for the default
     */
    public Duration getReplyTimeout() {
        return replyTimeout;
    }

    /**
     * Sets the reply deadline.
     *
     * @param replyTimeout the deadline
     */
    public void setReplyTimeout(Duration replyTimeout) {
        this.replyTimeout = replyTimeout;
    }

    /**
     * The sending settings.
     *
     * @return the {@code mailkit.smtp.*} properties
     */
    public Smtp getSmtp() {
        return smtp;
    }

    /**
     * The syncing settings.
     *
     * @return the {@code mailkit.sync.*} properties
     */
    public Sync getSync() {
        return sync;
    }

    /**
     * The OAuth2 settings.
     *
     * @return the {@code mailkit.oauth2.*} properties
     */
    public OAuth2 getOauth2() {
        return oauth2;
    }

    /**
     * The health indicator's settings.
     *
     * @return the {@code mailkit.health.*} properties
     */
    public Health getHealth() {
        return health;
    }

    /**
     * The metrics settings.
     *
     * @return the {@code mailkit.metrics.*} properties
     */
    public Metrics getMetrics() {
        return metrics;
    }

    /** Returns the settings with every secret masked. */
    @Override
    public String toString() {
        return "MailkitProperties[address=" + address + ", provider=" + provider + ", username=" + username
                + ", password=" + mask(password) + ", allowPlaintext=" + allowPlaintext + ", smtp=" + smtp
                + ", sync=" + sync + ", oauth2=" + oauth2 + "]";
    }

    private static String mask(String secret) {
        return secret == null ? "none" : "****";
    }

    /** A mail server given by hand, and the login for it when it differs from the account's. */
    public abstract static class Server {

        /** Host name of the server. Set it to use this server instead of the provider's. */
        private String host;

        /** Port of the server. Default: the usual port for the security (465/587 SMTP, 993/143 IMAP). */
        private Integer port;

        /** How the connection is protected: SSL_TLS, STARTTLS or PLAIN. Default: the protocol's usual choice. */
        private Security security;

        /** Login name for this server when it differs from mailkit.username. */
        private String username;

        /** Secret for this server when it differs from mailkit.password. */
        private String password;

        /** For subclasses. */
        protected Server() {
        }

        /**
         * The host.
         *
         * @return the host name, or null for the provider's server
         */
        public String getHost() {
            return host;
        }

        /**
         * Sets the host.
         *
         * @param host the host name
         */
        public void setHost(String host) {
            this.host = host;
        }

        /**
         * The port.
         *
         * @return the port, or null for the usual one
         */
        public Integer getPort() {
            return port;
        }

        /**
         * Sets the port.
         *
         * @param port the port
         */
        public void setPort(Integer port) {
            this.port = port;
        }

        /**
         * The protection.
         *
         * @return the security, or null for the usual one
         */
        public Security getSecurity() {
            return security;
        }

        /**
         * Sets the protection.
         *
         * @param security the security
         */
        public void setSecurity(Security security) {
            this.security = security;
        }

        /**
         * The login name for this server.
         *
         * @return the login name, or null for the account's
         */
        public String getUsername() {
            return username;
        }

        /**
         * Sets the login name for this server.
         *
         * @param username the login name
         */
        public void setUsername(String username) {
            this.username = username;
        }

        /**
         * The secret for this server.
         *
         * @return the secret, or null for the account's
         */
        public String getPassword() {
            return password;
        }

        /**
         * Sets the secret for this server.
         *
         * @param password the secret
         */
        public void setPassword(String password) {
            this.password = password;
        }

        String describe() {
            return "host=" + host + ", port=" + port + ", security=" + security + ", username=" + username
                    + ", password=" + mask(password);
        }
    }

    /** {@code mailkit.smtp.*}: the SmtpSender bean. */
    public static class Smtp extends Server {

        /** Whether to make the SmtpSender bean. */
        private boolean enabled = true;

        /** Most connections open at once (1 to 64). */
        private int poolSize = 4;

        /** Messages one connection carries before it is replaced. */
        private int maxMessagesPerConnection = 100;

        /** Messages per rolling minute. Default: the provider's published limit; 0 for none. */
        private Integer rateLimitPerMinute;

        /** Messages per rolling day. Default: the provider's published limit; 0 for none. */
        private Integer rateLimitPerDay;

        /** Attempts per message, the first included (1 for no retry). */
        private int maxAttempts = 3;

        /** Whether to append each sent message to the account's Sent folder over IMAP. */
        private boolean appendToSentFolder;

        /** Whether to send without logging in, to a relay that trusts this host. */
        private boolean withoutAuthentication;

        /** DKIM signing of every message. */
        private final Dkim dkim = new Dkim();

        /** Made by Spring's binder. */
        public Smtp() {
        }

        /**
         * DKIM signing ({@code mailkit.smtp.dkim.*}).
         *
         * @return the DKIM settings
         */
        public Dkim getDkim() {
            return dkim;
        }

        /**
         * Whether the SmtpSender bean is made.
         *
         * @return true to make it
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether the SmtpSender bean is made.
         *
         * @param enabled true to make it
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The pool size.
         *
         * @return the most connections open at once
         */
        public int getPoolSize() {
            return poolSize;
        }

        /**
         * Sets the pool size.
         *
         * @param poolSize the most connections open at once
         */
        public void setPoolSize(int poolSize) {
            this.poolSize = poolSize;
        }

        /**
         * Messages per connection.
         *
         * @return messages one connection carries before it is replaced
         */
        public int getMaxMessagesPerConnection() {
            return maxMessagesPerConnection;
        }

        /**
         * Sets the messages per connection.
         *
         * @param maxMessagesPerConnection messages one connection carries before it is replaced
         */
        public void setMaxMessagesPerConnection(int maxMessagesPerConnection) {
            this.maxMessagesPerConnection = maxMessagesPerConnection;
        }

        /**
         * The per-minute limit.
         *
         * @return messages per rolling minute, or null for the provider's
         */
        public Integer getRateLimitPerMinute() {
            return rateLimitPerMinute;
        }

        /**
         * Sets the per-minute limit.
         *
         * @param rateLimitPerMinute messages per rolling minute, 0 for none
         */
        public void setRateLimitPerMinute(Integer rateLimitPerMinute) {
            this.rateLimitPerMinute = rateLimitPerMinute;
        }

        /**
         * The per-day limit.
         *
         * @return messages per rolling day, or null for the provider's
         */
        public Integer getRateLimitPerDay() {
            return rateLimitPerDay;
        }

        /**
         * Sets the per-day limit.
         *
         * @param rateLimitPerDay messages per rolling day, 0 for none
         */
        public void setRateLimitPerDay(Integer rateLimitPerDay) {
            this.rateLimitPerDay = rateLimitPerDay;
        }

        /**
         * Attempts per message.
         *
         * @return attempts, the first included
         */
        public int getMaxAttempts() {
            return maxAttempts;
        }

        /**
         * Sets the attempts per message.
         *
         * @param maxAttempts attempts, the first included
         */
        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        /**
         * Whether sent messages are appended to the Sent folder.
         *
         * @return true to append them
         */
        public boolean isAppendToSentFolder() {
            return appendToSentFolder;
        }

        /**
         * Sets whether sent messages are appended to the Sent folder.
         *
         * @param appendToSentFolder true to append them
         */
        public void setAppendToSentFolder(boolean appendToSentFolder) {
            this.appendToSentFolder = appendToSentFolder;
        }

        /**
         * Whether to send without logging in.
         *
         * @return true for a relay that trusts this host
         */
        public boolean isWithoutAuthentication() {
            return withoutAuthentication;
        }

        /**
         * Sets whether to send without logging in.
         *
         * @param withoutAuthentication true for a relay that trusts this host
         */
        public void setWithoutAuthentication(boolean withoutAuthentication) {
            this.withoutAuthentication = withoutAuthentication;
        }

        @Override
        public String toString() {
            return "Smtp[enabled=" + enabled + ", " + describe() + ", poolSize=" + poolSize + "]";
        }
    }

    /**
     * {@code mailkit.smtp.dkim.*}: signing every message with DKIM, on when {@code private-key} and
     * {@code selector} are set.
     */
    public static class Dkim {

        /** The PEM file of the private key (PKCS#8 RSA or Ed25519, or PKCS#1 RSA). */
        private Path privateKey;

        /** The selector: the public key is published at {@code <selector>._domainkey.<domain>}. */
        private String selector;

        /** The signing domain. Default: the domain of {@code mailkit.address}. */
        private String domain;

        /** Made by Spring's binder. */
        public Dkim() {
        }

        /**
         * The private key file.
         *
         * @return the PEM file, or null when not signing
         */
        public Path getPrivateKey() {
            return privateKey;
        }

        /**
         * Sets the private key file.
         *
         * @param privateKey the PEM file
         */
        public void setPrivateKey(Path privateKey) {
            this.privateKey = privateKey;
        }

        /**
         * The selector.
         *
         * @return the selector, or null
         */
        public String getSelector() {
            return selector;
        }

        /**
         * Sets the selector.
         *
         * @param selector the selector
         */
        public void setSelector(String selector) {
            this.selector = selector;
        }

        /**
         * The signing domain.
         *
         * @return the domain, or null for the address's
         */
        public String getDomain() {
            return domain;
        }

        /**
         * Sets the signing domain.
         *
         * @param domain the domain
         */
        public void setDomain(String domain) {
            this.domain = domain;
        }

        @Override
        public String toString() {
            // the key's path is not a secret, but its content never appears
            return "Dkim[domain=" + domain + ", selector=" + selector + ", privateKey=" + privateKey + "]";
        }
    }

    /** {@code mailkit.sync.*}: the ImapSynchronizer bean and its watch. */
    public static class Sync extends Server {

        /** Whether to make the ImapSynchronizer bean (needs mailkit-imap-sync on the class path). */
        private boolean enabled;

        /** The Maildir the account is mirrored into (created when missing); required when sync is enabled. */
        private Path maildir;

        /**
         * Whether to keep the mirror in sync while the application runs (ImapSynchronizer.watch(): IMAP IDLE,
         * local changes, and a periodic sync), started after the context and closed on shutdown.
         */
        private boolean watch;

        /** Server folders to mirror. Default: all. */
        private List<String> folders = new ArrayList<>();

        /** Server folders to leave out. */
        private List<String> excludeFolders = new ArrayList<>();

        /** Folders the watch keeps an IDLE connection on. Default: INBOX. */
        private List<String> watchFolders = new ArrayList<>();

        /** Folders synced at once, each on its own connection (1 to 8). */
        private int connections = 1;

        /** Whether to only pull from the server, never pushing local changes. */
        private boolean pullOnly;

        /** Whether to force every write to disk (safe against power loss; slower). */
        private boolean durableWrites;

        /** How often the watch syncs every folder whatever IDLE says. Default: 15 minutes. */
        private Duration periodicSync;

        /** How often the watch re-issues IDLE. Default: 25 minutes. */
        private Duration idleRefresh;

        /** Made by Spring's binder. */
        public Sync() {
        }

        /**
         * Whether the ImapSynchronizer bean is made.
         *
         * @return true to make it
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether the ImapSynchronizer bean is made.
         *
         * @param enabled true to make it
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The Maildir.
         *
         * @return the Maildir root, or null
         */
        public Path getMaildir() {
            return maildir;
        }

        /**
         * Sets the Maildir.
         *
         * @param maildir the Maildir root
         */
        public void setMaildir(Path maildir) {
            this.maildir = maildir;
        }

        /**
         * Whether the watch runs with the application.
         *
         * @return true to run it
         */
        public boolean isWatch() {
            return watch;
        }

        /**
         * Sets whether the watch runs with the application.
         *
         * @param watch true to run it
         */
        public void setWatch(boolean watch) {
            this.watch = watch;
        }

        /**
         * The folders to mirror.
         *
         * @return server folder names; empty for all
         */
        public List<String> getFolders() {
            return folders;
        }

        /**
         * Sets the folders to mirror.
         *
         * @param folders server folder names; empty for all
         */
        public void setFolders(List<String> folders) {
            this.folders = folders;
        }

        /**
         * The folders to leave out.
         *
         * @return server folder names
         */
        public List<String> getExcludeFolders() {
            return excludeFolders;
        }

        /**
         * Sets the folders to leave out.
         *
         * @param excludeFolders server folder names
         */
        public void setExcludeFolders(List<String> excludeFolders) {
            this.excludeFolders = excludeFolders;
        }

        /**
         * The folders watched with IDLE.
         *
         * @return server folder names; empty for INBOX
         */
        public List<String> getWatchFolders() {
            return watchFolders;
        }

        /**
         * Sets the folders watched with IDLE.
         *
         * @param watchFolders server folder names
         */
        public void setWatchFolders(List<String> watchFolders) {
            this.watchFolders = watchFolders;
        }

        /**
         * The connections.
         *
         * @return folders synced at once
         */
        public int getConnections() {
            return connections;
        }

        /**
         * Sets the connections.
         *
         * @param connections folders synced at once
         */
        public void setConnections(int connections) {
            this.connections = connections;
        }

        /**
         * Whether only pulling.
         *
         * @return true to never push local changes
         */
        public boolean isPullOnly() {
            return pullOnly;
        }

        /**
         * Sets whether only pulling.
         *
         * @param pullOnly true to never push local changes
         */
        public void setPullOnly(boolean pullOnly) {
            this.pullOnly = pullOnly;
        }

        /**
         * Whether every write is forced to disk.
         *
         * @return true for durable writes
         */
        public boolean isDurableWrites() {
            return durableWrites;
        }

        /**
         * Sets whether every write is forced to disk.
         *
         * @param durableWrites true for durable writes
         */
        public void setDurableWrites(boolean durableWrites) {
            this.durableWrites = durableWrites;
        }

        /**
         * The periodic sync interval.
         *
         * @return the interval, or null for the default
         */
        public Duration getPeriodicSync() {
            return periodicSync;
        }

        /**
         * Sets the periodic sync interval.
         *
         * @param periodicSync the interval
         */
        public void setPeriodicSync(Duration periodicSync) {
            this.periodicSync = periodicSync;
        }

        /**
         * The IDLE refresh interval.
         *
         * @return the interval, or null for the default
         */
        public Duration getIdleRefresh() {
            return idleRefresh;
        }

        /**
         * Sets the IDLE refresh interval.
         *
         * @param idleRefresh the interval
         */
        public void setIdleRefresh(Duration idleRefresh) {
            this.idleRefresh = idleRefresh;
        }

        @Override
        public String toString() {
            return "Sync[enabled=" + enabled + ", " + describe() + ", maildir=" + maildir + ", watch=" + watch + "]";
        }
    }

    /** {@code mailkit.oauth2.*}: sign-in with OAuth2, when mailkit-oauth2 is on the class path. */
    public static class OAuth2 {

        /**
         * The OAuth client id (application id of the app registration). Setting it makes mailkit log in
         * with OAuth2, using the tokens of an earlier sign-in kept in the token store.
         */
        private String clientId;

        /** The client secret, for confidential clients only. */
        private String clientSecret;

        /** Microsoft Entra tenant: common, consumers, organizations, or a tenant id or domain. */
        private String microsoftTenant;

        /** Scopes to request instead of the provider's. */
        private List<String> scopes = new ArrayList<>();

        /**
         * The grant that supplies access tokens: REFRESH_TOKEN (the account signed in before; its tokens are
         * in the token store) or CLIENT_CREDENTIALS (Microsoft 365 app-only access; needs the client secret
         * and a tenant).
         */
        private Grant grant = Grant.REFRESH_TOKEN;

        private final TokenStore tokenStore = new TokenStore();

        /** Made by Spring's binder. */
        public OAuth2() {
        }

        /** Where access tokens come from. */
        public enum Grant {
            /** The refresh token of an earlier sign-in, kept in the token store. */
            REFRESH_TOKEN,
            /** The client's own credentials (Microsoft 365 app-only access). */
            CLIENT_CREDENTIALS
        }

        /**
         * The client id.
         *
         * @return the client id, or null when OAuth2 is not used
         */
        public String getClientId() {
            return clientId;
        }

        /**
         * Sets the client id.
         *
         * @param clientId the client id
         */
        public void setClientId(String clientId) {
            this.clientId = clientId;
        }

        /**
         * The client secret.
         *
         * @return the client secret, or null
         */
        public String getClientSecret() {
            return clientSecret;
        }

        /**
         * Sets the client secret.
         *
         * @param clientSecret the client secret
         */
        public void setClientSecret(String clientSecret) {
            this.clientSecret = clientSecret;
        }

        /**
         * The Microsoft tenant.
         *
         * @return the tenant, or null
         */
        public String getMicrosoftTenant() {
            return microsoftTenant;
        }

        /**
         * Sets the Microsoft tenant.
         *
         * @param microsoftTenant the tenant
         */
        public void setMicrosoftTenant(String microsoftTenant) {
            this.microsoftTenant = microsoftTenant;
        }

        /**
         * The scopes.
         *
         * @return the scopes; empty for the provider's
         */
        public List<String> getScopes() {
            return scopes;
        }

        /**
         * Sets the scopes.
         *
         * @param scopes the scopes
         */
        public void setScopes(List<String> scopes) {
            this.scopes = scopes;
        }

        /**
         * The grant.
         *
         * @return where access tokens come from
         */
        public Grant getGrant() {
            return grant;
        }

        /**
         * Sets the grant.
         *
         * @param grant where access tokens come from
         */
        public void setGrant(Grant grant) {
            this.grant = grant;
        }

        /**
         * The token store.
         *
         * @return the {@code mailkit.oauth2.token-store.*} properties
         */
        public TokenStore getTokenStore() {
            return tokenStore;
        }

        @Override
        public String toString() {
            return "OAuth2[clientId=" + clientId + ", clientSecret=" + mask(clientSecret) + ", grant=" + grant
                    + ", tokenStore=" + tokenStore.type + "]";
        }

        /** {@code mailkit.oauth2.token-store.*}: where the tokens of a sign-in are kept. */
        public static class TokenStore {

            /** DIRECTORY (one file per account, readable by its owner only) or MEMORY (lost on restart). */
            private Type type = Type.DIRECTORY;

            /** The directory of the DIRECTORY store. Default: ~/.mailkit/tokens. */
            private Path directory;

            /** Made by Spring's binder. */
            public TokenStore() {
            }

            /** The kinds of store. */
            public enum Type {
                /** One file per account in a directory. */
                DIRECTORY,
                /** In memory only. */
                MEMORY
            }

            /**
             * The kind of store.
             *
             * @return the kind
             */
            public Type getType() {
                return type;
            }

            /**
             * Sets the kind of store.
             *
             * @param type the kind
             */
            public void setType(Type type) {
                this.type = type;
            }

            /**
             * The directory.
             *
             * @return the directory, or null for the default
             */
            public Path getDirectory() {
                return directory;
            }

            /**
             * Sets the directory.
             *
             * @param directory the directory
             */
            public void setDirectory(Path directory) {
                this.directory = directory;
            }
        }
    }

    /** {@code mailkit.health.*}: the health indicator (enable or disable it with management.health.mailkit.enabled). */
    public static class Health {

        /**
         * How long a result is reused before the servers are checked again, so frequent probes do not open
         * a connection each.
         */
        private Duration cacheFor = Duration.ofSeconds(30);

        /** Connect and read timeout of the check's connections. */
        private Duration timeout = Duration.ofSeconds(10);

        /** Made by Spring's binder. */
        public Health() {
        }

        /**
         * How long a result is reused.
         *
         * @return the time a result is reused
         */
        public Duration getCacheFor() {
            return cacheFor;
        }

        /**
         * Sets how long a result is reused.
         *
         * @param cacheFor the time a result is reused; zero to check on every probe
         */
        public void setCacheFor(Duration cacheFor) {
            this.cacheFor = cacheFor;
        }

        /**
         * The check's timeout.
         *
         * @return connect and read timeout
         */
        public Duration getTimeout() {
            return timeout;
        }

        /**
         * Sets the check's timeout.
         *
         * @param timeout connect and read timeout
         */
        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    /** {@code mailkit.metrics.*}: the Micrometer meters, when the application has a MeterRegistry. */
    public static class Metrics {

        /** Whether to register mailkit's meters. */
        private boolean enabled = true;

        /** Made by Spring's binder. */
        public Metrics() {
        }

        /**
         * Whether the meters are registered.
         *
         * @return true to register them
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether the meters are registered.
         *
         * @param enabled true to register them
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
