package dev.mailkit.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.imap.testing.HostileMime;
import dev.mailkit.imap.testing.LocalMirror;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalMailbox} over a mirror written by the state store with the index kept. */
class LocalMailboxTest {

    @TempDir
    Path dir;

    static String message(String from, String subject, String date, String body) {
        return "From: " + from + "\nTo: me@example.com\nSubject: " + subject + "\nDate: " + date
                + "\nMessage-ID: <" + Math.abs((subject + date).hashCode()) + "@x>\n\n" + body + "\n";
    }

    private LocalMailbox mailbox() {
        return LocalMailbox.open(dir, ZoneOffset.UTC);
    }

    @Test
    void list_pagesAndSorts_fromTheIndexAlone() throws Exception {
        try (LocalMirror m = LocalMirror.in(dir)) {
            for (int i = 0; i < 30; i++) {
                m.add("INBOX", message((char) ('z' - i % 26) + "person <p" + i + "@example.com>", "Re: topic " + (char) ('a' + i % 26),
                        "Mon, " + (1 + i % 28) + " Sep 2026 10:00:00 +0000", "body " + i));
            }
        }
        // the files are gone: listing must not open them
        try (var files = Files.walk(dir.resolve("cur"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Files.delete(p);
            }
        }
        try (LocalMailbox box = mailbox()) {
            assertThat(box.folders()).containsExactly("INBOX");
            assertThat(box.count("INBOX")).isEqualTo(30);
            List<Envelope> first = box.list("INBOX", EnvelopeSort.DATE, 0, 10);
            List<Envelope> second = box.list("INBOX", EnvelopeSort.DATE, 10, 10);
            assertThat(first).hasSize(10);
            assertThat(first.get(0).date()).isEqualTo(Instant.parse("2026-09-28T10:00:00Z"));
            assertThat(first).isSortedAccordingTo((a, b) -> b.date().compareTo(a.date()));
            assertThat(first.get(9).date()).isAfterOrEqualTo(second.get(0).date());
            assertThat(box.list("INBOX", EnvelopeSort.DATE, 25, 10)).hasSize(5);
            List<Envelope> bySender = box.list("INBOX", EnvelopeSort.FROM, 0, 30);
            assertThat(bySender.stream().map(e -> e.sender().orElseThrow().displayName().toLowerCase()).toList()).isSorted();
            List<Envelope> bySubject = box.list("INBOX", EnvelopeSort.SUBJECT, 0, 30);
            assertThat(bySubject.get(0).subject()).isEqualTo("Re: topic a"); // "Re:" does not count
            assertThat(bySubject.stream().map(e -> e.subject().substring(4)).toList()).isSorted();
            assertThatThrownBy(() -> box.list("Nope", EnvelopeSort.DATE, 0, 10)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no folder named 'Nope'");
            assertThatThrownBy(() -> box.list("INBOX", EnvelopeSort.DATE, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void envelopes_carryEveryField_decoded() throws Exception {
        long uid;
        try (LocalMirror m = LocalMirror.in(dir)) {
            uid = m.add("INBOX", MessageFlags.NONE.withSeen(true), HostileMime.all().get("cjk-everywhere")).get(0);
            m.add("INBOX", "From: a@example.com\nSubject: Re: x\nMessage-ID: <r@x>\nIn-Reply-To: <p@x>\n"
                    + "References: <o@x> <p@x>\nDate: Sat, 1 Jan 2050 00:00:00 +0000\n\nreply body\n> quoted line\nmore\n");
        }
        try (LocalMailbox box = mailbox()) {
            Envelope e = box.envelope("INBOX", uid).orElseThrow();
            assertThat(e.from()).containsExactly(new EmailAddress("山田太郎", "yamada@example.jp"));
            assertThat(e.to()).containsExactly(new EmailAddress("王小明", "wang@example.cn"));
            assertThat(e.cc()).containsExactly(new EmailAddress("😀 Smiley", "smile@example.com"));
            assertThat(e.subject()).isEqualTo("会议室预订确认 🎉 東京タワー");
            assertThat(e.date()).isEqualTo(Instant.parse("2025-01-14T01:30:00Z"));
            assertThat(e.messageId()).isEqualTo("<cjk@x>");
            assertThat(e.hasAttachments()).isTrue();
            assertThat(e.flags().seen()).isTrue();
            assertThat(e.preview()).startsWith("明天下午三点在第二会议室开会。");
            assertThat(e.size()).isEqualTo(HostileMime.all().get("cjk-everywhere").length);
            assertThat(e.id()).isEqualTo("INBOX:" + uid);
            Envelope reply = box.envelope("INBOX", uid + 1).orElseThrow();
            assertThat(reply.inReplyTo()).isEqualTo("<p@x>");
            assertThat(reply.references()).containsExactly("<o@x>", "<p@x>");
            assertThat(reply.preview()).isEqualTo("reply body more"); // quoted lines left out
            // dated 2050, arrived 2026: the arrival time is believed
            assertThat(reply.date()).isBefore(Instant.parse("2027-01-01T00:00:00Z"));
            assertThat(box.envelope("INBOX", 999)).isEmpty();
        }
    }

    @Test
    void open_decodesBodies_streamsAttachments_andGivesTheRawBytes() throws Exception {
        Map<String, byte[]> hostile = HostileMime.all();
        try (LocalMirror m = LocalMirror.in(dir)) {
            for (byte[] msg : hostile.values()) {
                m.add("INBOX", MessageFlags.NONE, msg);
            }
        }
        try (LocalMailbox box = mailbox()) {
            long uid = 1;
            for (Map.Entry<String, byte[]> e : hostile.entrySet()) {
                LocalMessage msg = box.open("INBOX", uid);
                try (InputStream raw = msg.openRaw()) {
                    assertThat(raw.readAllBytes()).as(e.getKey()).isEqualTo(e.getValue());
                }
                try (InputStream raw = box.openRaw("INBOX", uid)) {
                    assertThat(raw.readAllBytes()).as(e.getKey()).isEqualTo(e.getValue());
                }
                for (MessagePart p : msg.attachments()) {
                    try (InputStream in = p.open()) {
                        assertThat(in.readAllBytes()).as(e.getKey() + " " + p).hasSize((int) p.size());
                    }
                    assertThat(p.safeFileName()).doesNotContain("/", "\\", "\u202e").isNotIn(".", "..").doesNotStartWith(".");
                }
                uid++;
            }
            LocalMessage cjk = box.open("INBOX:13");
            assertThat(cjk.envelope().subject()).isEqualTo("会议室预订确认 🎉 東京タワー");
            assertThat(cjk.text()).hasValueSatisfying(t -> assertThat(t).contains("よろしくお願いします。🍣"));
            assertThat(cjk.attachments()).singleElement().satisfies(p -> {
                assertThat(p.fileName()).contains("議事録.pdf");
                assertThat(p.safeFileName()).isEqualTo("議事録.pdf");
                assertThat(p.contentType()).isEqualTo("application/pdf");
            });
            assertThat(cjk.header("subject")).contains("会议室预订确认 🎉 東京タワー");
            LocalMessage names = box.open("INBOX", 11);
            assertThat(names.attachments()).extracting(MessagePart::safeFileName).contains("x", "passwd", "win.ini");
            try (InputStream in = names.attachments().get(0).open()) {
                assertThat(new String(in.readAllBytes())).isEqualTo("payload 0");
            }
            LocalMessage inline = box.open("INBOX", 15);
            assertThat(inline.html()).hasValueSatisfying(h -> assertThat(h).contains("cid:logo@x"));
            assertThat(inline.inlineParts()).singleElement().satisfies(p -> assertThat(p.contentId()).contains("logo@x"));
            assertThat(inline.attachments()).isEmpty();
            assertThat(box.open("INBOX", 5).truncated()).isTrue(); // the 300 KB header field
            assertThatThrownBy(() -> box.open("INBOX", 999)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no message INBOX:999");
            assertThatThrownBy(() -> box.open("INBOX-17")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("FOLDER:UID");
        }
    }

    @Test
    void flagsChangedLocally_andMessagesDeletedLocally_showAsTheyAreHere() throws Exception {
        try (LocalMirror m = LocalMirror.in(dir)) {
            m.add("INBOX", message("a@x", "one", "Mon, 1 Sep 2026 10:00:00 +0000", "b"));
            m.add("INBOX", message("a@x", "two", "Mon, 2 Sep 2026 10:00:00 +0000", "b"));
            m.localFlags("INBOX", 1, MessageFlags.NONE.withFlagged(true));
            m.state().saveLocalChange(new dev.mailkit.imap.spi.LocalChange("INBOX", 2, null,
                    dev.mailkit.imap.spi.LocalChange.Kind.DELETED, null));
        }
        try (LocalMailbox box = mailbox()) {
            assertThat(box.list("INBOX", EnvelopeSort.DATE, 0, 10)).singleElement()
                    .satisfies(e -> assertThat(e.flags().flagged()).isTrue());
            assertThat(box.count("INBOX")).isEqualTo(1);
            assertThat(box.search("is:flagged", 0, 10)).hasSize(1);
            assertThat(box.search("two", 0, 10)).isEmpty();
            assertThatThrownBy(() -> box.open("INBOX", 2)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aSyncingMirror_isReadWithoutTakingItsLock_andAStateWithoutIndexIsIndexedOnOpen() throws Exception {
        try (LocalMirror m = LocalMirror.withoutIndex(dir)) {
            m.add("INBOX", message("a@x", "first", "Mon, 1 Sep 2026 10:00:00 +0000", "findme"));
        }
        // a synchronizer holds the lock: nothing is written, what the index has is read
        try (FileChannel lock = FileChannel.open(dir.resolve("mailkit.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             var held = lock.lock();
             LocalMailbox box = mailbox()) {
            assertThat(box.count("INBOX")).isZero();
            assertThatThrownBy(box::rebuildIndex).isInstanceOf(SyncStateException.class).hasMessageContaining("mailkit.lock");
        }
        try (LocalMailbox box = mailbox()) {
            assertThat(box.count("INBOX")).isEqualTo(1);
            assertThat(box.search("findme", 0, 10)).extracting(Envelope::subject).containsExactly("first");
            assertThat(box.rebuildIndex()).isEqualTo(1);
            assertThat(box.search("findme", 0, 10)).hasSize(1);
        }
    }

    @Test
    void open_withoutAMirror_saysSo() {
        assertThatThrownBy(() -> LocalMailbox.open(dir.resolve("nothing"))).isInstanceOf(SyncStateException.class)
                .hasMessageContaining("no Maildir");
        assertThatThrownBy(() -> LocalMailbox.open(dir)).isInstanceOf(SyncStateException.class)
                .hasMessageContaining("mailkit-state.db is missing");
    }

    @Test
    void expungedMessages_leaveTheIndex_andTheirTextIsNoLongerFound() throws Exception {
        try (LocalMirror m = LocalMirror.in(dir)) {
            m.add("INBOX", message("a@x", "gone soon", "Mon, 1 Sep 2026 10:00:00 +0000", "vanishing"));
            m.add("INBOX", message("a@x", "stays", "Mon, 2 Sep 2026 10:00:00 +0000", "remaining"));
            m.remove("INBOX", 1L);
            m.state().deleteFolder("INBOX"); // forgetting the folder takes all its rows
            m.add("Other", message("a@x", "elsewhere", "Mon, 2 Sep 2026 10:00:00 +0000", "remaining"));
        }
        try (LocalMailbox box = mailbox()) {
            assertThat(box.searchCount("vanishing")).isZero();
            assertThat(box.search("remaining", 0, 10)).extracting(Envelope::folder).containsExactly("Other");
        }
    }
}
