package dev.mailkit.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.imap.testing.LocalMirror;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalMailbox#threads}: JWZ threading by References and In-Reply-To, subject grouping of headerless replies. */
class LocalThreadsTest {

    @TempDir
    Path dir;

    private static String msg(String id, String subject, int day, String inReplyTo, String references) {
        return "From: p@example.com\nSubject: " + subject + "\nDate: " + day + " Mar 2026 10:00:00 +0000\n"
                + (id == null ? "" : "Message-ID: <" + id + "@x>\n")
                + (inReplyTo == null ? "" : "In-Reply-To: <" + inReplyTo + "@x>\n")
                + (references == null ? "" : "References: " + references + "\n") + "\nbody\n";
    }

    /** The tree as text: subject, replies in brackets; an empty node as "?". */
    private static String shape(MessageThread t) {
        StringBuilder b = new StringBuilder(t.message().map(Envelope::subject).orElse("?"));
        if (!t.replies().isEmpty()) {
            List<String> kids = new ArrayList<>();
            t.replies().forEach(r -> kids.add(shape(r)));
            b.append(kids);
        }
        return b.toString();
    }

    @Test
    void threads_byReferences_inReplyTo_andHeaderlessRepliesBySubject() throws Exception {
        try (LocalMirror m = LocalMirror.in(dir)) {
            m.add("INBOX", msg("a", "Plan", 1, null, null));
            m.add("INBOX", msg("b", "Re: Plan", 2, "a", "<a@x>"));
            m.add("INBOX", msg("c", "Re: Plan", 3, null, "<a@x> <b@x>")); // References only
            m.add("INBOX", msg("d", "Re: Plan", 4, "a", null)); // In-Reply-To only
            m.add("INBOX", msg("e", "Re: Plan", 9, null, null)); // lost its headers: joins by subject
            // two replies to an original this folder lacks: kept together under an empty node
            m.add("INBOX", msg("f", "Re: Lost", 5, "gone", "<gone@x>"));
            m.add("INBOX", msg("g", "Re: Lost", 6, "gone", "<gone@x>"));
            // same subject, not a reply: a conversation of its own
            m.add("INBOX", msg("h", "Plan", 7, null, null));
            // no Message-ID at all, and a loop in References
            m.add("INBOX", msg(null, "Alone", 8, null, null));
            m.add("INBOX", msg("x", "Loop", 10, "y", "<y@x>"));
            m.add("INBOX", msg("y", "Re: Loop", 11, "x", "<x@x>"));
        }
        try (LocalMailbox box = LocalMailbox.open(dir, ZoneOffset.UTC)) {
            List<MessageThread> threads = box.threads("INBOX", 0, 100);
            assertThat(threads).extracting(LocalThreadsTest::shape).containsExactly(
                    "Re: Loop[Loop]", // each names the other: the first seen is placed under the second, no loop
                    "Plan[Re: Plan[Re: Plan], Re: Plan, Re: Plan]",
                    "Alone",
                    "Plan",
                    "?[Re: Lost, Re: Lost]");
            MessageThread plan = threads.get(1);
            assertThat(plan.size()).isEqualTo(5);
            assertThat(plan.latest().subject()).isEqualTo("Re: Plan");
            assertThat(plan.latest().date().toString()).startsWith("2026-03-09");
            assertThat(threads.get(4).message()).isEmpty();
            assertThat(threads.get(4).subject()).isEqualTo("Re: Lost");
            assertThat(box.threads("INBOX", 1, 2)).extracting(LocalThreadsTest::shape)
                    .containsExactly("Plan[Re: Plan[Re: Plan], Re: Plan, Re: Plan]", "Alone");
        }
    }

    @Test
    void aChainOfReplies_deeperThanAnyStack_isThreadedInBoundedDepth() throws Exception {
        int n = 3_000;
        try (LocalMirror m = LocalMirror.in(dir)) {
            byte[][] all = new byte[n][];
            for (int i = 0; i < n; i++) {
                all[i] = msg("m" + i, i == 0 ? "Chain" : "Re: Chain", 1, i == 0 ? null : "m" + (i - 1),
                        i == 0 ? null : "<m" + (i - 1) + "@x>").replace("\n", "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            m.add("INBOX", MessageFlags.NONE, all);
        }
        try (LocalMailbox box = LocalMailbox.open(dir, ZoneOffset.UTC)) {
            List<MessageThread> threads = box.threads("INBOX", 0, 100);
            assertThat(threads.stream().mapToInt(MessageThread::size).sum()).isEqualTo(n);
            int depth = 0;
            for (MessageThread t = threads.get(threads.size() - 1); !t.replies().isEmpty(); t = t.replies().get(0)) {
                depth++;
            }
            assertThat(depth).isLessThanOrEqualTo(257);
        }
    }
}
