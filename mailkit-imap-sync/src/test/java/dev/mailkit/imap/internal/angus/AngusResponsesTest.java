package dev.mailkit.imap.internal.angus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.imap.MessageFlags;
import org.eclipse.angus.mail.iap.Response;
import org.junit.jupiter.api.Test;

/**
 * What imap-sync relies on in Angus's {@code Response}, checked on Angus's own class: these fail when an
 * upgrade changes it (see the Angus checklist in CONTRIBUTING.md).
 */
class AngusResponsesTest {

    @Test
    void rawFlags_readTheResponsesOwnBytes_throughItsProtectedBuffer() {
        MessageFlags f = RawFlags.of(new Response("* 3 FETCH (UID 7 FLAGS (\\Seen \\Fx $Label1) RFC822.SIZE 12)"));
        assertThat(f).isNotNull();
        assertThat(f.seen()).isTrue();
        assertThat(f.flagged()).as("\\Fx is not \\Flagged").isFalse();
        assertThat(f.keywords()).containsExactlyInAnyOrder("\\Fx", "$Label1");
        assertThat(RawFlags.of(new Response("* 3 FETCH (UID 7 RFC822.SIZE 12)"))).isNull();
    }

    @Test
    void rawFlags_decodeAUtf8Keyword_fromAResponseReadAsUtf8() {
        MessageFlags f = RawFlags.of(new Response("* 3 FETCH (UID 7 FLAGS (\\Seen été))", true));
        assertThat(f).isNotNull();
        assertThat(f.keywords()).containsExactly("été");
    }

    /** ImapCommands (SEARCH, VANISHED) and Pusher (COPYUID, MODIFIED) read a response's text through toString. */
    @Test
    void aResponsesToString_isItsRawLine() {
        String line = "* VANISHED (EARLIER) 1:3,5";
        assertThat(new Response(line).toString()).isEqualTo(line);
        String tagged = "A7 OK [COPYUID 38505 304,319:320 3956:3958] Done";
        assertThat(new Response(tagged).toString()).isEqualTo(tagged);
    }
}
