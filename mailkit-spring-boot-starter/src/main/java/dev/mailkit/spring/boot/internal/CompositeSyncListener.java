package dev.mailkit.spring.boot.internal;

import dev.mailkit.imap.FolderReport;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.imap.SyncReport;

import java.time.Duration;
import java.util.List;

/** Every {@link SyncListener} bean, in order, as the synchronizer's one listener. */
public final class CompositeSyncListener implements SyncListener {

    private final List<SyncListener> listeners;

    private CompositeSyncListener(List<SyncListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /**
     * One listener for all.
     *
     * @param listeners the listeners, in the order they are called
     * @return a listener calling each in turn
     */
    public static SyncListener of(List<SyncListener> listeners) {
        return listeners.isEmpty() ? SyncListener.NONE
                : listeners.size() == 1 ? listeners.get(0) : new CompositeSyncListener(listeners);
    }

    @Override
    public void onFolderStart(String folder, int newOnServer) {
        listeners.forEach(l -> l.onFolderStart(folder, newOnServer));
    }

    @Override
    public void onDownloadPlanned(String folder, int messages, long bytes) {
        listeners.forEach(l -> l.onDownloadPlanned(folder, messages, bytes));
    }

    @Override
    public void onMessage(String folder, long uid, long bytes) {
        listeners.forEach(l -> l.onMessage(folder, uid, bytes));
    }

    @Override
    public void onPushed(String folder, long uid, String action) {
        listeners.forEach(l -> l.onPushed(folder, uid, action));
    }

    @Override
    public void onFolderDone(FolderReport report) {
        listeners.forEach(l -> l.onFolderDone(report));
    }

    @Override
    public void onSyncDone(SyncReport report) {
        listeners.forEach(l -> l.onSyncDone(report));
    }

    @Override
    public void onWatchStopped(RuntimeException error) {
        listeners.forEach(l -> l.onWatchStopped(error));
    }

    @Override
    public void onWatchError(RuntimeException error, Duration retryIn) {
        listeners.forEach(l -> l.onWatchError(error, retryIn));
    }
}
