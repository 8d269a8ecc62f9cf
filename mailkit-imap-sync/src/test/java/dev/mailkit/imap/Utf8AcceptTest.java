package dev.mailkit.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.testing.ScriptedServer;
import dev.mailkit.imap.internal.maildir.MaildirNames;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server offering UTF8=ACCEPT (RFC 6855) lists folder names as UTF-8 instead of modified UTF-7: the
 * synchronizer enables it, sends names back as UTF-8, and stores the folder under the same Maildir
 * directory name a modified UTF-7 server would give it.
 */
class Utf8AcceptTest {

    @TempDir
    Path dir;

    private static String answer(String line) {
        String[] w = line.split(" ", 3);
        String tag = w[0];
        String cmd = w.length > 1 ? w[1].toUpperCase(java.util.Locale.ROOT) : "";
        return switch (cmd) {
            case "CAPABILITY" -> "* CAPABILITY IMAP4rev1 ENABLE UTF8=ACCEPT\r\n" + tag + " OK done\r\n";
            case "LOGIN" -> tag + " OK logged in\r\n";
            case "ENABLE" -> "* ENABLED UTF8=ACCEPT\r\n" + tag + " OK enabled\r\n";
            case "LIST" -> "* LIST (\\HasNoChildren) \"/\" \"Données/Été 2026\"\r\n" + tag + " OK listed\r\n";
            case "EXAMINE" -> "* 0 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 1] ok\r\n"
                    + tag + " OK [READ-ONLY] examined\r\n";
            case "LOGOUT" -> "* BYE bye\r\n" + tag + " OK bye\r\n";
            default -> tag + " OK " + cmd + " done\r\n";
        };
    }

    @Test
    void utf8FolderNames_areEnabled_sentAsUtf8_andMirrored() throws Exception {
        try (ScriptedServer server = new ScriptedServer("* OK IMAP ready", Utf8AcceptTest::answer)) {
            Path maildir = dir.resolve("mail");
            try (ImapSynchronizer sync = ImapSynchronizer.builder()
                    .endpoint("127.0.0.1", server.port(), Security.PLAIN)
                    .options(ConnectionOptions.builder().allowPlaintext().build())
                    .credentials(Credentials.password("me", "pw")).maildir(maildir).build()) {
                SyncReport report = sync.syncOnce();
                assertThat(report.folder("Données/Été 2026")).isPresent();
                assertThat(sync.state().folder("Données/Été 2026")).isPresent();
            }
            assertThat(server.received()).anyMatch(l -> l.endsWith("ENABLE UTF8=ACCEPT"));
            assertThat(server.received()).as("the name goes back as UTF-8, not modified UTF-7")
                    .anyMatch(l -> l.contains("EXAMINE \"Données/Été 2026\""));
            Path folder = maildir.resolve(MaildirNames.folderDirectory("Données/Été 2026", '/'));
            assertThat(folder.getFileName().toString()).isEqualTo(".Donn&AOk-es.&AMk-t&AOk- 2026");
            assertThat(Files.isDirectory(folder.resolve("cur"))).isTrue();
        }
    }
}
