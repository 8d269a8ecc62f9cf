package dev.mailkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerEndpointTest {

    @Test
    void of_normalisesHostAndPrints() {
        ServerEndpoint e = ServerEndpoint.of(" SMTP-Mail.Outlook.COM ", 587, Security.STARTTLS);
        assertThat(e.host()).isEqualTo("smtp-mail.outlook.com");
        assertThat(e).hasToString("smtp-mail.outlook.com:587 STARTTLS");
        assertThat(ServerEndpoint.of("[::1]", 993, Security.SSL_TLS)).hasToString("[::1]:993 SSL_TLS");
    }

    @Test
    void of_fullyQualifiedName_dropsTheRootDot_andEmptyLabelsAreRejected() {
        assertThat(ServerEndpoint.of("imap.gmail.com.", 993, Security.SSL_TLS))
                .isEqualTo(ServerEndpoint.of("imap.gmail.com", 993, Security.SSL_TLS));
        assertThatThrownBy(() -> ServerEndpoint.of("a..b", 993, Security.SSL_TLS)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void of_badPort_namesPortAndRange() {
        assertThatThrownBy(() -> ServerEndpoint.of("imap.example.com", 0, Security.SSL_TLS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port 0").hasMessageContaining("1..65535");
        assertThatThrownBy(() -> ServerEndpoint.of("imap.example.com", 65536, Security.SSL_TLS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65536");
    }

    @Test
    void of_badHost_isRejected() {
        assertThatThrownBy(() -> ServerEndpoint.of(" ", 25, Security.PLAIN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> ServerEndpoint.of("smtp example.com", 25, Security.PLAIN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("smtp example.com");
        assertThatThrownBy(() -> ServerEndpoint.of("smtp.example.com:587", 587, Security.STARTTLS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServerEndpoint.of("-bad.example.com", 587, Security.STARTTLS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServerEndpoint.of(null, 587, Security.STARTTLS)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ServerEndpoint.of("a.example", 587, null)).isInstanceOf(NullPointerException.class);
    }
}
