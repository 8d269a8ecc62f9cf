package dev.mailkit.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.imap.spi.SyncStateStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteSyncStateStoreTest {

    @TempDir
    Path dir;

    @Test
    void aVersion1File_isUpgradedInPlace_keepingItsRecords() throws Exception {
        Path file = dir.resolve("state.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE folders (name TEXT PRIMARY KEY, separator INTEGER NOT NULL, uidvalidity INTEGER NOT NULL,"
                    + " uidnext INTEGER NOT NULL, highestmodseq INTEGER NOT NULL, special_use TEXT NOT NULL)");
            s.execute("CREATE TABLE messages (folder TEXT NOT NULL REFERENCES folders(name) ON DELETE CASCADE,"
                    + " uid INTEGER NOT NULL, local_id TEXT NOT NULL, flags TEXT NOT NULL, message_id TEXT NOT NULL,"
                    + " size INTEGER NOT NULL, internal_date INTEGER NOT NULL, PRIMARY KEY (folder, uid))");
            s.execute("INSERT INTO folders VALUES ('INBOX', 47, 9, 3, 0, '')");
            s.execute("INSERT INTO messages VALUES ('INBOX', 2, 'base,U=2', '\\Seen', '<a@b>', 120, 1000)");
            s.execute("PRAGMA user_version=1");
        }
        try (SyncStateStore state = SyncStateStore.sqlite(file)) {
            MessageRecord r = state.message("INBOX", 2).orElseThrow();
            assertThat(r.localId()).isEqualTo("base,U=2");
            assertThat(r.flags().seen()).isTrue();
            assertThat(r.headersOnly()).isFalse();
            state.update("INBOX", List.of(new MessageRecord("INBOX", 5, "other,U=5", MessageFlags.NONE, "", 10,
                    Instant.EPOCH, true)), List.of());
            assertThat(state.message("INBOX", 5).orElseThrow().headersOnly()).isTrue();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            assertThat(rs.getInt(1)).isEqualTo(dev.mailkit.imap.internal.state.SqliteSyncStateStore.SCHEMA_VERSION);
        }
    }

    @Test
    void aFlagChangeInFlight_andAnUploadsFlags_roundTrip_andAVersion4RowReadsItsSentFlagsAsLocal() throws Exception {
        Path file = dir.resolve("state.db");
        MessageFlags seen = MessageFlags.parse("\\Seen");
        MessageFlags flagged = MessageFlags.parse("\\Flagged $Work");
        try (SyncStateStore state = SyncStateStore.sqlite(file)) {
            state.saveFolder(new FolderState("INBOX", '/', 1, 9, 0, ""));
            state.update("INBOX", List.of(new MessageRecord("INBOX", 3, "a,U=3", flagged, "<a@b>", 10, Instant.EPOCH,
                    false), new MessageRecord("INBOX", 4, "b,U=4", flagged, "<b@b>", 10, Instant.EPOCH, false)), List.of());
            state.saveFlagsInFlight("INBOX", Map.of(3L, new SyncStateStore.FlagsInFlight(seen, flagged, MessageFlags.NONE)));
            assertThat(state.flagsInFlight("INBOX")).containsExactly(
                    Map.entry(3L, new SyncStateStore.FlagsInFlight(seen, flagged, MessageFlags.NONE)));
            state.startUpload("INBOX", "new-file", flagged);
            state.markUpload("INBOX", "other-file", true);
            assertThat(state.uploadsStarted("INBOX")).containsExactlyInAnyOrder("new-file", "other-file");
            assertThat(state.uploadFlags("INBOX", "new-file")).contains(flagged);
            assertThat(state.uploadFlags("INBOX", "other-file")).isEmpty();
        }
        // A row as schema 4 wrote it (no local flags): the flags sent stand for them.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("INSERT INTO flags_in_flight (folder, uid, sent, base) VALUES ('INBOX', 4, '\\Seen', '\\Flagged')");
        }
        try (SyncStateStore state = SyncStateStore.sqlite(file)) {
            assertThat(state.flagsInFlight("INBOX").get(4L)).isEqualTo(new SyncStateStore.FlagsInFlight(seen,
                    MessageFlags.parse("\\Flagged"), seen));
            state.clearFlagsInFlight("INBOX", List.of(3L, 4L));
            assertThat(state.flagsInFlight("INBOX")).isEmpty();
        }
    }

    @Test
    void aFileFromANewerVersion_isRefusedWithATypedError() throws Exception {
        Path file = dir.resolve("state.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version=99");
        }
        assertThatThrownBy(() -> SyncStateStore.sqlite(file)).isInstanceOf(SyncStateException.class)
                .hasMessageContaining("newer mailkit").hasMessageContaining("schema 99");
    }
}
