package dev.mailkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.testing.DnsZone;
import dev.mailkit.core.testing.NsdServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mailkit doctor --sending-domain} against a real authoritative DNS server (NSD) on loopback. A DNS server
 * that does not answer (exit 4) is a row of {@link MailkitExitCodesIT}: it takes the look-ups' full timeouts.
 */
class MailkitSendingDomainTest {

    @TempDir
    static Path dir;
    static NsdServer dns;
    static KeyPair signing;
    static Path publicPem;
    static Path privatePem;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        signing = rsa.generateKeyPair();
        publicPem = pem(dir.resolve("dkim-public.pem"), "PUBLIC KEY", signing.getPublic());
        privatePem = pem(dir.resolve("dkim-private.pem"), "PRIVATE KEY", signing.getPrivate());
        dns = NsdServer.builder()
                .zone(DnsZone.named("relay.test").txt("@", "v=spf1 ip4:203.0.113.0/24 -all"))
                .zone(DnsZone.named("good.test")
                        .txt("@", "v=spf1 include:relay.test ip4:192.0.2.25 -all")
                        .txt("mk._domainkey", "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(signing.getPublic().getEncoded()))
                        .txt("_dmarc", "v=DMARC1; p=reject; rua=mailto:dmarc@good.test")
                        .mx("@", 10, "mx.good.test").a("mx", "192.0.2.200").a("mail", "192.0.2.25"))
                .ptr("192.0.2.25", "mail.good.test")
                .ptr("192.0.2.26", "mail.good.test")
                // a domain sending through Amazon SES (us-east-1), with the two SES names served here as well
                .zone(DnsZone.named("ses.test").txt("@", "v=spf1 include:amazonses.com -all")
                        .txt("_dmarc", "v=DMARC1; p=reject; rua=mailto:dmarc@ses.test").mx("@", 10, "mx.ses.test")
                        .a("mx", "192.0.2.201"))
                .zone(DnsZone.named("amazonses.com").txt("@", "v=spf1 ip4:199.255.192.0/22 -all"))
                .zone(DnsZone.named("email-smtp.us-east-1.amazonaws.com").a("@", "199.255.192.10"))
                .zone(DnsZone.named("bad.test").txt("@", "v=spf1 ip4:198.51.100.0/24 +all")
                        .txt("_dmarc", "v=DMARC1; p=none"))
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (dns != null) {
            dns.close();
        }
    }

    static Path pem(Path file, String type, Key key) throws Exception {
        Files.writeString(file, "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END " + type + "-----\n");
        return file;
    }

    static String server() {
        return dns.host() + ":" + dns.port();
    }

    @Test
    void rightSetup_checklistOfTicks_exit0() {
        CliRun r = CliRun.of("doctor", "--sending-domain", "good.test", "--dkim-selector", "mk", "--dkim-public-key",
                publicPem.toString(), "--relay-spf-include", "relay.test", "--sending-ip", "192.0.2.25", "--dns-server", server());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("mailkit doctor: sending domain good.test\n")
                .contains("  ✓ SPF         one SPF record at good.test: \"v=spf1 include:relay.test ip4:192.0.2.25 -all\"")
                .contains("  ✓ DKIM        the key at mk._domainkey.good.test (rsa 2048 bits) is the key mail is signed with")
                .contains("  ✓ DMARC       ").contains("  ✓ MX          MX at good.test: 10 mx.good.test")
                .contains("  ✓ reverse DNS 192.0.2.25 → mail.good.test → 192.0.2.25 (forward-confirmed)")
                .endsWith("Receivers should accept mail from good.test.\n")
                .doesNotContain("✗").doesNotContain("⚠").doesNotContain("Records to publish");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void relayById_takesTheSpfDomainAndHostFromTheRegistry() {
        CliRun ok = CliRun.of("doctor", "--sending-domain", "ses.test", "--relay", "ses-us-east-1", "--dns-server", server());
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).doesNotContain("✗").contains("✓ SPF");
        CliRun uncovered = CliRun.of("doctor", "--sending-domain", "good.test", "--relay", "ses-us-east-1",
                "--dns-server", server());
        assertThat(uncovered.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(uncovered.out()).contains("amazonses.com").contains("✗ SPF");
        CliRun unknown = CliRun.of("doctor", "--sending-domain", "ses.test", "--relay", "no-such-relay", "--dns-server", server());
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("no-such-relay").contains("providers list");
    }

    @Test
    void missingAndWrongRecords_json_exit2_withTheExactRecordsToPublish() {
        CliRun r = CliRun.of("doctor", "--sending-domain", "bad.test", "--dkim-selector", "mk", "--dkim-public-key",
                publicPem.toString(), "--relay-spf-include", "relay.test", "--dns-server", server(), "--json");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEmpty();
        String key = Base64.getEncoder().encodeToString(signing.getPublic().getEncoded());
        assertThat(r.out().strip().lines()).hasSize(1);
        assertThat(r.out()).startsWith("{\"status\":\"error\",\"exitCode\":2,\"sendingDomain\":{\"domain\":\"bad.test\","
                        + "\"deliverable\":false,\"findings\":[{\"severity\":\"OK\",\"check\":\"SPF\",")
                .contains("{\"severity\":\"ERROR\",\"check\":\"SPF\",\"evidence\":\"the SPF record does not include the relay's"
                        + " relay.test: mail the relay sends as bad.test fails SPF\",\"fix\":\"publish TXT at bad.test: \\\"v=spf1"
                        + " ip4:198.51.100.0/24 include:relay.test -all\\\" in its place\"}")
                .contains("\"fix\":\"publish TXT at mk._domainkey.bad.test: \\\"v=DKIM1; k=rsa; p=" + key + "\\\"\"")
                .contains("\"check\":\"DMARC\"").contains("p=quarantine; rua=mailto:dmarc@bad.test")
                .contains("{\"severity\":\"ERROR\",\"check\":\"MX\",\"evidence\":\"no MX record at bad.test")
                .contains("\"recordsToPublish\":[{\"type\":\"TXT\",\"name\":\"bad.test\",\"value\":\"v=spf1 ip4:198.51.100.0/24"
                        + " include:relay.test -all\",\"zoneFileLine\":\"bad.test. 3600 IN TXT \\\"v=spf1 ip4:198.51.100.0/24"
                        + " include:relay.test -all\\\"\"}")
                .endsWith("]}}\n");
    }

    @Test
    void missingRecords_text_fixLinesAndZoneFileLines() {
        CliRun r = CliRun.of("doctor", "--sending-domain", "bad.test", "--relay-spf-include", "relay.test", "--dns-server", server());
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).contains("  ✗ SPF         the SPF record does not include the relay's relay.test")
                .contains("                fix: publish TXT at bad.test: \"v=spf1 ip4:198.51.100.0/24 include:relay.test -all\" in its place")
                .contains("  ⚠ SPF         '+all' lets every server on the internet pass SPF as bad.test")
                .contains("  ⚠ DKIM        not checked: no DKIM selector given")
                .contains("  ⚠ DMARC       policy none")
                .contains("Records to publish (zone file lines):\n  bad.test. 3600 IN TXT \"v=spf1 ip4:198.51.100.0/24 include:relay.test -all\"\n"
                        + "  _dmarc.bad.test. 3600 IN TXT \"v=DMARC1; p=none; rua=mailto:dmarc@bad.test\"\n")
                .endsWith("Receivers may refuse or junk mail from bad.test: fix the ✗ above.\n");
    }

    @Test
    void reverseDnsThatDoesNotPointBack_isFound() {
        CliRun r = CliRun.of("doctor", "--sending-domain", "good.test", "--sending-ip", "192.0.2.26", "--dns-server", server());
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).contains("  ✗ reverse DNS 192.0.2.26 points to mail.good.test, but mail.good.test → 192.0.2.25")
                .contains("  ✗ SPF         the sending address 192.0.2.26 gets fail from SPF");
    }

    @Test
    void privateKeyGivenAsThePublicKey_isRefused_andNothingOfItPrinted() {
        CliRun r = CliRun.of("doctor", "--sending-domain", "good.test", "--dkim-selector", "mk", "--dkim-public-key",
                privatePem.toString(), "--dns-server", server());
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("holds a private key; give the public key (openssl pkey -in");
        String secret = Base64.getEncoder().encodeToString(signing.getPrivate().getEncoded());
        assertThat(r.out() + r.err()).doesNotContain(secret.substring(40, 80)).doesNotContain("MII");
    }

    @Test
    void usageErrors_exit2() {
        assertThat(CliRun.of("doctor").err()).contains("give an e-mail address (mailkit doctor EMAIL), or --sending-domain DOMAIN");
        assertThat(CliRun.of("doctor").code()).isEqualTo(ExitCodes.USAGE);
        CliRun withoutDomain = CliRun.of("doctor", "me@example.com", "--dkim-selector", "mk");
        assertThat(withoutDomain.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(withoutDomain.err()).contains("go with --sending-domain DOMAIN");
        CliRun accountOptions = CliRun.of("doctor", "--sending-domain", "good.test", "--smtp", "smtp.example.com:587:starttls");
        assertThat(accountOptions.err()).contains("give its e-mail address too");
        CliRun badDomain = CliRun.of("doctor", "--sending-domain", "not a domain", "--json");
        assertThat(badDomain.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badDomain.out()).startsWith("{\"status\":\"error\",\"exitCode\":2,").contains("--sending-domain");
        CliRun badIp = CliRun.of("doctor", "--sending-domain", "good.test", "--sending-ip", "mail.good.test");
        assertThat(badIp.err()).contains("--sending-ip: 'mail.good.test' is not an IP address");
    }

    /** With an address too: the account's checks first (here settings that cannot work, found without the network), then the domain's. */
    @Test
    void withAnAddress_bothReports_theAccountsExitCodeFirst() {
        CliRun r = CliRun.of("doctor", "me@gmail.com", "--smtp", "imap.gmail.com:993:tls", "--imap", "smtp.gmail.com:465:tls",
                "--sending-domain", "good.test", "--dns-server", server(), "--json");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).startsWith("{\"status\":\"error\",\"exitCode\":2,\"address\":\"me@gmail.com\",\"sending\":false,")
                .contains(",\"sendingDomain\":{\"domain\":\"good.test\",\"deliverable\":true,");
        CliRun text = CliRun.of(Map.of(), "doctor", "me@gmail.com", "--smtp", "imap.gmail.com:993:tls", "--imap",
                "smtp.gmail.com:465:tls", "--sending-domain", "good.test", "--dns-server", server());
        assertThat(text.out()).containsPattern(Pattern.compile("Receiving will not work.*\\nmailkit doctor: sending domain good.test\\n",
                Pattern.DOTALL));
    }
}
