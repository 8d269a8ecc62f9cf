package dev.mailkit.imap;

import static dev.mailkit.imap.MirrorAssertions.assertExactMirror;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.imap.spi.SyncStateStore;
import dev.mailkit.imap.testing.DovecotServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed messages, written straight into Dovecot's Maildir as a broken sender or a hostile server
 * would leave them: broken MIME, bad encodings, raw 8-bit and invalid UTF-8 headers, no Message-ID,
 * duplicate Message-IDs of the same size in two folders, a 300 KB header, an empty message, NUL bytes,
 * bare LF and CR line ends, no header/body separator. Every one is mirrored byte for byte as the server
 * serves it, and a second sync finds nothing to do.
 */
class HostileMessagesIT extends DovecotTestBase {

    private static final String USER = "carol";

    @TempDir
    Path maildir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static Map<String, byte[]> messages() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("broken-mime", bytes("From: a@example.com\r\nMessage-ID: <mime@x>\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain\r\n\r\nno closing boundary, nested --b2 never opened\r\n--b2--\r\n"));
        m.put("bad-encodings", bytes("From: a@example.com\r\nMessage-ID: <enc@x>\r\nContent-Type: text/plain; charset=x-unknown\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n!!!not base64 at all===\r\n=ZZ=\r\n"));
        m.put("eight-bit-headers", concat(bytes("From: "), "Jürgen Größe <j@example.com>".getBytes(StandardCharsets.UTF_8),
                bytes("\r\nSubject: "), new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xA0, (byte) 0xFF},
                bytes(" invalid UTF-8 and Latin-1 \u00e9\r\nMessage-ID: <8bit@x>\r\n\r\nbody\r\n")));
        m.put("no-message-id", bytes("From: a@example.com\r\nSubject: none\r\n\r\nno id\r\n"));
        m.put("huge-header", concat(bytes("From: a@example.com\r\nMessage-ID: <huge@x>\r\nX-Huge: "),
                bytes("y".repeat(300_000)), bytes("\r\n\r\nsmall body\r\n")));
        m.put("empty", new byte[0]);
        m.put("nul-bytes", concat(bytes("From: a@example.com\r\nMessage-ID: <nul@x>\r\nX-Nul: a"), new byte[] {0},
                bytes("b\r\n\r\nbody with "), new byte[] {0, 0}, bytes(" inside\r\n")));
        m.put("bare-lf-cr", bytes("From: a@example.com\nMessage-ID: <lf@x>\nSubject: lf\n\nline one\nline two\rnot a line\r\n"));
        m.put("no-separator", bytes("From: a@example.com\r\nMessage-ID: <nosep@x>\r\nSubject: no body"));
        return m;
    }

    private static void write(String folder, String name, byte[] content, Instant mtime) throws Exception {
        Path dir = folder.equals("INBOX") ? DOVECOT.server().maildir(USER) : DOVECOT.server().maildir(USER).resolve("." + folder);
        for (String sub : List.of("cur", "new", "tmp")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Path file = dir.resolve("cur").resolve(mtime.getEpochSecond() + ".M1P1." + name + ":2,");
        Files.write(file, content);
        Files.setLastModifiedTime(file, FileTime.from(mtime)); // Dovecot's INTERNALDATE
    }

    @Test
    void malformedMessages_areMirroredByteForByte_andNothingStalls() throws Exception {
        Instant t = Instant.parse("2026-11-01T10:00:00Z");
        int i = 0;
        for (Map.Entry<String, byte[]> e : messages().entrySet()) {
            write("Hostile", e.getKey(), e.getValue(), t.plusSeconds(i++));
        }
        // Two different messages with the same Message-ID and size, in two folders, delivered a day apart.
        write("Hostile", "dup-a", bytes("From: a@example.com\r\nMessage-ID: <dup@x>\r\n\r\nAAAA\r\n"), t.plusSeconds(100));
        write("Other", "dup-b", bytes("From: a@example.com\r\nMessage-ID: <dup@x>\r\n\r\nBBBB\r\n"), t.plusSeconds(86_400));
        Process chown = new ProcessBuilder("chown", "-R", "mail:mail", DOVECOT.server().maildir(USER).toString()).inheritIO().start();
        assertThat(chown.waitFor()).isZero();

        ImapSynchronizer.Builder b = ImapSynchronizer.builder().endpoint("127.0.0.1", DOVECOT.server().port(), Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(Credentials.password(USER, DovecotServer.PASSWORD)).maildir(maildir)
                .folders(FolderFilter.only("Hostile", "Other"));
        try (ImapSynchronizer s = b.build()) {
            SyncReport first = s.syncOnce();
            assertThat(first.folder("Hostile").orElseThrow().added()).isEqualTo(messages().size() + 1);
            assertThat(first.folder("Other").orElseThrow().added()).isEqualTo(1);
            SyncReport second = s.syncOnce();
            assertThat(second.added() + second.changed() + second.removed()).isZero();
        }
        try (ServerClient server = new ServerClient("127.0.0.1", DOVECOT.server().port(), USER, DovecotServer.PASSWORD);
             SyncStateStore state = SyncStateStore.sqlite(maildir.resolve("mailkit-state.db"))) {
            for (String folder : List.of("Hostile", "Other")) {
                Map<Long, byte[]> served = server.rawBodies(folder);
                assertThat(served).isNotEmpty();
                assertExactMirror(maildir, folder, served, state);
            }
        }
    }
}
