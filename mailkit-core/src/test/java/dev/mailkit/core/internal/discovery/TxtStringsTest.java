package dev.mailkit.core.internal.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Reading JNDI's form of a TXT record back into the record's text. */
class TxtStringsTest {

    /** What JNDI's DNS provider makes of a record's character-strings (com.sun.jndi.dns.ResourceRecord). */
    static String asJndiGivesIt(List<String> strings) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < strings.size(); k++) {
            int start = sb.length();
            byte[] bytes = strings.get(k).getBytes(StandardCharsets.UTF_8);
            boolean quoted = bytes.length == 0;
            for (byte b : bytes) {
                int c = b & 0xff;
                quoted |= c == ' ';
                if (c == '\\' || c == '"') {
                    quoted = true;
                    sb.append('\\');
                }
                sb.append((char) c);
            }
            if (quoted) {
                sb.insert(start, '"');
                sb.append('"');
            }
            if (k < strings.size() - 1) {
                sb.append(' ');
            }
        }
        return sb.toString();
    }

    @Property
    void join_givesTheStringsConcatenated(@ForAll @Size(min = 1, max = 5) List<@StringLength(max = 40) String> strings) {
        assertThat(TxtStrings.join(asJndiGivesIt(strings))).isEqualTo(String.join("", strings));
    }

    @Test
    void join_examples() {
        assertThat(TxtStrings.join("\"v=spf1 include:amazonses.com\" \" -all\"")).isEqualTo("v=spf1 include:amazonses.com -all");
        assertThat(TxtStrings.join("v=DMARC1;p=none")).isEqualTo("v=DMARC1;p=none");
        assertThat(TxtStrings.join("abc def")).isEqualTo("abcdef");
        assertThat(TxtStrings.join("\"\" \"x\\\\y\"")).isEqualTo("x\\y");
    }
}
