package dev.mailkit.imap.internal.synchronizer;

import dev.mailkit.imap.ConflictPolicy;
import dev.mailkit.imap.FolderFilter;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.spi.SyncStateStore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What {@code ImapSynchronizer.Builder} collects for {@link DefaultImapSynchronizer}, beyond the account:
 * the builder validates and sets these fields, the synchronizer reads them once when it is built.
 * Mutable; not thread-safe.
 */
public final class SynchronizerConfig {
    /** The caller's message store, or null for the Maildir at {@link #maildir}. */
    public MessageStore messageStore;
    /** The caller's state store, or null for the SQLite file in {@link #maildir}. */
    public SyncStateStore stateStore;
    /** The Maildir root, or null. */
    public Path maildir;
    /** The folders to mirror. */
    public FolderFilter folders = FolderFilter.all();
    /** The progress listener. */
    public SyncListener listener = SyncListener.NONE;
    /** Folders synced at once, each on its own connection. */
    public int connections = 1;
    /** The earliest INTERNALDATE mirrored, or null for all. */
    public Instant since;
    /** The size above which only headers are stored, 0 for none. */
    public long headersOnlyAbove;
    /** Whether local changes are left alone. */
    public boolean pullOnly;
    /** Whether the envelope index is left out. */
    public boolean withoutIndex;
    /** Whether every write is forced to disk before the state records it. */
    public boolean durableWrites;
    /** Who wins a conflict. */
    public ConflictPolicy policy = ConflictPolicy.SERVER_WINS;
    /** Whether local deletes go to the server's Trash. */
    public boolean deleteToTrash = true;
    /** The share of a folder one sync may delete on the server. */
    public double massDeletionShare = 0.5;
    /** Whether deletions the mass-deletion guard would refuse are pushed. */
    public boolean allowMassDeletion;
    /** The largest local file uploaded, 0 for the provider's limit or the default. */
    public long maxUploadBytes;
    /** The folders a watch keeps an IDLE connection on. */
    public List<String> watchFolders = List.of("INBOX");
    /** How often a watch re-issues IDLE. */
    public Duration idleRefresh = Duration.ofMinutes(25);
    /** How often a watch syncs every folder. */
    public Duration periodicSync = Duration.ofMinutes(15);
}
