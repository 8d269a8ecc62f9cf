package dev.mailkit.imap;

import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.testing.MessageStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The Maildir store against the contract every message store meets. */
class MaildirMessageStoreContractTest extends MessageStoreContract {

    @TempDir
    Path dir;

    @Override
    protected MessageStore newStore() {
        return MaildirStore.at(dir.resolve("mail"));
    }
}
