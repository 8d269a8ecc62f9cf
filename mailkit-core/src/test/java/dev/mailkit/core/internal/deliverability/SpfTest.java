package dev.mailkit.core.internal.deliverability;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** SPF's look-up counting and check_host() over a fake DNS. */
class SpfTest {

    static Spf spf(FakeDns dns, String domain) {
        return new Spf(new BoundedDns(dns, Duration.ofSeconds(30), 1000, System::nanoTime), domain);
    }

    static Spf.Tree walk(FakeDns dns, String domain) throws Exception {
        return spf(dns, domain).walk(SpfRecord.parse(dns.txt(domain).get(0)));
    }

    @Test
    void lookups_countIncludeAMxPtrExistsAndRedirect_throughEveryInclude_notIp4Ip6All() throws Exception {
        FakeDns dns = new FakeDns()
                .txt("example.test", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx include:one.test ptr exists:%{i}.x.test -all")
                .txt("one.test", "v=spf1 a:two.test include:two.test ~all")
                .txt("two.test", "v=spf1 mx redirect=three.test")
                .txt("three.test", "v=spf1 ip4:198.51.100.0/24 -all")
                .a("example.test", "192.0.2.1").mx("example.test", 10, "mx.example.test").a("two.test", "192.0.2.2")
                .mx("two.test", 10, "mx.two.test");
        Spf.Tree t = walk(dns, "example.test");
        // a, mx, include, ptr, exists = 5; one.test: a, include = 2; two.test: mx, redirect = 2
        assertThat(t.lookups).isEqualTo(9);
        assertThat(t.perTerm).containsEntry("include:one.test", 5).containsEntry("a", 1).containsEntry("ptr", 1);
        assertThat(t.voids).isEmpty();
        assertThat(t.errors).isEmpty();
        assertThat(t.reached).containsKeys("one.test", "two.test", "three.test");
        assertThat(t.reached.get("three.test")).isEqualTo("example.test → one.test → two.test → three.test");
        assertThat(t.warnings).singleElement().asString().contains("'ptr': ptr is slow");
    }

    @Test
    void redirect_isNotCounted_whenTheRecordHasAll() throws Exception {
        FakeDns dns = new FakeDns().txt("example.test", "v=spf1 -all redirect=other.test").txt("other.test", "v=spf1 a a a -all");
        Spf.Tree t = walk(dns, "example.test");
        assertThat(t.lookups).isZero();
        assertThat(t.warnings).anySatisfy(w -> assertThat(w).contains("never used"));
    }

    @Test
    void voidLookups_areNamesWithoutRecords() throws Exception {
        FakeDns dns = new FakeDns().txt("example.test", "v=spf1 a:nx1.test mx:nx2.test a:ok.test exists:nx3.test -all")
                .a("ok.test", "192.0.2.9");
        Spf.Tree t = walk(dns, "example.test");
        assertThat(t.voids).hasSize(3);
        assertThat(String.join("\n", t.voids)).contains("nx1.test has no A or AAAA").contains("nx2.test has no MX")
                .contains("nx3.test has no A record");
    }

    @Test
    void brokenIncludes_loops_andTooManyMxNames_arePermanentErrors() throws Exception {
        FakeDns dns = new FakeDns().txt("example.test", "v=spf1 include:none.test include:two.test include:bad.test"
                        + " include:loop.test mx:big.test -all")
                .txt("two.test", "v=spf1 -all", "v=spf1 ~all").txt("bad.test", "v=spf1 ip4:1.2.3.4/40 -all")
                .txt("loop.test", "v=spf1 include:example.test -all");
        for (int i = 0; i < 11; i++) {
            dns.mx("big.test", i, "mx" + i + ".big.test");
        }
        Spf.Tree t = walk(dns, "example.test");
        String errors = String.join("\n", t.errors);
        assertThat(errors).contains("none.test has no SPF record").contains("two.test has 2 SPF records")
                .contains("the SPF record of bad.test is not valid").contains("loops back to example.test")
                .contains("big.test has 11 MX records");
    }

    @Test
    void failedLookups_areReported_notTakenForMissingRecords() throws Exception {
        FakeDns dns = new FakeDns().txt("example.test", "v=spf1 include:slow.test -all").failing("slow.test");
        Spf.Tree t = walk(dns, "example.test");
        assertThat(t.errors).isEmpty();
        assertThat(t.failures).singleElement().asString().contains("slow.test");
    }

    /**
     * A random tree of includes, each record with some a, mx and ip4 terms: the walk counts one look-up per
     * include, a and mx anywhere in the tree, and nothing for ip4 (at most 8 records of at most 5 look-ups each,
     * below the walk's cap).
     */
    @Property(tries = 200)
    void lookupCount_isEveryLookupTermOfTheWholeTree(@ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 3) Integer> shape)
            throws Exception {
        FakeDns dns = new FakeDns();
        // node i includes node 2i+1 and 2i+2 when they exist; shape[i] a-terms, shape[i] % 2 mx terms, one ip4
        int expected = 0;
        for (int i = 0; i < shape.size(); i++) {
            List<String> terms = new ArrayList<>();
            for (int k = 0; k < shape.get(i); k++) {
                terms.add("a:h" + k + ".n" + i + ".test");
                dns.a("h" + k + ".n" + i + ".test", "192.0.2." + (k + 1));
                expected++;
            }
            if (shape.get(i) % 2 == 1) {
                terms.add("mx");
                dns.mx("n" + i + ".test", 10, "mx.n" + i + ".test");
                expected++;
            }
            terms.add("ip4:198.51.100." + i);
            for (int child : new int[] {2 * i + 1, 2 * i + 2}) {
                if (child < shape.size()) {
                    terms.add("include:n" + child + ".test");
                    expected++;
                }
            }
            dns.txt("n" + i + ".test", "v=spf1 " + String.join(" ", terms) + " -all");
        }
        Spf.Tree t = walk(dns, "n0.test");
        assertThat(t.lookups).isEqualTo(expected);
        assertThat(t.capped).isFalse();
        assertThat(t.voids).isEmpty();
        assertThat(t.perTerm.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(expected);
        assertThat(t.reached).hasSize(shape.size() - 1);
    }

    @Test
    void aRunawayTree_stopsCountingAtTheCap() throws Exception {
        FakeDns dns = new FakeDns();
        for (int i = 0; i < 100; i++) {
            dns.txt("n" + i + ".test", "v=spf1 include:n" + (i + 1) + ".test -all");
        }
        Spf.Tree t = walk(dns, "n0.test");
        assertThat(t.capped).isTrue();
        assertThat(t.lookups).isEqualTo(Spf.CAP);
        assertThat(dns.queries).isLessThanOrEqualTo(Spf.CAP + 1);
    }

    @Test
    void checkHost_followsTheRecordInOrder() {
        FakeDns dns = new FakeDns()
                .txt("example.test", "v=spf1 -ip4:192.0.2.66 ip4:192.0.2.0/24 include:relay.test -include:bad.test a:web.example.test"
                        + " mx ptr exists:%{ir}.allow.test ~all")
                .txt("relay.test", "v=spf1 ip6:2001:db8:1::/48 ip4:203.0.113.0/25 -all")
                .txt("bad.test", "v=spf1 ip4:198.51.100.0/24 -all")
                .a("web.example.test", "198.18.0.1", "2001:db8:2::1")
                .mx("example.test", 10, "mx.example.test").a("mx.example.test", "198.18.0.2")
                .ptr("198.18.0.3", "host.example.test").a("host.example.test", "198.18.0.3")
                .a("4.0.18.198.allow.test", "127.0.0.2");
        Spf spf = spf(dns, "example.test");
        assertThat(spf.checkHost(FakeDns.ip("192.0.2.10")).result()).isEqualTo(Spf.Result.PASS);
        assertThat(spf.checkHost(FakeDns.ip("192.0.2.66")).result()).isEqualTo(Spf.Result.FAIL);
        Spf.Outcome relay = spf.checkHost(FakeDns.ip("203.0.113.7"));
        assertThat(relay.result()).isEqualTo(Spf.Result.PASS);
        assertThat(relay.why()).isEqualTo("'include:relay.test' → 'ip4:203.0.113.0/25' at relay.test");
        assertThat(spf.checkHost(FakeDns.ip("2001:db8:1::5")).result()).isEqualTo(Spf.Result.PASS);
        assertThat(spf.checkHost(FakeDns.ip("198.51.100.5")).result()).isEqualTo(Spf.Result.FAIL);
        assertThat(spf.checkHost(FakeDns.ip("198.18.0.1")).why()).isEqualTo("'a:web.example.test'");
        assertThat(spf.checkHost(FakeDns.ip("2001:db8:2::1")).result()).isEqualTo(Spf.Result.PASS);
        assertThat(spf.checkHost(FakeDns.ip("198.18.0.2")).why()).isEqualTo("'mx'");
        assertThat(spf.checkHost(FakeDns.ip("198.18.0.3")).why()).isEqualTo("'ptr'");
        assertThat(spf.checkHost(FakeDns.ip("198.18.0.4")).why()).isEqualTo("'exists:%{ir}.allow.test'");
        assertThat(spf.checkHost(FakeDns.ip("198.18.0.5")).result()).isEqualTo(Spf.Result.SOFTFAIL);
    }

    @Test
    void checkHost_errors() {
        FakeDns dns = new FakeDns().txt("a.test", "v=spf1 include:none.test -all").txt("b.test", "v=spf1 include:slow.test -all")
                .failing("slow.test").txt("c.test", "v=spf1 ip4:1.2.3.4/99 -all").txt("d.test", "v=spf1 redirect=none.test")
                .txt("e.test", "v=spf1 ip4:192.0.2.1");
        assertThat(spf(dns, "a.test").checkHost(FakeDns.ip("192.0.2.1")).result()).isEqualTo(Spf.Result.PERMERROR);
        assertThat(spf(dns, "b.test").checkHost(FakeDns.ip("192.0.2.1")).result()).isEqualTo(Spf.Result.TEMPERROR);
        assertThat(spf(dns, "c.test").checkHost(FakeDns.ip("192.0.2.1")).result()).isEqualTo(Spf.Result.PERMERROR);
        assertThat(spf(dns, "d.test").checkHost(FakeDns.ip("192.0.2.1")).result()).isEqualTo(Spf.Result.PERMERROR);
        assertThat(spf(dns, "e.test").checkHost(FakeDns.ip("192.0.2.2")).result()).isEqualTo(Spf.Result.NEUTRAL);
        assertThat(spf(dns, "none.test").checkHost(FakeDns.ip("192.0.2.2")).result()).isEqualTo(Spf.Result.NONE);
    }

    /** inNetwork agrees with masking the addresses as numbers. */
    @Property
    void inNetwork_isPrefixEquality(@ForAll byte[] seed, @ForAll @IntRange(min = 0, max = 32) int prefix,
                                    @ForAll @IntRange(min = 0, max = 31) int flip) throws Exception {
        byte[] a = new byte[4];
        System.arraycopy(seed, 0, a, 0, Math.min(4, seed.length));
        byte[] b = a.clone();
        b[flip / 8] ^= (byte) (0x80 >> (flip % 8));
        BigInteger mask = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE).shiftRight(prefix).not()
                .and(BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE));
        boolean expected = new BigInteger(1, a).and(mask).equals(new BigInteger(1, b).and(mask));
        assertThat(Spf.inNetwork(InetAddress.getByAddress(a), InetAddress.getByAddress(b), prefix)).isEqualTo(expected);
        assertThat(Spf.inNetwork(InetAddress.getByAddress(a), InetAddress.getByAddress(a), prefix)).isTrue();
    }
}
