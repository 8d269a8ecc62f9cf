package dev.mailkit.imap;

import dev.mailkit.imap.testing.DovecotServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One throwaway Dovecot per test class, started before its first test and stopped after its last. */
abstract class DovecotTestBase {

    @RegisterExtension
    static final DovecotServer.PerClass DOVECOT = new DovecotServer.PerClass();
}
