package dev.mailkit.imap;

import dev.mailkit.imap.testing.DovecotServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The model-based two-way sync test on Dovecot with CONDSTORE and QRESYNC: incremental syncs use QRESYNC. */
class ModelSyncDovecotIT extends ModelSyncOnDovecot {

    @RegisterExtension
    static final DovecotServer.PerClass DOVECOT = new DovecotServer.PerClass();

    @Override
    DovecotServer dovecot() {
        return DOVECOT.server();
    }

    @Override
    String incrementalMethod() {
        return "QRESYNC";
    }

    /** About 10 s on two cores when nothing fails. */
    @Override
    int defaultSteps() {
        return 1000;
    }

}
