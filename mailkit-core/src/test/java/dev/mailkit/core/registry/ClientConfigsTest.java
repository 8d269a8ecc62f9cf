package dev.mailkit.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.AuthMethod;
import dev.mailkit.core.ProviderDataException;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigsTest {

    private static Path resource(String name) throws Exception {
        return Path.of(ClientConfigsTest.class.getResource("/clientconfig/" + name).toURI());
    }

    @Test
    void read_realWorldDocument_keepsImapAndSmtpInOrder_ignoresPop3AndUnknownElements() throws Exception {
        List<ProviderSettings> list = ClientConfigs.read(resource("realworld.xml"));
        assertThat(list).hasSize(1);
        ProviderSettings p = list.get(0);
        assertThat(p.id()).isEqualTo("example-mail.net");
        assertThat(p.displayName()).isEqualTo("Example Mail");
        assertThat(p.domains()).containsExactly("example-mail.net", "example-mail.org");
        assertThat(p.imap()).containsExactly(ServerEndpoint.of("imap.example-mail.net", 993, Security.SSL_TLS),
                ServerEndpoint.of("imap.example-mail.net", 143, Security.STARTTLS));
        assertThat(p.smtp()).containsExactly(ServerEndpoint.of("smtp.example-mail.net", 465, Security.SSL_TLS),
                ServerEndpoint.of("smtp.example-mail.net", 587, Security.STARTTLS));
        assertThat(p.username("Me@Example-Mail.net")).isEqualTo("Me@example-mail.net");
        assertThat(p.authMethods()).containsExactly(AuthMethod.OAUTH2, AuthMethod.PASSWORD);
        OAuth2Settings o = p.oauth2().orElseThrow();
        assertThat(o.issuer()).isEqualTo("accounts.example-mail.net");
        assertThat(o.scopes()).containsExactly("https://mail.example-mail.net/", "offline_access");
        assertThat(o.tokenEndpoint()).isEqualTo(URI.create("https://accounts.example-mail.net/o/oauth2/token"));
        assertThat(p.enableInWebSettings()).contains(URI.create("https://mail.example-mail.net/settings/imap"));
        assertThat(p.documentation()).contains(URI.create("https://help.example-mail.net/clients"));
        assertThat(p.source()).endsWith("realworld.xml");
    }

    @Test
    void read_localPartPlaceholder_andPlaintextServerKeptButMarked() throws Exception {
        ProviderSettings p = ClientConfigs.read(resource("localpart.xml")).get(0);
        assertThat(p.username("alice@legacy.example")).isEqualTo("alice");
        assertThat(p.imap().get(0).isPlaintext()).isTrue();
        assertThat(p.authMethods()).containsExactly(AuthMethod.PASSWORD);
    }

    @Test
    void registryBuilder_addClientConfig_overridesBuiltInDomainClaims() throws Exception {
        ProviderRegistry r = ProviderRegistry.builder().addBuiltIns().addClientConfig(resource("realworld.xml")).build();
        assertThat(r.forEmail("x@example-mail.org")).map(ProviderSettings::id).contains("example-mail.net");
    }

    @Test
    void parse_serverWithoutHost_namesSourceProviderAndField() {
        String xml = "<clientConfig><emailProvider id='bad.example'><domain>bad.example</domain>"
                + "<incomingServer type='imap'><port>993</port><socketType>SSL</socketType></incomingServer>"
                + "</emailProvider></clientConfig>";
        assertThatThrownBy(() -> ClientConfigs.parse(xml, "bad.xml"))
                .isInstanceOfSatisfying(ProviderDataException.class, e -> {
                    assertThat(e.source()).isEqualTo("bad.xml");
                    assertThat(e.provider()).contains("bad.example");
                    assertThat(e.field()).contains("incomingServer.hostname");
                }).hasMessageContaining("bad.xml").hasMessageContaining("bad.example").hasMessageContaining("hostname");
    }

    @Test
    void parse_badPortAndUnknownSocketType_areTypedErrors() {
        String badPort = "<clientConfig><emailProvider id='p'><outgoingServer type='smtp'><hostname>smtp.p.example</hostname>"
                + "<port>99999</port><socketType>SSL</socketType></outgoingServer></emailProvider></clientConfig>";
        assertThatThrownBy(() -> ClientConfigs.parse(badPort, "x.xml")).isInstanceOf(ProviderDataException.class)
                .hasMessageContaining("99999");
        String badType = "<clientConfig><emailProvider id='p'><outgoingServer type='smtp'><hostname>smtp.p.example</hostname>"
                + "<port>465</port><socketType>QUANTUM</socketType></outgoingServer></emailProvider></clientConfig>";
        assertThatThrownBy(() -> ClientConfigs.parse(badType, "x.xml")).isInstanceOf(ProviderDataException.class)
                .hasMessageContaining("socketType").hasMessageContaining("QUANTUM");
    }

    @Test
    void parse_refusesDoctypeAndExternalEntities(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "top-secret");
        String xxe = "<?xml version='1.0'?><!DOCTYPE c [<!ENTITY x SYSTEM '" + secret.toUri() + "'>]>"
                + "<clientConfig><emailProvider id='p'><displayName>&x;</displayName></emailProvider></clientConfig>";
        assertThatThrownBy(() -> ClientConfigs.parse(xxe, "evil.xml")).isInstanceOf(ProviderDataException.class)
                .hasMessageNotContaining("top-secret");
    }

    @Test
    void read_missingFile_isTypedErrorNamingTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.xml");
        assertThatThrownBy(() -> ClientConfigs.read(missing)).isInstanceOf(ProviderDataException.class)
                .hasMessageContaining("nope.xml");
    }
}
