package dev.mailkit.core;

import dev.mailkit.core.SettingsCheck.Severity;
import dev.mailkit.core.internal.ExceptionTranslator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLSocket;

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
 * <p>The checks before the login go through an injectable {@link HostResolver} (the login itself is
 * Jakarta Mail's, with the system resolver) and the {@link ConnectionOptions}' timeouts and trust;
 * nothing is sent before TLS where TLS is expected, and no secret appears in a finding.
 */
public final class MailDiagnostics {

    /** Resolves host names; {@link #system()} uses the operating system's resolver. */
    @FunctionalInterface
    public interface HostResolver {
        /**
         * Resolves a host.
         *
         * @param host the name
         * @return its addresses, at least one
         * @throws UnknownHostException when it does not resolve
         */
        InetAddress[] resolve(String host) throws UnknownHostException;

        /** The system resolver. */
        static HostResolver system() {
            return InetAddress::getAllByName;
        }
    }

    /**
     * One finding.
     *
     * @param protocol what it is about: SMTP (sending), IMAP (receiving), or null for the address itself
     * @param severity OK, WARNING or ERROR
     * @param check    the step, for example {@code "TLS"}
     * @param evidence what was seen
     * @param fix      the fix in one sentence; empty when nothing is to be done
     */
    public record Finding(Protocol protocol, Severity severity, String check, String evidence, String fix) {

        /**
         * Validates.
         *
         * @throws NullPointerException if a component other than protocol is null
         */
        public Finding {
            Objects.requireNonNull(severity, "severity");
            Objects.requireNonNull(check, "check");
            Objects.requireNonNull(evidence, "evidence");
            Objects.requireNonNull(fix, "fix");
        }

        @Override
        public String toString() {
            return (protocol == null ? "" : protocol + " ") + check + " " + severity + ": " + evidence
                    + (fix.isEmpty() ? "" : " — " + fix);
        }
    }

    /**
     * What to diagnose.
     *
     * @param address     the e-mail address (selects the provider), or null
     * @param smtp        the user's SMTP setting, or null for the provider's
     * @param imap        the user's IMAP setting, or null for the provider's
     * @param credentials to try a login with, or null to stop before logging in
     */
    public record Request(String address, ServerEndpoint smtp, ServerEndpoint imap, Credentials credentials) {

        /** For an address, with the provider's settings and no login. */
        public static Request forAddress(String address) {
            return new Request(address, null, null, null);
        }

        /** The same with the user's SMTP setting. */
        public Request smtp(ServerEndpoint endpoint) {
            return new Request(address, endpoint, imap, credentials);
        }

        /** The same with the user's IMAP setting. */
        public Request imap(ServerEndpoint endpoint) {
            return new Request(address, smtp, endpoint, credentials);
        }

        /** The same with a login attempt. */
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

        /** Copies. */
        public Report {
            findings = List.copyOf(findings);
        }

        /** Whether nothing found stops sending (no SMTP error). */
        public boolean sendingShouldWork() {
            return works(Protocol.SMTP);
        }

        /** Whether nothing found stops receiving (no IMAP error). */
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
    private final HostResolver resolver;
    private final ConnectionOptions options;

    private MailDiagnostics(Builder b) {
        this.registry = b.registry;
        this.resolver = b.resolver;
        this.options = b.options;
    }

    /** A builder: the default registry, the system resolver, default connection options. */
    public static Builder builder() {
        return new Builder();
    }

    /** Mutable builder. */
    public static final class Builder {
        private ProviderRegistry registry = ProviderRegistry.defaults();
        private HostResolver resolver = HostResolver.system();
        private ConnectionOptions options = ConnectionOptions.defaults();

        private Builder() {
        }

        /** The providers to compare with. */
        public Builder registry(ProviderRegistry r) {
            this.registry = Objects.requireNonNull(r, "registry");
            return this;
        }

        /** How host names are resolved (tests inject one). */
        public Builder resolver(HostResolver r) {
            this.resolver = Objects.requireNonNull(r, "resolver");
            return this;
        }

        /** Timeouts, trusted certificates and plaintext opt-in for the connections made. */
        public Builder options(ConnectionOptions o) {
            this.options = Objects.requireNonNull(o, "options");
            return this;
        }

        /** Builds. */
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

    private void protocol(Protocol protocol, ServerEndpoint given, ProviderSettings provider, Credentials credentials,
                          List<Finding> out) {
        ServerEndpoint endpoint = given != null ? given : provider == null ? null : provider.endpoint(protocol).orElse(null);
        if (endpoint == null) {
            out.add(new Finding(protocol, Severity.ERROR, "settings", "no " + protocol + " server known",
                    "give the " + protocol + " server (host, port and security) from your provider's help pages"));
            return;
        }
        if (given != null) {
            List<SettingsCheck.Finding> findings = SettingsCheck.check(registry, protocol, given);
            for (SettingsCheck.Finding f : findings) {
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
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(endpoint.host());
            out.add(new Finding(protocol, Severity.OK, "DNS", endpoint.host() + " resolves to " + addresses[0].getHostAddress(), ""));
        } catch (UnknownHostException e) {
            out.add(new Finding(protocol, Severity.ERROR, "DNS", endpoint.host() + " does not resolve",
                    "check the spelling of the host name and your network or DNS settings"));
            return;
        }
        try (Session s = Session.open(addresses[0], endpoint, options, protocol, out)) {
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
            out.add(new Finding(protocol, Severity.ERROR, "login", "refused: " + oneLine(reply),
                    knownRefusal(reply, provider, credentials)));
        } catch (MailkitException e) {
            out.add(new Finding(protocol, Severity.ERROR, "login", oneLine(e.getMessage()), "see the earlier checks"));
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

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\r', ' ').replace('\n', ' ').strip();
    }

    /** What the server said it can do. */
    private record Capabilities(boolean starttls, List<String> auth, boolean loginDisabled) {
    }

    /** One diagnostic connection: plain or TLS socket, line-based talk. */
    private static final class Session implements AutoCloseable {
        private final Protocol protocol;
        private final ServerEndpoint endpoint;
        private final ConnectionOptions options;
        private final List<Finding> out;
        private Socket socket;
        private BufferedReader in;
        private OutputStream outStream;
        private int tag;

        private Session(Protocol protocol, ServerEndpoint endpoint, ConnectionOptions options, List<Finding> out) {
            this.protocol = protocol;
            this.endpoint = endpoint;
            this.options = options;
            this.out = out;
        }

        static Session open(InetAddress address, ServerEndpoint endpoint, ConnectionOptions options, Protocol protocol,
                            List<Finding> out) {
            Session s = new Session(protocol, endpoint, options, out);
            long start = System.nanoTime();
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, endpoint.port()), (int) options.connectTimeout().toMillis());
                socket.setSoTimeout((int) Math.min(options.readTimeout().toMillis(), 15_000));
            } catch (IOException e) {
                closeQuietly(socket);
                boolean timeout = e instanceof SocketTimeoutException;
                out.add(new Finding(protocol, Severity.ERROR, "TCP", (timeout ? "no answer from " : "refused by ")
                        + address.getHostAddress() + ":" + endpoint.port() + (timeout ? " within "
                        + options.connectTimeout().toSeconds() + " s" : ""), timeout
                        ? "a firewall or network may block port " + endpoint.port() + "; try another network, or the provider's other port"
                        : "nothing listens on port " + endpoint.port() + ": check the port"));
                return null;
            }
            s.socket = socket;
            out.add(new Finding(protocol, Severity.OK, "TCP", "connected to " + address.getHostAddress() + ":" + endpoint.port()
                    + " in " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms", ""));
            return s;
        }

        /** Implicit TLS: the handshake now; otherwise nothing to do. */
        boolean handshake() {
            if (endpoint.security() != Security.SSL_TLS) {
                return true;
            }
            return tls("TLS");
        }

        boolean startTls() throws IOException {
            String reply = protocol == Protocol.SMTP ? command("STARTTLS") : command(nextTag() + " STARTTLS");
            if (reply == null || !(reply.startsWith("220") || reply.contains(" OK"))) {
                out.add(new Finding(protocol, Severity.ERROR, "STARTTLS", "refused: " + reply, "check the server settings"));
                return false;
            }
            return tls("STARTTLS");
        }

        private boolean tls(String check) {
            try {
                SSLSocket ssl = (SSLSocket) options.sslSocketFactory().createSocket(socket, endpoint.host(), endpoint.port(), true);
                ssl.startHandshake();
                socket = ssl;
                in = null;
                X509Certificate cert = (X509Certificate) ssl.getSession().getPeerCertificates()[0];
                out.add(new Finding(protocol, Severity.OK, check, ssl.getSession().getProtocol() + ", certificate for "
                        + endpoint.host() + " valid until " + cert.getNotAfter().toInstant(), ""));
                return true;
            } catch (IOException e) {
                String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
                if (msg.contains("unrecognized ssl message") || msg.contains("plaintext connection")) {
                    out.add(new Finding(protocol, Severity.ERROR, check, "the server answered in plaintext on port "
                            + endpoint.port() + ", not with TLS", "use Security.STARTTLS on this port (or implicit TLS on port "
                            + (protocol == Protocol.SMTP ? 465 : 993) + ")"));
                    return false;
                }
                MailkitException t = ExceptionTranslator.translate(e, protocol, endpoint, options, null);
                String reason = t instanceof TlsException te ? te.reason().name() : t.getClass().getSimpleName();
                out.add(new Finding(protocol, Severity.ERROR, check, reason + ": " + oneLine(t.getMessage()),
                        t instanceof TlsException te && te.reason() == TlsException.Reason.UNTRUSTED_CERTIFICATE
                                ? "for your own server, trust its certificate with ConnectionOptions.trustCertificates(pem)"
                                : "do not send credentials to this server until its TLS is fixed"));
                return false;
            }
        }

        /** Reads the greeting (first time) and asks for the capabilities. */
        Capabilities capabilities() throws IOException {
            if (in == null) {
                in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                outStream = socket.getOutputStream();
            }
            if (!greeted) {
                greeted = true;
                String greeting = readReply();
                boolean ok = greeting != null && (protocol == Protocol.SMTP ? greeting.startsWith("220")
                        : greeting.startsWith("* OK") || greeting.startsWith("* PREAUTH"));
                if (!ok) {
                    out.add(new Finding(protocol, Severity.ERROR, "greeting", greeting == null
                            ? "no greeting within " + socket.getSoTimeout() / 1000 + " s" : "unexpected: " + oneLine(greeting),
                            greeting == null && endpoint.security() != Security.SSL_TLS
                                    ? "the port may expect implicit TLS: use Security.SSL_TLS (SMTP 465, IMAP 993)"
                                    : "check that this is a " + protocol + " server and port"));
                    return null;
                }
                out.add(new Finding(protocol, Severity.OK, "greeting", oneLine(greeting), ""));
            }
            List<String> lines = new ArrayList<>();
            if (protocol == Protocol.SMTP) {
                String reply = command("EHLO mailkit-doctor");
                if (reply == null || !reply.startsWith("250")) {
                    out.add(new Finding(protocol, Severity.ERROR, "EHLO", "refused: " + oneLine(reply), "check that this is an SMTP server"));
                    return null;
                }
                lines.addAll(List.of(reply.split("\n")));
            } else {
                String t = nextTag();
                send(t + " CAPABILITY");
                String line;
                while ((line = in.readLine()) != null && !line.startsWith(t + " ")) {
                    lines.add(line);
                }
            }
            boolean starttls = false;
            boolean loginDisabled = false;
            List<String> auth = new ArrayList<>();
            for (String l : lines) {
                String u = l.toUpperCase(Locale.ROOT);
                if (protocol == Protocol.SMTP) {
                    String ext = u.length() > 4 ? u.substring(4).strip() : "";
                    starttls |= ext.equals("STARTTLS");
                    if (ext.startsWith("AUTH ") || ext.startsWith("AUTH=")) {
                        auth.addAll(List.of(ext.substring(5).strip().split("\\s+")));
                    }
                } else {
                    for (String cap : u.replace("* CAPABILITY", "").strip().split("\\s+")) {
                        starttls |= cap.equals("STARTTLS");
                        loginDisabled |= cap.equals("LOGINDISABLED");
                        if (cap.startsWith("AUTH=")) {
                            auth.add(cap.substring(5));
                        }
                    }
                }
            }
            if (protocol == Protocol.IMAP && !loginDisabled && !auth.contains("LOGIN")) {
                auth.add("LOGIN"); // the IMAP LOGIN command, available unless LOGINDISABLED
            }
            return new Capabilities(starttls, auth, loginDisabled);
        }

        private boolean greeted;

        private String nextTag() {
            return "d" + (++tag);
        }

        private void send(String line) throws IOException {
            outStream.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            outStream.flush();
        }

        private String command(String line) throws IOException {
            send(line);
            if (protocol == Protocol.IMAP) {
                String t = line.substring(0, line.indexOf(' '));
                String l;
                while ((l = in.readLine()) != null) {
                    if (l.startsWith(t + " ")) {
                        return l;
                    }
                }
                return null;
            }
            return readReply();
        }

        /** One SMTP reply (all its lines) or one IMAP line; null on timeout or end of stream. */
        private String readReply() throws IOException {
            StringBuilder b = new StringBuilder();
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    b.append(b.length() == 0 ? "" : "\n").append(line);
                    if (protocol == Protocol.IMAP || line.length() < 4 || line.charAt(3) != '-') {
                        return b.toString();
                    }
                }
            } catch (SocketTimeoutException e) {
                return null;
            }
            return b.length() == 0 ? null : b.toString();
        }

        @Override
        public void close() {
            if (socket != null && outStream != null && !socket.isClosed()) {
                try {
                    send(protocol == Protocol.SMTP ? "QUIT" : nextTag() + " LOGOUT");
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            closeQuietly(socket);
        }

        private static void closeQuietly(Socket s) {
            try {
                if (s != null) {
                    s.close();
                }
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
