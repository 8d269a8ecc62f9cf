package dev.mailkit.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeUtility;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Property test: {@link Rfc2047} encodes exactly as Jakarta Mail's {@code MimeUtility} does with UTF-8 (both
 * "Q" and "B", long texts split into several words, surrogate pairs kept whole, specials of text and of
 * phrases), and the addresses mailkit builds write their display names as {@code InternetAddress} does.
 */
class Rfc2047Test {

    @Provide
    Arbitrary<String> header() {
        Arbitrary<String> ascii = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40);
        Arbitrary<String> latin = Arbitraries.strings().withCharRange('\u00a0', '\u017f').ofMaxLength(20);
        Arbitrary<String> cjk = Arbitraries.strings().withCharRange('\u4e00', '\u4fff').ofMaxLength(30);
        Arbitrary<String> emoji = Arbitraries.of("😀", "🚀", "✅", "\ud83d", "é");
        Arbitrary<String> control = Arbitraries.of("\t", "\u0001", "\u007f", "=", "?", "_", "\"", " ");
        return Arbitraries.frequencyOf(Tuple.of(5, ascii), Tuple.of(3, latin), Tuple.of(3, cjk), Tuple.of(2, emoji),
                Tuple.of(2, control)).list().ofMaxSize(8).map(parts -> String.join("", parts));
    }

    @Property(tries = 2000)
    void encodeText_likeJakartaMail(@ForAll("header") String text) throws Exception {
        assertThat(Rfc2047.encodeText(text)).isEqualTo(MimeUtility.encodeText(text, "UTF-8", null));
    }

    @Property(tries = 2000)
    void encodeWord_likeJakartaMail(@ForAll("header") String word) throws Exception {
        assertThat(Rfc2047.encodeWord(word)).isEqualTo(MimeUtility.encodeWord(word, "UTF-8", null));
    }

    @Property(tries = 500)
    void addresses_writeTheirNames_likeInternetAddress(@ForAll("header") String name) throws Exception {
        String n = name.replace("\r", "").replace("\n", "").replace("\0", "");
        InternetAddress mailkit = Addresses.parse("user@example.com", n, "to");
        InternetAddress jakarta = new InternetAddress("user@example.com", n, "UTF-8");
        assertThat(mailkit.toString()).isEqualTo(jakarta.toString());
        assertThat(mailkit.getPersonal()).isEqualTo(jakarta.getPersonal());
        assertThat(mailkit.toUnicodeString()).isEqualTo(jakarta.toUnicodeString());
        assertThat(mailkit.getAddress()).isEqualTo(jakarta.getAddress());
    }

    @Example
    void examples() throws Exception {
        assertThat(Rfc2047.encodeText("plain ascii")).isEqualTo("plain ascii");
        assertThat(Rfc2047.encodeText("Grüße")).isEqualTo("=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=");
        assertThat(Rfc2047.encodeText("季度报告")).isEqualTo("=?UTF-8?B?5a2j5bqm5oql5ZGK?=");
        String longText = "季度报告".repeat(10);
        assertThat(Rfc2047.encodeText(longText)).isEqualTo(MimeUtility.encodeText(longText, "UTF-8", null))
                .contains("?= =?UTF-8?B?");
    }
}
