package dev.mailkit.cli;

import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.oauth2.BrowserLauncher;
import dev.mailkit.oauth2.OAuth2;
import dev.mailkit.oauth2.TokenStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code mailkit login}: signs an account in with OAuth2 and saves its tokens. */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Signs an account in with OAuth2 and saves its tokens (refreshed as needed by --oauth2 on send, "
                + "sync and doctor).",
                "The provider's endpoints and scopes come from the registry (or --providers FILE); you bring the client "
                        + "id of your app registration. --device shows a code to enter on any device; --browser opens "
                        + "the sign-in page and receives the answer on http://localhost. Default: --browser on a "
                        + "desktop, else --device."},
        footer = ExitCodes.HELP)
final class LoginCommand implements Callable<Integer> {

    @ParentCommand
    Mailkit root;

    @Parameters(index = "0", paramLabel = "EMAIL", description = "The account's e-mail address.")
    String account;

    @Option(names = "--client-id", required = true, paramLabel = "ID",
            description = "The application (client) id of your OAuth app registration.")
    String clientId;

    @Option(names = "--client-secret-env", paramLabel = "VAR",
            description = "Read the client secret from this variable (confidential clients only; never stored).")
    String clientSecretEnv;

    /** How the user signs in. */
    static final class Flow {
        @Option(names = "--device", description = "Device code: enter a code on any device (headless, SSH).")
        boolean device;

        @Option(names = "--browser", description = "Authorization code + PKCE in the browser, redirected to http://localhost.")
        boolean browser;
    }

    @ArgGroup(exclusive = true)
    Flow flow;

    @Option(names = "--provider", description = "Provider id or alias (default: found from EMAIL).")
    String provider;

    @Option(names = "--providers", paramLabel = "FILE", description = "Add providers from this file in the built-in XML format.")
    Path providersFile;

    @Option(names = "--tenant", description = "Microsoft: common, consumers (Outlook.com), organizations, or your tenant id.")
    String tenant;

    @Option(names = "--scopes", split = " ", paramLabel = "SCOPE", description = "Replace the provider's scopes.")
    List<String> scopes;

    @Option(names = "--token-store", paramLabel = "DIR", description = "Where tokens are kept (default ~/.mailkit/tokens).")
    Path tokenStore;

    @Option(names = "--trust-cert", paramLabel = "PEM", description = "Also trust this certificate for the HTTPS calls "
            + "to the authorization server (a private one).")
    Path trustCert;

    @Mixin
    ProxyOptions proxy;

    @Override
    public Integer call() {
        ProviderRegistry registry = OAuth2Cli.registry(providersFile);
        ProviderSettings settings = registry.lookup(provider != null ? provider : account);
        if (settings.oauth2().isEmpty()) {
            throw new IllegalArgumentException(settings.displayName() + " has no OAuth2 settings in the registry; "
                    + "use an app password, or describe its authorization server with --providers FILE");
        }
        Path dir = OAuth2Cli.storeDirectory(tokenStore);
        OAuth2.Builder b = OAuth2.builder().provider(settings).clientId(clientId).tokenStore(TokenStore.inDirectory(dir))
                .connectionOptions(OAuth2Cli.httpsOptions(trustCert, proxy.settings(root.environment)));
        String secret = OAuth2Cli.clientSecret(clientSecretEnv, root.environment);
        if (secret != null) {
            b.clientSecret(secret);
        }
        if (tenant != null) {
            b.microsoftTenant(tenant);
        }
        if (scopes != null && !scopes.isEmpty()) {
            b.scopes(scopes);
        }
        boolean browser = flow != null ? flow.browser : desktop();
        if (browser) {
            b.browser(url -> {
                root.out.println("Sign in to " + settings.displayName() + " in your browser. If it does not open, open:");
                root.out.println("  " + url);
                root.out.flush();
                BrowserLauncher.system().open(url);
            });
        }
        OAuth2 oauth = b.build();
        if (browser) {
            oauth.signInWithBrowser(account);
        } else {
            oauth.signInWithDeviceCode(account, prompt -> {
                root.out.println(prompt.message());
                prompt.verificationUriComplete().ifPresent(u -> root.out.println("  or open " + u));
                root.out.println("Waiting for the sign-in to be approved...");
                root.out.flush();
            });
        }
        root.out.println("Signed in " + account + ". Tokens saved in " + dir
                + ". Use --oauth2 with send, sync and doctor; 'mailkit logout " + account + "' forgets them.");
        return ExitCodes.OK;
    }

    private static boolean desktop() {
        try {
            return !GraphicsEnvironment.isHeadless() && Desktop.isDesktopSupported()
                    && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE);
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
