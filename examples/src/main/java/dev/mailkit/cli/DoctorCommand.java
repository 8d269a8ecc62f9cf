package dev.mailkit.cli;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.ProxySettings;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.diagnostics.Finding;
import dev.mailkit.core.diagnostics.MailDiagnostics;
import dev.mailkit.core.diagnostics.SendingDomainReport;
import dev.mailkit.core.diagnostics.Severity;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code mailkit doctor}: why mail does not work, and how to fix it. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Checks an account's SMTP (sending) and IMAP (receiving) settings step by step: the settings "
                + "against the provider registry, DNS, the connection, TLS, the server's capabilities and, with a "
                + "password or --oauth2, the login. Each problem comes with its fix; --oauth2 also explains why "
                + "a token cannot be had or is refused. With --sending-domain (with or without EMAIL) it also checks "
                + "what receivers look up about a domain mail is sent from: SPF, DKIM, DMARC, MX and reverse DNS, "
                + "each problem with the record to publish.",
        footer = {"", "Exit codes: 0 sending and receiving should work; 5 only one of them should; otherwise the code of "
                + "the first check that failed (3 login, 4 DNS, connection or TLS, 2 settings). --sending-domain: 0 when "
                + "no record check found an error (warnings allowed), 2 a record missing or wrong, 4 a DNS look-up that "
                + "failed; with EMAIL too, the account's code comes first."})
final class DoctorCommand implements Callable<Integer> {

    @ParentCommand
    Mailkit root;

    @Parameters(index = "0", arity = "0..1", paramLabel = "EMAIL", description = "The e-mail address (not needed with "
            + "--sending-domain alone).")
    String address;

    @Option(names = "--smtp", paramLabel = "HOST:PORT:SECURITY", description = "Your SMTP setting, for example "
            + "smtp.example.com:587:starttls (security: tls, starttls or plain). Default: the provider's.")
    String smtp;

    @Option(names = "--imap", paramLabel = "HOST:PORT:SECURITY", description = "Your IMAP setting, for example "
            + "imap.example.com:993:tls. Default: the provider's.")
    String imap;

    @Option(names = "--user", description = "Login name for a login attempt (default: the address).")
    String user;

    @ArgGroup(exclusive = true)
    AccountOptions.Secret secret;

    @Option(names = "--trust-cert", paramLabel = "PEM", description = "Also trust the certificate(s) in this PEM file, "
            + "also for the HTTPS calls to the authorization server.")
    Path trustCert;

    @Option(names = "--oauth2", description = "Log in with the OAuth2 tokens saved by 'mailkit login' (refreshing them), "
            + "and explain OAuth2 failures.")
    boolean oauth2;

    @Option(names = "--token-store", paramLabel = "DIR", description = "With --oauth2: where tokens are kept.")
    Path tokenStore;

    @Option(names = "--client-secret-env", paramLabel = "VAR", description = "With --oauth2: the client secret.")
    String clientSecretEnv;

    @Option(names = "--providers", paramLabel = "FILE", description = "Add providers from this file in the built-in XML format.")
    Path providersFile;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Mixin
    ProxyOptions proxy;

    @Mixin
    SendingDomainOptions sendingDomain;

    @Override
    public Integer call() {
        boolean domain = sendingDomain.given();
        if (address == null) {
            if (!domain) {
                throw new IllegalArgumentException("give an e-mail address (mailkit doctor EMAIL), or --sending-domain DOMAIN");
            }
            if (smtp != null || imap != null || user != null || secret != null || oauth2 || trustCert != null
                    || proxy.uri != null || providersFile != null) {
                throw new IllegalArgumentException("--smtp, --imap, --user, the password, --oauth2, --trust-cert, --proxy and"
                        + " --providers check an account: give its e-mail address too");
            }
            SendingDomainReport report = sendingDomain.check();
            int code = SendingDomainOptions.exitCode(report);
            if (json) {
                root.out.println(Json.result(code == ExitCodes.OK ? "ok" : "error", code)
                        .put("sendingDomain", SendingDomainOptions.toJson(report)));
            } else {
                SendingDomainOptions.print(root.out, report);
            }
            return code;
        }
        ServerEndpoint smtpEndpoint = endpoint("--smtp", smtp);
        ServerEndpoint imapEndpoint = endpoint("--imap", imap);
        ConnectionOptions.Builder options = ConnectionOptions.builder();
        if (smtpEndpoint != null && smtpEndpoint.security() == Security.PLAIN
                || imapEndpoint != null && imapEndpoint.security() == Security.PLAIN) {
            options.allowPlaintext(); // asked for explicitly
        }
        if (trustCert != null) {
            options.trustCertificates(trustCert);
        }
        ProxySettings through = proxy.settings(root.environment);
        if (through != null) {
            options.proxy(through);
        }
        MailDiagnostics.Request request = MailDiagnostics.Request.forAddress(address).smtp(smtpEndpoint).imap(imapEndpoint);
        ProviderRegistry registry = OAuth2Cli.registry(providersFile);
        OAuth2Check oauth = null;
        if (oauth2) {
            if (secret != null) {
                throw new IllegalArgumentException("--oauth2 logs in with a token: leave out --password-env and --password-file");
            }
            oauth = OAuth2Check.run(user != null ? user : address, registry, tokenStore,
                    OAuth2Cli.clientSecret(clientSecretEnv, root.environment), trustCert, through);
            if (oauth.credentials() != null) {
                request = request.credentials(oauth.credentials());
            }
        } else if (secret != null) {
            request = request.credentials(Credentials.password(user != null ? user : address, secret.password(root.environment)));
        }
        MailDiagnostics.Report report = MailDiagnostics.builder().registry(registry).options(options.build()).build()
                .diagnose(request);
        SendingDomainReport domainReport = domain ? sendingDomain.check() : null;
        int code = exitCode(report, oauth);
        if (code == ExitCodes.OK && domainReport != null) {
            code = SendingDomainOptions.exitCode(domainReport); // the account's checks come first
        }
        if (json) {
            Json doc = toJson(address, report, code);
            if (oauth != null) {
                doc.put("oauth2", oauth.toJson());
            }
            root.out.println(domainReport == null ? doc : doc.put("sendingDomain", SendingDomainOptions.toJson(domainReport)));
        } else {
            if (oauth != null) {
                oauth.print(root.out);
            }
            print(root.out, address, report);
            if (oauth != null) {
                oauth.explainRefusedLogins(root.out, report);
            }
            if (domainReport != null) {
                SendingDomainOptions.print(root.out, domainReport);
            }
        }
        return code;
    }

    /**
     * 0 when sending and receiving should work, 5 when one of them should; otherwise the code of the first
     * check that failed.
     */
    private static int exitCode(MailDiagnostics.Report report, OAuth2Check oauth) {
        if (oauth != null && oauth.credentials() == null) {
            return ExitCodes.USAGE; // no token: neither sending nor receiving can work
        }
        boolean send = report.sendingShouldWork();
        boolean receive = report.receivingShouldWork();
        if (send && receive) {
            return ExitCodes.OK;
        }
        if (send || receive) {
            return ExitCodes.PARTIAL;
        }
        return report.findings().stream().filter(f -> f.severity() == Severity.ERROR).findFirst()
                .map(f -> exitCode(f.check())).orElse(ExitCodes.USAGE);
    }

    /** A failed check's exit code: a refused login 3, no connection or no TLS 4, settings 2. */
    static int exitCode(String check) {
        return switch (check) {
            case "login" -> ExitCodes.AUTHENTICATION;
            case "DNS", "TCP", "proxy", "connection", "TLS", "STARTTLS", "greeting", "EHLO" -> ExitCodes.CONNECTION;
            default -> check.startsWith("TLS") ? ExitCodes.CONNECTION : ExitCodes.USAGE;
        };
    }

    static ServerEndpoint endpoint(String option, String value) {
        if (value == null) {
            return null;
        }
        String[] parts = value.split(":");
        if (parts.length != 3) {
            throw new IllegalArgumentException(option + " must be HOST:PORT:SECURITY, for example smtp.example.com:587:starttls");
        }
        int port;
        try {
            port = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": port '" + parts[1] + "' is not a number");
        }
        Security security = AccountOptions.security(option + " security", parts[2]);
        return ServerEndpoint.of(parts[0], port, security);
    }

    private static String mark(Severity s) {
        return switch (s) {
            case OK -> "✓";
            case WARNING -> "⚠";
            case ERROR -> "✗";
        };
    }

    static void print(PrintWriter out, String address, MailDiagnostics.Report report) {
        out.println("mailkit doctor: " + address);
        Protocol current = null;
        boolean first = true;
        for (Finding f : report.findings()) {
            if (f.protocol() != current || first) {
                first = false;
                current = f.protocol();
                out.println(current == null ? "Address" : current == Protocol.SMTP ? "SMTP (sending: your program pushes mail out)"
                        : "IMAP (receiving: your program pulls mail in)");
            }
            out.printf("  %s %-10s %s%n", mark(f.severity()), f.check(), Printable.of(CliAdvice.of(f.evidence()))); // holds server replies
            if (!f.fix().isEmpty() && f.severity() != Severity.OK) {
                out.printf("    %-10s fix: %s%n", "", Printable.of(CliAdvice.of(f.fix())));
            }
        }
        out.println((report.sendingShouldWork() ? "Sending should work." : "Sending will not work: fix the ✗ above.") + " "
                + (report.receivingShouldWork() ? "Receiving should work." : "Receiving will not work: fix the ✗ above."));
    }

    static Json toJson(String address, MailDiagnostics.Report report, int exitCode) {
        return Json.result(exitCode == ExitCodes.OK ? "ok" : exitCode == ExitCodes.PARTIAL ? "partial" : "error", exitCode)
                .put("address", address).put("sending", report.sendingShouldWork())
                .put("receiving", report.receivingShouldWork())
                .put("findings", report.findings().stream().map(f -> new Json()
                        .put("protocol", f.protocol() == null ? null : f.protocol().name())
                        .put("severity", f.severity().name()).put("check", f.check())
                        .put("evidence", CliAdvice.of(f.evidence())).put("fix", CliAdvice.of(f.fix()))).toList());
    }
}
