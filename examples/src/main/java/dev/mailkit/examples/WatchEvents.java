package dev.mailkit.examples;

import dev.mailkit.imap.FolderReport;
import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.imap.SyncWatch;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** Keeps the Maildir in sync and prints every change as it happens. Usage: {@code WatchEvents DIR SECONDS}. */
public final class WatchEvents {

    private WatchEvents() {
    }

    public static void main(String[] args) throws InterruptedException {
        run(ExampleAccount.fromEnvironment(), Path.of(args[0]), Duration.ofSeconds(Long.parseLong(args[1])),
                new PrintWriter(System.out, true, StandardCharsets.UTF_8));
    }

    static void run(ExampleAccount account, Path maildir, Duration howLong, PrintWriter out) throws InterruptedException {
        SyncListener events = new SyncListener() {
            @Override
            public void onMessage(String folder, long uid, long bytes) {
                out.printf("new message in %s: UID %d (%d bytes)%n", folder, uid, bytes);
            }

            @Override
            public void onPushed(String folder, long uid, String action) {
                out.printf("pushed %s of UID %d in %s%n", action, uid, folder);
            }

            @Override
            public void onFolderDone(FolderReport r) {
                if (r.changed() + r.removed() > 0) {
                    out.printf("%s: %d flag change(s), %d removed%n", r.folder(), r.changed(), r.removed());
                }
            }

            @Override
            public void onSyncDone(SyncReport report) {
                out.printf("in sync (%d ms)%n", report.duration().toMillis());
            }

            @Override
            public void onWatchError(RuntimeException error, Duration retryIn) {
                out.printf("problem: %s, retrying in %d s%n", error.getMessage(), retryIn.toSeconds());
            }
        };
        try (ImapSynchronizer sync = account.synchronizer().maildir(maildir).listener(events).build();
             SyncWatch watch = sync.watch()) {     // IDLE; reconnects by itself
            Thread.sleep(howLong.toMillis());
        }
    }
}
