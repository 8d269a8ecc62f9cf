package dev.mailkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.imap.testing.DovecotServer;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailkit sync} against a real Dovecot: only the chosen folders, two-way, incremental. */
class MailkitSyncIT {

    @RegisterExtension
    static final DovecotServer.PerClass DOVECOT = new DovecotServer.PerClass();

    @TempDir
    Path dir;



    private Store connect() throws Exception {
        Properties p = new Properties();
        p.setProperty("mail.imap.peek", "true");
        Store store = Session.getInstance(p).getStore("imap");
        store.connect("127.0.0.1", DOVECOT.server().port(), "alice", DovecotServer.PASSWORD);
        return store;
    }

    private void append(Store store, String folder, String subject) throws Exception {
        Folder f = store.getFolder(folder);
        if (!f.exists()) {
            f.create(Folder.HOLDS_MESSAGES);
        }
        String raw = "From: a@example.com\r\nTo: alice@example.com\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject.replace(' ', '-') + "@example.com>\r\n\r\nbody\r\n";
        f.appendMessages(new Message[] {new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)))});
    }

    private CliRun sync(String... extra) {
        String[] base = {"sync", "--host", "127.0.0.1", "--port", String.valueOf(DOVECOT.server().port()), "--security", "plain",
                "--user", "alice", "--password-env", "DOVECOT_PW", "--dir", dir.resolve("mail").toString()};
        return CliRun.of(Map.of("DOVECOT_PW", DovecotServer.PASSWORD),
                Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
    }

    @Test
    void sync_onDovecot_mirrorsTheChosenFolders_andPushesLocalEdits() throws Exception {
        try (Store store = connect()) {
            append(store, "INBOX", "in one");
            append(store, "Work", "work one");
            append(store, "Other", "not mirrored");
            CliRun first = sync("--folder", "INBOX", "Work", "--json");
            assertThat(first.code()).as(first.err()).isZero();
            assertThat(first.out()).contains("\"folder\":\"INBOX\",\"method\":\"INITIAL\",\"new\":1")
                    .contains("\"folder\":\"Work\",\"method\":\"INITIAL\",\"new\":1").doesNotContain("\"Other\"");
            Path work = dir.resolve("mail").resolve(".Work").resolve("cur");
            List<Path> files;
            try (Stream<Path> s = Files.list(work)) {
                files = s.toList();
            }
            assertThat(files).hasSize(1);
            Files.move(files.get(0), files.get(0).resolveSibling(files.get(0).getFileName().toString().replace(":2,", ":2,S")));
            assertThat(Files.exists(dir.resolve("mail").resolve(".Other"))).isFalse();

            CliRun second = sync("--folder", "INBOX", "Work");
            assertThat(second.code()).as(second.err()).isZero();
            assertThat(second.out()).contains("1 pushed").contains("UNCHANGED");
            Folder f = store.getFolder("Work");
            f.open(Folder.READ_ONLY);
            assertThat(f.getMessage(1).isSet(Flags.Flag.SEEN)).isTrue();
            f.close(false);
        }
    }
}
