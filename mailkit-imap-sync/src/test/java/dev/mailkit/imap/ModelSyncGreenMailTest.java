package dev.mailkit.imap;

import static dev.mailkit.imap.ModelOp.crashAfterEvents;
import static dev.mailkit.imap.ModelOp.serverAppend;
import static dev.mailkit.imap.ModelOp.serverExpunge;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.ServerEndpoint;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The model-based two-way sync test on GreenMail (in-process, IMAP4rev1 without CONDSTORE or SPECIAL-USE:
 * incremental syncs take the UID/FLAGS diff, and local deletions are expunged since there is no Trash).
 * A fresh GreenMail per run. Folders are renamed on the server but never deleted: GreenMail 2.1.7 throws a
 * NullPointerException on DELETE of a folder an earlier session selected, so the UIDVALIDITY change by
 * DELETE and CREATE runs on Dovecot only.
 */
class ModelSyncGreenMailTest extends ModelSyncScenarios {

    private GreenMail greenMail;

    /**
     * The crashed sync wrote the file for UID 1 (the listener throws at INBOX's first message) before the state
     * recorded it; the server then expunges UID 1: found when the file was later uploaded as a new local message.
     */
    @Test
    void aFileACrashedDownloadWrote_isNotUploadedBack_whenTheServerExpungedTheMessage() throws Exception {
        replay(serverAppend("INBOX", 1, ""), crashAfterEvents(2), serverExpunge("INBOX", 1));
    }

    @Override
    void newAccount() {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
        greenMail.start();
        greenMail.setUser("alice@localhost", "alice", "alice-pw");
    }

    @Override
    void endAccount() {
        greenMail.stop();
    }

    @Override
    String trash() {
        return null;
    }

    @Override
    List<String> initialFolders() {
        return List.of("INBOX");
    }

    @Override
    ServerEndpoint endpoint() {
        return loopback(greenMail.getImap().getPort());
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

    @Override
    String incrementalMethod() {
        return "FULL";
    }

    @Override
    boolean serverRenames() {
        return true;
    }

    @Override
    boolean serverRecreates() {
        return false;
    }

    /**
     * A Maildir client's move made as copy and unlink is recognised by Message-ID and RFC822.SIZE, and GreenMail
     * 2.1.7 reports the body's size as RFC822.SIZE (17 for an 83-byte message): left out here, run on Dovecot.
     */
    @Override
    Set<String> kindsLeftOut() {
        return Set.of("maildirCopyDelete");
    }

    /** GreenMail 2.1.7's {@code STORE FLAGS (...)} leaves keywords set that the list omits. */
    @Override
    boolean storeFlagsClearsKeywords() {
        return false;
    }

    /** About 60 s on two cores when nothing fails: GreenMail answers each command about 40 ms late (one small TCP write per line). */
    @Override
    int defaultSteps() {
        return 40; // GreenMail answers some commands slowly (about 2 s a step here); the long runs are on Dovecot
    }

    @Override
    String mavenCommand() {
        return "mvn -B -pl mailkit-imap-sync test -Dtest=" + getClass().getSimpleName();
    }

}
