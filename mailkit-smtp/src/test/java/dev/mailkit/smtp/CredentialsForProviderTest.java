package dev.mailkit.smtp;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.Credentials;
import dev.mailkit.core.InvalidConfigurationException;
import dev.mailkit.core.TokenProvider;
import org.junit.jupiter.api.Test;

/** A login the provider's settings say never works is refused when the sender is built, with the way that does. */
class CredentialsForProviderTest {

    @Test
    void aPasswordForAnOAuth2OnlyProvider_isRefusedAtBuild_withTheWayToSignIn() {
        assertThatThrownBy(() -> SmtpSender.builder().provider("outlook")
                .credentials(Credentials.password("me@outlook.com", "secret-1")).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("does not accept the account password")
                .hasMessageContaining("OAuth2")
                .hasMessageNotContaining("secret-1");
    }

    @Test
    void thePasswordForAProviderThatWantsAnAppPassword_isRefused_butTheAppPasswordIsTaken() {
        assertThatThrownBy(() -> SmtpSender.builder().provider("gmail")
                .credentials(Credentials.password("me@gmail.com", "secret-2")).build())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("app password");
        assertThatCode(() -> SmtpSender.builder().provider("gmail")
                .credentials(Credentials.appPassword("me@gmail.com", "abcd efgh ijkl mnop")).build().close())
                .doesNotThrowAnyException();
        TokenProvider tokens = () -> "token";
        assertThatCode(() -> SmtpSender.builder().provider("outlook")
                .credentials(Credentials.oauth2("me@outlook.com", tokens)).build().close()).doesNotThrowAnyException();
    }

    @Test
    void anExplicitServer_takesAnyLogin() {
        assertThatCode(() -> SmtpSender.builder().endpoint("smtp.example.com", 587, dev.mailkit.core.Security.STARTTLS)
                .credentials(Credentials.password("me", "secret-3")).build().close()).doesNotThrowAnyException();
    }
}
