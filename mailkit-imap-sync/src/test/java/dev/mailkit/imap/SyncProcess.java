package dev.mailkit.imap;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;

/**
 * One {@code syncOnce()} in its own JVM, for tests that kill the process or cap its heap. Arguments:
 * host port user maildir; the password comes from {@code MAILKIT_TEST_PASSWORD}. Prints one line per
 * message stored ({@code MESSAGE folder uid}) and, at the end, {@code DONE added=N heapPeakMiB=M}.
 */
public final class SyncProcess {

    private SyncProcess() {
    }

    public static void main(String[] args) {
        SyncListener progress = new SyncListener() {
            @Override
            public void onMessage(String folder, long uid, long bytes) {
                System.out.println("MESSAGE " + folder + " " + uid);
                System.out.flush();
            }

            @Override
            public void onPushed(String folder, long uid, String action) {
                System.out.println("PUSH " + folder + " " + uid + " " + action);
                System.out.flush();
            }
        };
        try (ImapSynchronizer sync = ImapSynchronizer.builder()
                .endpoint(args[0], Integer.parseInt(args[1]), Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(Credentials.password(args[2], System.getenv("MAILKIT_TEST_PASSWORD")))
                .maildir(Path.of(args[3])).listener(progress).build()) {
            SyncReport report = sync.syncOnce();
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.println("DONE added=" + report.added() + " heapPeakMiB=" + (peak >> 20));
        }
    }
}
