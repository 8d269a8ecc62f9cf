package dev.mailkit.smtp;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerpTest {

    @Test
    void encodesAsPostfixDoes_andDecodes() {
        assertThat(Verp.address("bounces@example.com", "bob@example.org")).isEqualTo("bounces+bob=example.org@example.com");
        assertThat(Verp.recipient("bounces@example.com", "<bounces+bob=example.org@EXAMPLE.com>")).contains("bob@example.org");
        assertThat(Verp.recipient("bounces@example.com", "bounces+a=b=c.org@example.com")).contains("a=b@c.org");
        assertThat(Verp.recipient("bounces@example.com", "bounces@example.com")).isEmpty();
        assertThat(Verp.recipient("bounces@example.com", "other+bob=example.org@example.com")).isEmpty();
        assertThat(Verp.recipient("bounces@example.com", "bounces+bob=example.org@example.net")).isEmpty();
        assertThat(Verp.recipient("bounces@example.com", "bounces+bob=@example.com")).isEmpty();
        assertThat(Verp.recipient("bounces@example.com", null)).isEmpty();
    }

    @Test
    void aLocalPartOverSixtyFourCharactersIsRefused() {
        assertThatThrownBy(() -> Verp.address("bounces@example.com", "a".repeat(40) + "@" + "b".repeat(20) + ".example"))
                .isInstanceOf(InvalidEmailException.class).hasMessageContaining("64");
        assertThatThrownBy(() -> Verp.address("not an address", "bob@example.org")).isInstanceOf(InvalidEmailException.class);
    }

    @Property(tries = 500)
    void whatIsEncodedDecodesToTheRecipient(@ForAll @AlphaChars @NumericChars @Chars({'.', '_', '-', '+', '='})
                                            @StringLength(min = 1, max = 20) String local,
                                            @ForAll @AlphaChars @StringLength(min = 1, max = 12) String domain) {
        String recipient = local + "@" + domain + ".org";
        Assume.that(!local.startsWith(".") && !local.endsWith(".") && !local.contains("..")); // else not an address
        String verp = Verp.address("bounces@example.com", recipient);
        assertThat(Verp.recipient("bounces@example.com", verp)).contains(recipient);
    }
}
