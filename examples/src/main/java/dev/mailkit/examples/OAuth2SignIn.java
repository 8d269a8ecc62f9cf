package dev.mailkit.examples;

import dev.mailkit.core.Credentials;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.oauth2.OAuth2;
import dev.mailkit.oauth2.TokenStore;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.SmtpSender;

import java.io.PrintStream;

/**
 * Signs in with OAuth2 (one flow per run) and sends yourself a message with the token:
 *
 * <pre>
 * OAuth2SignIn device  me@outlook.com CLIENT_ID   # device code: prints a URL and a code to enter anywhere
 * OAuth2SignIn browser me@gmail.com   CLIENT_ID   # authorization code + PKCE in the browser (loopback redirect)
 * OAuth2SignIn stored  me@outlook.com CLIENT_ID   # a later run: the saved tokens, refreshed when needed
 * OAuth2SignIn app     shared@contoso.com APP_ID  # Microsoft 365 app-only (client credentials)
 * </pre>
 *
 * <p>Environment: {@code MAILKIT_CLIENT_SECRET} for clients with a secret (Google desktop clients, app-only),
 * {@code MAILKIT_TENANT} for Microsoft ({@code consumers}, {@code organizations} or a tenant id; app-only
 * needs a tenant id), {@code MAILKIT_PROVIDER} when the address's domain is not in the registry (a
 * Microsoft 365 domain: {@code microsoft365}). Tokens are kept in {@code ~/.mailkit/tokens}.
 */
public final class OAuth2SignIn {

    private OAuth2SignIn() {
    }

    /**
     * Runs one flow and sends a test message to the account.
     *
     * @param args the flow, the address and the client id
     */
    public static void main(String[] args) {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: OAuth2SignIn device|browser|stored|app EMAIL CLIENT_ID");
        }
        String flow = args[0];
        String account = args[1];
        String providerQuery = System.getenv("MAILKIT_PROVIDER");
        ProviderSettings provider = ProviderRegistry.defaults().lookup(providerQuery != null ? providerQuery : account);
        OAuth2.Builder b = OAuth2.builder().provider(provider).clientId(args[2]).tokenStore(TokenStore.defaultStore());
        if (System.getenv("MAILKIT_CLIENT_SECRET") != null) {
            b.clientSecret(System.getenv("MAILKIT_CLIENT_SECRET"));
        }
        if (System.getenv("MAILKIT_TENANT") != null) {
            b.microsoftTenant(System.getenv("MAILKIT_TENANT"));
        }
        Credentials credentials = signIn(b.build(), flow, account, System.out);
        try (SmtpSender sender = SmtpSender.builder().provider(provider).credentials(credentials).build()) {
            String id = sender.send(Email.builder().from(account).to(account).subject("Signed in with OAuth2")
                    .text("Sent by mailkit with an OAuth2 token; no password involved.").build()).messageId();
            System.out.println("sent " + id);
        }
    }

    /**
     * Signs in with one flow and returns credentials for SMTP and IMAP.
     *
     * @param oauth   the sign-in service
     * @param flow    device, browser, stored or app
     * @param account the account (for app: the mailbox to open)
     * @param out     where the device code prompt goes
     * @return the credentials; their token is refreshed on demand
     */
    public static Credentials signIn(OAuth2 oauth, String flow, String account, PrintStream out) {
        return switch (flow) {
            case "device" -> {
                oauth.signInWithDeviceCode(account, prompt -> out.println(prompt.message()));
                yield oauth.credentials(account);
            }
            case "browser" -> {
                oauth.signInWithBrowser(account);
                yield oauth.credentials(account);
            }
            case "stored" -> oauth.credentials(account);
            case "app" -> Credentials.oauth2(account, oauth.clientCredentials());
            default -> throw new IllegalArgumentException("flow must be device, browser, stored or app, not " + flow);
        };
    }
}
