package dev.mailkit.imap.internal.engine;

import static dev.mailkit.imap.internal.engine.SyncContext.printable;
import static dev.mailkit.imap.internal.engine.SyncContext.quoted;

import dev.mailkit.imap.FolderReport;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.spi.LocalChange;
import dev.mailkit.imap.spi.MessageStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Per-folder work carried from phase 1 to phase 2. */
final class FolderRun {

    private static final Logger LOG = LoggerFactory.getLogger(FolderRun.class);

    final ServerFolder folder;
    /** Time spent on this folder alone: its push, its pull and its completion. */
    long nanos;
    final List<String> notes = new ArrayList<>();
    MessageStore.StoredFolder localFolder;
    String method;
    int added;
    int copied;
    int changed;
    int removed;
    int skippedOld;
    /** Messages already on disk (an interrupted run's downloads, a pushed move or upload) taken over, not downloaded. */
    int adopted;
    /** Messages whose bytes differ in number from the RFC822.SIZE the server announced. */
    int sizeMismatches;
    int pushed;
    int conflicts;
    Map<String, String> adoptable = new HashMap<>();
    Map<String, String> adoptableByContent = new HashMap<>();
    /** Local changes of adopted files, saved with their records. */
    final List<LocalChange> adoptedChanges = new ArrayList<>();
    int headersOnly;
    long bytes;
    long uidValidity;
    long uidNext;
    long highestModSeq;
    final List<MessageRecord> toRemove = new ArrayList<>();

    /** The folder was not mirrored this time (see the notes); nothing of it is changed locally or in the state. */
    boolean skipped;
    /** Whether the listener was told this folder started. */
    boolean announced;

    FolderRun(ServerFolder folder) {
        this.folder = folder;
    }

    /** The lowest UID the server would not send; the saved UIDNEXT stays at or below it so it is asked for again. */
    long retryFrom = Long.MAX_VALUE;

    void notDelivered(long uid) {
        retryFrom = Math.min(retryFrom, uid);
        notes.add("UID " + uid + ": the server sent no content for it (twice); not stored, asked for again next sync");
        LOG.warn("{}: UID {}: the server sent no content for it; asked for again next sync", quoted(folder.name()), uid);
    }

    void skip(String why) {
        skipped = true;
        method = "SKIPPED";
        notes.add(why);
        toRemove.clear();
        LOG.warn("{}: {}", quoted(folder.name()), why);
    }

    FolderReport report(SyncOptions options) {
        if (skippedOld > 0) {
            notes.add(skippedOld + " message(s) older than " + options.since() + " not mirrored");
        }
        if (headersOnly > 0) {
            notes.add(headersOnly + " message(s) above " + options.headersOnlyAbove() + " bytes stored headers-only");
        }
        if (sizeMismatches > 0) {
            notes.add(sizeMismatches + " message(s) came with another number of bytes than the server's RFC822.SIZE;"
                    + " stored as sent (MessageRecord.size() keeps the server's figure, which identifies the message)");
        }
        if (adopted > 0) {
            notes.add(adopted + " message(s) already stored here (by an interrupted sync, or moved or uploaded"
                    + " from here) taken over without downloading");
        }
        if (localFolder != null) {
            // Links, directories, FIFOs, devices, other names: named on every sync, never read or uploaded.
            for (String entry : new TreeMap<>(localFolder.skipped()).values()) {
                String note = "skipped, not a message: " + printable(entry);
                notes.add(note);
                LOG.warn("{}: {}", quoted(folder.name()), note);
            }
        }
        return new FolderReport(folder.name(), method, added, copied, changed, removed, pushed, conflicts, bytes,
                Duration.ofNanos(nanos), notes);
    }
}
