package dev.mailkit.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.ProviderDataException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvidersXmlFileTest {

    @Test
    void addProvidersXml_addsACustomProviderWithItsOAuth2Settings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("providers.xml");
        Files.writeString(file, "<providers version='1'><provider id='selfhosted' name='Self-hosted'>"
                + "<domain>corp.example</domain>"
                + "<imap host='imap.corp.example' port='993' security='SSL_TLS'/>"
                + "<smtp host='smtp.corp.example' port='465' security='SSL_TLS'/>"
                + "<username>EMAIL</username><auth>OAUTH2</auth>"
                + "<oauth2 issuer='sso.corp.example' authorization='https://sso.corp.example/authorize'"
                + " token='https://sso.corp.example/token' scopes='mail offline_access'/>"
                + "<docs>https://corp.example/mail</docs></provider></providers>");
        ProviderRegistry registry = ProviderRegistry.builder().addBuiltIns().addProvidersXml(file).build();
        ProviderSettings p = registry.lookup("me@corp.example");
        assertThat(p.id()).isEqualTo("selfhosted");
        assertThat(p.oauth2()).get().extracting(OAuth2Settings::scopes).asList().containsExactly("mail", "offline_access");
        assertThat(registry.byId("outlook")).isPresent();
    }

    @Test
    void addProvidersXml_missingFile_namesTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.xml");
        assertThatThrownBy(() -> ProviderRegistry.builder().addProvidersXml(missing))
                .isInstanceOf(ProviderDataException.class).hasMessageContaining("nope.xml");
    }
}
