package dev.mailkit.core.internal.deliverability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Macro expansion, with the examples of RFC 7208 §7.4. */
class SpfMacroTest {

    static final SpfMacro.Context V4 = new SpfMacro.Context(FakeDns.ip("192.0.2.3"), "strong-bad@email.example.com",
            "email.example.com", "mx.example.org");
    static final SpfMacro.Context V6 = new SpfMacro.Context(FakeDns.ip("2001:db8::cb01"), "strong-bad@email.example.com",
            "email.example.com", "mx.example.org");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "%{s}.x.test        | strong-bad@email.example.com.x.test",
        "%{o}               | email.example.com",
        "%{d}               | email.example.com",
        "%{d4}              | email.example.com",
        "%{d3}              | email.example.com",
        "%{d2}              | example.com",
        "%{d1}              | com",
        "%{dr}              | com.example.email",
        "%{d2r}             | example.email",
        "%{l}.x.test        | strong-bad.x.test",
        "%{l-}.x.test       | strong.bad.x.test",
        "%{lr}.x.test       | strong-bad.x.test",
        "%{lr-}.x.test      | bad.strong.x.test",
        "%{l1r-}.x.test     | strong.x.test",
        "%{ir}.%{v}._spf.%{d2}   | 3.2.0.192.in-addr._spf.example.com",
        "%{lr-}.lp._spf.%{d2}    | bad.strong.lp._spf.example.com",
        "%{lr-}.lp.%{ir}.%{v}._spf.%{d2} | bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
        "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2} | 3.2.0.192.in-addr.strong.lp._spf.example.com",
        "%{d2}.trusted-domains.example.net | example.com.trusted-domains.example.net",
        "%{h}.x.test        | mx.example.org.x.test",
    })
    void rfc7208Examples(String spec, String expanded) {
        assertThat(SpfMacro.domainSpecError(spec.strip())).isNull();
        assertThat(SpfMacro.expand(spec.strip(), V4)).isEqualTo(expanded.strip());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "%{ir}.%{v}._spf.%{d2} | 1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com",
    })
    void rfc7208Examples_ipv6(String spec, String expanded) {
        assertThat(SpfMacro.expand(spec.strip(), V6)).isEqualTo(expanded.strip());
    }
}
