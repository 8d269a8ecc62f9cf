package dev.mailkit.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.fleet.testing.PostgresExtension;
import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.spi.SyncStateStore;
import dev.mailkit.imap.testing.SyncStateStoreContract;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PostgreSQL store against the same contract as the SQLite store, plus accounts kept apart. */
class PostgresSyncStateStoreIT extends SyncStateStoreContract {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static FleetDatabase db;
    private static int accounts;

    @BeforeAll
    static void openDatabase() throws Exception {
        db = FleetDatabase.builder().jdbcUrl(POSTGRES.server().newDatabase()).build();
    }

    @AfterAll
    static void closeDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @Override
    protected SyncStateStore newStore() {
        // every test on an account of its own, in one shared schema, next to another account's state
        String account = "user" + (++accounts) + "@example.com";
        db.addAccount(account);
        db.addAccount("neighbour" + accounts + "@example.com");
        SyncStateStore neighbour = db.stateStore(db.lease("neighbour" + accounts + "@example.com", "w", Duration.ofMinutes(5))
                .orElseThrow());
        for (String f : List.of("INBOX", "Work", "Archive", "Sent")) {
            neighbour.saveFolder(new FolderState(f, '/', 5, 5, 5, ""));
            neighbour.update(f, List.of(new MessageRecord(f, 3, "n", MessageFlags.NONE, "<m3@example.com>", 1,
                    Instant.EPOCH, false)), List.of());
        }
        neighbour.addFolderAction(dev.mailkit.imap.spi.FolderAction.Kind.CREATE, "A", null);
        return db.stateStore(db.lease(account, "w", Duration.ofMinutes(5)).orElseThrow());
    }

    @Test
    void twoAccounts_keepTheirStateApart_inOneSchema() {
        db.addAccount("x@example.com");
        SyncStateStore other = db.stateStore(db.lease("x@example.com", "w", Duration.ofMinutes(5)).orElseThrow());
        other.saveFolder(new FolderState("INBOX", '/', 77, 1, 1, ""));
        state.saveFolder(new FolderState("INBOX", '/', 1, 1, 1, ""));
        state.renameFolder("INBOX", "Old", '/');
        assertThat(other.folder("INBOX").orElseThrow().uidValidity()).isEqualTo(77);
        assertThat(state.folders()).extracting(FolderState::name).containsExactly("Old");
        other.deleteFolder("INBOX");
        assertThat(state.folder("Old")).isPresent();
    }
}
