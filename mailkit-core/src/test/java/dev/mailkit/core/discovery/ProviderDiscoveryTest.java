package dev.mailkit.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.DnsResolver;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProviderDiscoveryTest {

    /** A scripted resolver: answers from maps, records every question. */
    static final class FakeDns implements DnsResolver {
        final Map<String, List<Mx>> mx;
        final Map<String, List<Srv>> srv;
        final List<String> asked = new ArrayList<>();

        FakeDns(Map<String, List<Mx>> mx, Map<String, List<Srv>> srv) {
            this.mx = mx;
            this.srv = srv;
        }

        @Override
        public List<Mx> mx(String domain) {
            asked.add("MX " + domain);
            return mx.getOrDefault(domain, List.of());
        }

        @Override
        public List<Srv> srv(String name) {
            asked.add("SRV " + name);
            return srv.getOrDefault(name, List.of());
        }
    }

    @Test
    void knownDomain_isAnsweredFromTheRegistryWithoutNetwork() {
        FakeDns dns = new FakeDns(Map.of(), Map.of());
        ProviderDiscovery d = ProviderDiscovery.builder().dns(dns).autoconfig((domain, email) -> {
            throw new AssertionError("autoconfig must not be asked for a known domain");
        }).build();
        DiscoveryResult r = d.discover("me@outlook.com").orElseThrow();
        assertThat(r.method()).isEqualTo(DiscoveryResult.Method.REGISTRY_DOMAIN);
        assertThat(r.settings().id()).isEqualTo("outlook");
        assertThat(dns.asked).isEmpty();
    }

    @Test
    void customDomainHostedByMicrosoft365_isFoundByMx() {
        FakeDns dns = new FakeDns(Map.of("contoso.example", List.of(
                new DnsResolver.Mx(10, "contoso-example.mail.protection.outlook.com."))), Map.of());
        DiscoveryResult r = ProviderDiscovery.builder().dns(dns).build().discover("ceo@contoso.example").orElseThrow();
        assertThat(r.method()).isEqualTo(DiscoveryResult.Method.MX);
        assertThat(r.settings().id()).isEqualTo("microsoft365");
        assertThat(r.foundBy()).isEqualTo("the MX of contoso.example: contoso-example.mail.protection.outlook.com"
                + " → Microsoft 365 (Exchange Online)");
    }

    @Test
    void customDomainsOfHostedServices_areFoundByMx() {
        Map<String, String> mxToProvider = Map.of("aspmx.l.google.com", "google-workspace", "mx.zoho.com", "zoho-business",
                "mxbiz1.qq.com", "exmail", "mxw.mxhichina.com", "aliyun");
        mxToProvider.forEach((mx, id) -> {
            FakeDns dns = new FakeDns(Map.of("corp.example", List.of(new DnsResolver.Mx(10, mx + "."))), Map.of());
            DiscoveryResult r = ProviderDiscovery.builder().dns(dns).build().discover("ceo@corp.example").orElseThrow();
            assertThat(r.settings().id()).as(mx).isEqualTo(id);
            assertThat(r.foundBy()).startsWith("the MX of corp.example: " + mx + " → ");
        });
    }

    @Test
    void mx_preferenceOrderDecides() {
        FakeDns dns = new FakeDns(Map.of("mixed.example", List.of(
                new DnsResolver.Mx(20, "aspmx.l.google.com"),
                new DnsResolver.Mx(5, "mixed-example.mail.protection.outlook.com"))), Map.of());
        assertThat(ProviderDiscovery.builder().dns(dns).build().discover("a@mixed.example"))
                .map(r -> r.settings().id()).contains("microsoft365");
    }

    @Test
    void autoconfig_isUsed_andPlaintextEndpointsAreFlaggedNotUsed() {
        String xml = "<clientConfig><emailProvider id='isp.example'><domain>isp.example</domain>"
                + "<incomingServer type='imap'><hostname>mail.isp.example</hostname><port>143</port><socketType>plain</socketType></incomingServer>"
                + "<incomingServer type='imap'><hostname>mail.isp.example</hostname><port>993</port><socketType>SSL</socketType></incomingServer>"
                + "<outgoingServer type='smtp'><hostname>mail.isp.example</hostname><port>25</port><socketType>plain</socketType></outgoingServer>"
                + "<outgoingServer type='smtp'><hostname>mail.isp.example</hostname><port>587</port><socketType>STARTTLS</socketType></outgoingServer>"
                + "</emailProvider></clientConfig>";
        DiscoveryResult r = ProviderDiscovery.builder()
                .autoconfig((domain, email) -> domain.equals("isp.example") ? Optional.of(xml) : Optional.empty())
                .build().discover("me@isp.example").orElseThrow();
        assertThat(r.method()).isEqualTo(DiscoveryResult.Method.AUTOCONFIG);
        assertThat(r.settings().imap()).containsExactly(ServerEndpoint.of("mail.isp.example", 993, Security.SSL_TLS));
        assertThat(r.settings().smtp()).containsExactly(ServerEndpoint.of("mail.isp.example", 587, Security.STARTTLS));
        assertThat(r.plaintextEndpoints()).containsExactly(ServerEndpoint.of("mail.isp.example", 143, Security.PLAIN),
                ServerEndpoint.of("mail.isp.example", 25, Security.PLAIN));
    }

    @Test
    void autoconfig_onlyPlaintext_fallsThroughToNextStep() {
        String xml = "<clientConfig><emailProvider id='old.example'>"
                + "<incomingServer type='imap'><hostname>mail.old.example</hostname><port>143</port><socketType>plain</socketType></incomingServer>"
                + "</emailProvider></clientConfig>";
        FakeDns dns = new FakeDns(Map.of(), Map.of("_imaps._tcp.old.example", List.of(new DnsResolver.Srv(0, 1, 993, "imap.old.example."))));
        DiscoveryResult r = ProviderDiscovery.builder().dns(dns).autoconfig((d, e) -> Optional.of(xml)).build()
                .discover("x@old.example").orElseThrow();
        assertThat(r.method()).isEqualTo(DiscoveryResult.Method.SRV);
    }

    @Test
    void srv_implicitTlsPreferredAtEqualPriority_andDotTargetMeansNotOffered() {
        FakeDns dns = new FakeDns(Map.of(), Map.of(
                "_submission._tcp.srv.example", List.of(new DnsResolver.Srv(0, 1, 587, "mail.srv.example.")),
                "_submissions._tcp.srv.example", List.of(new DnsResolver.Srv(0, 1, 465, "mail.srv.example.")),
                "_imap._tcp.srv.example", List.of(new DnsResolver.Srv(0, 0, 0, ".")),
                "_imaps._tcp.srv.example", List.of(new DnsResolver.Srv(10, 0, 993, "imap2.srv.example"),
                        new DnsResolver.Srv(5, 0, 993, "imap1.srv.example"))));
        DiscoveryResult r = ProviderDiscovery.builder().dns(dns).build().discover("me@srv.example").orElseThrow();
        assertThat(r.method()).isEqualTo(DiscoveryResult.Method.SRV);
        assertThat(r.settings().smtp()).containsExactly(ServerEndpoint.of("mail.srv.example", 465, Security.SSL_TLS),
                ServerEndpoint.of("mail.srv.example", 587, Security.STARTTLS));
        assertThat(r.settings().imap()).containsExactly(ServerEndpoint.of("imap1.srv.example", 993, Security.SSL_TLS),
                ServerEndpoint.of("imap2.srv.example", 993, Security.SSL_TLS));
        assertThat(r.settings().domains()).containsExactly("srv.example");
    }

    @Test
    void failingSteps_areSkipped_andNothingFoundIsEmpty() {
        DnsResolver broken = new DnsResolver() {
            @Override
            public List<Mx> mx(String domain) throws IOException {
                throw new IOException("SERVFAIL");
            }

            @Override
            public List<Srv> srv(String name) throws IOException {
                throw new IOException("SERVFAIL");
            }
        };
        ProviderDiscovery d = ProviderDiscovery.builder().dns(broken).autoconfig((x, y) -> {
            throw new IOException("timeout");
        }).build();
        assertThat(d.discover("me@nowhere.example")).isEmpty();
        assertThat(ProviderDiscovery.builder().build().discover("me@nowhere.example")).isEmpty();
    }

    @Test
    void registryProviderWithPlaintextEndpoints_isFilteredToo() {
        ProviderRegistry registry = ProviderRegistry.builder().add(ProviderSettings.builder("legacy").domain("legacy.example")
                .imap(ServerEndpoint.of("mail.legacy.example", 143, Security.PLAIN))
                .smtp(ServerEndpoint.of("mail.legacy.example", 465, Security.SSL_TLS)).build()).build();
        DiscoveryResult r = ProviderDiscovery.builder().registry(registry).build().discover("a@legacy.example").orElseThrow();
        assertThat(r.settings().imap()).isEmpty();
        assertThat(r.settings().smtp()).hasSize(1);
        assertThat(r.plaintextEndpoints()).containsExactly(ServerEndpoint.of("mail.legacy.example", 143, Security.PLAIN));
    }

    @Test
    void mxStepCanBeSwitchedOff() {
        FakeDns dns = new FakeDns(Map.of("contoso.example", List.of(new DnsResolver.Mx(10, "x.mail.protection.outlook.com"))), Map.of());
        assertThat(ProviderDiscovery.builder().dns(dns).mxLookup(false).build().discover("a@contoso.example")).isEmpty();
    }
}
