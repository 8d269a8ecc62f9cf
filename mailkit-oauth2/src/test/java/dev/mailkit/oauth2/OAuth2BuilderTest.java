package dev.mailkit.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.registry.OAuth2Settings;
import dev.mailkit.core.registry.ProviderRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OAuth2BuilderTest {

    private static final OAuth2Settings SETTINGS = new OAuth2Settings("login.example.com",
            URI.create("https://login.example.com/authorize"), URI.create("https://login.example.com/token"),
            List.of("mail"));

    @Test
    void build_withoutClientIdOrSettings_failsNamingTheFix() {
        assertThatThrownBy(() -> OAuth2.builder().settings(SETTINGS).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("clientId");
        assertThatThrownBy(() -> OAuth2.builder().clientId("x").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("provider");
        assertThatThrownBy(() -> OAuth2.builder().provider(ProviderRegistry.defaults().byId("icloud").orElseThrow()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no OAuth2 settings");
    }

    @Test
    void badValues_areRefusedAtOnce() {
        assertThatThrownBy(() -> OAuth2.builder().clientId(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OAuth2.builder().microsoftTenant("common/../evil"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant");
        assertThatThrownBy(() -> OAuth2.builder().deviceAuthorizationEndpoint(URI.create("http://x/device")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
        assertThatThrownBy(() -> OAuth2.builder().refreshAhead(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OAuth2.builder().scopes(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toString_neverShowsTheClientSecret() {
        OAuth2.Builder b = OAuth2.builder().settings(SETTINGS).clientId("app").clientSecret("s3cret-value")
                .tokenStore(TokenStore.inMemory());
        assertThat(b.toString()).doesNotContain("s3cret-value");
        assertThat(b.build().toString()).doesNotContain("s3cret-value").contains("app");
    }

    @Test
    void clientCredentials_withoutSecret_isRefused() {
        OAuth2 oauth = OAuth2.builder().settings(SETTINGS).clientId("app").tokenStore(TokenStore.inMemory()).build();
        assertThatThrownBy(oauth::clientCredentials).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("clientSecret");
    }

    @Test
    void clientCredentials_forMicrosoftWithoutTenant_namesTheTenantSetting() {
        OAuth2 oauth = OAuth2.builder().provider(ProviderRegistry.defaults().byId("microsoft365").orElseThrow())
                .clientId("app").clientSecret("secret").tokenStore(TokenStore.inMemory()).build();
        OAuth2Exception e = org.junit.jupiter.api.Assertions.assertThrows(OAuth2Exception.class,
                () -> oauth.clientCredentials().accessToken());
        assertThat(e.hint()).get().asString().contains("tenant");
    }

    @Test
    void browserSignIn_redirectWithAnotherState_isRefused() {
        OAuth2 oauth = OAuth2.builder().settings(SETTINGS).clientId("app").tokenStore(TokenStore.inMemory())
                .signInTimeout(Duration.ofSeconds(10))
                .browser(url -> {
                    // An attacker's page sends the browser to the loopback redirect with a code of its own.
                    String redirect = java.net.URLDecoder.decode(url.getRawQuery().replaceAll(".*redirect_uri=([^&]+).*", "$1"),
                            StandardCharsets.UTF_8);
                    java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                                    URI.create(redirect + "?code=attacker-code&state=forged")).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding());
                })
                .build();
        OAuth2Exception e = org.junit.jupiter.api.Assertions.assertThrows(OAuth2Exception.class,
                () -> oauth.signInWithBrowser("me@example.com"));
        assertThat(e.error()).contains("invalid_state");
    }
}
