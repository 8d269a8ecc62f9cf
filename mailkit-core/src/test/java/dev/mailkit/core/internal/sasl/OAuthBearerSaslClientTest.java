package dev.mailkit.core.internal.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import org.junit.jupiter.api.Test;

class OAuthBearerSaslClientTest {

    private static SaslClient client(String user, String token) throws SaslException {
        MailkitSaslProvider.register();
        return Sasl.createSaslClient(new String[] {"OAUTHBEARER"}, null, "imap", "imap.example.com", Map.of(),
                callbacks -> {
                    for (var c : callbacks) {
                        if (c instanceof NameCallback n) {
                            n.setName(user);
                        } else if (c instanceof PasswordCallback p) {
                            p.setPassword(token.toCharArray());
                        }
                    }
                });
    }

    @Test
    void initialResponse_isRfc7628GS2HeaderAndBearerToken() throws Exception {
        SaslClient c = client("me@example.com", "tok-123");
        assertThat(c.getMechanismName()).isEqualTo("OAUTHBEARER");
        assertThat(c.hasInitialResponse()).isTrue();
        byte[] response = c.evaluateChallenge(new byte[0]);
        assertThat(new String(response, StandardCharsets.UTF_8))
                .isEqualTo("n,a=me@example.com,\u0001auth=Bearer tok-123\u0001\u0001");
        assertThat(c.isComplete()).isTrue();
    }

    @Test
    void userName_commaAndEquals_areEscaped() throws Exception {
        byte[] response = client("a,b=c", "t").evaluateChallenge(new byte[0]);
        assertThat(new String(response, StandardCharsets.UTF_8)).startsWith("n,a=a=2Cb=3Dc,");
    }

    @Test
    void errorChallenge_isAnsweredWithTheDummyResponse() throws Exception {
        OAuthBearerSaslClient c = (OAuthBearerSaslClient) client("me@example.com", "expired");
        c.evaluateChallenge(new byte[0]);
        byte[] answer = c.evaluateChallenge("{\"status\":\"invalid_token\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(answer).containsExactly(1);
        assertThat(c.serverError()).contains("invalid_token");
        assertThat(c.toString()).doesNotContain("expired");
    }

    @Test
    void noToken_isRefused() throws Exception {
        SaslClient c = client("me@example.com", "");
        assertThatThrownBy(() -> c.evaluateChallenge(new byte[0])).isInstanceOf(SaslException.class)
                .hasMessageContaining("no user name or token");
    }
}
