package dev.mailkit.cli;

import dev.mailkit.core.ProxySettings;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.oauth2.TokenStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code mailkit logout}: forgets an account's OAuth2 tokens. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "Forgets an account's OAuth2 tokens: revokes the refresh token where the provider has a "
                + "revocation endpoint, and deletes the token file.",
        footer = ExitCodes.HELP)
final class LogoutCommand implements Callable<Integer> {

    @ParentCommand
    Mailkit root;

    @Parameters(index = "0", paramLabel = "EMAIL", description = "The account's e-mail address.")
    String account;

    @Option(names = "--token-store", paramLabel = "DIR", description = "Where tokens are kept (default ~/.mailkit/tokens).")
    Path tokenStore;

    @Option(names = "--providers", paramLabel = "FILE", description = "Add providers from this file in the built-in XML format.")
    Path providersFile;

    @Option(names = "--client-secret-env", paramLabel = "VAR", description = "The client secret, for confidential clients.")
    String clientSecretEnv;

    @Option(names = "--trust-cert", paramLabel = "PEM", description = "Also trust this certificate for the HTTPS calls "
            + "to the authorization server.")
    Path trustCert;

    @Mixin
    ProxyOptions proxy;

    @Override
    public Integer call() {
        ProxySettings through = proxy.settings(root.environment); // a bad --proxy is a usage error, tokens or not
        Path dir = OAuth2Cli.storeDirectory(tokenStore);
        if (TokenStore.inDirectory(dir).load(account).isEmpty()) {
            root.out.println("No tokens are stored for " + account + " in " + dir + ".");
            return ExitCodes.OK;
        }
        ProviderRegistry registry = OAuth2Cli.registry(providersFile);
        OAuth2Cli.forAccount(account, registry.forEmail(account), tokenStore,
                OAuth2Cli.clientSecret(clientSecretEnv, root.environment), trustCert, through).signOut(account);
        root.out.println("Signed out " + account + ": its tokens were deleted from " + dir + ".");
        return ExitCodes.OK;
    }
}
