package dev.mailkit.examples;

import dev.mailkit.imap.FolderReport;
import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.imap.SyncReport;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Mirrors the account into a Maildir once (run it again: only changes travel). Usage: {@code MirrorOnce DIR}. */
public final class MirrorOnce {

    private MirrorOnce() {
    }

    public static void main(String[] args) {
        run(ExampleAccount.fromEnvironment(), Path.of(args[0]), new PrintWriter(System.out, true, StandardCharsets.UTF_8));
    }

    static SyncReport run(ExampleAccount account, Path maildir, PrintWriter out) {
        try (ImapSynchronizer sync = account.synchronizer()
                .maildir(maildir)
                .pullOnly()                                   // a mirror: local edits are not pushed
                .listener(new SyncListener() {
                    @Override
                    public void onFolderDone(FolderReport r) {
                        out.printf("%-20s %-9s +%d ~%d -%d%n", r.folder(), r.method(), r.added(), r.changed(), r.removed());
                    }
                })
                .build()) {
            SyncReport report = sync.syncOnce();
            out.printf("%d new messages, %.1f MB, %d ms%n", report.added(), report.bytes() / 1e6,
                    report.duration().toMillis());
            return report;
        }
    }
}
