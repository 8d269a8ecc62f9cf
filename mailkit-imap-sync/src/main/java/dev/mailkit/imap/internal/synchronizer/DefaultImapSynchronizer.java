package dev.mailkit.imap.internal.synchronizer;

import dev.mailkit.core.AccountBuilder;
import dev.mailkit.core.InvalidConfigurationException;
import dev.mailkit.core.MailSession;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.core.internal.Closing;
import dev.mailkit.imap.internal.engine.FolderActions;
import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.MirrorState;
import dev.mailkit.imap.MirroredFolder;
import dev.mailkit.imap.MirroredFolders;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.imap.SyncStateException;
import dev.mailkit.imap.SyncWatch;
import dev.mailkit.imap.internal.engine.SyncEngine;
import dev.mailkit.imap.internal.engine.SyncOptions;
import dev.mailkit.imap.internal.maildir.Maildir;
import dev.mailkit.imap.internal.maildir.MaildirFiles;
import dev.mailkit.imap.internal.state.DurableStateStore;
import dev.mailkit.imap.internal.state.SqliteSyncStateStore;
import dev.mailkit.imap.internal.state.StateView;
import dev.mailkit.imap.spi.FolderAction;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.spi.SyncStateStore;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

/** The {@link ImapSynchronizer}: wiring of session, stores and engine. */
public final class DefaultImapSynchronizer implements ImapSynchronizer {

    private final SyncEngine engine;
    private final MessageStore localStore;
    private final SyncStateStore state;
    private final MirrorState view;
    private final boolean ownsState;
    private final FileChannel lock;
    private final ProviderSettings provider;
    private final boolean deleteToTrash;
    private final MailSession session;
    private final Path maildir;
    private final SyncListener listener;
    private final List<String> watchFolders;
    private final Duration idleRefresh;
    private final Duration periodicSync;
    /** Indexes what the envelope index lacks before a sync, or null when this synchronizer keeps no index. */
    private final Runnable indexRepair;
    private Watcher watcher;

    /**
     * Opens the stores and makes the engine; no connection yet.
     *
     * @param b       what the builder collected
     * @param account the server, credentials and provider the builder resolved
     */
    public DefaultImapSynchronizer(SynchronizerConfig b, AccountBuilder.Account account) {
        ProviderSettings provider = account.provider();
        if (account.credentials() == null) {
            throw new InvalidConfigurationException("ImapSynchronizer needs credentials(..)", null);
        }
        if (b.messageStore == null && b.maildir == null) {
            throw new InvalidConfigurationException("ImapSynchronizer needs maildir(..) or messageStore(..)", null);
        }
        if (b.stateStore == null && b.maildir == null) {
            throw new InvalidConfigurationException("ImapSynchronizer needs stateStore(..) when no maildir(..) is set", null);
        }
        this.provider = provider;
        this.deleteToTrash = b.deleteToTrash;
        this.lock = b.maildir == null ? null : lock(b.maildir);
        MessageStore created = null;
        try {
            created = b.messageStore != null ? null : new Maildir(b.maildir, b.durableWrites);
            this.localStore = b.messageStore != null ? b.messageStore : created;
            this.ownsState = b.stateStore == null;
            SyncStateStore raw = b.stateStore != null ? b.stateStore
                    : new SqliteSyncStateStore(b.maildir.resolve("mailkit-state.db"), b.durableWrites);
            this.indexRepair = index(raw, b);
            this.state = b.durableWrites ? new DurableStateStore(raw, localStore) : raw;
            this.view = new StateView(state);
        } catch (RuntimeException e) {
            if (created != null) {
                created.close();
            }
            release();
            throw e;
        }
        this.session = account.session(Protocol.IMAP).build();
        this.maildir = b.messageStore == null ? b.maildir : null;
        this.listener = b.listener;
        this.watchFolders = b.watchFolders;
        this.idleRefresh = b.idleRefresh;
        this.periodicSync = provider != null && provider.idleUnreliable() && b.periodicSync.compareTo(Duration.ofMinutes(2)) > 0
                ? Duration.ofMinutes(2) : b.periodicSync;
        this.engine = new SyncEngine(session, provider, localStore, state, b.folders, b.listener,
                SyncOptions.builder().connections(b.connections).since(b.since).headersOnlyAbove(b.headersOnlyAbove)
                        .twoWay(!b.pullOnly).policy(b.policy).deleteToTrash(b.deleteToTrash)
                        .massDeletionShare(b.massDeletionShare).allowMassDeletion(b.allowMassDeletion)
                        .maxUploadBytes(maxUploadBytes(b, provider)).build());
    }

    /**
     * The envelope index, kept in the SQLite state of a Maildir mirror: its rows are written with every change
     * of messages. Returns the repair to run before each sync (a quick check when nothing is missing), or null.
     */
    private static Runnable index(SyncStateStore raw, SynchronizerConfig b) {
        if (!(raw instanceof SqliteSyncStateStore sqlite) || b.messageStore != null || b.maildir == null) {
            return null;
        }
        if (b.withoutIndex) {
            sqlite.withoutIndex();
            return null;
        }
        MaildirFiles files = new MaildirFiles(b.maildir);
        sqlite.keepIndex(files);
        return () -> sqlite.repairIndex(files, false);
    }

    /** The builder's limit, else the provider's published maximum message size, else the default. */
    private static long maxUploadBytes(SynchronizerConfig b, ProviderSettings provider) {
        if (b.maxUploadBytes > 0) {
            return b.maxUploadBytes;
        }
        if (provider != null && provider.limits().maxMessageBytes().isPresent()) {
            return provider.limits().maxMessageBytes().getAsLong();
        }
        return SyncOptions.defaults().maxUploadBytes();
    }

    /** One synchronizer per Maildir at a time, across processes: the OS drops the lock when a process dies. */
    private static FileChannel lock(Path root) {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new SyncStateException("Maildir path " + root + " is a file, not a directory", null);
        }
        Path file = root.resolve("mailkit.lock");
        FileChannel channel = null;
        try {
            Files.createDirectories(root);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (channel.tryLock() == null) {
                throw new OverlappingFileLockException();
            }
            return channel;
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new SyncStateException("another synchronizer is using " + root + " (" + file + " is locked);"
                    + " run one sync per Maildir at a time", null);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new SyncStateException("cannot lock " + file + ": " + e, e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }

    private void release() {
        closeQuietly(lock);
    }

    @Override
    public MessageRecord downloadFull(String folder, long uid) {
        return engine.downloadFull(folder, uid);
    }

    @Override
    public SyncReport syncOnce() {
        synchronized (this) {
            if (indexRepair != null) {
                indexRepair.run(); // after a state written without the index: its messages are indexed first
            }
            return engine.syncOnce();
        }
    }

    @Override
    public synchronized SyncWatch watch() {
        if (watcher != null && watcher.isRunning()) {
            throw new IllegalStateException("a watch is already running on this synchronizer; close it first");
        }
        watcher = new Watcher(this, session, watchFolders, idleRefresh, periodicSync,
                provider == null || !provider.idleUnreliable(), maildir, listener);
        return watcher;
    }

    private void localChanged() {
        Watcher w = watcher;
        if (w != null) {
            w.syncSoon();
        }
    }

    @Override
    public MirroredFolders local() {
        return new MirroredFolders() {
            @Override
            public MirroredFolder folder(String name) {
                FolderState f = state.folder(name).orElseThrow(() -> new IllegalArgumentException(
                        "folder '" + name + "' is not mirrored yet; run syncOnce() first"));
                return new DefaultMirroredFolder(DefaultImapSynchronizer.this, state,
                        fs -> engine.folder(fs.name(), fs.separator()), f,
                        deleteToTrash ? trash() : null, DefaultImapSynchronizer.this::localChanged);
            }

            @Override
            public void createFolder(String name) {
                synchronized (DefaultImapSynchronizer.this) {
                    FolderActions.create(state, localStore, name);
                }
                localChanged();
            }

            @Override
            public void renameFolder(String from, String to) {
                synchronized (DefaultImapSynchronizer.this) {
                    FolderActions.rename(state, localStore, from, to);
                }
                localChanged();
            }

            @Override
            public void deleteFolder(String name) {
                synchronized (DefaultImapSynchronizer.this) {
                    FolderActions.delete(state, localStore, name);
                }
                localChanged();
            }
        };
    }

    private String trash() {
        return FolderActions.trashFolder(state.folders(), provider);
    }

    @Override
    public MirrorState state() {
        return view;
    }

    /** The state store itself, with what it keeps for the engine (local changes, uploads, folder actions). */
    public SyncStateStore stateStore() {
        return state;
    }

    @Override
    public void forgetFolder(String name) {
        synchronized (this) {
            if (state.folder(name).isEmpty()) {
                throw new IllegalArgumentException("the state knows no folder named '" + name + "'");
            }
            state.deleteFolder(name);
        }
    }

    @Override
    public void close() {
        // each part closes whatever the others do; the first failure is thrown, the others suppressed
        Closing.all(() -> {
            Watcher w = watcher;
            if (w != null) {
                w.close();
            }
        }, () -> {
            synchronized (this) {
                engine.close();
            }
        }, () -> {
            if (ownsState) {
                state.close();
            }
        }, () -> {
            if (maildir != null) {
                localStore.close(); // the store this synchronizer created
            }
        }, this::release);
    }
}
