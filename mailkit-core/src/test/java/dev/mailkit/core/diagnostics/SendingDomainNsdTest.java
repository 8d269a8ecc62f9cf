package dev.mailkit.core.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.DnsResolver;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.testing.DnsZone;
import dev.mailkit.core.testing.NsdServer;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link MailDiagnostics#checkSendingDomain} against a real authoritative DNS server (NSD) on loopback: one domain
 * per mistake, each found with the record that fixes it, and a domain set up right that gives no warning at all.
 */
class SendingDomainNsdTest {

    static final String RELAY = "amazonses.com";
    static final String RELAY_SPF = "v=spf1 ip4:199.255.192.0/22 ip4:54.240.0.0/18 -all";
    static final String GOOD_IP = "192.0.2.25";

    static PublicKey rsa2048;
    static PublicKey other2048;
    static PublicKey rsa1024;
    static PublicKey rsa512;
    static PublicKey ed25519;
    static NsdServer dns;
    static MailDiagnostics diagnostics;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        rsa2048 = rsa.generateKeyPair().getPublic();
        other2048 = rsa.generateKeyPair().getPublic();
        rsa.initialize(1024);
        rsa1024 = rsa.generateKeyPair().getPublic();
        rsa.initialize(512);
        rsa512 = rsa.generateKeyPair().getPublic();
        ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();

        NsdServer.Builder b = NsdServer.builder()
                .zone(DnsZone.named(RELAY).txt("@", RELAY_SPF))
                // Everything right: SPF names the relay and the sending address, DKIM has the signing key (a
                // 2048-bit key: its record is longer than 255 bytes), DMARC quarantines with reports, MX, reverse DNS.
                .zone(right(DnsZone.named("good.test"), "v=spf1 include:" + RELAY + " ip4:" + GOOD_IP + " -all")
                        .txt("mk._domainkey", record(rsa2048))
                        .txt("ed._domainkey", record(ed25519))
                        .a("mail", GOOD_IP)
                        .a("news", "192.0.2.80"))
                .ptr(GOOD_IP, "mail.good.test")
                .ptr("192.0.2.26", "mail.good.test") // its name does not point back
                .zone(right(DnsZone.named("nospf.test"), null))
                .zone(right(DnsZone.named("twospf.test"), "v=spf1 ip4:198.51.100.0/24 -all")
                        .txt("@", "v=spf1 include:" + RELAY + " ~all"))
                .zone(right(DnsZone.named("syntax.test"), "v=spf1 ip4:192.0.2.0/33 include:" + RELAY + " -all"))
                .zone(right(DnsZone.named("norelay.test"), "v=spf1 ip4:198.51.100.0/24 -all"))
                .zone(right(DnsZone.named("plusall.test"), "v=spf1 include:" + RELAY + " +all"))
                .zone(right(DnsZone.named("voids.test"), "v=spf1 a:nx1.voids.test a:nx2.voids.test mx:nx3.voids.test include:"
                        + RELAY + " -all"))
                // 11 look-ups through nested includes: 2 at the top, 3 in a, 3 in c (under a), 3 in b
                .zone(right(DnsZone.named("eleven.test"), "v=spf1 include:a.deep.test include:b.deep.test -all"))
                .zone(right(DnsZone.named("ten.test"), "v=spf1 include:a.deep.test include:b10.deep.test -all"))
                .zone(DnsZone.named("deep.test")
                        .txt("a", "v=spf1 a mx include:c.deep.test -all").a("a", "192.0.2.101").mx("a", 10, "mx.deep.test")
                        .txt("c", "v=spf1 a:x.deep.test mx:x.deep.test exists:x.deep.test -all")
                        .a("x", "192.0.2.102").mx("x", 10, "mx.deep.test")
                        .txt("b", "v=spf1 a mx ptr -all").a("b", "192.0.2.103").mx("b", 10, "mx.deep.test")
                        .txt("b10", "v=spf1 a mx -all").a("b10", "192.0.2.104").mx("b10", 10, "mx.deep.test")
                        .a("mx", "192.0.2.105"))
                .zone(right(DnsZone.named("dkim.test"), "v=spf1 include:" + RELAY + " -all")
                        .txt("revoked._domainkey", "v=DKIM1; k=rsa; p=")
                        .txt("other._domainkey", record(other2048))
                        .txt("short._domainkey", record(rsa1024))
                        .txt("tiny._domainkey", record(rsa512))
                        .txt("broken._domainkey", "v=DKIM1; k=rsa; h=sha1; p=" + Base64.getEncoder().encodeToString(rsa2048.getEncoded())))
                .zone(right(DnsZone.named("nodmarc.test"), "v=spf1 include:" + RELAY + " -all"))
                .zone(right(DnsZone.named("monitor.test"), "v=spf1 include:" + RELAY + " -all"))
                .zone(DnsZone.named("nomx.test").txt("@", "v=spf1 include:" + RELAY + " -all")
                        .txt("_dmarc", "v=DMARC1; p=reject; rua=mailto:dmarc@nomx.test"));
        dns = b.start();
        diagnostics = MailDiagnostics.builder().resolver(dns.resolver(Duration.ofSeconds(2))).build();
    }

    /** A zone with what every test domain has unless it is the point of the test: SPF, DMARC and MX. */
    static DnsZone right(DnsZone z, String spf) {
        if (spf != null) {
            z.txt("@", spf);
        }
        if (!z.origin().equals("nodmarc.test")) {
            z.txt("_dmarc", z.origin().equals("monitor.test") ? "v=DMARC1; p=none; rua=mailto:reports@monitor.test; adkim=s"
                    : "v=DMARC1; p=quarantine; rua=mailto:dmarc@" + z.origin());
        }
        return z.mx("@", 10, "mx." + z.origin()).a("mx", "192.0.2.200");
    }

    static String record(PublicKey key) {
        return key.getAlgorithm().equals("RSA")
                ? "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(key.getEncoded())
                : "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(key.getEncoded(), 12, 44));
    }

    @AfterAll
    static void stop() throws IOException {
        if (dns != null) {
            dns.close();
        }
    }

    static SendingDomainReport check(SendingDomainRequest r) {
        return diagnostics.checkSendingDomain(r);
    }

    static String all(SendingDomainReport r) {
        return r.findings().stream().map(Finding::toString).collect(Collectors.joining("\n"));
    }

    /** The findings of a check and severity. */
    static List<Finding> of(SendingDomainReport r, String check, Severity s) {
        return r.findings().stream().filter(f -> f.check().equals(check) && f.severity() == s).toList();
    }

    static Finding only(SendingDomainReport r, String check, Severity s) {
        List<Finding> found = of(r, check, s);
        assertThat(found).as(all(r)).hasSize(1);
        return found.get(0);
    }

    @Test
    void rightSetup_everyCheckOk_noWarning_nothingToPublish() throws Exception {
        SendingDomainReport r = check(SendingDomainRequest.forDomain("good.test").dkim("mk", rsa2048).relaySpfInclude(RELAY)
                .relayHosts("199.255.192.10").sendingIp(InetAddress.getByName(GOOD_IP)));
        assertThat(r.findings()).as(all(r)).allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.OK))
                .allSatisfy(f -> assertThat(f.protocol()).isEqualTo(Protocol.SMTP));
        assertThat(r.findings()).extracting(Finding::check).contains("SPF", "DKIM", "DMARC", "MX", "reverse DNS");
        assertThat(r.deliverable()).isTrue();
        assertThat(r.recordsToPublish()).isEmpty();
        String text = all(r);
        assertThat(text).contains("1 of 10 DNS look-ups (include:amazonses.com 1)")
                .contains("the relay's include:amazonses.com is reached (good.test → amazonses.com)")
                .contains("the relay's address 199.255.192.10 passes SPF ('include:amazonses.com' → 'ip4:199.255.192.0/22' at amazonses.com)")
                .contains("the sending address 192.0.2.25 passes SPF ('ip4:192.0.2.25')")
                .contains("the key at mk._domainkey.good.test (rsa 2048 bits) is the key mail is signed with")
                .contains("policy quarantine, aggregate reports to mailto:dmarc@good.test")
                .contains("MX at good.test: 10 mx.good.test")
                .contains("192.0.2.25 → mail.good.test → 192.0.2.25 (forward-confirmed)");
    }

    @Test
    void ed25519Key_matchesItsRawPublishedForm() {
        SendingDomainReport r = check(SendingDomainRequest.forDomain("good.test").dkim("ed", ed25519));
        assertThat(only(r, "DKIM", Severity.OK).evidence()).contains("(ed25519) is the key mail is signed with");
        assertThat(check(SendingDomainRequest.forDomain("good.test").dkim("ed", rsa2048)).firstError()).get()
                .extracting(Finding::evidence).asString().contains("(ed25519) is not the key mail is signed with (rsa 2048 bits)");
    }

    @Test
    void noSpf_isAnError_fixedByTheRecordThatNamesTheRelayAndTheAddress() throws Exception {
        SendingDomainReport r = check(SendingDomainRequest.forDomain("nospf.test").relaySpfInclude(RELAY)
                .sendingIp(InetAddress.getByName("192.0.2.44")));
        Finding f = only(r, "SPF", Severity.ERROR);
        assertThat(f.evidence()).contains("no SPF record (TXT v=spf1) at nospf.test");
        assertThat(f.fix()).isEqualTo("publish TXT at nospf.test: \"v=spf1 include:amazonses.com ip4:192.0.2.44 -all\"");
        assertThat(r.recordsToPublish()).contains(new DnsRecord("TXT", "nospf.test", "v=spf1 include:amazonses.com ip4:192.0.2.44 -all"));
        assertThat(r.deliverable()).isFalse();
    }

    @Test
    void twoSpfRecords_arePermerror_fixedByOneMergedRecord() {
        SendingDomainReport r = check(SendingDomainRequest.forDomain("twospf.test").relaySpfInclude(RELAY));
        Finding f = only(r, "SPF", Severity.ERROR);
        assertThat(f.evidence()).startsWith("2 SPF records at twospf.test").contains("permanent error");
        assertThat(f.fix()).isEqualTo("merge them: publish TXT at twospf.test: \"v=spf1 include:amazonses.com ip4:198.51.100.0/24"
                + " -all\" in their place");
    }

    @Test
    void syntaxError_namesTheTerm_andTheCorrectedRecordLeavesItOut() {
        SendingDomainReport r = check(SendingDomainRequest.forDomain("syntax.test").relaySpfInclude(RELAY));
        Finding f = only(r, "SPF", Severity.ERROR);
        assertThat(f.evidence()).contains("not valid").contains("'ip4:192.0.2.0/33': an IPv4 prefix length is /0 to /32");
        assertThat(f.fix()).isEqualTo("correct it, for example: publish TXT at syntax.test: \"v=spf1 include:amazonses.com -all\" in its place");
    }

    @Test
    void elevenLookupsThroughNestedIncludes_exceedTheLimit_tenDoNot() {
        SendingDomainReport eleven = check(SendingDomainRequest.forDomain("eleven.test"));
        Finding f = only(eleven, "SPF", Severity.ERROR);
        assertThat(f.evidence()).contains("SPF needs 11 DNS look-ups").contains("include:a.deep.test 7, include:b.deep.test 4")
                .contains("receivers stop at 10");
        assertThat(f.fix()).contains("bring it to 10 or fewer");
        SendingDomainReport ten = check(SendingDomainRequest.forDomain("ten.test"));
        assertThat(of(ten, "SPF", Severity.ERROR)).as(all(ten)).isEmpty();
        assertThat(all(ten)).contains("10 of 10 DNS look-ups");
    }

    @Test
    void threeVoidLookups_exceedTheLimitOfTwo() {
        SendingDomainReport r = check(SendingDomainRequest.forDomain("voids.test"));
        Finding f = only(r, "SPF", Severity.ERROR);
        assertThat(f.evidence()).startsWith("3 look-ups find nothing").contains("nx1.voids.test has no A or AAAA record")
                .contains("nx3.voids.test has no MX record");
    }

    @Test
    void relayNotCovered_isAnError_fixedByAddingItsIncludeBeforeAll() {
        SendingDomainReport r = check(SendingDomainRequest.forDomain("norelay.test").relaySpfInclude(RELAY));
        Finding f = only(r, "SPF", Severity.ERROR);
        assertThat(f.evidence()).contains("does not include the relay's amazonses.com");
        assertThat(f.fix()).isEqualTo("publish TXT at norelay.test: \"v=spf1 ip4:198.51.100.0/24 include:amazonses.com -all\" in its place");
    }

    @Test
    void relayAddressAndSendingAddressNotCovered_areErrors_fixedByIp4Terms() throws Exception {
        SendingDomainReport r = check(SendingDomainRequest.forDomain("norelay.test").relayHosts("203.0.113.9")
                .sendingIp(InetAddress.getByName("192.0.2.26")));
        assertThat(of(r, "SPF", Severity.ERROR)).extracting(Finding::evidence)
                .anySatisfy(e -> assertThat(e).contains("the relay's address 203.0.113.9 gets fail from SPF ('-all')"))
                .anySatisfy(e -> assertThat(e).contains("the sending address 192.0.2.26 gets fail from SPF"));
        assertThat(r.recordsToPublish()).contains(new DnsRecord("TXT", "norelay.test",
                "v=spf1 ip4:198.51.100.0/24 ip4:203.0.113.9 ip4:192.0.2.26 -all"));
    }

    @Test
    void plusAll_isAWarning_fixedByMinusAll() {
        SendingDomainReport r = check(SendingDomainRequest.forDomain("plusall.test").relaySpfInclude(RELAY));
        Finding f = only(r, "SPF", Severity.WARNING);
        assertThat(f.evidence()).isEqualTo("'+all' lets every server on the internet pass SPF as plusall.test");
        assertThat(f.fix()).isEqualTo("publish TXT at plusall.test: \"v=spf1 include:amazonses.com -all\" in its place");
        assertThat(of(r, "SPF", Severity.ERROR)).isEmpty();
    }

    @Test
    void dkimMissing_isAnError_fixedByTheRecordBuiltFromTheSigningKey() {
        SendingDomainReport r = check(SendingDomainRequest.forDomain("dkim.test").dkim("mk", rsa2048));
        Finding f = only(r, "DKIM", Severity.ERROR);
        String expected = "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(rsa2048.getEncoded());
        assertThat(f.evidence()).contains("no DKIM key at mk._domainkey.dkim.test");
        assertThat(f.fix()).isEqualTo("publish TXT at mk._domainkey.dkim.test: \"" + expected + "\"");
        DnsRecord rec = new DnsRecord("TXT", "mk._domainkey.dkim.test", expected);
        assertThat(r.recordsToPublish()).containsExactly(rec);
        assertThat(rec.zoneFileLine()).startsWith("mk._domainkey.dkim.test. 3600 IN TXT \"v=DKIM1; k=rsa; p=MIIB")
                .matches(".*\" \"[^\"]+\"$"); // split into character-strings: the record is longer than 255 bytes
    }

    @Test
    void dkimRevoked_isAnError() {
        SendingDomainReport r = check(SendingDomainRequest.forDomain("dkim.test").dkim("revoked", rsa2048));
        Finding f = only(r, "DKIM", Severity.ERROR);
        assertThat(f.evidence()).contains("revoked (empty p=)");
        assertThat(f.fix()).startsWith("publish TXT at revoked._domainkey.dkim.test: \"v=DKIM1; k=rsa; p=MIIB").endsWith("\" in its place");
    }

    @Test
    void dkimKeyMismatch_isAnError_fixedByTheSigningKeysRecord() {
        SendingDomainReport r = check(SendingDomainRequest.forDomain("dkim.test").dkim("other", rsa2048));
        Finding f = only(r, "DKIM", Severity.ERROR);
        assertThat(f.evidence()).contains("(rsa 2048 bits) is not the key mail is signed with (rsa 2048 bits)")
                .contains("every signature fails");
        assertThat(f.fix()).contains(Base64.getEncoder().encodeToString(rsa2048.getEncoded()))
                .doesNotContain(Base64.getEncoder().encodeToString(other2048.getEncoded()));
    }

    @Test
    void shortRsaKeys_under1024AreErrors_under2048Warnings() {
        SendingDomainReport tiny = check(SendingDomainRequest.forDomain("dkim.test").dkim("tiny", rsa512));
        assertThat(only(tiny, "DKIM", Severity.ERROR).evidence()).contains("RSA of 512 bits: verifiers ignore keys under 1024 bits");
        SendingDomainReport shortKey = check(SendingDomainRequest.forDomain("dkim.test").dkim("short", rsa1024));
        assertThat(only(shortKey, "DKIM", Severity.WARNING).evidence()).contains("RSA of 1024 bits: 2048 is the norm");
        assertThat(only(shortKey, "DKIM", Severity.OK).evidence()).contains("is the key mail is signed with");
    }

    @Test
    void dkimRecordThatForbidsSha256_isAnError_andSelectorAloneChecksTheRecord() {
        SendingDomainReport r = check(SendingDomainRequest.forDomain("dkim.test").dkimSelector("broken"));
        assertThat(only(r, "DKIM", Severity.ERROR).evidence()).contains("h=sha1 does not allow sha256");
        SendingDomainReport ok = check(SendingDomainRequest.forDomain("good.test").dkimSelector("mk"));
        assertThat(only(ok, "DKIM", Severity.OK).evidence()).isEqualTo("a key at mk._domainkey.good.test (rsa 2048 bits); give the signing key to check it is the one mail is signed with");
    }

    @Test
    void dmarcMissing_isAnError_fixedByAQuarantineRecordWithReports() {
        SendingDomainReport r = check(SendingDomainRequest.forDomain("nodmarc.test"));
        Finding f = only(r, "DMARC", Severity.ERROR);
        assertThat(f.evidence()).contains("no DMARC record at _dmarc.nodmarc.test");
        assertThat(f.fix()).isEqualTo("publish TXT at _dmarc.nodmarc.test: \"v=DMARC1; p=quarantine; rua=mailto:dmarc@nodmarc.test\"");
        SendingDomainReport own = check(SendingDomainRequest.forDomain("nodmarc.test").dmarcReports("postmaster@nodmarc.test"));
        assertThat(only(own, "DMARC", Severity.ERROR).fix()).contains("rua=mailto:postmaster@nodmarc.test");
    }

    @Test
    void dmarcPolicyNone_isAWarning_fixedByQuarantineKeepingTheOtherTags() {
        SendingDomainReport r = check(SendingDomainRequest.forDomain("monitor.test"));
        Finding f = only(r, "DMARC", Severity.WARNING);
        assertThat(f.evidence()).startsWith("policy none");
        assertThat(f.fix()).isEqualTo("once the reports show all your mail passes, publish TXT at _dmarc.monitor.test:"
                + " \"v=DMARC1; p=quarantine; rua=mailto:reports@monitor.test; adkim=s\" in its place");
    }

    @Test
    void dmarcOfASubdomain_fallsBackToTheOrganisationalDomain() {
        SendingDomainReport r = check(SendingDomainRequest.forDomain("news.good.test"));
        Finding f = only(r, "DMARC", Severity.OK);
        assertThat(f.evidence()).contains("at _dmarc.good.test applies to news.good.test")
                .contains("taken as the last two labels").contains("policy quarantine");
    }

    @Test
    void mxMissing_isAnError() {
        SendingDomainReport r = check(SendingDomainRequest.forDomain("nomx.test"));
        Finding f = only(r, "MX", Severity.ERROR);
        assertThat(f.evidence()).contains("no MX record at nomx.test");
        assertThat(f.fix()).isEqualTo("publish MX at nomx.test: 10 <the host that receives mail for nomx.test>.");
    }

    @Test
    void reverseDns_missingOrNotPointingBack_isAnError() throws Exception {
        SendingDomainReport mismatch = check(SendingDomainRequest.forDomain("good.test").sendingIp(InetAddress.getByName("192.0.2.26")));
        Finding f = only(mismatch, "reverse DNS", Severity.ERROR);
        assertThat(f.evidence()).contains("192.0.2.26 points to mail.good.test, but mail.good.test → 192.0.2.25")
                .contains("not forward-confirmed");
        assertThat(f.fix()).startsWith("publish A at mail.good.test: 192.0.2.26");
        SendingDomainReport none = check(SendingDomainRequest.forDomain("good.test").sendingIp(InetAddress.getByName("192.0.2.27")));
        Finding g = only(none, "reverse DNS", Severity.ERROR);
        assertThat(g.evidence()).contains("192.0.2.27 has no PTR record (27.2.0.192.in-addr.arpa)");
        assertThat(g.fix()).contains("publish PTR at 27.2.0.192.in-addr.arpa: mail.good.test.")
                .contains("publish A at mail.good.test: 192.0.2.27");
    }

    @Test
    void noSelector_dkimIsAWarningNotAnError_andARelayWithoutDkimWarnsAboutAlignment() {
        SendingDomainReport r = check(SendingDomainRequest.forDomain("good.test").relaySpfInclude(RELAY));
        assertThat(only(r, "DKIM", Severity.WARNING).evidence()).isEqualTo("not checked: no DKIM selector given");
        assertThat(only(r, "DMARC", Severity.WARNING).evidence()).startsWith("alignment: mail sent through amazonses.com");
        assertThat(r.deliverable()).isTrue();
    }

    /** A DNS server that never answers: every check says it could not look, none claims a record is missing, and the whole check ends within its bound. */
    @Test
    void silentDnsServer_givesDnsFindingsOnly_withinTheTimeBound() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            DnsResolver r = DnsResolver.using("127.0.0.1", silent.getLocalPort(), Duration.ofMillis(300));
            MailDiagnostics d = MailDiagnostics.builder().resolver(r).dnsTimeBound(Duration.ofMillis(700)).build();
            long start = System.nanoTime();
            SendingDomainReport report = d.checkSendingDomain(SendingDomainRequest.forDomain("good.test").dkimSelector("mk")
                    .sendingIp(InetAddress.getByName(GOOD_IP)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isLessThan(Duration.ofMillis(700 + 300 + 1000));
            assertThat(report.findings()).as(all(report)).isNotEmpty()
                    .allSatisfy(f -> assertThat(f.check()).isEqualTo("DNS"))
                    .allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.ERROR));
            assertThat(all(report)).doesNotContain("no SPF record").doesNotContain("no DKIM key").contains("time bound");
        }
    }
}
