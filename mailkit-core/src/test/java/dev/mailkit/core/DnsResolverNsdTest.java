package dev.mailkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.testing.DnsZone;
import dev.mailkit.core.testing.NsdServer;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link DnsResolver#using} against a real authoritative server (NSD) on loopback: every record type mailkit reads. */
class DnsResolverNsdTest {

    /** 600 characters: three character-strings in the zone file, one text when read. */
    static final String LONG = "v=DKIM1; k=rsa; p=" + "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA".repeat(13) + "IDAQAB";

    static NsdServer dns;
    static DnsResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        dns = NsdServer.builder()
                .zone(DnsZone.named("records.test")
                        .txt("@", "v=spf1 ip4:192.0.2.0/24 -all")
                        .txt("@", "google-site-verification=abc")
                        .txt("long", LONG)
                        .txtStrings("split", "v=spf1 include:rel", "ay.test -all")
                        .txtStrings("odd", "a \"quoted\" \\ text", "", "x")
                        .txt("utf8", "café ☕")
                        .mx("@", 10, "mx.records.test")
                        .a("mx", "192.0.2.7")
                        .a("mx", "2001:db8::7")
                        .a("v4only", "192.0.2.8")
                        .record("_submissions._tcp", "SRV", "0 1 465 mail.records.test."))
                .ptr("192.0.2.7", "MX.records.test")
                .ptr("2001:db8::7", "mx.records.test")
                .start();
        resolver = dns.resolver(Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() throws IOException {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void txt_eachRecordOnce_characterStringsJoinedWithNothingBetween() throws Exception {
        assertThat(resolver.txt("records.test")).containsExactlyInAnyOrder("v=spf1 ip4:192.0.2.0/24 -all",
                "google-site-verification=abc");
        assertThat(resolver.txt("split.records.test")).containsExactly("v=spf1 include:relay.test -all");
        assertThat(resolver.txt("odd.records.test")).containsExactly("a \"quoted\" \\ textx");
        assertThat(resolver.txt("utf8.records.test.")).containsExactly("café ☕");
    }

    @Test
    void txt_longerThan255Bytes_readBackWhole() throws Exception {
        assertThat(LONG.length()).isGreaterThan(510);
        assertThat(resolver.txt("long.records.test")).containsExactly(LONG);
    }

    @Test
    void txt_noSuchNameOrNoTxt_isEmpty_notAnError() throws Exception {
        assertThat(resolver.txt("nosuch.records.test")).isEmpty();
        assertThat(resolver.txt("mx.records.test")).isEmpty();
    }

    @Test
    void ptr_ipv4AndIpv6_lowerCaseWithoutTheDot() throws Exception {
        assertThat(resolver.ptr(InetAddress.getByName("192.0.2.7"))).containsExactly("mx.records.test");
        assertThat(resolver.ptr(InetAddress.getByName("2001:db8::7"))).containsExactly("mx.records.test");
        assertThat(resolver.ptr(InetAddress.getByName("192.0.2.99"))).isEmpty();
    }

    @Test
    void addressRecords_aAndAaaa_fromTheServer() throws Exception {
        assertThat(resolver.addressRecords("mx.records.test")).extracting(InetAddress::getHostAddress)
                .containsExactlyInAnyOrder("192.0.2.7", "2001:db8:0:0:0:0:0:7");
        assertThat(resolver.addressRecords("v4only.records.test")).extracting(InetAddress::getHostAddress)
                .containsExactly("192.0.2.8");
        assertThat(resolver.addressRecords("nosuch.records.test")).isEmpty();
        assertThat(resolver.addresses("mx.records.test")).extracting(InetAddress::getHostAddress).contains("192.0.2.7");
        assertThat(resolver.addresses("198.51.100.1")).extracting(InetAddress::getHostAddress).containsExactly("198.51.100.1");
        assertThatThrownBy(() -> resolver.addresses("nosuch.records.test")).isInstanceOf(UnknownHostException.class)
                .hasMessageContaining("nosuch.records.test");
    }

    @Test
    void mxAndSrv_fromTheServer() throws Exception {
        assertThat(resolver.mx("records.test")).containsExactly(new DnsResolver.Mx(10, "mx.records.test"));
        assertThat(resolver.srv("_submissions._tcp.records.test"))
                .containsExactly(new DnsResolver.Srv(0, 1, 465, "mail.records.test."));
    }

    @Test
    void aServerThatNeverAnswers_failsWithinTheTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            DnsResolver r = DnsResolver.using("127.0.0.1", silent.getLocalPort(), Duration.ofMillis(300));
            long start = System.nanoTime();
            assertThatThrownBy(() -> r.txt("records.test")).isInstanceOf(IOException.class)
                    .hasMessageContaining("records.test").hasMessageContaining("127.0.0.1:" + silent.getLocalPort());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void using_rejectsBadArguments() {
        assertThatThrownBy(() -> DnsResolver.using("127.0.0.1", 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port 0");
        assertThatThrownBy(() -> DnsResolver.using("127.0.0.1", 53, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
        assertThat(DnsResolver.using("[::1]", 53, Duration.ofSeconds(1))).hasToString("DNS server [0:0:0:0:0:0:0:1]:53");
    }

    /** Port 53 on an address of its own: a program using the system resolver, given the fixture's resolv.conf, finds its names. */
    @Test
    void onPort53_servesTheSystemResolverOfAProcessInItsOwnMountNamespace() throws Exception {
        boolean ci = System.getenv("CI") != null;
        Assumptions.assumeTrue(ci || Files.isExecutable(Path.of("/usr/bin/unshare")), "unshare (util-linux) is not installed");
        Process probe = new ProcessBuilder("unshare", "--mount", "true").redirectErrorStream(true).start();
        String why = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(ci || probe.waitFor() == 0, "unshare --mount is not permitted here: " + why);
        try (NsdServer port53 = NsdServer.builder().zone(DnsZone.named("port53.test").a("host", "192.0.2.53")).onPort53().start()) {
            assertThat(port53.port()).isEqualTo(53);
            assertThat(port53.host()).startsWith("127.53.0.");
            assertThat(port53.resolver(Duration.ofSeconds(2)).addressRecords("host.port53.test"))
                    .extracting(InetAddress::getHostAddress).containsExactly("192.0.2.53");
            Process p = new ProcessBuilder("unshare", "--mount", "sh", "-c",
                    "mount --bind " + port53.resolvConf() + " /etc/resolv.conf && getent hosts host.port53.test")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(out).as("getent through the system resolver").contains("192.0.2.53").contains("host.port53.test");
        }
    }
}
