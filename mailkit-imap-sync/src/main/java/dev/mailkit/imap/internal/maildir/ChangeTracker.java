package dev.mailkit.imap.internal.maildir;

import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.util.HashMap;
import java.util.Map;

/**
 * Tells changes other programs made to one Maildir folder from the synchronizer's own, using the
 * operating system's file notifications (inotify) on {@code cur/} and {@code new/}: each own create,
 * rename or delete is announced with {@link #expect} before it happens, and every notification not
 * announced (or a lost one: queue overflow, a directory gone) counts as an outside change. This is what
 * lets a sync skip re-reading a large folder it has just written to itself.
 */
final class ChangeTracker {

    /** Drain notifications every this many announcements, so that their queues do not overflow. */
    private static final int DRAIN_EVERY = 128;

    private final Path cur;
    private final Path fresh;
    private final WatchKey curKey;
    private final WatchKey freshKey;
    private final Map<Path, Integer> expected = new HashMap<>();
    private boolean outside;
    private int sinceDrain;
    /** The directory times (cur, new) right after the latest write of this process, or at the last reset. */
    private java.nio.file.attribute.FileTime[] ownTimes;

    ChangeTracker(Path dir, WatchKey curKey, WatchKey freshKey) {
        this.cur = dir.resolve("cur");
        this.fresh = dir.resolve("new");
        this.curKey = curKey;
        this.freshKey = freshKey;
    }

    /**
     * Announces that this process is about to create, rename to or from, or delete {@code file}.
     *
     * @param file a path in {@code cur/} or {@code new/}
     */
    synchronized void expect(Path file) {
        expected.merge(file, 1, Integer::sum);
        if (++sinceDrain >= DRAIN_EVERY) {
            drain();
        }
    }

    /** Withdraws an announcement whose operation failed before it happened. */
    synchronized void cancel(Path file) {
        expected.computeIfPresent(file, (k, n) -> n > 1 ? n - 1 : null);
    }

    /**
     * Counts a change of this process's own as one the synchronizer must look at: a message added
     * locally without a server UID (appended, copied or moved here), which only a scan of the folder finds.
     */
    synchronized void markChanged() {
        outside = true;
    }

    /** Whether anything but this process changed the folder since {@link #reset()}. */
    synchronized boolean changedOutside() {
        drain();
        return outside;
    }

    /** Forgets past notifications: the caller is about to read the folder afresh. */
    synchronized void reset() {
        drain();
        outside = false;
        expected.clear();
    }

    /** Records the directory times after a write of this process (null: unknown, counts as changed). */
    synchronized void ownTimes(java.nio.file.attribute.FileTime[] times) {
        this.ownTimes = times;
    }

    /** The directory times after this process's latest write, or null. */
    synchronized java.nio.file.attribute.FileTime[] ownTimes() {
        return ownTimes;
    }

    /** Stops watching; the folder then always counts as changed. */
    synchronized void cancelWatch() {
        curKey.cancel();
        freshKey.cancel();
        outside = true;
    }

    private void drain() {
        sinceDrain = 0;
        drain(curKey, cur);
        drain(freshKey, fresh);
    }

    private void drain(WatchKey key, Path dir) {
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW || !(event.context() instanceof Path name)) {
                outside = true;
                continue;
            }
            for (int i = 0; i < event.count(); i++) {
                Path file = dir.resolve(name);
                Integer n = expected.get(file);
                if (n == null) {
                    outside = true;
                } else if (n == 1) {
                    expected.remove(file);
                } else {
                    expected.put(file, n - 1);
                }
            }
        }
        if (!key.reset()) {
            outside = true; // the directory is gone or no longer watched
        }
    }
}
