package dev.mailkit.imap;

import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.imap.testing.HostileImapServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The mirror scenarios on {@link HostileImapServer} with nothing scripted: the fixture is a correct IMAP server. */
class HostileServerMirrorTest extends TwoWayScenarios {

    private HostileImapServer imap;

    @Override
    void newAccount() throws Exception {
        List<String> capabilities = new ArrayList<>(HostileImapServer.DEFAULT_CAPABILITIES);
        capabilities.add("IDLE"); // for the watch scenario
        imap = new HostileImapServer("alice", "alice-pw", capabilities);
        imap.createFolder("Trash", '/', "\\Trash");
    }

    @AfterEach
    void stopServer() throws Exception {
        imap.close();
    }

    @Override
    ServerEndpoint endpoint() {
        return ServerEndpoint.of("127.0.0.1", imap.port(), Security.PLAIN);
    }

    @Override
    String user() {
        return "alice";
    }

    @Override
    String password() {
        return "alice-pw";
    }

    @Override
    char separator() {
        return '/';
    }
}
