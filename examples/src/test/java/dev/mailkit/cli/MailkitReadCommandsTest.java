package dev.mailkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.testing.HostileMime;
import dev.mailkit.imap.testing.LocalMirror;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailkit list}, {@code show} and {@code search} on a mirror, in text and JSON, and their failures. */
class MailkitReadCommandsTest {

    @TempDir
    Path dir;
    Path mail;
    Map<String, byte[]> hostile = HostileMime.all();

    @BeforeEach
    void mirror() throws Exception {
        mail = dir.resolve("mail");
        try (LocalMirror m = LocalMirror.in(mail)) {
            for (byte[] msg : hostile.values()) {
                m.add("INBOX", MessageFlags.NONE, msg);
            }
            m.add("Archive", "From: Alice <alice@example.com>\nSubject: Q3 report\nDate: Thu, 15 Jan 2026 09:00:00 +0000\n"
                    + "Message-ID: <q3@x>\n\nThe numbers.\u001b[2J\n");
        }
    }

    private String dir() {
        return mail.toString();
    }

    @Test
    void list_printsALinePerMessage_andJson() {
        CliRun r = CliRun.of("list", "--dir", dir(), "--limit", "5");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines()).hasSize(6);
        assertThat(r.out()).contains("5 of 16 message(s) in INBOX, by date");
        CliRun sorted = CliRun.of("list", "--dir", dir(), "--sort", "subject", "--limit", "100");
        assertThat(sorted.out()).contains("INBOX:13").contains("会议室预订确认 🎉 東京タワー");
        CliRun json = CliRun.of("list", "--dir", dir(), "--folder", "Archive", "--json");
        assertThat(json.out()).startsWith("{\"status\":\"ok\",\"exitCode\":0,\"folder\":\"Archive\",\"total\":1,\"offset\":0,"
                + "\"messages\":[{\"id\":\"Archive:1\",\"folder\":\"Archive\",\"uid\":1,\"date\":\"2026-01-15T09:00:00Z\","
                + "\"from\":[{\"name\":\"Alice\",\"address\":\"alice@example.com\"}]").contains("\"subject\":\"Q3 report\"");
        assertThat(json.out().strip().lines()).hasSize(1);
    }

    @Test
    void search_findsAcrossFolders_andTermsMayStartWithAMinus() {
        CliRun r = CliRun.of("search", "--dir", dir(), "from:alice", "q3");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Archive:1").contains("Q3 report").contains("1 of 1 message(s) match");
        assertThat(CliRun.of("search", "--dir", dir(), "会议室").out()).contains("INBOX:13");
        CliRun minus = CliRun.of("search", "--dir", dir(), "--", "-is:read", "-folder:INBOX");
        assertThat(minus.code()).as(minus.err()).isZero();
        assertThat(minus.out()).contains("Archive:1").doesNotContain("INBOX:");
        CliRun noDashes = CliRun.of("search", "--dir", dir(), "report", "-folder:INBOX");
        assertThat(noDashes.out()).contains("Archive:1").doesNotContain("INBOX:");
        CliRun json = CliRun.of("search", "--dir", dir(), "--json", "subject:\"q3 report\"");
        assertThat(json.out()).startsWith("{\"status\":\"ok\",\"exitCode\":0,\"query\":\"subject:\\\"q3 report\\\"\",\"total\":1,");
    }

    @Test
    void show_printsHeaderTextAndAttachments_escapingWhatCouldDriveTheTerminal() {
        CliRun r = CliRun.of("show", "--dir", dir(), "INBOX:13");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("From:    山田太郎 <yamada@example.jp>").contains("Subject: 会议室预订确认 🎉 東京タワー")
                .contains("明天下午三点在第二会议室开会。").contains("Attachments (1):").contains("1. 議事録.pdf  application/pdf");
        CliRun esc = CliRun.of("show", "--dir", dir(), "--folder", "Archive", "1");
        assertThat(esc.out()).contains("The numbers.\\u001b[2J").doesNotContain("\u001b");
        CliRun html = CliRun.of("show", "--dir", dir(), "INBOX:14");
        assertThat(html.out()).contains("Fish & chips €5 <today>").doesNotContain("<script>");
        assertThat(CliRun.of("show", "--dir", dir(), "--html", "INBOX:14").out()).contains("<p>Fish &amp; chips");
        CliRun json = CliRun.of("show", "--dir", dir(), "--json", "INBOX:13");
        assertThat(json.out()).startsWith("{\"status\":\"ok\",\"exitCode\":0,\"message\":{\"id\":\"INBOX:13\"")
                .contains("\"attachments\":[{\"fileName\":\"議事録.pdf\",\"safeFileName\":\"議事録.pdf\",\"contentType\":\"application/pdf\"");
    }

    @Test
    void showRaw_writesTheExactBytes() {
        StringWriter out = new StringWriter();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Mailkit.run(new String[] {"show", "--dir", dir(), "--raw", "INBOX:3"}, k -> null, new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true), false, bytes);
        assertThat(code).isZero();
        assertThat(bytes.toByteArray()).isEqualTo(hostile.get("eight-bit-headers"));
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void saveAttachments_writesSafeNamesInsideTheDirectory_neverReplacingAFile() throws Exception {
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("x"), "mine");
        Files.createSymbolicLink(out.resolve("passwd"), dir.resolve("target-of-link"));
        CliRun r = CliRun.of("show", "--dir", dir(), "INBOX:11", "--save-attachments", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("_CON.txt",
                    "agnp.exe", "attachment-10.bin", "attachment-9.bin", "hidden", "passwd", "passwd (2)", "win.ini", "x",
                    "x (2)", "y  .txt");
        }
        assertThat(Files.readString(out.resolve("x"))).isEqualTo("mine");
        assertThat(Files.readString(out.resolve("x (2)"))).isEqualTo("payload 0");
        assertThat(Files.exists(dir.resolve("target-of-link"))).as("the link was not followed").isFalse();
        assertThat(Files.exists(dir.resolve("x"))).isFalse();
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.filter(p -> p.getFileName().toString().equals("y  .txt") || p.getFileName().toString().equals("x"))
                    .map(Path::getParent).distinct().toList()).containsExactly(out);
        }
        assertThat(r.out()).contains("saved " + out.resolve("x (2)"));
    }

    @Test
    void failures_sayWhatIsWrong_withTheirExitCode() {
        CliRun bad = CliRun.of("search", "--dir", dir(), "frm:alice");
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).startsWith("mailkit: search query: unknown field 'frm:'");
        CliRun badJson = CliRun.of("search", "--dir", dir(), "--json", "after:yesterday");
        assertThat(badJson.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badJson.out()).startsWith("{\"status\":\"error\",\"exitCode\":2,\"error\":\"search query: 'yesterday' is not a date");
        assertThat(badJson.err()).isEmpty();
        CliRun missing = CliRun.of("list", "--dir", dir.resolve("none").toString());
        assertThat(missing.code()).isEqualTo(ExitCodes.LOCAL_STORE);
        assertThat(missing.err()).contains("no Maildir at");
        CliRun noFolder = CliRun.of("list", "--dir", dir(), "--folder", "Nope");
        assertThat(noFolder.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noFolder.err()).contains("no folder named 'Nope'");
        CliRun noMessage = CliRun.of("show", "--dir", dir(), "INBOX:999");
        assertThat(noMessage.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noMessage.err()).contains("no message INBOX:999");
        CliRun sort = CliRun.of("list", "--dir", dir(), "--sort", "size");
        assertThat(sort.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(sort.err()).contains("--sort takes date, from or subject");
        CliRun rawJson = CliRun.of("show", "--dir", dir(), "--raw", "--json", "INBOX:1");
        assertThat(rawJson.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(List.of(rawJson.out(), rawJson.err()).toString()).contains("--raw prints the message alone");
    }
}
