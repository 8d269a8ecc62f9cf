package dev.mailkit.imap;

import static dev.mailkit.imap.ModelOp.*;

import static dev.mailkit.imap.ModelOp.crashAfterEvents;
import static dev.mailkit.imap.ModelOp.crashAtMessage;
import static dev.mailkit.imap.ModelOp.cutAfterBytes;
import static dev.mailkit.imap.ModelOp.localMove;
import static dev.mailkit.imap.ModelOp.maildirCopyDelete;
import static dev.mailkit.imap.ModelOp.maildirFlags;
import static dev.mailkit.imap.ModelOp.maildirMove;
import static dev.mailkit.imap.ModelOp.maildirNew;
import static dev.mailkit.imap.ModelOp.maildirUnlink;
import static dev.mailkit.imap.ModelOp.serverAppend;
import static dev.mailkit.imap.ModelOp.serverExpunge;
import static dev.mailkit.imap.ModelOp.serverRecreate;
import static dev.mailkit.imap.ModelOp.serverRename;
import static dev.mailkit.imap.ModelOp.sync;

import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.testing.FaultProxy;
import dev.mailkit.imap.testing.DovecotServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ModelSyncScenarios} on a Dovecot the subclass starts: users rotate, each emptied with doveadm before a run. */
abstract class ModelSyncOnDovecot extends ModelSyncScenarios {

    private static final List<String> USERS = List.of("alice", "bob", "carol", "dave");
    private int runs;
    private String user;

    /** The subclass's server. */
    abstract DovecotServer dovecot();

    @Override
    void newAccount() throws Exception {
        user = USERS.get(runs++ % USERS.size());
        for (String mailbox : dovecot().doveadm("mailbox", "list", "-u", user).split("\n")) {
            String m = mailbox.strip();
            if (!m.isEmpty() && !initialFolders().contains(m)) {
                try {
                    dovecot().doveadm("mailbox", "delete", "-u", user, "-r", "-s", m);
                } catch (java.io.IOException alreadyGoneWithItsParent) {
                    // "-r" on a parent already removed this child
                }
            }
        }
        dovecot().doveadm("expunge", "-u", user, "mailbox", "*", "all");
    }

    // ---- Counterexamples the random runs found on Dovecot, shrunk; those not fixed yet fail ----

    /**
     * The crashed sync wrote the file for UID 1 (the listener throws at INBOX's first message, after Sent and
     * Trash started) before the state recorded it; the server then expunges UID 1. Found when nothing removed the
     * labelled file, and once UIDNEXT passed its UID, LocalScan took it for a new local message and uploaded it.
     */
    @Test
    void aFileACrashedDownloadWrote_isNotUploadedBack_whenTheServerExpungedTheMessage() throws Exception {
        replay(serverAppend("INBOX", 1, ""), crashAfterEvents(4), serverExpunge("INBOX", 1));
    }

    /**
     * The APPEND of a message without Message-ID is cut: found when the next sync did not send it (marked started),
     * its pull cleared the mark, and no later sync looked at the folder again (nothing adoptable, no change recorded).
     */
    @Test
    void anUploadCutByAConnectionFailure_isSentAgain_withoutMessageId() throws Exception {
        replay(serverAppend("INBOX", 1, ""), sync(), maildirNew("INBOX", 3, true),
                cutAfterBytes(FaultProxy.Direction.TO_SERVER, 150));
    }

    /**
     * The cut falls between {@code UID STORE +FLAGS (\Deleted)} and {@code UID EXPUNGE} (so it did when found; the
     * byte count depends on the commands sent): found when the next push took the message's own \Deleted for a
     * change on the server, kept it (SERVER_WINS) and downloaded it again, \Deleted and all.
     */
    @Test
    void anExpungeCutBetweenStoreAndExpunge_isCompleted() throws Exception {
        replay(serverAppend("Trash", 1, ""), sync(), maildirUnlink("Trash", 1),
                cutAfterBytes(FaultProxy.Direction.TO_SERVER, 130));
    }

    /**
     * The cut falls in the first sync of a new server folder, after the engine made its local directory and before
     * the state recorded the folder; the server then renames the folder. The next sync takes the empty directory
     * for a folder a Maildir client made and creates it on the server again.
     */
    @Test
    void aFolderDirectoryACutFirstSyncMade_isNotCreatedOnTheServer_afterTheServerRenamedTheFolder() throws Exception {
        replay(sync(), serverAppend("Lists", 4, ""), cutAfterBytes(FaultProxy.Direction.TO_CLIENT, 400),
                serverRename("Lists", "Archive"));
    }

    /**
     * The cut falls after the server stored an APPEND of a message without Message-ID and before its answer
     * arrived: the next sync cannot recognise the message on the server (no Message-ID), downloads it and uploads
     * the file again, so the folder holds it twice.
     */
    @Test
    void anUploadCutAfterTheServerStoredIt_isNotStoredTwice_withoutMessageId() throws Exception {
        replay(serverAppend("INBOX", 1, ""), sync(), maildirNew("INBOX", 3, true),
                cutAfterBytes(FaultProxy.Direction.TO_CLIENT, 650));
    }

    /** The same for an API move cut after the server moved the message: the target holds it twice. */
    @Test
    void aMoveCutAfterTheServerMovedIt_isNotStoredTwice_withoutMessageId() throws Exception {
        replay(serverAppend("INBOX", 3, ""), serverAppend("Lists", 1, ""), sync(), localMove("INBOX", 3, "Lists"),
                cutAfterBytes(FaultProxy.Direction.TO_CLIENT, 790));
    }

    /**
     * A Maildir client's move made as copy and unlink, interrupted after the server moved the message; then the
     * client marks the copy answered: the next sync, which adopts the copy as the moved message, gives it the
     * server's flags and \Answered is lost.
     */
    @Test
    void aMaildirRenameOfACopyAndDeleteMoveCutShort_keepsItsLetters() throws Exception {
        replay(serverAppend("INBOX", 5, "\\Seen"), serverAppend("Lists", 1, ""), sync(),
                maildirCopyDelete("INBOX", 5, "Lists"), crashAfterEvents(1), maildirFlags("Lists", 5, "+R"));
    }

    /**
     * A sync stores a new message's file and is interrupted before its record; then a Maildir client moves
     * into that folder a file whose label (the UID it had in its old folder) is the same UID: relabelling the
     * moved file hid the stored one, which was then stored again and uploaded back (the message twice).
     * Shrunk from a random run on the full-diff configuration (seed 7515925869566981316, 72 steps).
     */
    @Test
    void aFileMovedInWithTheUidLabelOfAnInterruptedDownload_leavesBothOnce() throws Exception {
        replay(serverAppend("Sent", 2, ""), sync(), serverAppend("INBOX", 3, ""), crashAtMessage(1),
                maildirMove("Sent", 2, "INBOX"));
    }

    /** A UIDVALIDITY change: a message without Message-ID was taken for a local-only file and uploaded again. */
    @Test
    void aRecreatedFolder_keepsItsMessageWithoutMessageIdOnce() throws Exception {
        replay(serverAppend("Archive", 3, ""), sync(), serverRecreate("Archive"));
    }

    /** A Maildir client's move made as copy and unlink: it was uploaded and deleted, so a copy also landed in the Trash. */
    @Test
    void aMaildirMoveMadeAsCopyAndUnlink_isAMove() throws Exception {
        replay(serverAppend("INBOX", 1, ""), serverAppend("Archive", 2, ""), sync(), maildirCopyDelete("INBOX", 1, "Archive"));
    }

    @Override
    String trash() {
        return "Trash";
    }

    @Override
    List<String> initialFolders() {
        return List.of("INBOX", "Sent", "Trash");
    }

    @Override
    ServerEndpoint endpoint() {
        return loopback(dovecot().port());
    }

    @Override
    String user() {
        return user;
    }

    @Override
    String password() {
        return DovecotServer.PASSWORD;
    }

    @Override
    char separator() {
        return '/';
    }

    @Override
    boolean serverRenames() {
        return true;
    }

    @Override
    boolean serverRecreates() {
        return true;
    }

    @Override
    String mavenCommand() {
        return "mvn -B -pl mailkit-imap-sync verify -Dit.test=" + getClass().getSimpleName()
                + " -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false";
    }

    /**
     * A random run's counterexample (full diff, seed 232815171753319745, failing at step 203, shrunk to 28 steps):
     * a Maildir client moves a message (with its old folder's UID label) into a folder and deletes its twin (same
     * Message-ID) elsewhere; the local scan, looking for a copy of the deleted twin, still had the moved file under
     * the name it had before it lost its label, and every sync stopped with "local store failure: no message …".
     */
    @Test
    void aFileMovedByNameIntoAFolder_isNotAlsoTakenForTheCopyOfADeletedTwin() throws Exception {
        replay(
            sync(),
            maildirNew("INBOX", 5, false),
            serverAppend("INBOX", 7, "\\Seen \\Answered \\Flagged"),
            localAppend("Sent", 5, "\\Seen \\Answered"),
            sync(),
            localMove("INBOX", 7, "Sent"),
            maildirNew("Trash", 4, true),
            serverAppend("Work", 4, "\\Flagged $Forwarded"),
            serverAppend("Lists", 13, "\\Seen \\Flagged project-x"),
            sync(),
            localMove("Work", 4, "Lists"),
            sync(),
            localMove("Trash", 4, "Work"),
            localMove("INBOX", 5, "Trash"),
            serverAppend("Receipts", 18, "\\Answered"),
            serverAppend("\u041e\u0442\u0447\u0451\u0442\u044b", 27, "\\Answered $Forwarded"),
            serverRecreate("Receipts"),
            serverAppend("Sent", 18, "\\Seen project-x"),
            maildirNew("Work", 28, true),
            sync(),
            localDelete("Work", 4),
            maildirCopyDelete("Sent", 7, "Receipts"),
            crashAfterEvents(1),
            maildirNew("Receipts", 32, false),
            maildirMove("Sent", 5, "\u041e\u0442\u0447\u0451\u0442\u044b"),
            localAppend("Work", 20, "\\Seen"),
            maildirUnlink("Trash", 5),
            sync()
        );
    }
}
