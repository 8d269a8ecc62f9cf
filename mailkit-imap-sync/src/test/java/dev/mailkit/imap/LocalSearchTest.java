package dev.mailkit.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.imap.testing.HostileMime;
import dev.mailkit.imap.testing.LocalMirror;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalMailbox#search}: each term of the query language, CJK text, and the errors. */
class LocalSearchTest {

    @TempDir
    Path dir;
    LocalMailbox box;

    @BeforeEach
    void mirror() throws Exception {
        try (LocalMirror m = LocalMirror.in(dir)) {
            m.add("INBOX", "From: Alice Liddell <alice@example.com>\nTo: bob@example.org\nSubject: Q3 report draft\n"
                    + "Date: Thu, 15 Jan 2026 09:00:00 +0000\nMessage-ID: <1@x>\n\nThe quarterly numbers are attached. Résumé inside.\n");
            m.add("INBOX", "From: Bob <bob@example.org>\nTo: Alice <alice@example.com>\nCc: carol@example.net\n"
                    + "Subject: Re: Q3 report draft\nDate: Fri, 16 Jan 2026 09:00:00 +0000\nMessage-ID: <2@x>\n"
                    + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n"
                    + "Looks good, see my comments.\n--b\nContent-Type: application/pdf\n"
                    + "Content-Disposition: attachment; filename=\"comments-q3.pdf\"\n\n%PDF\n--b--\n");
            m.add("Archive", "From: carol@example.net\nTo: alice@example.com\nSubject: lunch\n"
                    + "Date: Mon, 1 Dec 2025 12:00:00 +0000\nMessage-ID: <3@x>\n\nreport of the week? no, lunch.\n");
            m.add("INBOX", MessageFlags.NONE.withSeen(true), HostileMime.all().get("cjk-everywhere"));
            m.add("INBOX", "From: 田中 <tanaka@example.jp>\nSubject: 東京タワーの見学\nDate: Sat, 17 Jan 2026 09:00:00 +0000\n"
                    + "Message-ID: <5@x>\n\nこんにちは。東京タワーに行きましょう。\n");
            m.setFlags("INBOX", 2, MessageFlags.NONE.withSeen(true).withFlagged(true));
        }
        box = LocalMailbox.open(dir, ZoneOffset.UTC);
    }

    @AfterEach
    void close() {
        box.close();
    }

    private List<String> subjects(String query) {
        List<String> found = box.search(query, 0, 100).stream().map(Envelope::subject).toList();
        assertThat(box.searchCount(query)).as(query).isEqualTo(found.size());
        return found;
    }

    @Test
    void words_phrases_prefixesAndNegation() {
        assertThat(subjects("report")).containsExactly("Re: Q3 report draft", "Q3 report draft", "lunch");
        assertThat(subjects("REPORT q3")).containsExactly("Re: Q3 report draft", "Q3 report draft");
        assertThat(subjects("\"report draft\"")).containsExactly("Re: Q3 report draft", "Q3 report draft");
        assertThat(subjects("\"draft report\"")).isEmpty();
        assertThat(subjects("quarter*")).containsExactly("Q3 report draft");
        assertThat(subjects("report -lunch")).containsExactly("Re: Q3 report draft", "Q3 report draft");
        assertThat(subjects("-report")).hasSize(2).doesNotContain("lunch");
        assertThat(subjects("resume")).containsExactly("Q3 report draft"); // accents do not matter
        assertThat(subjects("nothingmatchesthis")).isEmpty();
    }

    @Test
    void fields() {
        assertThat(subjects("from:alice")).containsExactly("Q3 report draft");
        assertThat(subjects("from:alice@example.com")).containsExactly("Q3 report draft");
        assertThat(subjects("to:alice")).containsExactly("Re: Q3 report draft", "lunch");
        assertThat(subjects("to:carol")).containsExactly("Re: Q3 report draft"); // Cc counts
        assertThat(subjects("subject:\"q3 report\"")).containsExactly("Re: Q3 report draft", "Q3 report draft");
        assertThat(subjects("subject:report -subject:re")).containsExactly("Q3 report draft");
        assertThat(subjects("body:comments")).containsExactly("Re: Q3 report draft");
        assertThat(subjects("filename:comments")).containsExactly("Re: Q3 report draft");
        assertThat(subjects("filename:pdf")).containsExactly("Re: Q3 report draft", "会议室预订确认 🎉 東京タワー");
        assertThat(subjects("has:attachment")).containsExactly("Re: Q3 report draft", "会议室预订确认 🎉 東京タワー");
        assertThat(subjects("-has:attachment report")).containsExactly("Q3 report draft", "lunch");
        assertThat(subjects("folder:Archive")).containsExactly("lunch");
        assertThat(subjects("folder:inbox report")).containsExactly("Re: Q3 report draft", "Q3 report draft");
        assertThat(subjects("-folder:INBOX")).containsExactly("lunch");
        assertThat(subjects("after:2026-01-16")).containsExactly("東京タワーの見学", "Re: Q3 report draft");
        assertThat(subjects("before:2026-01-16 report")).containsExactly("Q3 report draft", "lunch");
        assertThat(subjects("after:2026/01/01 before:2026-01-16")).containsExactly("Q3 report draft");
        assertThat(subjects("is:unread")).containsExactly("東京タワーの見学", "Q3 report draft", "lunch");
        assertThat(subjects("is:read")).containsExactly("Re: Q3 report draft", "会议室预订确认 🎉 東京タワー");
        assertThat(subjects("is:flagged")).containsExactly("Re: Q3 report draft");
        assertThat(subjects("-is:flagged is:read")).containsExactly("会议室预订确认 🎉 東京タワー");
        assertThat(subjects("from:alice subject:\"q3 report\" -has:attachment after:2026-01-01 before:2026-02-01 is:unread"
                + " folder:INBOX")).containsExactly("Q3 report draft");
    }

    @Test
    void chineseAndJapanese_areFoundByAnyRunOfCharacters() {
        assertThat(subjects("会议室")).containsExactly("会议室预订确认 🎉 東京タワー");
        assertThat(subjects("会议")).containsExactly("会议室预订确认 🎉 東京タワー");
        assertThat(subjects("预订确认")).containsExactly("会议室预订确认 🎉 東京タワー");
        assertThat(subjects("认")).containsExactly("会议室预订确认 🎉 東京タワー"); // the last character of a run
        assertThat(subjects("议")).containsExactly("会议室预订确认 🎉 東京タワー");
        assertThat(subjects("第二会议室")).containsExactly("会议室预订确认 🎉 東京タワー"); // in the body
        assertThat(subjects("会室")).isEmpty(); // not adjacent
        assertThat(subjects("東京タワー")).containsExactly("東京タワーの見学", "会议室预订确认 🎉 東京タワー");
        assertThat(subjects("タワー")).containsExactly("東京タワーの見学", "会议室预订确认 🎉 東京タワー");
        assertThat(subjects("見学")).containsExactly("東京タワーの見学");
        assertThat(subjects("subject:見学")).containsExactly("東京タワーの見学");
        assertThat(subjects("body:見学")).isEmpty();
        assertThat(subjects("よろしく")).containsExactly("会议室预订确认 🎉 東京タワー");
        assertThat(subjects("from:山田太郎")).containsExactly("会议室预订确认 🎉 東京タワー");
        assertThat(subjects("from:田中")).containsExactly("東京タワーの見学");
        assertThat(subjects("to:王小明")).containsExactly("会议室预订确认 🎉 東京タワー");
        assertThat(subjects("filename:議事録")).containsExactly("会议室预订确认 🎉 東京タワー");
        assertThat(subjects("🎉")).containsExactly("会议室预订确认 🎉 東京タワー");
        assertThat(subjects("🍣 -🎂")).containsExactly("会议室预订确认 🎉 東京タワー");
        assertThat(subjects("Q3报告")).isEmpty();
    }

    @Test
    void pages_newestFirst() {
        assertThat(box.search("report", 1, 1)).extracting(Envelope::subject).containsExactly("Q3 report draft");
        assertThat(box.search("report", 3, 10)).isEmpty();
    }

    @Test
    void badQueries_areTypedErrors_namingTheProblem() {
        assertError("frm:alice", 0, "unknown field 'frm:'");
        assertError("report \"q3", 7, "never closed");
        assertError("after:yesterday", 6, "'yesterday' is not a date; write it as 2026-01-31");
        assertError("is:urgent", 3, "is:urgent is not known");
        assertError("has:pdf", 4, "has:pdf is not known; has:attachment is");
        assertError("from:", 0, "'from:' needs a value");
        assertError("   ", 0, "the query is empty");
        assertError("- report", 0, "'-' must come right before");
        assertError("re*port", 0, "'*' may only end a word");
        assertError("...", 0, "has no letters, digits or symbols");
        assertError("x".repeat(1001), 1000, "at most 1000 are read");
        assertError("a ".repeat(33), 64, "more than 32 terms");
        assertThat(subjects("\"frm:alice\"")).isEmpty(); // quoted, it is text
    }

    private void assertError(String query, int position, String problem) {
        assertThatThrownBy(() -> box.search(query, 0, 10)).isInstanceOfSatisfying(QuerySyntaxException.class, e -> {
            assertThat(e.problem()).contains(problem);
            assertThat(e.position()).as(query).isEqualTo(position);
            assertThat(e.query()).isEqualTo(query);
            assertThat(e.getMessage()).startsWith("search query: ");
        });
    }
}
