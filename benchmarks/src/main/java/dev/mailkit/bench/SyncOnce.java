package dev.mailkit.bench;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.imap.FolderFilter;
import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.imap.SyncReport;

import java.nio.file.Path;

/**
 * The mailkit contender as a whole process: one {@code syncOnce()} of one folder. Args: port user folder
 * dir, then {@code durable} for {@code durableWrites()} and {@code noindex} for {@code withoutIndex()}.
 */
public final class SyncOnce {

    private SyncOnce() {
    }

    public static void main(String[] args) {
        ImapSynchronizer.Builder b = ImapSynchronizer.builder()
                .endpoint("127.0.0.1", Integer.parseInt(args[0]), Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(Credentials.password(args[1], System.getenv("BENCH_PASSWORD")))
                .folders(FolderFilter.only(args[2])).maildir(Path.of(args[3]));
        for (int i = 4; i < args.length; i++) {
            switch (args[i]) {
                case "durable" -> b.durableWrites();
                case "noindex" -> b.withoutIndex();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        try (ImapSynchronizer sync = b.build()) {
            SyncReport r = sync.syncOnce();
            System.out.println("mailkit: " + r.added() + " added in " + r.duration().toMillis() + " ms");
        }
    }
}
