package dev.mailkit.fleet;

import dev.mailkit.fleet.internal.LeaseGuard;
import dev.mailkit.fleet.testing.PostgresExtension;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.spi.SyncStateStore;
import dev.mailkit.imap.testing.MessageStoreContract;
import dev.mailkit.imap.testing.SyncStateStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The stores as {@link SyncFleet} hands them to a synchronizer — wrapped by the lease guard — against the same
 * contracts as the bare stores: the wrapping must change nothing while the lease is held (a folder passed to
 * another folder's {@code copyIn} or {@code moveIn} is the guard's proxy, which the store must get unwrapped).
 */
class GuardedStoresIT {

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

    private static Lease newAccount() {
        String account = "guarded" + (++accounts) + "@example.com";
        db.addAccount(account);
        return db.lease(account, "w", Duration.ofMinutes(5)).orElseThrow();
    }

    @Nested
    class Messages extends MessageStoreContract {
        @Override
        protected MessageStore newStore() {
            Lease lease = newAccount();
            return LeaseGuard.guard(MessageStore.class, db.messageStore(lease), lease, () -> false);
        }
    }

    @Nested
    class State extends SyncStateStoreContract {
        @Override
        protected SyncStateStore newStore() {
            Lease lease = newAccount();
            return LeaseGuard.guard(SyncStateStore.class, db.stateStore(lease), lease, () -> false);
        }
    }
}
