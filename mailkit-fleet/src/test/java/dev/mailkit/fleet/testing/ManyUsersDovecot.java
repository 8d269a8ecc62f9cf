package dev.mailkit.fleet.testing;

import dev.mailkit.imap.testing.DovecotServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throwaway Dovecot on a free loopback port where any user name logs in with {@link #PASSWORD}
 * ({@link DovecotServer#startForAnyUser()}). Register with {@code @RegisterExtension static}. Without Dovecot
 * the tests are skipped locally and fail when {@code CI} is set.
 */
public final class ManyUsersDovecot implements BeforeAllCallback, AfterAllCallback {

    /** The password of every user. */
    public static final String PASSWORD = DovecotServer.PASSWORD;

    private DovecotServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = DovecotServer.startForAnyUser();
    }

    /** The IMAP port on 127.0.0.1. */
    public int port() {
        return server.port();
    }

    /** Dovecot's log so far. */
    public String log() {
        return server.log();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
