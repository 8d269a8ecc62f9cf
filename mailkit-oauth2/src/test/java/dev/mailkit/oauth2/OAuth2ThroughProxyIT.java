package dev.mailkit.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.ProxyException;
import dev.mailkit.core.ProxySettings;
import dev.mailkit.core.registry.OAuth2Settings;
import dev.mailkit.core.testing.TestProxy;
import dev.mailkit.oauth2.testing.ScriptedUser;
import dev.mailkit.oauth2.testing.TestAuthorizationServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The OAuth2 calls (token, device authorization) through real proxies on loopback (Dante, SOCKS5; Tinyproxy,
 * HTTP CONNECT) to the in-test authorization server on HTTPS, with its certificate still checked; a proxy that
 * refuses is an OAuth2 failure whose cause is the typed proxy error.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OAuth2ThroughProxyIT {

    private static TestAuthorizationServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestAuthorizationServer.start(Duration.ofMinutes(10));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static OAuth2 oauth(ProxySettings proxy) {
        return OAuth2.builder()
                .settings(new OAuth2Settings("127.0.0.1", server.authorizationEndpoint(), server.tokenEndpoint(),
                        TestAuthorizationServer.SCOPES))
                .clientId(TestAuthorizationServer.CLIENT_ID).clientSecret(server.clientSecret())
                .tokenStore(TokenStore.inMemory())
                .connectionOptions(ConnectionOptions.builder().trustCertificates(server.certificatePem()).proxy(proxy).build())
                .signInTimeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void tokenAndDeviceCalls_goThroughSocks5AndHttpConnect() throws Exception {
        try (TestProxy dante = TestProxy.dante(); TestProxy tinyproxy = TestProxy.tinyproxy()) {
            for (TestProxy proxy : List.of(dante, tinyproxy)) {
                OAuth2 oauth = oauth(proxy.settings());
                String app = oauth.clientCredentials().accessToken();
                assertThat(server.isActive(app)).as(proxy.settings().toString()).isTrue();
                AtomicReference<java.util.concurrent.CompletableFuture<HttpResponse<String>>> approval = new AtomicReference<>();
                String user = oauth.signInWithDeviceCode("proxied@example.test",
                        prompt -> approval.set(new ScriptedUser(server).approve(prompt))).accessToken();
                assertThat(approval.get().get(30, TimeUnit.SECONDS).uri().getQuery()).contains("success");
                assertThat(server.isActive(user)).isTrue();
            }
            String authority = server.base().getHost() + ":" + server.base().getPort();
            assertThat(dante.log()).contains("tcp/connect").contains(server.base().getPort() + "");
            assertThat(tinyproxy.log()).contains("CONNECT").contains(authority);
        }
    }

    @Test
    void aProxyThatRefuses_isTheCauseOfTheOAuth2Failure() throws Exception {
        try (TestProxy strict = TestProxy.tinyproxy(null, null, List.of(443))) {
            Throwable e = catchThrowable(() -> oauth(strict.settings()).clientCredentials().accessToken());
            assertThat(e).isInstanceOf(OAuth2Exception.class)
                    .hasMessageContaining("cannot reach the authorization server at " + server.tokenEndpoint())
                    .hasMessageContaining("the HTTP proxy 127.0.0.1:" + strict.port() + " refused to open a tunnel")
                    .hasCauseInstanceOf(ProxyException.class);
            assertThat((ProxyException) e.getCause()).satisfies(p -> {
                assertThat(p.reason()).isEqualTo(ProxyException.Reason.REFUSED);
                assertThat(p.statusLine()).hasValueSatisfying(l -> assertThat(l).contains(" 403 "));
            });
            assertThat(((OAuth2Exception) e).hint()).hasValueSatisfying(h -> assertThat(h).contains("administrator"));
        }
    }
}
