package signin;

import dev.mailkit.core.registry.OAuth2Settings;
import dev.mailkit.oauth2.OAuth2;
import dev.mailkit.oauth2.OAuth2Exception;
import dev.mailkit.oauth2.TokenStore;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Starts a browser sign-in on the module path (PKCE, state, the loopback redirect receiver: the Nimbus SDK
 * and Nimbus JOSE+JWT at work) with a browser that opens nothing, so no server is contacted. Exits 0 when the
 * sign-in page was made and the sign-in then failed as it must.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Module oauth2 = OAuth2.class.getModule();
        if (!oauth2.isNamed() || oauth2.getDescriptor().isAutomatic() || oauth2.isExported("dev.mailkit.oauth2.internal")) {
            System.out.println("FAILED: dev.mailkit.oauth2 is an explicit module exporting no internal package");
            System.exit(3);
        }
        URI server = URI.create("https://127.0.0.1:9");
        OAuth2 signIn = OAuth2.builder()
                .settings(new OAuth2Settings(server.toString(), server.resolve("/authorize"), server.resolve("/token"),
                        List.of("mail")))
                .clientId("module-path-app").tokenStore(TokenStore.inMemory()).signInTimeout(Duration.ofSeconds(5))
                .browser(page -> {
                    System.out.println("sign-in page " + page);
                    throw new IllegalStateException("no browser here");
                })
                .build();
        try {
            signIn.signInWithBrowser("someone@example.com");
            System.out.println("FAILED: signed in without a browser");
            System.exit(3);
        } catch (OAuth2Exception e) {
            System.out.println("refused " + e.getMessage());
        }
    }
}
