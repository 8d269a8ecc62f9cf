package dev.mailkit.cli;

import dev.mailkit.core.Credentials;
import dev.mailkit.core.ProxySettings;
import dev.mailkit.core.diagnostics.Finding;
import dev.mailkit.core.diagnostics.MailDiagnostics;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.core.diagnostics.Severity;
import dev.mailkit.oauth2.OAuth2;
import dev.mailkit.oauth2.OAuth2Exception;
import dev.mailkit.oauth2.OAuth2TokenProvider;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The OAuth2 part of {@code mailkit doctor --oauth2}: can a token be had (refreshing it), and if a server
 * refuses a token that the authorization server just issued, why that usually is.
 */
final class OAuth2Check {

    private final String account;
    private final Optional<ProviderSettings> provider;
    private final Credentials credentials;
    private final String problem;
    private final String fix;

    private OAuth2Check(String account, Optional<ProviderSettings> provider, Credentials credentials, String problem,
                        String fix) {
        this.account = account;
        this.provider = provider;
        this.credentials = credentials;
        this.problem = problem;
        this.fix = fix;
    }

    static OAuth2Check run(String account, ProviderRegistry registry, Path tokenStore, String clientSecret,
                           Path trustCert, ProxySettings proxy) {
        Optional<ProviderSettings> provider = registry.forEmail(account);
        try {
            OAuth2 oauth = OAuth2Cli.forAccount(account, provider, tokenStore, clientSecret, trustCert, proxy);
            OAuth2TokenProvider tokens = oauth.tokenProvider(account);
            tokens.accessToken(); // refreshes when needed; never printed
            return new OAuth2Check(account, provider, Credentials.oauth2(account, tokens), null, null);
        } catch (OAuth2Exception e) {
            return new OAuth2Check(account, provider, null, e.getMessage(), e.hint().orElse(null));
        }
    }

    /** The credentials to log in with, or null when no token could be had. */
    Credentials credentials() {
        return credentials;
    }

    /** The check as a JSON object: whether a token was had, and if not the problem and its fix. */
    Json toJson() {
        return new Json().put("token", credentials != null).put("problem", problem).put("fix", fix);
    }

    void print(PrintWriter out) {
        out.println("OAuth2 (the token for " + account + ")");
        if (credentials != null) {
            out.println("  ✓ token      a valid access token was obtained from the authorization server");
            return;
        }
        out.println("  ✗ token      " + Printable.of(CliAdvice.of(problem)));
        if (fix != null) {
            out.println("               fix: " + Printable.of(CliAdvice.of(fix)));
        }
    }

    /** After a refused login with a valid token: the usual reasons, which the server's reply rarely names. */
    void explainRefusedLogins(PrintWriter out, MailDiagnostics.Report report) {
        if (credentials == null) {
            return;
        }
        for (Finding f : report.findings()) {
            if (f.severity() == Severity.ERROR && f.check().equals("login")) {
                boolean microsoft = provider.flatMap(ProviderSettings::oauth2)
                        .map(o -> o.issuer().contains("microsoftonline")).orElse(false);
                out.println("The " + f.protocol() + " server refused a token the authorization server has just issued. "
                        + "Usually:");
                out.println("  - the token lacks the " + f.protocol() + " scope: sign in again with the provider's scopes"
                        + " (mailkit login ... ; the app registration must have the permission)");
                if (microsoft) {
                    out.println("  - " + f.protocol() + " is disabled for the mailbox or the organization: in the Microsoft 365"
                            + " admin center, Users > the user > Mail > Manage email apps, enable "
                            + (f.protocol() == dev.mailkit.core.Protocol.SMTP ? "Authenticated SMTP" : "IMAP")
                            + " (PowerShell: Set-CASMailbox -Identity " + account
                            + (f.protocol() == dev.mailkit.core.Protocol.SMTP ? " -SmtpClientAuthenticationDisabled $false"
                            : " -ImapEnabled $true") + ")");
                    out.println("  - an Outlook.com token was used for Microsoft 365 or the reverse: choose --tenant "
                            + "consumers or organizations when signing in");
                } else {
                    out.println("  - " + f.protocol() + " access is disabled for the account or the organization in the "
                            + "provider's settings");
                }
                out.println("  - the login name differs from the account that signed in: use the same address");
            }
        }
    }
}
