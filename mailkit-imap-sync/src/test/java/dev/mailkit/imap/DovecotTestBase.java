package dev.mailkit.imap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One throwaway Dovecot per test class, started before its first test and stopped after its last. */
abstract class DovecotTestBase {

    static DovecotServer dovecot;

    @BeforeAll
    static void startDovecot() throws Exception {
        dovecot = DovecotServer.start();
    }

    @AfterAll
    static void stopDovecot() throws Exception {
        if (dovecot != null) {
            dovecot.close();
            dovecot = null;
        }
    }
}
