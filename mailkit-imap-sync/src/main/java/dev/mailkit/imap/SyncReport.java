package dev.mailkit.imap;

import java.time.Duration;
import java.util.List;

/**
 * What one {@link ImapSynchronizer#syncOnce()} did.
 *
 * @param folders  one report per folder, in the order synced
 * @param duration the whole run
 */
public record SyncReport(List<FolderReport> folders, Duration duration) {

    /**
     * Copies the list.
     *
     * @throws NullPointerException if a component is null
     */
    public SyncReport {
        folders = List.copyOf(folders);
        java.util.Objects.requireNonNull(duration, "duration");
    }

    /** Messages added across all folders. */
    public int added() {
        return folders.stream().mapToInt(FolderReport::added).sum();
    }

    /** Messages whose flags changed across all folders. */
    public int changed() {
        return folders.stream().mapToInt(FolderReport::changed).sum();
    }

    /** Messages removed across all folders. */
    public int removed() {
        return folders.stream().mapToInt(FolderReport::removed).sum();
    }

    /** Local changes pushed to the server across all folders. */
    public int pushed() {
        return folders.stream().mapToInt(FolderReport::pushed).sum();
    }

    /** Conflicts across all folders. */
    public int conflicts() {
        return folders.stream().mapToInt(FolderReport::conflicts).sum();
    }

    /** Bytes downloaded across all folders. */
    public long bytes() {
        return folders.stream().mapToLong(FolderReport::bytes).sum();
    }

    /** The report of one folder, if it was synced. */
    public java.util.Optional<FolderReport> folder(String name) {
        return folders.stream().filter(f -> f.folder().equals(name)).findFirst();
    }
}
