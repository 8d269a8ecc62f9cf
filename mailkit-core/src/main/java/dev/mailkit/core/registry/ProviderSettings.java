package dev.mailkit.core.registry;

import dev.mailkit.core.AuthMethod;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.internal.registry.Lookups;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Everything mailkit knows about one mail provider: servers, login policy, folder names, limits and
 * quirks. Immutable and thread-safe; create one with {@link #builder(String)} or take it from a
 * {@link ProviderRegistry}.
 */
public final class ProviderSettings {

    /** Username template for "the full e-mail address". */
    public static final String EMAIL_ADDRESS = "%EMAILADDRESS%";
    /** Username template for "the part of the address before the @". */
    public static final String EMAIL_LOCAL_PART = "%EMAILLOCALPART%";

    /** The {@link #source()} of settings built in code without {@link Builder#source(String)}. */
    public static final String PROGRAMMATIC = "programmatic";

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    /** A domain as SPF names it: labels of letters, digits, '-' and '_' ({@code _spf.example.com}). */
    private static final Pattern SPF_DOMAIN = Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9])?)+");

    private final String id;
    private final String displayName;
    private final List<String> aliases;
    private final List<String> domains;
    private final List<String> mxPatterns;
    private final List<ServerEndpoint> imap;
    private final List<ServerEndpoint> smtp;
    private final String usernameTemplate;
    private final String imapUsernameTemplate;
    private final String smtpUsernameTemplate;
    private final List<AuthMethod> authMethods;
    private final OAuth2Settings oauth2;
    private final Map<FolderRole, String> specialFolders;
    private final ProviderLimits limits;
    private final boolean savesSentCopy;
    private final boolean imapIdRequired;
    private final boolean idleUnreliable;
    private final URI enableInWebSettings;
    private final URI documentation;
    private final String note;
    private final String source;
    private final List<DataSource> dataSources;
    private final ProviderKind kind;
    private final CredentialForm credentialForm;
    private final String spfInclude;
    private final ProviderLimits sandboxLimits;

    private ProviderSettings(Builder b) {
        this.id = b.id;
        this.displayName = b.displayName == null ? b.id : b.displayName;
        this.aliases = List.copyOf(b.aliases);
        this.domains = List.copyOf(b.domains);
        this.mxPatterns = List.copyOf(b.mxPatterns);
        this.imap = List.copyOf(b.imap);
        this.smtp = List.copyOf(b.smtp);
        this.usernameTemplate = b.usernameTemplate;
        this.imapUsernameTemplate = b.imapUsernameTemplate;
        this.smtpUsernameTemplate = b.smtpUsernameTemplate;
        this.authMethods = b.authMethods.isEmpty() ? List.of(AuthMethod.PASSWORD) : List.copyOf(b.authMethods);
        this.oauth2 = b.oauth2;
        this.specialFolders = Collections.unmodifiableMap(new EnumMap<>(b.specialFolders));
        this.limits = b.limits;
        this.savesSentCopy = b.savesSentCopy;
        this.imapIdRequired = b.imapIdRequired;
        this.idleUnreliable = b.idleUnreliable;
        this.enableInWebSettings = b.enableInWebSettings;
        this.documentation = b.documentation;
        this.note = b.note;
        this.source = b.source;
        this.dataSources = List.copyOf(b.dataSources);
        this.kind = b.kind;
        this.credentialForm = b.credentialForm;
        this.spfInclude = b.spfInclude;
        this.sandboxLimits = b.sandboxLimits;
    }

    /**
     * A new builder for a provider.
     *
     * @param id the provider's id: lower-case letters, digits, '.', '_' or '-'
     * @return the builder
     * @throws IllegalArgumentException if the id is malformed
     */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /**
     * A builder initialised with these settings, to derive a variant.
     *
     * @return a new builder with these settings
     */
    public Builder toBuilder() {
        Builder b = new Builder(id);
        b.displayName = displayName;
        b.aliases.addAll(aliases);
        b.domains.addAll(domains);
        b.mxPatterns.addAll(mxPatterns);
        b.imap.addAll(imap);
        b.smtp.addAll(smtp);
        b.usernameTemplate = usernameTemplate;
        b.imapUsernameTemplate = imapUsernameTemplate;
        b.smtpUsernameTemplate = smtpUsernameTemplate;
        b.authMethods.addAll(authMethods);
        b.oauth2 = oauth2;
        b.specialFolders.putAll(specialFolders);
        b.limits = limits;
        b.savesSentCopy = savesSentCopy;
        b.imapIdRequired = imapIdRequired;
        b.idleUnreliable = idleUnreliable;
        b.enableInWebSettings = enableInWebSettings;
        b.documentation = documentation;
        b.note = note;
        b.source = source;
        b.dataSources.addAll(dataSources);
        b.kind = kind;
        b.credentialForm = credentialForm;
        b.spfInclude = spfInclude;
        b.sandboxLimits = sandboxLimits;
        return b;
    }

    /**
     * The unique id, for example {@code outlook}.
     *
     * @return the provider id
     */
    public String id() {
        return id;
    }

    /**
     * The name people know the provider by, for example {@code Outlook.com (Hotmail, Live, MSN)}.
     *
     * @return the display name
     */
    public String displayName() {
        return displayName;
    }

    /**
     * Other ids that name this provider, for example {@code hotmail}.
     *
     * @return the other ids, possibly empty
     */
    public List<String> aliases() {
        return aliases;
    }

    /**
     * E-mail domains hosted by this provider, lower-case ASCII (IDN domains in punycode).
     *
     * @return the domains, possibly empty
     */
    public List<String> domains() {
        return domains;
    }

    /**
     * Glob patterns ({@code *} matches any run of characters) matched against a domain's MX hosts.
     *
     * @return the MX patterns, possibly empty
     */
    public List<String> mxPatterns() {
        return mxPatterns;
    }

    /**
     * IMAP endpoints, preferred first.
     *
     * @return the IMAP endpoints, preferred first
     */
    public List<ServerEndpoint> imap() {
        return imap;
    }

    /**
     * SMTP submission endpoints, preferred first.
     *
     * @return the SMTP endpoints, preferred first
     */
    public List<ServerEndpoint> smtp() {
        return smtp;
    }

    /**
     * The preferred endpoint for a protocol, if the provider has one.
     *
     * @param protocol SMTP or IMAP
     * @return the preferred endpoint, or empty when the provider has none for that protocol
     */
    public Optional<ServerEndpoint> endpoint(Protocol protocol) {
        List<ServerEndpoint> list = protocol == Protocol.IMAP ? imap : smtp;
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }

    /**
     * The login-name template, with {@code %EMAILADDRESS%}, {@code %EMAILLOCALPART%} and {@code %EMAILDOMAIN%} placeholders.
     *
     * @return the login-name template
     */
    public String usernameTemplate() {
        return usernameTemplate;
    }

    /**
     * The login-name template for one protocol: the protocol's own form where the provider gives one (iCloud:
     * the local part for IMAP, the full address for SMTP), else {@link #usernameTemplate()}.
     *
     * @param protocol SMTP or IMAP
     * @return the login-name template for that protocol
     */
    public String usernameTemplate(Protocol protocol) {
        String own = protocol == Protocol.IMAP ? imapUsernameTemplate : smtpUsernameTemplate;
        return own != null ? own : usernameTemplate;
    }

    /**
     * The login name for an address, following {@link #usernameTemplate()}.
     *
     * @param emailAddress the account's address, for example {@code me@example.com}
     * @return the login name
     * @throws IllegalArgumentException if the address has no single '@' between non-empty parts
     */
    public String username(String emailAddress) {
        return fill(usernameTemplate, emailAddress);
    }

    /**
     * The login name for an address and protocol, following {@link #usernameTemplate(Protocol)}.
     *
     * @param protocol     SMTP or IMAP
     * @param emailAddress the account's address, for example {@code me@example.com}
     * @return the login name
     * @throws IllegalArgumentException if the address has no single '@' between non-empty parts
     */
    public String username(Protocol protocol, String emailAddress) {
        return fill(usernameTemplate(protocol), emailAddress);
    }

    private static String fill(String template, String emailAddress) {
        String[] parts = Lookups.splitAddress(emailAddress);
        return template.replace(EMAIL_ADDRESS, parts[0] + "@" + parts[1])
                .replace(EMAIL_LOCAL_PART, parts[0])
                .replace("%EMAILDOMAIN%", parts[1]);
    }

    /**
     * Accepted ways to log in, preferred first.
     *
     * @return the accepted login methods, preferred first
     */
    public List<AuthMethod> authMethods() {
        return authMethods;
    }

    /**
     * Whether the provider accepts this way to log in.
     *
     * @param method the way to log in
     * @return true when the provider accepts it
     */
    public boolean accepts(AuthMethod method) {
        return authMethods.contains(method);
    }

    /**
     * OAuth 2.0 endpoints and scopes, when the provider supports OAuth2.
     *
     * @return the OAuth2 settings, or empty when the provider does not support OAuth2
     */
    public Optional<OAuth2Settings> oauth2() {
        return Optional.ofNullable(oauth2);
    }

    /**
     * Folder names to use when the server does not announce SPECIAL-USE.
     *
     * @return folder names by role, possibly empty
     */
    public Map<FolderRole, String> specialFolders() {
        return specialFolders;
    }

    /**
     * The folder name for a role, when known.
     *
     * @param role the folder's role
     * @return the folder name, or empty when not known
     */
    public Optional<String> specialFolder(FolderRole role) {
        return Optional.ofNullable(specialFolders.get(role));
    }

    /**
     * Published sending limits.
     *
     * @return the sending limits
     */
    public ProviderLimits limits() {
        return limits;
    }

    /**
     * Whether the SMTP server files a copy of every sent message in the Sent folder itself.
     *
     * @return true when the server saves the Sent copy itself
     */
    public boolean savesSentCopy() {
        return savesSentCopy;
    }

    /**
     * Whether the IMAP server refuses SELECT until the client has sent the IMAP ID command (RFC 2971).
     *
     * @return true when IMAP ID must be sent before SELECT
     */
    public boolean imapIdRequired() {
        return imapIdRequired;
    }

    /**
     * Whether IMAP IDLE is known to drop or miss notifications, so polling is safer.
     *
     * @return true when IDLE is unreliable
     */
    public boolean idleUnreliable() {
        return idleUnreliable;
    }

    /**
     * When IMAP/SMTP access must first be switched on in the web settings: the settings page.
     *
     * @return the settings page, or empty when access need not be switched on
     */
    public Optional<URI> enableInWebSettings() {
        return Optional.ofNullable(enableInWebSettings);
    }

    /**
     * The provider's own help page for mail-client settings.
     *
     * @return the help page, or empty when not known
     */
    public Optional<URI> documentation() {
        return Optional.ofNullable(documentation);
    }

    /**
     * A remark worth showing a user, for example a recent policy change.
     *
     * @return the remark, or empty when there is none
     */
    public Optional<String> note() {
        return Optional.ofNullable(note);
    }

    /**
     * Where these settings came from: {@code built-in}, a file path, or an SPI class name.
     *
     * @return where these settings came from
     */
    public String source() {
        return source;
    }

    /**
     * Where the settings were taken from and when they were last checked: the provider's help page or a
     * file of Thunderbird's ISPDB. Every built-in provider has at least one.
     *
     * @return the sources, possibly empty for settings built in code or read from other files
     */
    public List<DataSource> dataSources() {
        return dataSources;
    }

    /**
     * What this provider is: a mailbox provider (the default) or a sending service, which has no user domains and
     * is found only by id or alias.
     *
     * @return the kind of provider
     */
    public ProviderKind kind() {
        return kind;
    }

    /**
     * Whether this is a sending service ({@link ProviderKind#SENDING_SERVICE}).
     *
     * @return true for a sending service
     */
    public boolean isSendingService() {
        return kind == ProviderKind.SENDING_SERVICE;
    }

    /**
     * For a sending service: what goes in the SMTP user name and password, as the service documents it.
     *
     * @return the credential form, or empty for mailbox providers (whose user name follows {@link #usernameTemplate()})
     */
    public Optional<CredentialForm> credentialForm() {
        return Optional.ofNullable(credentialForm);
    }

    /**
     * The domain a sending domain's SPF record names in an {@code include:} mechanism to authorise this service,
     * as the service publishes it, for example {@code amazonses.com} for {@code include:amazonses.com}. A service
     * that sends with its own envelope (bounce) domain may not need it on the visible From domain; see its page.
     *
     * @return the domain to include, without {@code include:}, or empty when the service publishes none
     */
    public Optional<String> spfInclude() {
        return Optional.ofNullable(spfInclude);
    }

    /**
     * Limits that apply instead of {@link #limits()} while an account is new and restricted (Amazon SES's sandbox:
     * 200 messages a day, 1 a second), each taking the place of the regular limit of the same kind.
     * {@code SmtpSender.Builder.sandboxLimits()} applies them.
     *
     * @return the sandbox limits, or empty when the provider publishes none
     */
    public Optional<ProviderLimits> sandboxLimits() {
        return Optional.ofNullable(sandboxLimits);
    }

    /**
     * Whether an MX host name matches one of {@link #mxPatterns()}.
     *
     * @param mxHost an MX host, for example {@code alt1.aspmx.l.google.com.}
     * @return true on a match
     */
    public boolean matchesMx(String mxHost) {
        return Lookups.mxMatchLength(this, mxHost) >= 0;
    }

    /**
     * Explains, in one or two sentences, how to log in to this provider when a login with the given
     * method failed: app password, authorization code, OAuth2, or enabling access in the web settings.
     *
     * @param used the method of the credentials that were refused
     * @return the hint
     */
    public String authenticationHint(AuthMethod used) {
        StringBuilder b = new StringBuilder();
        if (credentialForm != null && authMethods.contains(used)) {
            b.append("Check the user name (").append(credentialForm.user()).append(") and the password (")
                    .append(credentialForm.password()).append(").");
        } else if (!authMethods.contains(used)) {
            b.append(displayName).append(" does not accept ").append(describe(used)).append(" for mail clients; use ")
                    .append(authMethods.stream().map(ProviderSettings::describe).collect(Collectors.joining(" or ")))
                    .append('.');
        } else {
            b.append("Check the user name (").append(usernameTemplate.replace(EMAIL_ADDRESS, "the full e-mail address")
                    .replace(EMAIL_LOCAL_PART, "the part before the @")).append(") and ").append(describe(used)).append('.');
        }
        if (note != null) {
            b.append(' ').append(note);
        }
        if (enableInWebSettings != null) {
            b.append(" IMAP/SMTP access must be enabled first: ").append(enableInWebSettings).append('.');
        }
        if (documentation != null) {
            b.append(" See ").append(documentation);
        }
        return b.toString().trim();
    }

    private static String describe(AuthMethod m) {
        switch (m) {
            case PASSWORD: return "the account password";
            case APP_PASSWORD: return "an app password (Credentials.appPassword)";
            case AUTHORIZATION_CODE: return "an authorization code from the web settings (Credentials.authorizationCode)";
            case OAUTH2: return "OAuth2 (Credentials.oauth2)";
            default: throw new AssertionError(m);
        }
    }

    /** Two settings are equal when every field, including {@link #source()}, is equal. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ProviderSettings p)) {
            return false;
        }
        return id.equals(p.id) && displayName.equals(p.displayName) && aliases.equals(p.aliases)
                && domains.equals(p.domains) && mxPatterns.equals(p.mxPatterns) && imap.equals(p.imap)
                && smtp.equals(p.smtp) && usernameTemplate.equals(p.usernameTemplate)
                && Objects.equals(imapUsernameTemplate, p.imapUsernameTemplate)
                && Objects.equals(smtpUsernameTemplate, p.smtpUsernameTemplate) && dataSources.equals(p.dataSources)
                && authMethods.equals(p.authMethods) && Objects.equals(oauth2, p.oauth2)
                && specialFolders.equals(p.specialFolders) && limits.equals(p.limits)
                && savesSentCopy == p.savesSentCopy && imapIdRequired == p.imapIdRequired
                && idleUnreliable == p.idleUnreliable && Objects.equals(enableInWebSettings, p.enableInWebSettings)
                && Objects.equals(documentation, p.documentation) && Objects.equals(note, p.note)
                && source.equals(p.source) && kind == p.kind && Objects.equals(credentialForm, p.credentialForm)
                && Objects.equals(spfInclude, p.spfInclude) && Objects.equals(sandboxLimits, p.sandboxLimits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, domains, imap, smtp, source);
    }

    @Override
    public String toString() {
        return "ProviderSettings[id=" + id + ", kind=" + kind + ", name=" + displayName + ", aliases=" + aliases + ", domains=" + domains
                + ", mx=" + mxPatterns + ", imap=" + imap + ", smtp=" + smtp + ", username=" + usernameTemplate
                + ", auth=" + authMethods + ", flags=" + (savesSentCopy ? "savesSentCopy " : "")
                + (imapIdRequired ? "imapIdRequired " : "") + (idleUnreliable ? "idleUnreliable " : "")
                + (enableInWebSettings != null ? "enableInWebSettings" : "") + ", source=" + source + "]";
    }

    /** Mutable, not thread-safe builder for {@link ProviderSettings}; {@link #build()} leaves it untouched. */
    public static final class Builder {
        private final String id;
        private String displayName;
        private final List<String> aliases = new ArrayList<>();
        private final List<String> domains = new ArrayList<>();
        private final List<String> mxPatterns = new ArrayList<>();
        private final List<ServerEndpoint> imap = new ArrayList<>();
        private final List<ServerEndpoint> smtp = new ArrayList<>();
        private String usernameTemplate = EMAIL_ADDRESS;
        private String imapUsernameTemplate;
        private String smtpUsernameTemplate;
        private final List<AuthMethod> authMethods = new ArrayList<>();
        private OAuth2Settings oauth2;
        private final Map<FolderRole, String> specialFolders = new EnumMap<>(FolderRole.class);
        private ProviderLimits limits = ProviderLimits.NONE;
        private boolean savesSentCopy;
        private boolean imapIdRequired;
        private boolean idleUnreliable;
        private URI enableInWebSettings;
        private URI documentation;
        private String note;
        private String source = PROGRAMMATIC;
        private final List<DataSource> dataSources = new ArrayList<>();
        private ProviderKind kind = ProviderKind.MAILBOX;
        private CredentialForm credentialForm;
        private String spfInclude;
        private ProviderLimits sandboxLimits;

        private Builder(String id) {
            this.id = checkId(id, "id");
        }

        /**
         * Sets the display name.
         *
         * @param name a non-blank name
         * @return this builder
         */
        public Builder displayName(String name) {
            this.displayName = requireText(name, "displayName");
            return this;
        }

        /**
         * Adds an alias id.
         *
         * @param alias lower-case letters, digits, '.', '_' or '-'
         * @return this builder
         */
        public Builder alias(String alias) {
            aliases.add(checkId(alias, "alias"));
            return this;
        }

        /**
         * Adds a hosted e-mail domain (stored lower-case, IDN in punycode).
         *
         * @param domain for example {@code hotmail.com}
         * @return this builder
         */
        public Builder domain(String domain) {
            domains.add(Lookups.normaliseDomain(requireText(domain, "domain")));
            return this;
        }

        /**
         * Adds an MX host pattern ({@code *} matches any run of characters).
         *
         * @param pattern for example {@code *.mail.protection.outlook.com}
         * @return this builder
         */
        public Builder mxPattern(String pattern) {
            mxPatterns.add(Lookups.normaliseHost(requireText(pattern, "mxPattern")));
            return this;
        }

        /**
         * Adds an IMAP endpoint, after those already added.
         *
         * @param endpoint the endpoint
         * @return this builder
         */
        public Builder imap(ServerEndpoint endpoint) {
            imap.add(Objects.requireNonNull(endpoint, "imap endpoint"));
            return this;
        }

        /**
         * Adds an SMTP endpoint, after those already added.
         *
         * @param endpoint the endpoint
         * @return this builder
         */
        public Builder smtp(ServerEndpoint endpoint) {
            smtp.add(Objects.requireNonNull(endpoint, "smtp endpoint"));
            return this;
        }

        /**
         * Removes every IMAP and SMTP endpoint added so far, to derive a variant with other servers.
         *
         * @return this builder
         */
        public Builder clearEndpoints() {
            imap.clear();
            smtp.clear();
            return this;
        }

        /**
         * Sets the login-name template ({@link #EMAIL_ADDRESS}, {@link #EMAIL_LOCAL_PART}, or text with those placeholders).
         *
         * @param template the template
         * @return this builder
         */
        public Builder usernameTemplate(String template) {
            this.usernameTemplate = requireText(template, "usernameTemplate");
            return this;
        }

        /**
         * Sets the login-name template for one protocol only, where the provider asks for another form than
         * {@link #usernameTemplate(String)} for it.
         *
         * @param protocol SMTP or IMAP
         * @param template the template ({@link #EMAIL_ADDRESS}, {@link #EMAIL_LOCAL_PART}, or text with those placeholders)
         * @return this builder
         */
        public Builder usernameTemplate(Protocol protocol, String template) {
            Objects.requireNonNull(protocol, "protocol");
            String t = requireText(template, "usernameTemplate");
            if (protocol == Protocol.IMAP) {
                imapUsernameTemplate = t;
            } else {
                smtpUsernameTemplate = t;
            }
            return this;
        }

        /**
         * Adds an accepted login method, after those already added (duplicates are ignored).
         *
         * @param method the method
         * @return this builder
         */
        public Builder auth(AuthMethod method) {
            Objects.requireNonNull(method, "auth method");
            if (!authMethods.contains(method)) {
                authMethods.add(method);
            }
            return this;
        }

        /**
         * Sets the OAuth 2.0 settings.
         *
         * @param settings the settings
         * @return this builder
         */
        public Builder oauth2(OAuth2Settings settings) {
            this.oauth2 = Objects.requireNonNull(settings, "oauth2");
            return this;
        }

        /**
         * Sets the folder name for a role, for servers without SPECIAL-USE.
         *
         * @param role the role
         * @param name the folder name as the server shows it
         * @return this builder
         */
        public Builder specialFolder(FolderRole role, String name) {
            specialFolders.put(Objects.requireNonNull(role, "role"), requireText(name, "folder name"));
            return this;
        }

        /**
         * Sets the published sending limits.
         *
         * @param limits the limits
         * @return this builder
         */
        public Builder limits(ProviderLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * Sets whether the SMTP server saves a copy of sent mail itself.
         *
         * @param value the flag
         * @return this builder
         */
        public Builder savesSentCopy(boolean value) {
            this.savesSentCopy = value;
            return this;
        }

        /**
         * Sets whether the IMAP server requires the ID command before SELECT.
         *
         * @param value the flag
         * @return this builder
         */
        public Builder imapIdRequired(boolean value) {
            this.imapIdRequired = value;
            return this;
        }

        /**
         * Sets whether IMAP IDLE is unreliable at this provider.
         *
         * @param value the flag
         * @return this builder
         */
        public Builder idleUnreliable(boolean value) {
            this.idleUnreliable = value;
            return this;
        }

        /**
         * Marks that IMAP/SMTP access must be enabled in the web settings first, at this page.
         *
         * @param settingsPage the settings page
         * @return this builder
         */
        public Builder enableInWebSettings(URI settingsPage) {
            this.enableInWebSettings = Objects.requireNonNull(settingsPage, "settingsPage");
            return this;
        }

        /**
         * Sets the provider's help page for mail-client settings.
         *
         * @param page the page
         * @return this builder
         */
        public Builder documentation(URI page) {
            this.documentation = Objects.requireNonNull(page, "documentation");
            return this;
        }

        /**
         * Sets a remark worth showing a user.
         *
         * @param note the remark
         * @return this builder
         */
        public Builder note(String note) {
            this.note = requireText(note, "note");
            return this;
        }

        /**
         * Records where the settings came from (shown in errors and {@code toString()}).
         *
         * @param source a file path, class name or {@code built-in}
         * @return this builder
         */
        public Builder source(String source) {
            this.source = requireText(source, "source");
            return this;
        }

        /**
         * Adds where the settings were taken from and when they were last checked against it.
         *
         * @param dataSource the help page or ISPDB file, and the day it was checked
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            dataSources.add(Objects.requireNonNull(dataSource, "dataSource"));
            return this;
        }

        /**
         * Sets what the provider is (default {@link ProviderKind#MAILBOX}).
         *
         * @param kind the kind
         * @return this builder
         */
        public Builder kind(ProviderKind kind) {
            this.kind = Objects.requireNonNull(kind, "kind");
            return this;
        }

        /**
         * Sets what a sending service takes as SMTP user name and password.
         *
         * @param form the credential form
         * @return this builder
         */
        public Builder credentialForm(CredentialForm form) {
            this.credentialForm = Objects.requireNonNull(form, "credentialForm");
            return this;
        }

        /**
         * Sets the domain a sending domain's SPF record includes to authorise this service.
         *
         * @param domain for example {@code amazonses.com} (an {@code include:} prefix is dropped)
         * @return this builder
         */
        public Builder spfInclude(String domain) {
            String d = requireText(domain, "spfInclude");
            if (d.regionMatches(true, 0, "include:", 0, 8)) {
                d = d.substring(8);
            }
            d = Lookups.normaliseHost(d);
            if (!SPF_DOMAIN.matcher(d).matches()) {
                throw new IllegalArgumentException("spfInclude '" + domain + "' is not a domain name");
            }
            this.spfInclude = d;
            return this;
        }

        /**
         * Sets the limits of a new, restricted account (a sandbox).
         *
         * @param limits the sandbox limits
         * @return this builder
         */
        public Builder sandboxLimits(ProviderLimits limits) {
            this.sandboxLimits = Objects.requireNonNull(limits, "sandboxLimits");
            return this;
        }

        /**
         * Builds the settings.
         *
         * @return the settings
         * @throws IllegalStateException if there is neither an IMAP nor an SMTP endpoint, or a sending service has
         *                               e-mail domains, MX patterns or IMAP endpoints
         */
        public ProviderSettings build() {
            if (imap.isEmpty() && smtp.isEmpty()) {
                throw new IllegalStateException("provider '" + id + "' needs at least one IMAP or SMTP endpoint");
            }
            if (kind == ProviderKind.SENDING_SERVICE && (!domains.isEmpty() || !mxPatterns.isEmpty() || !imap.isEmpty())) {
                throw new IllegalStateException("sending service '" + id + "' is SMTP only and found by id or alias:"
                        + " it takes no e-mail domains, MX patterns or IMAP endpoints");
            }
            return new ProviderSettings(this);
        }

        private static String checkId(String value, String name) {
            requireText(value, name);
            if (!ID.matcher(value).matches()) {
                throw new IllegalArgumentException(name + " '" + value
                        + "' must be lower-case letters, digits, '.', '_' or '-'");
            }
            return value;
        }
    }

    private static String requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value.strip();
    }
}
