package dev.mailkit.imap;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Disabled;

/** The mirror scenarios on GreenMail: IMAP4rev1 without CONDSTORE, so every change is found by the full UID/FLAGS diff. */
class GreenMailMirrorTest extends TwoWayScenarios {

    private GreenMail greenMail;

    @Override
    void newAccount() {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
        greenMail.start();
        greenMail.setUser("alice@localhost", "alice", "alice-pw");
    }

    @AfterEach
    void stopServer() {
        greenMail.stop();
    }

    private static final String GREENMAIL_DELETE_BUG = "GreenMail 2.1.7 throws a NullPointerException on DELETE of a "
            + "folder that an earlier session selected; the scenario runs on Dovecot (DovecotMirrorIT)";

    @Override
    @Disabled(GREENMAIL_DELETE_BUG)
    void foldersCreatedAndDeletedOnTheServer_followLocally() {
    }

    @Override
    @Disabled(GREENMAIL_DELETE_BUG)
    void deletedServerFolder_isKeptLocallyWhenItHoldsUnsyncedMail() {
    }

    @Override
    @Disabled(GREENMAIL_DELETE_BUG)
    void aFolderDeletedHere_isDeletedOnTheServer() {
    }

    /**
     * GreenMail 2.1.7 answers RFC822.SIZE 1 for messages appended to it, so a copy in another folder
     * cannot be told by its size from a different message with the same Message-ID: the copy-and-delete
     * is pushed as a delete and an upload (the keyword stays behind), and nothing is lost. The move
     * itself is checked on Dovecot (DovecotMirrorIT).
     */
    @Override
    @org.junit.jupiter.api.Test
    void aMaildirMoveDoneAsCopyAndDelete_isAMove_keepingKeywordsAndLeavingNoCopyInTrash() throws Exception {
        server.append("INBOX", ServerClient.message(1, "<cd@example.com>", "copied then deleted"));
        server.append("Archive", ServerClient.message(2, "<o@example.com>", "o"));
        sync();
        java.nio.file.Path original = MirrorAssertions.files(maildir, "INBOX").get(0);
        java.nio.file.Files.copy(original, MirrorAssertions.folderDir(maildir, "Archive").resolve("cur")
                .resolve("1795860001.M5P5.otherhost:2,S"));
        java.nio.file.Files.delete(original);
        sync();
        org.assertj.core.api.Assertions.assertThat(serverMessageIds("INBOX")).isEmpty();
        org.assertj.core.api.Assertions.assertThat(serverMessageIds("Archive"))
                .containsExactly("<cd@example.com>", "<o@example.com>");
        assertMirrored("INBOX");
        assertMirrored("Archive");
    }

    /** GreenMail answers some commands slowly; the long schedule runs on Dovecot. */
    @Override
    int convergenceSteps() {
        return 40;
    }

    @Override
    ServerEndpoint endpoint() {
        return ServerEndpoint.of("127.0.0.1", greenMail.getImap().getPort(), Security.PLAIN);
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
        return '.';
    }
}
