package dev.mailkit.imap.internal.angus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.imap.MessageFlags;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FLAGS read from a FETCH response's bytes: whole names, UTF-8 keywords, and nothing taken from inside a literal or string. */
class RawFlagsTest {

    private static List<String> tokens(String response) {
        byte[] b = response.getBytes(StandardCharsets.UTF_8);
        return RawFlags.tokens(b, b.length);
    }

    @Test
    void flagsAreFoundAtTheTopLevelOnly() {
        String literal = "Message-ID: <x@y>\r\nX-Trap: FLAGS (\\Deleted)\r\n\r\n";
        String r = "* 3 FETCH (UID 7 INTERNALDATE \"FLAGS (\\Draft)\" BODY[HEADER.FIELDS (MESSAGE-ID FLAGS)] {"
                + literal.length() + "}\r\n" + literal + " FLAGS (\\Seen $Label1) RFC822.SIZE 12)";
        assertThat(tokens(r)).containsExactly("\\Seen", "$Label1");
        assertThat(tokens("* 3 FETCH (UID 7 RFC822.SIZE 12)")).isNull();
        assertThat(tokens("* 3 FETCH (UID 7 X-GM-FLAGS (\\Seen))")).isNull();
        assertThat(tokens("* 3 FETCH (FLAGS ())")).isEmpty();
    }

    @Test
    void systemFlagsByTheirWholeName_otherBackslashNamesKept_utf8KeywordsDecoded() {
        String utf8AsBytes = new String("été".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        MessageFlags f = RawFlags.flags(List.of("\\Foo", "\\SEEN", "\\Recent", "\\Dx", utf8AsBytes, "caf\u00e9"));
        assertThat(f.flagged()).isFalse();
        assertThat(f.draft()).isFalse();
        assertThat(f.seen()).isTrue();
        assertThat(f.keywords()).containsExactlyInAnyOrder("\\Foo", "\\Dx", "été", "caf\u00e9");
        assertThat(RawFlags.wire("été")).isEqualTo(utf8AsBytes);
        assertThat(RawFlags.wire("$Label1")).isEqualTo("$Label1");
    }
}
