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
     * @param folders  one report per folder, in the order synced
     * @param duration the whole run
     * @throws NullPointerException if a component is null
     */
    public SyncReport {
        folders = List.copyOf(folders);
        java.util.Objects.requireNonNull(duration, "duration");
    }

    /**
     * Messages added across all folders.
     *
     * @return the number of messages added
     */
    public int added() {
        return folders.stream().mapToInt(FolderReport::added).sum();
    }

    /**
     * Messages whose flags changed across all folders.
     *
     * @return the number of messages whose flags changed
     */
    public int changed() {
        return folders.stream().mapToInt(FolderReport::changed).sum();
    }

    /**
     * Messages removed across all folders.
     *
     * @return the number of messages removed
     */
    public int removed() {
        return folders.stream().mapToInt(FolderReport::removed).sum();
    }

    /**
     * Local changes pushed to the server across all folders.
     *
     * @return the number of local changes pushed
     */
    public int pushed() {
        return folders.stream().mapToInt(FolderReport::pushed).sum();
    }

    /**
     * Conflicts across all folders.
     *
     * @return the number of conflicts
     */
    public int conflicts() {
        return folders.stream().mapToInt(FolderReport::conflicts).sum();
    }

    /**
     * Bytes downloaded across all folders.
     *
     * @return the bytes downloaded
     */
    public long bytes() {
        return folders.stream().mapToLong(FolderReport::bytes).sum();
    }

    /**
     * The report of one folder, if it was synced.
     *
     * @param name the server folder name
     * @return the folder's report, or empty when it was not synced
     */
    public java.util.Optional<FolderReport> folder(String name) {
        return folders.stream().filter(f -> f.folder().equals(name)).findFirst();
    }
}
