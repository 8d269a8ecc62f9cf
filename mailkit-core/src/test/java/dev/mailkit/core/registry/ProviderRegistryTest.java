package dev.mailkit.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.AuthMethod;
import dev.mailkit.core.ProviderNotFoundException;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ProviderRegistryTest {

    private static final ProviderRegistry REGISTRY = ProviderRegistry.defaults();

    static List<ProviderSettings> builtIns() {
        return ProviderRegistry.builder().addBuiltIns().build().all();
    }

    @Test
    void builtIns_coverAtLeastThirtyRequiredProviders() {
        List<ProviderSettings> all = builtIns();
        assertThat(all).hasSizeGreaterThanOrEqualTo(30);
        Set<String> ids = all.stream().map(ProviderSettings::id).collect(Collectors.toSet());
        for (String required : List.of("outlook", "microsoft365", "gmail", "google-workspace", "yahoo", "aol", "icloud",
                "zoho", "zoho-eu", "zoho-in", "fastmail", "gmx", "webde", "yandex", "mailru", "qq", "netease163",
                "netease126", "yeah", "sina", "exmail", "aliyun", "proton-bridge", "comcast", "att", "mailcom",
                "rambler", "naver", "orange", "free", "tonline", "libero")) {
            assertThat(ids).as("built-in provider ids").contains(required);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builtIns")
    void everyBuiltIn_isComplete(ProviderSettings p) {
        assertThat(p.source()).startsWith("built-in");
        // POP3-only providers (IMAP not offered) have SMTP only, and a note saying so
        // (sending services are SMTP relays: no IMAP at all)
        assertThat(!p.imap().isEmpty() || p.isSendingService() || p.note().orElse("").contains("IMAP")).as(p.id() + " imap")
                .isTrue();
        assertThat(p.smtp()).as(p.id() + " smtp").isNotEmpty();
        assertThat(p.documentation().isPresent() || !p.dataSources().isEmpty()).as(p.id() + " docs or source").isTrue();
        assertThat(p.authMethods()).isNotEmpty();
        assertThat(p.oauth2().isPresent()).as(p.id() + " oauth2 settings iff OAUTH2").isEqualTo(p.accepts(AuthMethod.OAUTH2));
        if (p.isSendingService()) {
            assertThat(p.domains()).as(p.id() + ": a sending service hosts no domains").isEmpty();
            assertThat(p.credentialForm()).as(p.id() + " credential form").isPresent();
        } else {
            assertThat(p.domains().isEmpty() && p.mxPatterns().isEmpty()).as(p.id() + " is reachable by domain or MX").isFalse();
        }
        for (ServerEndpoint e : concat(p.imap(), p.smtp())) {
            if (e.isPlaintext()) {
                assertThat(e.host()).as(p.id() + ": plaintext only on loopback").isIn("127.0.0.1", "localhost", "::1");
            }
        }
        assertThat(p.username("someone@" + (p.domains().isEmpty() ? "example.com" : p.domains().get(0)))).isNotBlank();
    }

    @Test
    void outlook_hasTheDocumentedSettings() {
        ProviderSettings outlook = REGISTRY.byId("outlook").orElseThrow();
        assertThat(outlook.smtp().get(0)).isEqualTo(ServerEndpoint.of("smtp-mail.outlook.com", 587, Security.STARTTLS));
        assertThat(outlook.imap().get(0)).isEqualTo(ServerEndpoint.of("outlook.office365.com", 993, Security.SSL_TLS));
        assertThat(outlook.authMethods()).containsExactly(AuthMethod.OAUTH2);
        assertThat(outlook.oauth2().orElseThrow().tokenEndpoint().toString()).startsWith("https://login.microsoftonline.com/");

        ProviderSettings m365 = REGISTRY.byId("microsoft365").orElseThrow();
        assertThat(m365).isNotEqualTo(outlook);
        assertThat(m365.smtp().get(0)).isEqualTo(ServerEndpoint.of("smtp.office365.com", 587, Security.STARTTLS));
    }

    @Test
    void gmail_prefersImplicitTlsThenStarttls() {
        ProviderSettings gmail = REGISTRY.byId("gmail").orElseThrow();
        assertThat(gmail.smtp()).startsWith(ServerEndpoint.of("smtp.gmail.com", 465, Security.SSL_TLS),
                ServerEndpoint.of("smtp.gmail.com", 587, Security.STARTTLS));
        assertThat(gmail.specialFolder(FolderRole.SENT)).contains("[Gmail]/Sent Mail");
    }

    @Test
    void chineseProviders_needAuthorizationCodesAndImapId() {
        for (String id : List.of("qq", "netease163", "netease126")) {
            assertThat(REGISTRY.byId(id).orElseThrow().authMethods()).as(id).contains(AuthMethod.AUTHORIZATION_CODE);
        }
        assertThat(REGISTRY.byId("netease163").orElseThrow().imapIdRequired()).isTrue();
        assertThat(REGISTRY.byId("netease126").orElseThrow().imapIdRequired()).isTrue();
        assertThat(REGISTRY.byId("qq").orElseThrow().enableInWebSettings()).isPresent();
    }

    @Test
    void lookups_byAddressAliasDomainAndCase() {
        assertThat(REGISTRY.forEmail("Someone@Hotmail.com")).map(ProviderSettings::id).contains("outlook");
        assertThat(REGISTRY.forEmail("Some One <someone@gmail.com>")).map(ProviderSettings::id).contains("gmail");
        assertThat(REGISTRY.byId("HOTMAIL")).map(ProviderSettings::id).contains("outlook");
        assertThat(REGISTRY.byId("163")).map(ProviderSettings::id).contains("netease163");
        assertThat(REGISTRY.forDomain("qq.com.")).map(ProviderSettings::id).contains("qq");
        assertThat(REGISTRY.forDomain("unknown-domain.example")).isEmpty();
        assertThat(REGISTRY.lookup("me@icloud.com").id()).isEqualTo("icloud");
        assertThat(REGISTRY.lookup("yahoo").id()).isEqualTo("yahoo");
        assertThat(REGISTRY.lookup("web.de").id()).isEqualTo("webde");
    }

    @Test
    void lookup_unknown_throwsTypedErrorNamingTheQuery() {
        assertThatThrownBy(() -> REGISTRY.lookup("no-such-provider"))
                .isInstanceOf(ProviderNotFoundException.class).hasMessageContaining("no-such-provider")
                .satisfies(e -> assertThat(((ProviderNotFoundException) e).query()).isEqualTo("no-such-provider"));
        assertThatThrownBy(() -> REGISTRY.forEmail("not-an-address")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not-an-address");
        assertThatThrownBy(() -> REGISTRY.lookup("someone@")).isInstanceOf(ProviderNotFoundException.class);
        assertThatThrownBy(() -> REGISTRY.forEmail("x@evil.example:8443/path")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> REGISTRY.forEmail("x@/attacker.example/victim.example")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forMxHost_mostSpecificPatternWins() {
        assertThat(REGISTRY.forMxHost("contoso-com.mail.protection.outlook.com.")).map(ProviderSettings::id)
                .contains("microsoft365");
        assertThat(REGISTRY.forMxHost("ALT1.ASPMX.L.GOOGLE.COM")).map(ProviderSettings::id).contains("google-workspace");
        assertThat(REGISTRY.forMxHost("gmail-smtp-in.l.google.com")).map(ProviderSettings::id).contains("gmail");
        assertThat(REGISTRY.forMxHost("mx.unknown.example")).isEmpty();
    }

    @Test
    void builder_laterProviderOverridesEarlierById_andClaimsItsDomains() {
        ProviderSettings custom = ProviderSettings.builder("outlook").displayName("Outlook via relay")
                .domain("hotmail.com").smtp(ServerEndpoint.of("relay.example.com", 465, Security.SSL_TLS)).build();
        ProviderSettings claimer = ProviderSettings.builder("corp").domain("outlook.com")
                .smtp(ServerEndpoint.of("smtp.corp.example", 587, Security.STARTTLS)).build();
        ProviderRegistry r = ProviderRegistry.builder().addBuiltIns().add(custom).add(claimer).build();

        assertThat(r.byId("outlook").orElseThrow().displayName()).isEqualTo("Outlook via relay");
        assertThat(r.forEmail("a@hotmail.com").orElseThrow().smtp().get(0).host()).isEqualTo("relay.example.com");
        assertThat(r.forDomain("outlook.com")).map(ProviderSettings::id).contains("corp");
        // The replaced provider keeps its place in all(); the new one comes last.
        List<String> ids = r.all().stream().map(ProviderSettings::id).collect(Collectors.toList());
        assertThat(ids.indexOf("outlook")).isEqualTo(builtIns().stream().map(ProviderSettings::id)
                .collect(Collectors.toList()).indexOf("outlook"));
        assertThat(ids.get(ids.size() - 1)).isEqualTo("corp");
        // The defaults are untouched.
        assertThat(REGISTRY.byId("outlook").orElseThrow().displayName()).startsWith("Outlook.com");
    }

    @Test
    void toBuilder_derivesWithoutChangingTheOriginal() {
        ProviderRegistry small = ProviderRegistry.builder()
                .add(ProviderSettings.builder("a").domain("a.example").imap(ServerEndpoint.of("imap.a.example", 993, Security.SSL_TLS)).build())
                .build();
        ProviderRegistry bigger = small.toBuilder()
                .add(ProviderSettings.builder("b").imap(ServerEndpoint.of("imap.b.example", 993, Security.SSL_TLS)).build())
                .build();
        assertThat(small.all()).hasSize(1);
        assertThat(bigger.all()).extracting(ProviderSettings::id).containsExactly("a", "b");
    }

    @Test
    void authenticationHint_explainsWhatTheProviderWants() {
        assertThat(REGISTRY.byId("outlook").orElseThrow().authenticationHint(AuthMethod.PASSWORD))
                .contains("does not accept the account password").contains("OAuth2");
        assertThat(REGISTRY.byId("qq").orElseThrow().authenticationHint(AuthMethod.PASSWORD))
                .contains("authorization code");
        assertThat(REGISTRY.byId("icloud").orElseThrow().authenticationHint(AuthMethod.PASSWORD))
                .contains("app password");
    }

    private static List<ServerEndpoint> concat(List<ServerEndpoint> a, List<ServerEndpoint> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).collect(Collectors.toList());
    }
}
