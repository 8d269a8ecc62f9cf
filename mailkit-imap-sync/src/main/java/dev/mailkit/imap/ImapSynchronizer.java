package dev.mailkit.imap;

import dev.mailkit.core.AccountBuilder;
import dev.mailkit.core.Protocol;
import dev.mailkit.imap.internal.synchronizer.DefaultImapSynchronizer;
import dev.mailkit.imap.internal.synchronizer.SynchronizerConfig;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.spi.SyncStateStore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * Mirrors an IMAP account into a local store: folders, messages byte for byte, flags, expunges and
 * moves, incrementally (QRESYNC, else CONDSTORE, else a UID/FLAGS diff) and crash-safely. Not
 * thread-safe: run one {@link #syncOnce()} at a time per account.
 *
 * <pre>{@code
 * try (ImapSynchronizer sync = ImapSynchronizer.builder()
 *         .provider("gmail").credentials(Credentials.appPassword("me@gmail.com", appPassword))
 *         .maildir(Path.of("mail/me"))
 *         .folders(FolderFilter.all().exclude("[Gmail]/All Mail"))
 *         .build()) {
 *     SyncReport report = sync.syncOnce();
 * }
 * }</pre>
 */
public interface ImapSynchronizer extends AutoCloseable {

    /**
     * A new builder.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Brings the local mirror up to date with the server.
     *
     * @return what changed, per folder
     * @throws dev.mailkit.core.AuthenticationException if the login is refused
     * @throws dev.mailkit.core.TlsException            if no secure connection can be made
     * @throws dev.mailkit.core.ConnectionException     if the connection fails or drops; the next run resumes
     * @throws SyncStateException                       if the local store or the state file fails
     */
    SyncReport syncOnce();

    /**
     * Completes a message that was stored headers-only (see {@link Builder#headersOnlyAbove(long)}): its
     * whole body is streamed into the same local file, which keeps its name and flags. A message already
     * complete is returned as it is.
     *
     * @param folder the server folder name
     * @param uid    the message's UID
     * @return the updated record
     * @throws IllegalArgumentException                 if the mirror holds no such message
     * @throws SyncStateException                       if the folder was recreated on the server since the
     *                                                  last sync, or the local store fails
     * @throws dev.mailkit.core.ConnectionException     if the connection fails
     */
    MessageRecord downloadFull(String folder, long uid);

    /**
     * Starts continuous two-way sync in the background: a sync now, then one whenever IMAP IDLE reports
     * a change in a watched folder (see {@link Builder#watchFolders}), a local change is made (through
     * {@link #local()} or, for a Maildir, by another client), and periodically for the other folders.
     * IDLE is re-issued before servers drop it and reconnects with backoff. Close the returned watch
     * (before this synchronizer) to stop it.
     *
     * @return the running watch
     * @throws IllegalStateException if a watch is already running
     */
    SyncWatch watch();

    /**
     * The local side, to change messages there: the changes are pushed by the next {@link #syncOnce()}.
     *
     * @return the local mirror
     */
    MirroredFolders local();

    /**
     * What the mirror holds, read-only; also a local index (messages by folder, by UID, by Message-ID).
     * It follows the syncs: no need to ask again after one.
     *
     * @return the state
     */
    MirrorState state();

    /**
     * Forgets what the state knows of a folder and its messages, so that the next sync mirrors it again
     * from the server. Nothing is changed on the server. This is the way back for a folder whose local
     * copy was lost: a sync refuses to take a missing or emptied local folder for deleted mail (see
     * {@link MassDeletionException}).
     *
     * @param name the server folder name
     * @throws IllegalArgumentException if the state knows no such folder
     * @throws SyncStateException       if the state store fails
     */
    void forgetFolder(String name);

    /** Closes the state store (when the synchronizer opened it) and releases the Maildir lock. */
    @Override
    void close();

    /** Mutable, not thread-safe builder; {@link #build()} leaves it untouched. */
    final class Builder extends AccountBuilder<Builder> {
        private final SynchronizerConfig config = new SynchronizerConfig();

        Builder() {
        }

        /**
         * Mirrors into a Maildir at this directory, with the state in {@code mailkit-state.db} inside it.
         *
         * @param root the Maildir root
         * @return this builder
         */
        public Builder maildir(Path root) {
            config.maildir = Objects.requireNonNull(root, "root");
            return this;
        }

        /**
         * Mirrors into this local store (default: the Maildir of {@link #maildir(Path)}).
         *
         * @param store the store
         * @return this builder
         */
        public Builder messageStore(MessageStore store) {
            config.messageStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Keeps the sync state here (default: {@code mailkit-state.db} in the Maildir root); the caller closes it.
         *
         * @param store the state store
         * @return this builder
         */
        public Builder stateStore(SyncStateStore store) {
            config.stateStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Chooses the folders to mirror (default all).
         *
         * @param filter the filter
         * @return this builder
         */
        public Builder folders(FolderFilter filter) {
            config.folders = Objects.requireNonNull(filter, "filter");
            return this;
        }

        /**
         * Sets the progress listener.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(SyncListener listener) {
            config.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Syncs up to this many folders at once, each on its own connection (default 1: one connection,
         * folders in turn). Providers limit connections per account (Gmail 15, Outlook about 16 across
         * all clients), so keep it small; 2 to 4 helps accounts with many folders.
         *
         * @param connections 1 to 8
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder connections(int connections) {
            if (connections < 1 || connections > 8) {
                throw new IllegalArgumentException("connections must be between 1 and 8, got " + connections);
            }
            config.connections = connections;
            return this;
        }

        /**
         * Mirrors only messages the server received at or after this instant (their INTERNALDATE).
         * Older messages are left on the server, not downloaded, and not in the state. The limit applies
         * to messages not yet seen: moving it earlier later does not fetch older messages already passed
         * over; start a new mirror for that.
         *
         * @param since the earliest INTERNALDATE mirrored
         * @return this builder
         */
        public Builder onlySince(Instant since) {
            config.since = Objects.requireNonNull(since, "since");
            return this;
        }

        /**
         * Mirrors only messages received on or after this day (UTC), like {@link #onlySince(Instant)}.
         *
         * @param day the first day mirrored
         * @return this builder
         */
        public Builder onlySince(LocalDate day) {
            return onlySince(day.atStartOfDay(ZoneOffset.UTC).toInstant());
        }

        /**
         * Stores only the header of messages larger than this ({@code BODY.PEEK[HEADER]}), recorded as
         * {@link MessageRecord#headersOnly()}; {@link ImapSynchronizer#downloadFull} fetches the rest on
         * demand. Default 0: whole messages always.
         *
         * @param bytes the size limit, or 0 for none
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder headersOnlyAbove(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("headersOnlyAbove must be >= 0, got " + bytes);
            }
            config.headersOnlyAbove = bytes;
            return this;
        }

        /**
         * The largest local file the two-way sync reads and uploads (its size on disk, checked without
         * reading it). A larger file a Maildir client put in the mirror is left where it is, not read, not
         * uploaded and never taken for a deleted message, and the folder's report names it on every sync.
         * Messages the sync downloaded are not affected. Default: the provider's published maximum message
         * size where it has one, else 64 MiB. Empty files are never uploaded either.
         *
         * @param bytes the limit, at least 1
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxUploadBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxUploadBytes must be positive, got " + bytes);
            }
            config.maxUploadBytes = bytes;
            return this;
        }

        /**
         * Makes every sync safe against power loss and operating-system crashes, not only against a killed
         * process (which is always safe): each message file is forced to disk before it is renamed into
         * place, changed Maildir directories are forced before the sync state records the change (once per
         * fetched batch, not per message), and the state database waits for the disk at each commit
         * ({@code synchronous=FULL}). Off by default, like most mail tools: it costs time on every write;
         * BENCHMARKS.md gives the measured cost. With your own {@link #messageStore(MessageStore)} this calls its
         * {@link MessageStore#sync()}.
         *
         * @return this builder
         */
        public Builder durableWrites() {
            config.durableWrites = true;
            return this;
        }

        /**
         * Keeps no envelope index (default: kept, for {@link LocalMailbox}): for applications that never list or
         * search the mirror through mailkit, which then save the time indexing takes (see BENCHMARKS.md). A
         * {@link LocalMailbox} opened later indexes what is missing when no synchronizer is using the Maildir.
         *
         * @return this builder
         */
        public Builder withoutIndex() {
            config.withoutIndex = true;
            return this;
        }

        /**
         * Only mirrors the server: local changes are neither looked for nor pushed (default: two-way).
         *
         * @return this builder
         */
        public Builder pullOnly() {
            config.pullOnly = true;
            return this;
        }

        /**
         * Chooses who wins a conflict (default {@link ConflictPolicy#SERVER_WINS}).
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder conflictPolicy(ConflictPolicy policy) {
            config.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Whether a local delete moves the message to the server's Trash (default true, when the account
         * has one: found by SPECIAL-USE, else the provider's folder names) or marks it \Deleted and
         * expunges that UID only.
         *
         * @param toTrash true for Trash
         * @return this builder
         */
        public Builder deleteToTrash(boolean toTrash) {
            config.deleteToTrash = toTrash;
            return this;
        }

        /**
         * The share of a folder's messages one sync may delete on the server (default 0.5); above it, and
         * when a local folder is missing or emptied, {@link #syncOnce()} throws {@link MassDeletionException}
         * and changes nothing on the server. Deleting fewer than 5 messages never trips it, except all of
         * a folder's.
         *
         * @param share between 0 and 1
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder massDeletionShare(double share) {
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("massDeletionShare must be between 0 and 1, got " + share);
            }
            config.massDeletionShare = share;
            return this;
        }

        /**
         * Pushes deletions the mass-deletion guard would refuse: use for the one sync after the user
         * confirmed them.
         *
         * @return this builder
         */
        public Builder allowMassDeletion() {
            config.allowMassDeletion = true;
            return this;
        }

        /**
         * The folders {@link ImapSynchronizer#watch()} keeps an IDLE connection on (default INBOX); other
         * folders are synced by the periodic sync and after local changes.
         *
         * @param folders server folder names
         * @return this builder
         */
        public Builder watchFolders(String... folders) {
            config.watchFolders = List.of(folders);
            return this;
        }

        /**
         * How often {@link ImapSynchronizer#watch()} re-issues IDLE (default 25 minutes; RFC 2177 servers
         * may end it after 30; some providers sooner).
         *
         * @param every the interval, at most 29 minutes
         * @return this builder
         * @throws IllegalArgumentException if not positive or above 29 minutes
         */
        public Builder idleRefresh(Duration every) {
            if (every.isNegative() || every.isZero() || every.compareTo(Duration.ofMinutes(29)) > 0) {
                throw new IllegalArgumentException("idleRefresh must be between 0 and 29 minutes, got " + every);
            }
            config.idleRefresh = every;
            return this;
        }

        /**
         * How often {@link ImapSynchronizer#watch()} syncs every folder whatever IDLE says (default 15
         * minutes; 2 minutes at most for providers whose IDLE is known to be unreliable).
         *
         * @param every the interval
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder periodicSync(Duration every) {
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("periodicSync must be positive, got " + every);
            }
            config.periodicSync = every;
            return this;
        }

        /**
         * Builds the synchronizer; opens the local store and the state, but no connection.
         *
         * @return the synchronizer
         * @throws dev.mailkit.core.InvalidConfigurationException if the server, credentials or store are missing
         * @throws dev.mailkit.core.ProviderNotFoundException       if {@link #provider(String)} matches nothing
         * @throws SyncStateException                               if the Maildir or state file cannot be opened,
         *                                                          or another synchronizer uses the same Maildir
         */
        public ImapSynchronizer build() {
            return new DefaultImapSynchronizer(config, account(Protocol.IMAP, "ImapSynchronizer"));
        }
    }
}
