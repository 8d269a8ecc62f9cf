package dev.mailkit.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.AuthMethod;
import dev.mailkit.core.ProviderDataException;
import dev.mailkit.core.ProviderNotFoundException;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.internal.registry.ProviderXmlReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The built-in sending services (SMTP relays): found by id and alias only, each with its login form and sources. */
class SendingServicesTest {

    private static final ProviderRegistry BUILT_IN = ProviderRegistry.builder().addBuiltIns().build();

    /** The AWS Regions whose SES SMTP endpoints are in the data (AWS's credential-derivation page lists these). */
    static final List<String> SES_REGIONS = List.of("us-east-2", "us-east-1", "us-west-2", "ap-south-1", "ap-northeast-2",
            "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2",
            "eu-south-1", "eu-north-1", "sa-east-1", "us-gov-west-1", "us-gov-east-1");

    static List<ProviderSettings> sendingServices() {
        return BUILT_IN.all().stream().filter(ProviderSettings::isSendingService).toList();
    }

    @Test
    void theServicesAreThere() {
        Set<String> ids = sendingServices().stream().map(ProviderSettings::id).collect(Collectors.toSet());
        assertThat(ids).contains("sendgrid", "mailgun", "postmark", "brevo", "sparkpost", "sparkpost-eu", "mandrill",
                "resend", "zeptomail", "aliyun-directmail-cn-hangzhou", "aliyun-directmail-ap-southeast-1",
                "aliyun-directmail-us-east-1", "aliyun-directmail-eu-central-1", "tencent-ses-hongkong",
                "tencent-ses-guangzhou", "tencent-ses-singapore");
        SES_REGIONS.forEach(r -> assertThat(ids).contains("ses-" + r));
        assertThat(sendingServices()).hasSize(ids.size()).hasSizeGreaterThanOrEqualTo(33);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sendingServices")
    void everyService_isComplete(ProviderSettings p) {
        assertThat(p.kind()).isEqualTo(ProviderKind.SENDING_SERVICE);
        assertThat(p.domains()).isEmpty();
        assertThat(p.mxPatterns()).isEmpty();
        assertThat(p.imap()).isEmpty();
        assertThat(p.smtp()).isNotEmpty().noneMatch(ServerEndpoint::isPlaintext);
        assertThat(p.authMethods()).containsExactly(AuthMethod.PASSWORD);
        CredentialForm form = p.credentialForm().orElseThrow();
        assertThat(form.user()).isNotBlank();
        assertThat(form.password()).isNotBlank();
        assertThat(p.documentation()).get().asString().startsWith("https://");
        assertThat(p.dataSources()).isNotEmpty().allSatisfy(s -> {
            assertThat(s.reference()).startsWith("https://");
            assertThat(s.checked()).isAfter(LocalDate.of(2026, 1, 1)).isBeforeOrEqualTo(LocalDate.now());
        });
        assertThat(p.source()).startsWith("built-in");
        // found by id and by each alias, the same entry
        assertThat(BUILT_IN.byId(p.id())).containsSame(p);
        assertThat(BUILT_IN.lookup(p.id().toUpperCase())).isSameAs(p);
        p.aliases().forEach(a -> assertThat(BUILT_IN.byId(a)).as(a).containsSame(p));
        // never by the domain of an SMTP host or of its SPF include, nor by those as MX hosts
        for (ServerEndpoint e : p.smtp()) {
            assertThat(BUILT_IN.forDomain(e.host())).as(e.host()).isEmpty();
            assertThat(BUILT_IN.forEmail("someone@" + e.host())).isEmpty();
            assertThat(BUILT_IN.forMxHost(e.host())).isEmpty();
        }
        p.spfInclude().ifPresent(d -> {
            assertThat(d).doesNotStartWith("include:").matches("[a-z0-9_.-]+\\.[a-z]+");
            assertThat(BUILT_IN.forDomain(d)).isEmpty();
        });
    }

    @Test
    void noDomainOrAddressLookup_returnsASendingService() {
        for (ProviderSettings p : BUILT_IN.all()) {
            for (String d : p.domains()) {
                assertThat(BUILT_IN.forDomain(d).orElseThrow().isSendingService()).as(d).isFalse();
                assertThat(BUILT_IN.lookup("someone@" + d).isSendingService()).as(d).isFalse();
            }
        }
        for (String d : List.of("amazonses.com", "sendgrid.net", "mailgun.org", "amazonaws.com", "sparkpostmail.com",
                "mandrillapp.com", "resend.com", "zeptomail.com", "qcloudmail.com", "aliyuncs.com")) {
            assertThat(BUILT_IN.forDomain(d)).as(d).isEmpty();
        }
        assertThatThrownBy(() -> BUILT_IN.lookup("me@email-smtp.us-east-1.amazonaws.com"))
                .isInstanceOf(ProviderNotFoundException.class);
        // a mailbox provider keeps its own domain lookup
        assertThat(BUILT_IN.lookup("someone@gmail.com").kind()).isEqualTo(ProviderKind.MAILBOX);
    }

    @Test
    void ses_everyRegion_hasBothPortPairs_theQuotasAndTheSpfInclude() {
        for (String region : SES_REGIONS) {
            ProviderSettings ses = BUILT_IN.byId("ses-" + region).orElseThrow();
            assertThat(BUILT_IN.byId("amazon-ses-" + region)).containsSame(ses);
            String host = "email-smtp." + region + ".amazonaws.com";
            assertThat(ses.smtp()).containsExactly(ServerEndpoint.of(host, 587, Security.STARTTLS),
                    ServerEndpoint.of(host, 465, Security.SSL_TLS), ServerEndpoint.of(host, 2587, Security.STARTTLS),
                    ServerEndpoint.of(host, 2465, Security.SSL_TLS));
            assertThat(ses.limits().recipientsPerMessage()).hasValue(50);
            assertThat(ses.limits().maxMessageBytes()).hasValue(40L * 1024 * 1024);
            assertThat(ses.limits().messagesPerDay()).as("production quota is the account's own").isEmpty();
            ProviderLimits sandbox = ses.sandboxLimits().orElseThrow();
            assertThat(sandbox.messagesPerDay()).hasValue(200);
            assertThat(sandbox.messagesPerSecond()).hasValue(1);
            assertThat(ses.spfInclude()).contains("amazonses.com");
            assertThat(ses.dataSources()).extracting(DataSource::reference)
                    .contains("https://docs.aws.amazon.com/ses/latest/dg/quotas.html");
        }
    }

    @Test
    void publishedLoginForms_andLimits() {
        assertThat(BUILT_IN.byId("sendgrid").orElseThrow().credentialForm().orElseThrow().user()).contains("apikey");
        assertThat(BUILT_IN.byId("twilio-sendgrid").orElseThrow().smtp().get(0))
                .isEqualTo(ServerEndpoint.of("smtp.sendgrid.net", 587, Security.STARTTLS));
        assertThat(BUILT_IN.byId("sparkpost").orElseThrow().credentialForm().orElseThrow().user()).contains("SMTP_Injection");
        assertThat(BUILT_IN.byId("sparkpost-eu").orElseThrow().smtp().get(0).host()).isEqualTo("smtp.eu.sparkpostmail.com");
        assertThat(BUILT_IN.byId("resend").orElseThrow().credentialForm().orElseThrow().user()).contains("resend");
        assertThat(BUILT_IN.byId("zeptomail").orElseThrow().credentialForm().orElseThrow().user()).contains("emailapikey");
        ProviderSettings postmark = BUILT_IN.byId("postmark").orElseThrow();
        assertThat(postmark.credentialForm().orElseThrow().password()).contains("Server API Token");
        assertThat(postmark.limits().recipientsPerMessage()).hasValue(50);
        assertThat(postmark.limits().maxMessageBytes()).hasValue(10L * 1024 * 1024);
        assertThat(postmark.note()).get().asString().contains("X-PM-Message-Stream");
        assertThat(BUILT_IN.byId("mailgun").orElseThrow().spfInclude()).contains("mailgun.org");
        assertThat(BUILT_IN.byId("tencent-ses").orElseThrow().limits().messagesPerSecond()).hasValue(20);
        assertThat(BUILT_IN.byId("aliyun-directmail").orElseThrow().id()).isEqualTo("aliyun-directmail-cn-hangzhou");
        assertThat(BUILT_IN.byId("mailchimp-transactional").orElseThrow().id()).isEqualTo("mandrill");
        assertThat(BUILT_IN.byId("sendinblue").orElseThrow().id()).isEqualTo("brevo");
    }

    @Test
    void authenticationHint_ofASendingService_namesItsLoginForm() {
        ProviderSettings sendgrid = BUILT_IN.byId("sendgrid").orElseThrow();
        assertThat(sendgrid.authenticationHint(AuthMethod.PASSWORD)).contains("apikey").contains("API key")
                .doesNotContain("e-mail address");
        assertThat(sendgrid.authenticationHint(AuthMethod.OAUTH2)).contains("does not accept");
    }

    @Test
    void limits_sandboxOverridesOnlyWhatItGives_andTheOldConstructorStillWorks() {
        ProviderLimits regular = new ProviderLimits(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.of(50),
                OptionalInt.empty(), OptionalLong.of(1000));
        assertThat(regular.messagesPerSecond()).isEmpty();
        ProviderLimits sandbox = new ProviderLimits(OptionalInt.of(200), OptionalInt.empty(), OptionalInt.empty(),
                OptionalInt.empty(), OptionalLong.empty(), OptionalInt.of(1));
        ProviderLimits both = regular.overriddenBy(sandbox);
        assertThat(both.messagesPerDay()).hasValue(200);
        assertThat(both.messagesPerSecond()).hasValue(1);
        assertThat(both.recipientsPerMessage()).hasValue(50);
        assertThat(both.maxMessageBytes()).hasValue(1000);
        assertThatThrownBy(() -> new ProviderLimits(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(),
                OptionalInt.empty(), OptionalLong.empty(), OptionalInt.of(0))).hasMessageContaining("messagesPerSecond");
    }

    @Test
    void builder_refusesDomainsOnASendingService_andToBuilderKeepsTheNewFields() {
        ProviderSettings.Builder relay = ProviderSettings.builder("relay").kind(ProviderKind.SENDING_SERVICE)
                .smtp(ServerEndpoint.of("smtp.relay.example", 587, Security.STARTTLS))
                .credentialForm(new CredentialForm("the word key", "a token")).spfInclude("include:_spf.relay.example");
        ProviderSettings built = relay.build();
        assertThat(built.spfInclude()).contains("_spf.relay.example");
        assertThat(built.toBuilder().build()).isEqualTo(built);
        assertThat(built.toString()).contains("SENDING_SERVICE");
        assertThatThrownBy(() -> relay.domain("relay.example").build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no e-mail domains");
        // a programmatic registry never answers a domain with a sending service either
        ProviderSettings withDomain = ProviderSettings.builder("odd").smtp(ServerEndpoint.of("smtp.odd.example", 587,
                Security.STARTTLS)).domain("odd.example").build();
        ProviderRegistry r = ProviderRegistry.builder().add(withDomain).add(built).build();
        assertThat(r.forDomain("odd.example")).containsSame(withDomain);
        assertThat(r.byId("relay")).containsSame(built);
    }

    @Test
    void xml_kindCredentialsSpfAndSandbox_areReadAndChecked() {
        String service = "<provider id='relay' name='Relay' kind='SENDING_SERVICE'>"
                + "<smtp host='smtp.relay.example' port='587' security='STARTTLS'/>"
                + "<credentials user='the word key' password='a token'/><auth>PASSWORD</auth>"
                + "<limits recipients-per-message='10' messages-per-second='5'/>"
                + "<sandbox-limits messages-per-day='100'/><spf-include>spf.relay.example</spf-include>"
                + "<docs>https://relay.example/smtp</docs></provider>";
        ProviderSettings p = read(service).get(0);
        assertThat(p.isSendingService()).isTrue();
        assertThat(p.credentialForm()).contains(new CredentialForm("the word key", "a token"));
        assertThat(p.limits().messagesPerSecond()).hasValue(5);
        assertThat(p.sandboxLimits().orElseThrow().messagesPerDay()).hasValue(100);
        assertThat(p.spfInclude()).contains("spf.relay.example");

        assertThat(failure(service.replace("<credentials user='the word key' password='a token'/>", "")))
                .hasMessageContaining("credentials");
        assertThat(failure(service.replace("<auth>", "<username>EMAIL</username><auth>"))).hasMessageContaining("username");
        assertThat(failure(service.replace("<smtp ", "<domain>relay.example</domain><smtp "))).hasMessageContaining("domain");
        assertThat(failure(service.replace("kind='SENDING_SERVICE'", "kind='RELAY'"))).hasMessageContaining("kind");
        assertThat(failure("<provider id='m' name='M'><domain>m.example</domain>"
                + "<smtp host='smtp.m.example' port='587' security='STARTTLS'/><username>EMAIL</username>"
                + "<credentials user='u' password='p'/><auth>PASSWORD</auth><docs>https://m.example</docs></provider>"))
                .hasMessageContaining("credentials");
    }

    private static List<ProviderSettings> read(String providers) {
        String xml = "<providers version='1'>" + providers + "</providers>";
        return ProviderXmlReader.read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "test.xml");
    }

    private static ProviderDataException failure(String providers) {
        try {
            read(providers);
        } catch (ProviderDataException e) {
            return e;
        }
        throw new AssertionError("expected a ProviderDataException");
    }
}
