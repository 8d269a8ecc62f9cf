package dev.mailkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProxySettingsTest {

    @Test
    void parse_readsBothKinds_withAUserName_andIpv6InBrackets() {
        ProxySettings socks = ProxySettings.parse("socks5://proxy.corp.example:1080");
        assertThat(socks.type()).isEqualTo(ProxySettings.Type.SOCKS5);
        assertThat(socks.host()).isEqualTo("proxy.corp.example");
        assertThat(socks.port()).isEqualTo(1080);
        assertThat(socks.username()).isEmpty();
        ProxySettings http = ProxySettings.parse("HTTP://me@10.0.0.8:3128/");
        assertThat(http.type()).isEqualTo(ProxySettings.Type.HTTP);
        assertThat(http.username()).contains("me");
        assertThat(http.password()).isEmpty();
        assertThat(http).hasToString("http://me@10.0.0.8:3128");
        ProxySettings v6 = ProxySettings.parse("socks5h://[2001:db8::1]:1080");
        assertThat(v6.host()).isEqualTo("2001:db8::1");
        assertThat(v6.address()).isEqualTo("[2001:db8::1]:1080");
        assertThat(ProxySettings.parse("http://me%40corp@proxy:8080").username()).contains("me@corp");
    }

    @Test
    void parse_refusesAPasswordInTheUri_withoutRepeatingIt() {
        assertThatThrownBy(() -> ProxySettings.parse("http://me:hunter2@proxy:3128"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a password does not belong in the proxy URI")
                .hasMessageContaining("http://me:…@proxy:3128")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ProxySettings.parse("ftp://me:hunter2@proxy:3128/x"))
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void parse_saysWhatIsWrong() {
        assertThatThrownBy(() -> ProxySettings.parse("proxy:3128")).hasMessageContaining("socks5://host:port or http://host:port");
        assertThatThrownBy(() -> ProxySettings.parse("https://proxy:3128")).hasMessageContaining("not supported");
        assertThatThrownBy(() -> ProxySettings.parse("socks4://proxy:1080")).hasMessageContaining("unknown scheme 'socks4'");
        assertThatThrownBy(() -> ProxySettings.parse("http://proxy")).hasMessageContaining("needs a port")
                .hasMessageContaining("http://proxy:3128");
        assertThatThrownBy(() -> ProxySettings.parse("http://proxy:x")).hasMessageContaining("'x' is not a number");
        assertThatThrownBy(() -> ProxySettings.parse("http://proxy:0")).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> ProxySettings.parse("http://proxy:3128/path")).hasMessageContaining("without a path");
    }

    @Test
    void credentials_areChecked_andThePasswordNeverShown() {
        ProxySettings p = ProxySettings.socks5("proxy", 1080).withCredentials("me", "s3cret");
        assertThat(p.username()).contains("me");
        assertThat(p.password()).contains("s3cret");
        assertThat(p.toString()).isEqualTo("socks5://me@proxy:1080").doesNotContain("s3cret");
        ConnectionOptions options = ConnectionOptions.builder().proxy(p).build();
        assertThat(options.proxy()).contains(p);
        assertThat(options.toString()).contains("proxy=socks5://me@proxy:1080").doesNotContain("s3cret");
        assertThat(options.toBuilder().build().proxy()).contains(p);
        assertThat(options.toBuilder().noProxy().build().proxy()).isEmpty();
        assertThatThrownBy(() -> ProxySettings.http("proxy", 3128).withCredentials("a:b", "pw"))
                .hasMessageContaining("cannot contain ':'");
        assertThatThrownBy(() -> ProxySettings.socks5("proxy", 1080).withCredentials("me", "x".repeat(256)))
                .hasMessageContaining("255 bytes").hasMessageNotContaining("xxx");
        assertThatThrownBy(() -> ProxySettings.http("proxy", 3128).withCredentials("me", ""))
                .hasMessageContaining("must not be empty");
    }

    @Test
    void aUserNameWithoutItsPassword_isRefusedByTheOptions() {
        assertThatThrownBy(() -> ConnectionOptions.builder().proxy(ProxySettings.parse("http://me@proxy:3128")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("withCredentials");
    }

    @Test
    void angusMailsOwnProxyProperties_areRefused() {
        MailSession.Builder b = MailSession.builder(Protocol.SMTP, ServerEndpoint.of("smtp.example.com", 587, Security.STARTTLS));
        for (String name : new String[] {"mail.smtp.proxy.host", "mail.imap.socks.host", "mail.smtp.proxy.password"}) {
            assertThatThrownBy(() -> b.property(name, "x")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ConnectionOptions.builder().proxy");
        }
    }

    @Test
    void hostsAreChecked() {
        assertThatThrownBy(() -> ProxySettings.http(" ", 3128)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProxySettings.http("a b", 3128)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProxySettings.socks5("proxy", 70000)).hasMessageContaining("1 to 65535");
    }
}
