package dev.mailkit.core.internal.deliverability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.internal.deliverability.SpfRecord.Directive;
import dev.mailkit.core.internal.deliverability.SpfRecord.Qualifier;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SPF record parser: RFC 7208's syntax, what it accepts and what it names as wrong. */
class SpfRecordTest {

    @Test
    void everyMechanismAndModifier_parse() {
        SpfRecord r = SpfRecord.parse("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx:mail.example.com/24//64 a//64 "
                + "ptr:example.com include:_spf.example.com exists:%{ir}.%{v}._spf.%{d} ?ip4:198.51.100.1 ~all "
                + "exp=explain.%{d} redirect=_spf.example.net");
        assertThat(r.errors()).isEmpty();
        assertThat(r.directives()).extracting(Directive::mechanism)
                .containsExactly("ip4", "ip6", "a", "mx", "a", "ptr", "include", "exists", "ip4", "all");
        Directive mx = r.directives().get(3);
        assertThat(mx.domainSpec()).isEqualTo("mail.example.com");
        assertThat(mx.cidr4()).isEqualTo(24);
        assertThat(mx.cidr6()).isEqualTo(64);
        assertThat(r.directives().get(4).cidr4()).isEqualTo(32);
        assertThat(r.directives().get(4).cidr6()).isEqualTo(64);
        assertThat(r.directives().get(8).qualifier()).isEqualTo(Qualifier.NEUTRAL);
        assertThat(r.all().qualifier()).isEqualTo(Qualifier.SOFTFAIL);
        assertThat(r.modifier("redirect").value()).isEqualTo("_spf.example.net");
        assertThat(r.modifier("exp").value()).isEqualTo("explain.%{d}");
    }

    @Test
    void versionAndMechanisms_areCaseInsensitive() {
        SpfRecord r = SpfRecord.parse("V=SPF1 Include:Example.com IP4:192.0.2.1 -ALL");
        assertThat(r.errors()).isEmpty();
        assertThat(r.directives()).extracting(Directive::mechanism).containsExactly("include", "ip4", "all");
        assertThat(r.all().qualifier()).isEqualTo(Qualifier.FAIL);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "v=spf1 ip4:192.0.2.0/33 -all                 | IPv4 prefix length is /0 to /32",
        "v=spf1 ip4:256.0.2.1 -all                    | '256.0.2.1' is not an IPv4 address",
        "v=spf1 ip4:192.0.2 -all                      | is not an IPv4 address",
        "v=spf1 ip4:192.0.2.01 -all                   | is not an IPv4 address",
        "v=spf1 ip6:2001:db8::/129 -all               | IPv6 prefix length is /0 to /128",
        "v=spf1 ip6:2001:zz8::1 -all                  | is not an IPv6 address",
        "v=spf1 ip:192.0.2.1 -all                     | write ip4: or ip6:",
        "v=spf1 inlcude:example.com -all              | write include:",
        "v=spf1 include -all                          | include needs a domain",
        "v=spf1 include:localhost -all                | is not a domain name",
        "v=spf1 a:192.0.2.1 -all                      | an IP address belongs in ip4: or ip6:",
        "v=spf1 a/33 -all                             | bad prefix length",
        "v=spf1 mx//129 -all                          | bad prefix length",
        "v=spf1 ptr/24 -all                           | ptr takes no prefix length",
        "v=spf1 all:example.com                       | all takes no argument",
        "v=spf1 exists:%{x}.example.com -all          | unknown macro %{x}",
        "v=spf1 exists:%{i.example.com -all           | unclosed macro",
        "v=spf1 exists:%{c}.example.com -all          | only for exp= texts",
        "v=spf1 include:a%b.example.com -all          | a macro is %{letter}",
        "v=spf1 redirect=a.example.com redirect=b.example.com | redirect= appears 2 times",
        "v=spf1 exp=a.example.com exp=b.example.com -all | exp= appears 2 times",
        "v=spf1 1bad=x -all                           | is not a valid term",
        "v=spf1 v=spf1 -all                           | v= may only open the record",
    })
    void errors_nameTheTermAndWhatIsWrong(String record, String says) {
        assertThat(SpfRecord.parse(record.strip()).errors()).as(record).anySatisfy(e -> assertThat(e).contains(says));
    }

    @Test
    void unknownModifiers_areWarnings_withTheMechanismSpelledOut() {
        SpfRecord r = SpfRecord.parse("v=spf1 include=example.com foo=bar -all");
        assertThat(r.errors()).isEmpty();
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("include:example.com"))
                .anySatisfy(w -> assertThat(w).contains("'foo=bar' is an unknown modifier"));
    }

    @Test
    void isSpf_needsTheExactVersionTag() {
        assertThat(SpfRecord.isSpf("v=spf1")).isTrue();
        assertThat(SpfRecord.isSpf("v=spf1 -all")).isTrue();
        assertThat(SpfRecord.isSpf("V=SPF1 -all")).isTrue();
        assertThat(SpfRecord.isSpf("v=spf10 -all")).isFalse();
        assertThat(SpfRecord.isSpf("spf2.0/pra -all")).isFalse();
        assertThat(SpfRecord.isSpf(" v=spf1 -all")).isFalse();
    }

    @Property
    void ip4PrefixLengths_0to32_areValid_othersNot(@ForAll @IntRange(min = 0, max = 999) int length) {
        List<String> errors = SpfRecord.parse("v=spf1 ip4:192.0.2.0/" + length + " -all").errors();
        assertThat(errors.isEmpty()).isEqualTo(length <= 32);
    }

    @Property
    void ip6PrefixLengths_0to128_areValid_othersNot(@ForAll @IntRange(min = 0, max = 999) int length) {
        List<String> errors = SpfRecord.parse("v=spf1 ip6:2001:db8::/" + length + " -all").errors();
        assertThat(errors.isEmpty()).isEqualTo(length <= 128);
    }

    /** Any record made of valid terms parses without errors, into as many terms, each as written. */
    @Property
    void recordsOfValidTerms_parseWithoutErrors_termByTerm(@ForAll("validTerms") List<String> terms) {
        SpfRecord r = SpfRecord.parse("v=spf1 " + String.join(" ", terms));
        assertThat(r.errors()).isEmpty();
        assertThat(r.terms()).extracting(SpfRecord.Term::text).containsExactlyElementsOf(terms);
    }

    @Provide
    Arbitrary<List<String>> validTerms() {
        Arbitrary<String> qualifier = Arbitraries.of("", "+", "-", "~", "?");
        Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10);
        Arbitrary<String> domain = Combinators.combine(label, label, Arbitraries.of("com", "test", "example", "xn--p1ai"))
                .as((a, b, tld) -> a + "." + b + "." + tld);
        Arbitrary<String> ip4 = Arbitraries.integers().between(0, 255).list().ofSize(4)
                .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
        Arbitrary<String> mechanism = Arbitraries.oneOf(
                Arbitraries.just("all"),
                domain.map(d -> "include:" + d),
                domain.map(d -> "exists:%{ir}." + d),
                Combinators.combine(domain.injectNull(0.5), Arbitraries.integers().between(0, 32).injectNull(0.5))
                        .as((d, c) -> "a" + (d == null ? "" : ":" + d) + (c == null ? "" : "/" + c)),
                Combinators.combine(domain.injectNull(0.5), Arbitraries.integers().between(0, 128).injectNull(0.5))
                        .as((d, c) -> "mx" + (d == null ? "" : ":" + d) + (c == null ? "" : "//" + c)),
                Combinators.combine(ip4, Arbitraries.integers().between(0, 32)).as((ip, c) -> "ip4:" + ip + "/" + c),
                Arbitraries.integers().between(0, 128).map(c -> "ip6:2001:db8::/" + c));
        Arbitrary<String> directive = Combinators.combine(qualifier, mechanism).as(String::concat);
        return directive.list().ofMinSize(0).ofMaxSize(12);
    }
}
