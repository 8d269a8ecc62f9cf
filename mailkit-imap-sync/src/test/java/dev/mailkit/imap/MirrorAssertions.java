package dev.mailkit.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.imap.internal.maildir.MaildirNames;
import dev.mailkit.imap.internal.synchronizer.DefaultImapSynchronizer;
import dev.mailkit.imap.spi.SyncStateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Checks a Maildir mirror against the server: every message exactly once, byte for byte, nothing else. */
final class MirrorAssertions {

    private MirrorAssertions() {
    }

    static char separator = '/';

    /** The synchronizer's state store itself, for the checks that need what applications do not see. */
    static SyncStateStore stateStore(ImapSynchronizer sync) {
        return ((DefaultImapSynchronizer) sync).stateStore();
    }

    static Path folderDir(Path root, String folder) {
        String d = MaildirNames.folderDirectory(folder, separator);
        return d.isEmpty() ? root : root.resolve(d);
    }

    /** Files in cur/ and new/ of a folder. */
    static List<Path> files(Path root, String folder) throws IOException {
        Path dir = folderDir(root, folder);
        try (Stream<Path> cur = Files.list(dir.resolve("cur")); Stream<Path> nw = Files.list(dir.resolve("new"))) {
            return Stream.concat(cur, nw).sorted().collect(Collectors.toList());
        }
    }

    static void assertExactMirror(Path root, String folder, Map<Long, byte[]> server, MirrorState state)
            throws IOException {
        List<Path> files = files(root, folder);
        Map<Long, Path> byUid = new HashMap<>();
        for (Path f : files) {
            long uid = MaildirNames.uidOf(MaildirNames.baseName(f.getFileName().toString()));
            assertThat(uid).as("file %s carries a UID", f).isPositive();
            assertThat(byUid.put(uid, f)).as("UID %d stored once in %s", uid, folder).isNull();
        }
        assertThat(byUid.keySet()).as("UIDs mirrored in %s", folder).containsExactlyInAnyOrderElementsOf(server.keySet());
        for (Map.Entry<Long, byte[]> e : server.entrySet()) {
            assertThat(Files.readAllBytes(byUid.get(e.getKey()))).as("bytes of UID %d in %s", e.getKey(), folder)
                    .isEqualTo(e.getValue());
        }
        assertThat(state.messages(folder)).extracting(MessageRecord::uid)
                .containsExactlyInAnyOrderElementsOf(server.keySet());
        assertThat(files(root, folder)).allMatch(f -> !f.getParent().getFileName().toString().equals("tmp"));
        if (Files.exists(root.resolve("mailkit-state.db"))) {
            // the envelope index describes exactly the messages the state does (written in the same transactions)
            try {
                IndexConsistency.assertConsistent(root, folder);
            } catch (java.sql.SQLException e) {
                throw new IOException(e);
            }
        }
    }
}
