package dev.mailkit.imap.internal.mime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.imap.EmailAddress;
import dev.mailkit.imap.testing.HostileMime;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parse of hostile and international messages: what a reader is shown, and what it costs. */
class MessageParserTest {

    private static final Map<String, byte[]> HOSTILE = HostileMime.all();

    private static MessageParser.Result read(String name) throws IOException {
        return MessageParser.parse(new ByteArrayInputStream(HOSTILE.get(name)), MessageParser.READ);
    }

    private static MessageParser.Result read(byte[] message, MessageParser.Limits limits) throws IOException {
        return MessageParser.parse(new ByteArrayInputStream(message), limits);
    }

    @Test
    void everyHostileMessage_parsesWithoutThrowing_andKeepsItsSubject() throws IOException {
        for (Map.Entry<String, byte[]> e : HOSTILE.entrySet()) {
            MessageParser.Result r = MessageParser.parse(new ByteArrayInputStream(e.getValue()), MessageParser.READ);
            MessageParser.Result i = MessageParser.parse(new ByteArrayInputStream(e.getValue()), MessageParser.INDEX);
            assertThat(r.subject()).as(e.getKey()).isEqualTo(i.subject());
            assertThat(r.subject()).as(e.getKey()).doesNotContain("\r", "\n", "\u0000");
        }
        assertThat(read("broken-mime").text()).contains("no closing boundary");
        assertThat(read("empty").subject()).isEmpty();
        assertThat(read("no-separator").subject()).isEqualTo("no body");
        assertThat(read("bare-lf-cr").text()).contains("line one\nline two");
    }

    @Test
    void eightBitHeaders_areUtf8WhenValid_elseWindows1252() throws IOException {
        MessageParser.Result r = read("eight-bit-headers");
        assertThat(MailHeaders.addresses(r.from(), 10)).containsExactly(new EmailAddress("Jürgen Größe", "j@example.com"));
        // C3 28 is not UTF-8: the whole value is read as windows-1252, every byte a character
        assertThat(r.subject()).isEqualTo("Ã(\u00a0ÿ invalid UTF-8 and Latin-1 é");
    }

    @Test
    void nulAndControlCharacters_neverReachAHeaderValue() throws IOException {
        MessageParser.Result r = read("nul-bytes");
        assertThat(r.subject()).isEqualTo("nul here");
        assertThat(r.text()).contains("body with");
    }

    @Test
    void anUnknownCharset_fallsBackToUtf8OrWindows1252_inHeadersAndBodies() throws IOException {
        MessageParser.Result bad = read("bad-encodings");
        assertThat(bad.subject()).isEqualTo("café"); // =?x-unknown?Q?caf=C3=A9?=: the bytes are UTF-8
        assertThat(bad.text()).isNotNull(); // invalid base64 decodes to something, never an exception
        String text = read("charsets").text();
        assertThat(text).contains("no charset, UTF-8 bytes: naïve café")
                .contains("said ascii, sent Latin-1: niño")
                .contains("你好，世界") // gb2312 read as GB18030
                .contains("こんにちは世界") // shift_jis read as windows-31j
                .contains("日本語のテキスト") // iso-2022-jp
                .contains("unknown to Java: plain") // utf-7: unknown, ASCII bytes
                .doesNotContain("\uFFFD");
    }

    @Test
    void chineseJapaneseAndEmoji_inEveryField() throws IOException {
        MessageParser.Result r = read("cjk-everywhere");
        assertThat(r.subject()).isEqualTo("会议室预订确认 🎉 東京タワー");
        assertThat(MailHeaders.addresses(r.from(), 10)).containsExactly(new EmailAddress("山田太郎", "yamada@example.jp"));
        assertThat(MailHeaders.addresses(r.to(), 10)).containsExactly(new EmailAddress("王小明", "wang@example.cn"));
        assertThat(MailHeaders.addresses(r.cc(), 10)).containsExactly(new EmailAddress("😀 Smiley", "smile@example.com"));
        assertThat(r.text()).contains("明天下午三点在第二会议室开会。よろしくお願いします。🍣");
        assertThat(r.parts()).extracting(MessageParser.Part::fileName).containsExactly("議事録.pdf");
        assertThat(MailHeaders.date(r.date())).contains(Instant.parse("2025-01-14T01:30:00Z"));
    }

    @Test
    void multipartsNested100Deep_areWalked_andTheirPartsFound() throws IOException {
        MessageParser.Result r = read("nested-100");
        assertThat(r.text()).contains("deepest text deepword");
        assertThat(r.parts()).extracting(MessageParser.Part::fileName).containsExactly("deep.bin");
        assertThat(r.malformed()).isFalse();
        // far deeper than a call stack takes: below MAX_DEPTH the rest is not walked, and nothing overflows
        MessageParser.Result deep = read(HostileMime.nested(5_000), MessageParser.READ);
        assertThat(deep.malformed()).isTrue();
        assertThat(deep.subject()).isEqualTo("nested 5000");
        assertThat(deep.parts()).noneMatch(p -> p.mimeType().startsWith("multipart/"));
        assertThat(read(HostileMime.nested(MessageParser.MAX_DEPTH - 1), MessageParser.INDEX).text()).contains("deepword");
    }

    @Test
    void aHeaderOf300KB_isRead_andItsValueCut() throws IOException {
        MessageParser.Result r = read("huge-header");
        assertThat(r.subject()).isEqualTo("huge header");
        assertThat(r.text()).contains("small body");
        MessageParser.HeaderField huge = r.headers().stream().filter(h -> h.name().equals("X-Huge")).findFirst().orElseThrow();
        assertThat(huge.value()).hasSize(64 * 1024 + 1).endsWith("…");
        assertThat(r.headersTruncated()).isTrue();
    }

    @Test
    void attachmentNames_areDecodedAsSent_andMadeSafeSeparately() throws IOException {
        MessageParser.Result r = read("traversal-names");
        assertThat(r.parts()).extracting(MessageParser.Part::fileName).containsExactly("../../x", "/etc/passwd",
                "..\\..\\win.ini", "CON.txt", ".hidden", "a\u202Egnp.exe", "../../y  .txt", "..", null);
        List<String> safe = r.parts().stream().map(p -> FileNames.safe(p.fileName(), p.leaf(), p.mimeType())).toList();
        assertThat(safe).containsExactly("x", "passwd", "win.ini", "_CON.txt", "hidden", "agnp.exe", "y  .txt",
                "attachment-9.bin", "attachment-10.bin");
        assertThat(r.parts()).allMatch(p -> p.size() == "payload 0".length());
    }

    @Test
    void htmlOnly_givesHtml_andItsTextWithoutScriptsOrStyles() throws IOException {
        MessageParser.Result r = read("html-only");
        assertThat(r.text()).isNull();
        assertThat(r.html()).contains("<script>");
        String text = HtmlText.of(r.html(), 1000);
        assertThat(text).contains("Fish & chips €5 <today>").contains("second line").doesNotContain("alert", "color", "T\n");
    }

    @Test
    void inlineImagesAndForwardedMessages_areParts_notText() throws IOException {
        MessageParser.Result inline = read("inline-image");
        assertThat(inline.html()).contains("cid:logo@x");
        assertThat(inline.parts()).singleElement().satisfies(p -> {
            assertThat(p.inline()).isTrue();
            assertThat(p.contentId()).isEqualTo("logo@x");
            assertThat(p.size()).isEqualTo(7);
        });
        MessageParser.Result fwd = read("forwarded");
        assertThat(fwd.text()).isEqualTo("see below");
        assertThat(fwd.parts()).singleElement().satisfies(p -> {
            assertThat(p.mimeType()).isEqualTo("message/rfc822");
            assertThat(p.inline()).isFalse();
        });
    }

    @Test
    void aPart_isStreamedFromASecondPass_decoded() throws IOException {
        byte[] msg = HOSTILE.get("inline-image");
        MessageParser.Part p = read("inline-image").parts().get(0);
        try (InputStream in = MessageParser.openLeaf(new ByteArrayInputStream(msg), p.leaf())) {
            assertThat(in.readAllBytes()).containsExactly(0x89, 'P', 'N', 'G', 1, 2, 3);
        }
        assertThat(MessageParser.openLeaf(new ByteArrayInputStream(msg), 99)).isNull();
    }

    @Test
    void textBeyondTheLimit_isCut_andSaidToBe() throws IOException {
        String big = "word ".repeat(20_000); // 100,000 characters
        byte[] msg = ("Subject: big\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + big).getBytes(StandardCharsets.UTF_8);
        MessageParser.Result r = read(msg, MessageParser.INDEX);
        assertThat(r.text()).hasSize(MessageParser.INDEX.textChars());
        assertThat(r.textTruncated()).isTrue();
        MessageParser.Result whole = read(msg, MessageParser.READ);
        assertThat(whole.text()).isEqualTo(big.stripTrailing() + (big.endsWith(" ") ? " " : ""));
        assertThat(whole.textTruncated()).isFalse();
    }

    @Test
    void aCutInsideAMultibyteCharacter_doesNotLeaveAReplacementCharacter() throws IOException {
        String text = "中".repeat(40); // 3 bytes each
        byte[] msg = ("Content-Type: text/plain; charset=utf-8\r\n\r\n" + text).getBytes(StandardCharsets.UTF_8);
        MessageParser.Result r = read(msg, new MessageParser.Limits(10, 10, 0, 0, false));
        assertThat(r.text()).isEqualTo("中".repeat(10));
        assertThat(r.textTruncated()).isTrue();
    }

    @Test
    void obsoleteZoneNames_andBrokenDates() {
        assertThat(MailHeaders.date("Mon, 2 Nov 2026 10:00:00 EST")).contains(Instant.parse("2026-11-02T15:00:00Z"));
        assertThat(MailHeaders.date("Mon, 2 Nov 2026 10:00:00 PDT")).contains(Instant.parse("2026-11-02T17:00:00Z"));
        assertThat(MailHeaders.date("2 Nov 2026 10:00 GMT")).contains(Instant.parse("2026-11-02T10:00:00Z"));
        assertThat(MailHeaders.date("not a date")).isEmpty();
        assertThat(MailHeaders.date("")).isEmpty();
    }

    @Test
    void messageIds_withAndWithoutBrackets_andLongReferencesKeepTheirEnds() {
        assertThat(MailHeaders.messageIds("<a@x> <b@x>\t<c@x>", 10)).containsExactly("<a@x>", "<b@x>", "<c@x>");
        assertThat(MailHeaders.messageIds("bare@x", 10)).containsExactly("<bare@x>");
        StringBuilder refs = new StringBuilder();
        for (int i = 0; i < 80; i++) {
            refs.append("<r").append(i).append("@x> ");
        }
        List<String> kept = MailHeaders.messageIds(refs.toString(), 50);
        assertThat(kept).hasSize(50).startsWith("<r0@x>").endsWith("<r79@x>");
        assertThat(kept.get(1)).isEqualTo("<r31@x>");
    }
}
