package dev.mailkit.imap.internal.idle;

import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;

/**
 * What a watching connection (IDLE, NOTIFY) needs besides Jakarta Mail: a response handler that reports the
 * changes it reads, and NOTIFY for every folder of the account. Shared by a synchronizer's watch and the fleet's.
 */
public final class IdleSignals {

    private static final String[] CHANGES = {"EXISTS", "EXPUNGE", "FETCH", "VANISHED", "STATUS", "LIST"};

    private IdleSignals() {
    }

    /**
     * Whether an untagged response tells of a change in the account: a new or expunged message, changed flags
     * (RFC 3501, RFC 7162's VANISHED), or — with NOTIFY — another folder's STATUS or a folder created, renamed or
     * deleted (LIST). A keep-alive ({@code * OK Still here}) is not, nor a command's result.
     *
     * @param r a response read on the connection
     * @return whether it reports a change
     */
    public static boolean isChange(Response r) {
        if (r.isTagged() || !(r instanceof IMAPResponse ir)) {
            return false;
        }
        for (String key : CHANGES) {
            if (ir.keyEquals(key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a response says the server stopped sending NOTIFY events because too many were pending (RFC 5465
     * {@code * OK [NOTIFICATIONOVERFLOW]}): changes may have been lost, and no more are told until NOTIFY is set
     * again.
     *
     * @param r a response read on the connection
     * @return whether it is that
     */
    public static boolean isOverflow(Response r) {
        return r.isUnTagged() && r.isOK() && r.toString().toUpperCase(java.util.Locale.ROOT).contains("[NOTIFICATIONOVERFLOW]");
    }

    /**
     * Runs {@code changed} for every change the open folder's connection reads from now on, whichever thread reads
     * it: the IDLE's, or another command's between two IDLEs (a check after each IDLE would miss that one); and
     * after a NOTIFY overflow, {@code changed} and then {@code overflow} (the caller connects again to set NOTIFY
     * anew). Both must return at once (they run while the connection is locked).
     *
     * @param folder   the open folder
     * @param changed  what to run for a change
     * @param overflow what to run after a NOTIFY overflow
     * @throws MessagingException if the folder is closed
     */
    public static void onChange(IMAPFolder folder, Runnable changed, Runnable overflow) throws MessagingException {
        folder.doCommand(p -> {
            p.addResponseHandler(r -> {
                if (isOverflow(r)) {
                    changed.run();
                    overflow.run();
                } else if (isChange(r)) {
                    changed.run();
                }
            });
            return null;
        });
    }

    /**
     * RFC 5465 NOTIFY: new, expunged and re-flagged messages in every folder of the account also reach this
     * connection, so one connection watches the whole account.
     *
     * @param folder the open folder whose connection is to hear of every folder
     * @throws MessagingException if the server refused (then only the open folder is watched)
     */
    public static void notifyEveryFolder(IMAPFolder folder) throws MessagingException {
        folder.doCommand(p -> {
            Response[] r = p.command("NOTIFY SET (selected (MessageNew MessageExpunge FlagChange))"
                    + " (personal (MessageNew MessageExpunge FlagChange))", null);
            p.handleResult(r[r.length - 1]);
            return null;
        });
    }
}
