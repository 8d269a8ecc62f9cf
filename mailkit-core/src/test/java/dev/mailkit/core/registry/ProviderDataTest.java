package dev.mailkit.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.ProviderDataException;
import dev.mailkit.core.internal.registry.ProviderXmlReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The built-in data format rejects bad data with errors naming file, provider and field. */
class ProviderDataTest {

    private static final String GOOD_BODY = "<domain>ok.example</domain>"
            + "<imap host='imap.ok.example' port='993' security='SSL_TLS'/>"
            + "<smtp host='smtp.ok.example' port='465' security='SSL_TLS'/>"
            + "<username>EMAIL</username><auth>PASSWORD</auth><docs>https://ok.example/help</docs>";

    private static List<ProviderSettings> read(String providers) {
        String xml = "<providers version='1'>" + providers + "</providers>";
        return ProviderXmlReader.read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "test-providers.xml");
    }

    private static ProviderDataException failure(String providers) {
        try {
            read(providers);
        } catch (ProviderDataException e) {
            return e;
        }
        throw new AssertionError("expected a ProviderDataException");
    }

    @Test
    void goodProvider_reads() {
        ProviderSettings p = read("<provider id='ok' name='OK Mail'>" + GOOD_BODY + "</provider>").get(0);
        assertThat(p.id()).isEqualTo("ok");
        assertThat(p.source()).isEqualTo("test-providers.xml");
    }

    @Test
    void missingHost_namesFileProviderAndField() {
        ProviderDataException e = failure("<provider id='nohost' name='X'>"
                + GOOD_BODY.replace("host='imap.ok.example' ", "") + "</provider>");
        assertThat(e.source()).isEqualTo("test-providers.xml");
        assertThat(e.provider()).contains("nohost");
        assertThat(e.field()).contains("imap.host");
        assertThat(e).hasMessageContaining("test-providers.xml").hasMessageContaining("nohost").hasMessageContaining("imap.host");
    }

    @Test
    void badPort_andUnknownSecurity_andUnknownElement_areNamed() {
        assertThat(failure("<provider id='p' name='X'>" + GOOD_BODY.replace("port='993'", "port='nine'") + "</provider>"))
                .hasMessageContaining("imap.port").hasMessageContaining("nine");
        assertThat(failure("<provider id='p' name='X'>" + GOOD_BODY.replace("port='465'", "port='70000'") + "</provider>"))
                .hasMessageContaining("70000");
        assertThat(failure("<provider id='p' name='X'>" + GOOD_BODY.replace("security='SSL_TLS'/><smtp", "security='TLS'/><smtp") + "</provider>"))
                .hasMessageContaining("imap.security").hasMessageContaining("'TLS'");
        assertThat(failure("<provider id='p' name='X'>" + GOOD_BODY + "<pop3 host='x'/></provider>"))
                .hasMessageContaining("pop3");
    }

    @Test
    void oauth2MethodWithoutSettings_andDuplicateDomain_areRejected() {
        assertThat(failure("<provider id='p' name='X'>" + GOOD_BODY.replace("<auth>PASSWORD</auth>", "<auth>OAUTH2</auth>") + "</provider>"))
                .hasMessageContaining("oauth2");
        assertThat(failure("<provider id='a' name='A'>" + GOOD_BODY + "</provider><provider id='b' name='B'>" + GOOD_BODY + "</provider>"))
                .hasMessageContaining("ok.example").hasMessageContaining("'b'");
    }

    @Test
    void missingDocsOrSmtp_isRejected() {
        assertThat(failure("<provider id='p' name='X'>" + GOOD_BODY.replace("<docs>https://ok.example/help</docs>", "") + "</provider>"))
                .hasMessageContaining("docs");
        assertThat(failure("<provider id='p' name='X'>" + GOOD_BODY.replace("<smtp host='smtp.ok.example' port='465' security='SSL_TLS'/>", "") + "</provider>"))
                .hasMessageContaining("smtp");
    }

    @Test
    void notXml_isTypedError() {
        assertThatThrownBy(() -> ProviderXmlReader.read(new ByteArrayInputStream("<providers".getBytes(StandardCharsets.UTF_8)), "broken.xml"))
                .isInstanceOf(ProviderDataException.class).hasMessageContaining("broken.xml");
    }

    @Test
    void sourcesAndPerProtocolUserNames_areRead() {
        ProviderSettings p = read("<provider id='ok' name='OK Mail'>" + GOOD_BODY
                .replace("<username>EMAIL</username>", "<username imap='LOCAL_PART'>EMAIL</username>")
                + "<source checked='2026-12-06'>ispdb:ok.example</source>"
                + "<source checked='2026-11-28'>https://ok.example/help</source></provider>").get(0);
        assertThat(p.dataSources()).containsExactly(
                new DataSource("ispdb:ok.example", java.time.LocalDate.of(2026, 12, 6)),
                new DataSource("https://ok.example/help", java.time.LocalDate.of(2026, 11, 28)));
        assertThat(p.dataSources().get(0).isIspdb()).isTrue();
        assertThat(p.usernameTemplate(dev.mailkit.core.Protocol.IMAP)).isEqualTo(ProviderSettings.EMAIL_LOCAL_PART);
        assertThat(p.usernameTemplate(dev.mailkit.core.Protocol.SMTP)).isEqualTo(ProviderSettings.EMAIL_ADDRESS);
        assertThat(p.username(dev.mailkit.core.Protocol.IMAP, "me@ok.example")).isEqualTo("me");
    }

    @Test
    void badSourceDate_orReference_andBadUserForm_areRejected() {
        assertThat(failure("<provider id='p' name='X'>" + GOOD_BODY + "<source checked='06.12.2026'>ispdb:x</source></provider>"))
                .hasMessageContaining("source.checked").hasMessageContaining("06.12.2026");
        assertThat(failure("<provider id='p' name='X'>" + GOOD_BODY + "<source checked='2026-12-06'>somewhere</source></provider>"))
                .hasMessageContaining("source");
        assertThat(failure("<provider id='p' name='X'>" + GOOD_BODY.replace("<username>EMAIL</username>",
                "<username smtp='NAME'>EMAIL</username>") + "</provider>")).hasMessageContaining("username");
    }

    @Test
    void smtpOnlyEntry_withSourceInsteadOfDocs_reads() {
        ProviderSettings p = read("<provider id='pop' name='POP only'><domain>pop.example</domain>"
                + "<smtp host='smtp.pop.example' port='465' security='SSL_TLS'/><username>EMAIL</username>"
                + "<auth>PASSWORD</auth><source checked='2026-12-06'>ispdb:pop.example</source></provider>").get(0);
        assertThat(p.imap()).isEmpty();
        assertThat(p.documentation()).isEmpty();
    }
}
