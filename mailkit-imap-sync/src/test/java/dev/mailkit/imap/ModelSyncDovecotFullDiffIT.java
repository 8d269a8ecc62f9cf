package dev.mailkit.imap;

import dev.mailkit.imap.testing.DovecotServer;
import java.util.Set;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The model-based two-way sync test on a Dovecot that advertises neither CONDSTORE nor QRESYNC
 * ({@code imap_capability} set to its usual list without them), so every incremental sync takes the
 * UID/FLAGS diff ({@code FULL}) and flag pushes go without UNCHANGEDSINCE.
 */
class ModelSyncDovecotFullDiffIT extends ModelSyncOnDovecot {

    @RegisterExtension
    static final DovecotServer.PerClass DOVECOT = new DovecotServer.PerClass(Set.of("CONDSTORE", "QRESYNC"));

    @Override
    DovecotServer dovecot() {
        return DOVECOT.server();
    }

    @Override
    String incrementalMethod() {
        return "FULL";
    }

    /** About 10 s on two cores when nothing fails. */
    @Override
    int defaultSteps() {
        return 1000;
    }
}
