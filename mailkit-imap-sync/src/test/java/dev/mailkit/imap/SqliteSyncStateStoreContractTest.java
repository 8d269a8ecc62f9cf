package dev.mailkit.imap;

import dev.mailkit.imap.spi.SyncStateStore;
import dev.mailkit.imap.testing.SyncStateStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store against the contract every sync state store meets. */
class SqliteSyncStateStoreContractTest extends SyncStateStoreContract {

    @TempDir
    Path dir;

    @Override
    protected SyncStateStore newStore() {
        return SyncStateStore.sqlite(dir.resolve("state.db"));
    }
}
