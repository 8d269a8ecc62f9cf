package dev.mailkit.core.diagnostics;

import dev.mailkit.core.AuthMethod;
import dev.mailkit.core.AuthenticationException;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.DnsResolver;
import dev.mailkit.core.MailSession;
import dev.mailkit.core.MailkitException;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.internal.diagnostics.ProbeConnection.Capabilities;
import dev.mailkit.core.internal.diagnostics.ProbeConnection;
import dev.mailkit.core.internal.deliverability.SendingDomainCheck;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Finds out why mail does not work, and says how to fix it. Given an address and optionally the user's
 * own SMTP and IMAP settings and credentials, checks in order, stopping where later checks cannot run:
 * the settings against the provider registry (swapped SMTP/IMAP hosts, port/security mix-ups); DNS; the
 * TCP connection, timed; the TLS handshake (certificate chain, host name, expiry, TLS version); the
 * greeting and capabilities (STARTTLS, AUTH mechanisms, XOAUTH2); and, with credentials, a login whose
 * refusal is mapped to the provider-specific fix (Microsoft's {@code 535 5.7.139}, {@code 550 5.7.30},
 * 163's {@code Unsafe Login}, Gmail's {@code [ALERT] Please log in via your web browser},
 * {@code AUTHENTICATIONFAILED}).
 *
 * <pre>{@code
 * MailDiagnostics.Report r = MailDiagnostics.builder().build()
 *         .diagnose(MailDiagnostics.Request.forAddress("me@outlook.com").credentials(creds));
 * r.findings().forEach(System.out::println);
 * }</pre>
 *
 * <p>The checks before the login resolve host names through an injectable {@link DnsResolver} (the login itself is
 * Jakarta Mail's, with the system resolver) and the {@link ConnectionOptions}' timeouts and trust;
 * nothing is sent before TLS where TLS is expected, and no secret appears in a finding. With a
 * {@linkplain ConnectionOptions#proxy() proxy} every connection goes through it and the proxy resolves the
 * host names: the {@code DNS} finding says so (it is not an error that this machine cannot resolve them), the
 * {@code TCP} finding names the proxy, and a failing proxy is a {@code proxy} finding with its fix.
 *
 * <p>{@link #checkSendingDomain} checks what receivers look up about a domain mail is sent from — SPF, DKIM,
 * DMARC, MX and reverse DNS — and names the records to publish:
 *
 * <pre>{@code
 * SendingDomainReport r = MailDiagnostics.builder().build().checkSendingDomain(
 *         SendingDomainRequest.forDomain("example.com").relaySpfInclude("amazonses.com").dkim("mk2024", publicKey));
 * r.findings().forEach(System.out::println);
 * r.recordsToPublish().forEach(rec -> System.out.println(rec.zoneFileLine()));
 * }</pre>
 */
public final class MailDiagnostics {

    /**
     * What to diagnose.
     *
     * @param address     the e-mail address (selects the provider), or null
     * @param smtp        the user's SMTP setting, or null for the provider's
     * @param imap        the user's IMAP setting, or null for the provider's
     * @param credentials to try a login with, or null to stop before logging in
     */
    public record Request(String address, ServerEndpoint smtp, ServerEndpoint imap, Credentials credentials) {

        /**
         * For an address, with the provider's settings and no login.
         *
         * @param address the e-mail address
         * @return a request for that address
         */
        public static Request forAddress(String address) {
            return new Request(address, null, null, null);
        }

        /**
         * The same with the user's SMTP setting.
         *
         * @param endpoint the SMTP server to check instead of the provider's
         * @return a copy of this request with that SMTP endpoint
         */
        public Request smtp(ServerEndpoint endpoint) {
            return new Request(address, endpoint, imap, credentials);
        }

        /**
         * The same with the user's IMAP setting.
         *
         * @param endpoint the IMAP server to check instead of the provider's
         * @return a copy of this request with that IMAP endpoint
         */
        public Request imap(ServerEndpoint endpoint) {
            return new Request(address, smtp, endpoint, credentials);
        }

        /**
         * The same with a login attempt.
         *
         * @param c the credentials to log in with
         * @return a copy of this request with those credentials
         */
        public Request credentials(Credentials c) {
            return new Request(address, smtp, imap, c);
        }

        @Override
        public String toString() {
            return "Request[address=" + address + ", smtp=" + smtp + ", imap=" + imap + ", credentials="
                    + (credentials == null ? "none" : credentials) + "]";
        }
    }

    /**
     * The findings, in the order they were made.
     *
     * @param findings every finding
     */
    public record Report(List<Finding> findings) {

        /**
         * Copies.
         *
         * @param findings every finding
         */
        public Report {
            findings = List.copyOf(findings);
        }

        /**
         * Whether nothing found stops sending (no SMTP error).
         *
         * @return true when SMTP was checked and no check found an error
         */
        public boolean sendingShouldWork() {
            return works(Protocol.SMTP);
        }

        /**
         * Whether nothing found stops receiving (no IMAP error).
         *
         * @return true when IMAP was checked and no check found an error
         */
        public boolean receivingShouldWork() {
            return works(Protocol.IMAP);
        }

        private boolean works(Protocol p) {
            boolean checked = false;
            for (Finding f : findings) {
                if (f.protocol() == null && f.severity() == Severity.ERROR) {
                    return false;
                }
                if (f.protocol() == p) {
                    checked = true;
                    if (f.severity() == Severity.ERROR) {
                        return false;
                    }
                }
            }
            return checked;
        }
    }

    private final ProviderRegistry registry;
    private final DnsResolver resolver;
    private final ConnectionOptions options;
    private final Duration dnsTimeBound;

    private MailDiagnostics(Builder b) {
        this.registry = b.registry;
        this.resolver = b.resolver;
        this.options = b.options;
        this.dnsTimeBound = b.dnsTimeBound;
    }

    /**
     * A builder: the default registry, the system resolver, default connection options.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Mutable builder. */
    public static final class Builder {
        private ProviderRegistry registry = ProviderRegistry.defaults();
        private DnsResolver resolver = DnsResolver.system(Duration.ofSeconds(5));
        private ConnectionOptions options = ConnectionOptions.defaults();
        private Duration dnsTimeBound = Duration.ofSeconds(30);

        private Builder() {
        }

        /**
         * The providers to compare with.
         *
         * @param r the registry
         * @return this builder
         */
        public Builder registry(ProviderRegistry r) {
            this.registry = Objects.requireNonNull(r, "registry");
            return this;
        }

        /**
         * How host names are resolved, through {@link DnsResolver#addresses(String)} (tests inject one), and
         * where {@link #checkSendingDomain} looks up records. Default: the system's DNS, 5 seconds per look-up;
         * {@link DnsResolver#using} asks one given server.
         *
         * @param r the resolver
         * @return this builder
         */
        public Builder resolver(DnsResolver r) {
            this.resolver = Objects.requireNonNull(r, "resolver");
            return this;
        }

        /**
         * Timeouts, trusted certificates and plaintext opt-in for the connections made.
         *
         * @param o the connection options
         * @return this builder
         */
        public Builder options(ConnectionOptions o) {
            this.options = Objects.requireNonNull(o, "options");
            return this;
        }

        /**
         * The time all DNS look-ups of one {@link #checkSendingDomain} may take together (default 30 seconds):
         * once it has passed, the remaining look-ups are not made and their checks report so. A look-up under
         * way when it passes ends by the resolver's own timeout, so a check takes at most this bound plus one
         * look-up timeout. A check also makes at most 200 look-ups.
         *
         * @param total the bound
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder dnsTimeBound(Duration total) {
            Objects.requireNonNull(total, "total");
            if (total.isNegative() || total.isZero()) {
                throw new IllegalArgumentException("the DNS time bound must be positive, not " + total);
            }
            this.dnsTimeBound = total;
            return this;
        }

        /**
         * Builds.
         *
         * @return the diagnostics
         */
        public MailDiagnostics build() {
            return new MailDiagnostics(this);
        }
    }

    /**
     * Runs every check that can run.
     *
     * @param request what to check
     * @return the findings
     */
    public Report diagnose(Request request) {
        List<Finding> out = new ArrayList<>();
        ProviderSettings provider = null;
        if (request.address() != null) {
            try {
                provider = registry.forEmail(request.address()).orElse(null);
                out.add(provider != null
                        ? new Finding(null, Severity.OK, "provider", request.address() + " is at " + provider.displayName(), "")
                        : new Finding(null, Severity.WARNING, "provider", "mailkit's data does not know the domain of "
                        + request.address(), "give the SMTP and IMAP settings from your provider's help pages"));
            } catch (IllegalArgumentException e) {
                out.add(new Finding(null, Severity.ERROR, "address", "'" + request.address() + "' is not an e-mail address",
                        "give the full address, for example me@example.com"));
                return new Report(out);
            }
        }
        protocol(Protocol.SMTP, request.smtp(), provider, request.credentials(), out);
        protocol(Protocol.IMAP, request.imap(), provider, request.credentials(), out);
        return new Report(out);
    }

    /**
     * Checks what receivers look up about a domain mail is sent from, in this order: SPF (exactly one
     * {@code v=spf1} record, its syntax, at most 10 DNS look-ups through every include and 2 that find nothing,
     * the relay's include or the relay's and sending addresses let through, an ending {@code -all} or
     * {@code ~all}); DKIM (the key record at {@code <selector>._domainkey.<domain>}: present, valid, not revoked,
     * RSA of at least 1024 bits (2048 advised), and the same key as the one given); DMARC (one record at
     * {@code _dmarc.<domain>}, or else at the organisational domain taken as the last two labels; its policy and
     * report address); MX; and, for a sending address, reverse DNS that is forward-confirmed. Each problem is a
     * finding whose fix names the exact record to publish where the request allows building it (the DKIM
     * record from the given public key, for example); those records are listed in the report.
     *
     * <p>Look-ups go through the builder's {@link DnsResolver}, each bounded by its timeout and all of them by
     * {@link Builder#dnsTimeBound}; a look-up that fails is a {@code DNS} finding, never taken for a missing
     * record. Nothing but public DNS data and the given public key appears in the findings.
     *
     * @param request what to check
     * @return the findings and the records to publish
     */
    public SendingDomainReport checkSendingDomain(SendingDomainRequest request) {
        Objects.requireNonNull(request, "request");
        return SendingDomainCheck.run(request, resolver, dnsTimeBound, System::nanoTime);
    }

    private void protocol(Protocol protocol, ServerEndpoint given, ProviderSettings provider, Credentials credentials,
                          List<Finding> out) {
        ServerEndpoint endpoint = given != null ? given : provider == null ? null : provider.endpoint(protocol).orElse(null);
        if (endpoint == null) {
            out.add(new Finding(protocol, Severity.ERROR, "settings", "no " + protocol + " server known",
                    "give the " + protocol + " server (host, port and security) from your provider's help pages"));
            return;
        }
        if (given != null) {
            List<Finding> findings = SettingsCheck.check(registry, protocol, given);
            for (Finding f : findings) {
                out.add(new Finding(protocol, f.severity(), "settings", f.evidence(), f.fix()));
            }
            if (findings.stream().anyMatch(f -> f.severity() == Severity.ERROR)) {
                return;
            }
            if (findings.isEmpty()) {
                out.add(new Finding(protocol, Severity.OK, "settings", endpoint + " is consistent", ""));
            }
        } else {
            out.add(new Finding(protocol, Severity.OK, "settings", endpoint + " from mailkit's data", ""));
        }
        if (endpoint.isPlaintext() && !options.plaintextAllowed()) {
            out.add(new Finding(protocol, Severity.ERROR, "settings", endpoint + " is unencrypted",
                    "use SSL_TLS or STARTTLS; plaintext is for loopback test servers only"));
            return;
        }
        ProbeConnection connection;
        if (options.proxy().isPresent()) {
            // The proxy resolves the name: a name this machine cannot resolve is no fault here.
            out.add(new Finding(protocol, Severity.OK, "DNS", endpoint.host() + " is resolved by the proxy "
                    + options.proxy().get() + ", not here", ""));
            connection = ProbeConnection.openThroughProxy(endpoint, options, protocol, out);
        } else {
            InetAddress[] addresses;
            try {
                addresses = resolver.addresses(endpoint.host());
                out.add(new Finding(protocol, Severity.OK, "DNS", endpoint.host() + " resolves to " + addresses[0].getHostAddress(), ""));
            } catch (UnknownHostException e) {
                out.add(new Finding(protocol, Severity.ERROR, "DNS", endpoint.host() + " does not resolve",
                        "check the spelling of the host name and your network or DNS settings"));
                return;
            }
            connection = ProbeConnection.open(addresses[0], endpoint, options, protocol, out);
        }
        try (ProbeConnection s = connection) {
            if (s == null) {
                return;
            }
            if (!s.handshake()) {
                return;
            }
            Capabilities caps = s.capabilities();
            if (caps == null) {
                return;
            }
            if (endpoint.security() == Security.STARTTLS) {
                if (!caps.starttls()) {
                    out.add(new Finding(protocol, Severity.ERROR, "STARTTLS", "the server does not offer STARTTLS",
                            "check the port (" + (protocol == Protocol.SMTP ? "587" : "143") + " with STARTTLS, "
                                    + (protocol == Protocol.SMTP ? "465" : "993") + " with SSL_TLS); a proxy may be removing it"));
                    return;
                }
                if (!s.startTls()) {
                    return;
                }
                caps = s.capabilities();
                if (caps == null) {
                    return;
                }
            }
            authCapabilities(protocol, caps, provider, credentials, out);
        } catch (IOException e) {
            out.add(new Finding(protocol, Severity.ERROR, "connection", "lost: " + e.getMessage(), "try again; if it persists, check firewalls"));
            return;
        }
        if (credentials != null) {
            login(protocol, endpoint, provider, credentials, out);
        }
    }

    private static void authCapabilities(Protocol protocol, Capabilities caps, ProviderSettings provider,
                                         Credentials credentials, List<Finding> out) {
        String mechs = String.join(" ", caps.auth());
        if (caps.loginDisabled() && caps.auth().isEmpty()) {
            out.add(new Finding(protocol, Severity.ERROR, "AUTH", "the server does not allow logging in here (LOGINDISABLED)",
                    "use the TLS settings of your provider"));
            return;
        }
        if (caps.auth().isEmpty()) {
            out.add(new Finding(protocol, Severity.WARNING, "AUTH", "the server offers no login mechanism",
                    protocol == Protocol.SMTP ? "this looks like a relay that accepts mail without login; check the host and port"
                            : "check the host and port"));
            return;
        }
        boolean oauth = credentials != null && credentials.isOAuth2();
        if (oauth && !caps.auth().contains("XOAUTH2") && !caps.auth().contains("OAUTHBEARER")) {
            out.add(new Finding(protocol, Severity.ERROR, "AUTH", "OAuth2 credentials, but the server offers only " + mechs,
                    "use a password, app password or authorization code for this server"));
            return;
        }
        out.add(new Finding(protocol, Severity.OK, "AUTH", "offers " + mechs, ""));
        if (!caps.auth().contains("XOAUTH2") && !caps.auth().contains("OAUTHBEARER") && provider != null
                && provider.accepts(AuthMethod.OAUTH2) && provider.authMethods().size() == 1) {
            out.add(new Finding(protocol, Severity.WARNING, "AUTH", provider.displayName() + " accepts only OAuth2, but this"
                    + " server offers neither XOAUTH2 nor OAUTHBEARER", "use the provider's own servers"));
        }
    }

    private void login(Protocol protocol, ServerEndpoint endpoint, ProviderSettings provider, Credentials credentials,
                       List<Finding> out) {
        MailSession.Builder b = MailSession.builder(protocol, endpoint).credentials(credentials).options(options);
        if (provider != null) {
            b.provider(provider);
        }
        MailSession session = b.build();
        try {
            if (protocol == Protocol.SMTP) {
                session.connectTransport().close();
            } else {
                session.connectStore().close();
            }
            out.add(new Finding(protocol, Severity.OK, "login", "logged in as " + credentials.username(), ""));
        } catch (AuthenticationException e) {
            String reply = e.serverReply().orElse(e.getMessage());
            out.add(new Finding(protocol, Severity.ERROR, "login", "refused: " + ProbeConnection.oneLine(reply),
                    knownRefusal(reply, provider, credentials)));
        } catch (MailkitException e) {
            out.add(new Finding(protocol, Severity.ERROR, "login", ProbeConnection.oneLine(e.getMessage()), "see the earlier checks"));
        } catch (jakarta.mail.MessagingException e) {
            out.add(new Finding(protocol, Severity.WARNING, "login", "logged in, but closing failed: " + e.getMessage(), ""));
        }
    }

    /** The fix for a refused login, from the reply and what the registry knows about the provider. */
    static String knownRefusal(String reply, ProviderSettings provider, Credentials credentials) {
        String r = reply.toLowerCase(Locale.ROOT);
        String name = provider == null ? "the provider" : provider.displayName();
        if (r.contains("5.7.139") || r.contains("5.7.30") || r.contains("basic authentication is disabled")
                || r.contains("basic authentication is not supported")) {
            return name + " has turned off password (basic) login: use OAuth2 (Credentials.oauth2 with a token from"
                    + " Microsoft's identity platform)";
        }
        if (r.contains("unsafe login")) {
            return name + " blocks this login until IMAP/SMTP is enabled in its web settings; then log in with the"
                    + " authorization code it shows (Credentials.authorizationCode), not the account password";
        }
        if (r.contains("please log in via your web browser") || r.contains("web login required")) {
            return name + " wants a sign-in in a web browser first (or an app password, or OAuth2): sign in at the"
                    + " provider's web mail, confirm the security prompt, then try again";
        }
        if (r.contains("application-specific password") || r.contains("5.7.9")) {
            return name + " needs an app password (Credentials.appPassword) for mail clients";
        }
        if (provider != null) {
            return provider.authenticationHint(credentials.method());
        }
        return "check the user name (often the full address) and the password";
    }
}
