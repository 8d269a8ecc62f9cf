package dev.mailkit.examples;

import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.MirroredFolder;
import dev.mailkit.imap.SyncReport;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Syncs, marks the newest INBOX message read and flagged locally, files the oldest in Archive (made
 * first where the account has none), and syncs again: the server gets both flags, the folder and the move. Usage: {@code TwoWaySyncWithLocalAction DIR}.
 */
public final class TwoWaySyncWithLocalAction {

    private TwoWaySyncWithLocalAction() {
    }

    public static void main(String[] args) {
        run(ExampleAccount.fromEnvironment(), Path.of(args[0]), new PrintWriter(System.out, true, StandardCharsets.UTF_8));
    }

    static SyncReport run(ExampleAccount account, Path maildir, PrintWriter out) {
        try (ImapSynchronizer sync = account.synchronizer().maildir(maildir).build()) {
            sync.syncOnce();
            MirroredFolder inbox = sync.local().folder("INBOX");
            List<MessageRecord> messages = inbox.messages();
            if (messages.isEmpty()) {
                out.println("INBOX is empty");
                return sync.syncOnce();
            }
            MessageRecord newest = messages.get(messages.size() - 1);
            inbox.markRead(newest.uid());   // applied to the Maildir now, recorded to push
            inbox.flag(newest.uid());
            if (messages.size() > 1) {
                // File the oldest in Archive, made first where the account has none: no sync needed in between.
                if (sync.state().folder("Archive").isEmpty()) {
                    sync.local().createFolder("Archive");
                }
                inbox.move("Archive", messages.get(0).uid());
            }
            SyncReport report = sync.syncOnce();
            out.println("pushed " + report.pushed() + " change(s) for UID " + newest.uid()
                    + (messages.size() > 1 ? " and filed UID " + messages.get(0).uid() + " in Archive" : ""));
            return report;
        }
    }
}
