package dev.mailkit.imap.internal.maildir;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.spi.MessageStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two files in one folder can carry the same UID label: a Maildir client moves a file here with the label it
 * had in its old folder while a file this folder's sync wrote for the same UID waits for its record.
 */
class MaildirUidLabelTest {

    @TempDir
    Path base;

    @Test
    void relabellingOneOfTwoFilesWithTheSameUid_leavesTheOtherFindable() throws Exception {
        Maildir store = new Maildir(base.resolve("store"));
        try {
            MessageStore.StoredFolder work = store.folder("Work", '/');
            String written;
            try (MessageStore.MessageWriter w = work.newMessage(2)) {
                w.stream().write("Message-ID: <a@x>\r\n\r\na\r\n".getBytes(StandardCharsets.US_ASCII));
                written = w.commit(MessageFlags.NONE);
            }
            // Another client moves a file labelled U=2 in its old folder into this one, under its own name.
            Path cur = store.directory("Work", '/').resolve("cur");
            Files.writeString(cur.resolve("1700000000.M1P1.other,U=2:2,S"), "Message-ID: <b@x>\r\n\r\nb\r\n");
            MessageStore.StoredFolder again = store.folder("Work", '/');
            again.localIds(); // the folder is listed again and sees both files
            Optional<String> first = again.findByUid(2);
            assertThat(first).isPresent();
            String other = first.get().equals(written) ? "1700000000.M1P1.other,U=2" : written;
            again.relabel(first.get(), 0);
            assertThat(again.findByUid(2)).contains(other);
            again.relabel(other, 0);
            assertThat(again.findByUid(2)).isEmpty();
        } finally {
            store.close();
        }
    }
}
