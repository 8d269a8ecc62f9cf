package dev.mailkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CredentialsTest {

    @Test
    void aSecret_isTakenAsTheKindTheProviderAccepts() {
        var registry = dev.mailkit.core.registry.ProviderRegistry.defaults();
        assertThat(Credentials.secretFor(registry.byId("gmail").orElseThrow(), "me@gmail.com", "s1").method())
                .isEqualTo(AuthMethod.APP_PASSWORD);
        assertThat(Credentials.secretFor(registry.byId("qq").orElseThrow(), "1@qq.com", "s2").method())
                .isEqualTo(AuthMethod.AUTHORIZATION_CODE);
        assertThat(Credentials.secretFor(null, "me", "s3").method()).isEqualTo(AuthMethod.PASSWORD);
        // OAuth2 only: a password, which the builders refuse with the way to sign in
        assertThat(Credentials.secretFor(registry.byId("outlook").orElseThrow(), "me@outlook.com", "s4").method())
                .isEqualTo(AuthMethod.PASSWORD);
    }

    @Test
    void toString_neverShowsSecret() {
        assertThat(Credentials.password("me@example.com", "hunter2-secret").toString())
                .contains("me@example.com").contains("PASSWORD").doesNotContain("hunter2-secret");
        assertThat(Credentials.appPassword("me@example.com", "abcd efgh ijkl").toString()).doesNotContain("abcd efgh ijkl");
        assertThat(Credentials.authorizationCode("me@qq.com", "qqcode123").toString()).doesNotContain("qqcode123");
        Credentials oauth = Credentials.oauth2("me@example.com", () -> "ya29.token-value");
        assertThat(oauth.toString()).contains("OAUTH2").doesNotContain("ya29.token-value");
    }

    @Test
    void secret_oauth2_asksProviderEveryTime() {
        AtomicInteger calls = new AtomicInteger();
        Credentials c = Credentials.oauth2("me@example.com", () -> "token-" + calls.incrementAndGet());
        assertThat(c.secret()).isEqualTo("token-1");
        assertThat(c.secret()).isEqualTo("token-2");
        assertThat(c.isOAuth2()).isTrue();
    }

    @Test
    void secret_failingTokenProvider_isAuthenticationErrorWithoutDetailsOfTheSecret() {
        Credentials c = Credentials.oauth2("me@example.com", () -> {
            throw new IllegalStateException("refresh token rt-SECRET expired");
        });
        assertThatThrownBy(c::secret).isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("me@example.com").hasMessageNotContaining("rt-SECRET");
        Credentials blank = Credentials.oauth2("me@example.com", () -> " ");
        assertThatThrownBy(blank::secret).isInstanceOf(AuthenticationException.class).hasMessageContaining("no token");
    }

    @Test
    void factories_rejectEmptyValues() {
        assertThatThrownBy(() -> Credentials.password("", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("username");
        assertThatThrownBy(() -> Credentials.password("me", "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("password");
        assertThatThrownBy(() -> Credentials.oauth2("me", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void secret_providerThrowsAuthenticationException_isPassedOnWithItsHint() {
        AuthenticationException typed = new AuthenticationException("refresh token revoked", null,
                "Sign in again", null, null, null);
        Credentials c = Credentials.oauth2("me@example.com", () -> {
            throw typed;
        });
        assertThatThrownBy(c::secret).isSameAs(typed);
        assertThat(typed.hint()).contains("Sign in again");
    }
}
