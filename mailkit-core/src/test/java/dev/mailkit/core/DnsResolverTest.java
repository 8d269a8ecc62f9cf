package dev.mailkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.testing.DnsZone;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one DNS seam: records for discovery, addresses for diagnostics. */
class DnsResolverTest {

    @Test
    void none_findsNoRecords_andResolvesNoHost() throws Exception {
        DnsResolver none = DnsResolver.none();
        assertThat(none.mx("example.com")).isEmpty();
        assertThat(none.srv("_submissions._tcp.example.com")).isEmpty();
        assertThatThrownBy(() -> none.addresses("localhost")).isInstanceOf(UnknownHostException.class);
        assertThat(none.txt("example.com")).isEmpty();
        assertThat(none.ptr(InetAddress.getLoopbackAddress())).isEmpty();
        assertThat(none.addressRecords("localhost")).isEmpty();
    }

    /** A resolver written before TXT and PTR existed says it cannot look them up: a check then reports a failed look-up, not a missing record. */
    @Test
    void olderResolvers_refuseTxtAndPtr_withAnIOException_andAnswerAddressRecordsFromAddresses() throws Exception {
        DnsResolver old = new DnsResolver() {
            @Override
            public java.util.List<Mx> mx(String domain) {
                return java.util.List.of();
            }

            @Override
            public java.util.List<Srv> srv(String name) {
                return java.util.List.of();
            }

            @Override
            public InetAddress[] addresses(String host) throws UnknownHostException {
                if (host.equals("known.test")) {
                    return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {(byte) 192, 0, 2, 1})};
                }
                throw new UnknownHostException(host);
            }
        };
        assertThatThrownBy(() -> old.txt("example.com")).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("does not look up TXT");
        assertThatThrownBy(() -> old.ptr(InetAddress.getLoopbackAddress())).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("does not look up PTR");
        assertThat(old.addressRecords("known.test")).extracting(InetAddress::getHostAddress).containsExactly("192.0.2.1");
        assertThat(old.addressRecords("unknown.test")).isEmpty();
    }

    /** The test zone files split a long TXT value into quoted character-strings of at most 255 bytes. */
    @Test
    void testZone_splitsLongTxtIntoCharacterStringsOf255BytesAtMost() {
        String value = "p=" + "é".repeat(300); // 602 bytes: a cut must not split a UTF-8 sequence
        String line = DnsZone.named("zone.test").txt("k", value).zoneFile().lines().filter(l -> l.startsWith("k "))
                .findFirst().orElseThrow();
        Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(line);
        StringBuilder joined = new StringBuilder();
        int strings = 0;
        while (m.find()) {
            strings++;
            String s = m.group(1);
            int bytes = s.replaceAll("\\\\\\d{3}", "#").length();
            assertThat(bytes).isLessThanOrEqualTo(255);
            joined.append(s);
        }
        assertThat(strings).isEqualTo(3);
        assertThat(unescape(joined.toString())).isEqualTo(value);
    }

    /** A zone file's \DDD escapes back into UTF-8 text. */
    private static String unescape(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\' && i + 3 < s.length() + 1 && Character.isDigit(s.charAt(i + 1))) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 4)));
                i += 3;
            } else {
                out.write(s.charAt(i));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void system_resolvesAddressesAsConnectionsDo() throws Exception {
        assertThat(DnsResolver.system(Duration.ofSeconds(1)).addresses("localhost")).isNotEmpty()
                .allSatisfy(a -> assertThat(a.isLoopbackAddress()).isTrue());
    }
}
