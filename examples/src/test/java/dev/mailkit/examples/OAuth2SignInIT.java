package dev.mailkit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.registry.OAuth2Settings;
import dev.mailkit.oauth2.OAuth2;
import dev.mailkit.oauth2.SignInRequiredException;
import dev.mailkit.oauth2.TokenStore;
import dev.mailkit.oauth2.testing.ScriptedUser;
import dev.mailkit.oauth2.testing.TestAuthorizationServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every flow of the {@link OAuth2SignIn} example against a real authorization server. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OAuth2SignInIT {

    private static TestAuthorizationServer as;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        as = TestAuthorizationServer.start(Duration.ofMinutes(5));
    }

    @AfterAll
    static void stop() throws Exception {
        if (as != null) {
            as.close();
        }
    }

    private OAuth2 oauth() {
        return OAuth2.builder()
                .settings(new OAuth2Settings("127.0.0.1", as.authorizationEndpoint(), as.tokenEndpoint(),
                        TestAuthorizationServer.SCOPES))
                .clientId(TestAuthorizationServer.CLIENT_ID).clientSecret(as.clientSecret())
                .tokenStore(TokenStore.inDirectory(dir))
                .connectionOptions(ConnectionOptions.builder().trustCertificates(as.certificatePem()).build())
                .browser(new ScriptedUser(as).browserLauncher())
                .build();
    }

    @Test
    void everyFlow_givesCredentialsWhoseTokenTheServerAccepts() throws Exception {
        // device: the prompt is printed; a scripted user reads it and approves
        Pattern code = Pattern.compile("open (\\S+) and enter the code (\\S+)");
        CompletableFuture<?>[] approval = new CompletableFuture<?>[1];
        PrintStream out = new PrintStream(new OutputStream() {
            private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                buffer.write(b);
                Matcher m = code.matcher(buffer.toString(StandardCharsets.UTF_8));
                if (approval[0] == null && b == '\n' && m.find()) {
                    java.net.URI page = java.net.URI.create(m.group(1) + "?user_code=" + m.group(2));
                    approval[0] = CompletableFuture.runAsync(() -> {
                        try {
                            new ScriptedUser(as).openAndLogIn(page);
                        } catch (Exception e) {
                            throw new java.util.concurrent.CompletionException(e);
                        }
                    });
                }
            }
        }, true, StandardCharsets.UTF_8);
        Credentials device = OAuth2SignIn.signIn(oauth(), "device", "device@example.test", out);
        approval[0].get(30, TimeUnit.SECONDS);
        assertThat(as.isActive(device.secret())).isTrue();

        Credentials browser = OAuth2SignIn.signIn(oauth(), "browser", "browser@example.test", System.out);
        assertThat(as.isActive(browser.secret())).isTrue();

        Credentials stored = OAuth2SignIn.signIn(oauth(), "stored", "browser@example.test", System.out);
        assertThat(stored.secret()).isEqualTo(browser.secret());
        assertThatThrownBy(() -> OAuth2SignIn.signIn(oauth(), "stored", "nobody@example.test", System.out).secret())
                .isInstanceOf(SignInRequiredException.class);

        Credentials app = OAuth2SignIn.signIn(oauth(), "app", "shared@example.test", System.out);
        assertThat(as.isActive(app.secret())).isTrue();
    }
}
