package dev.mailkit.micrometer;

import dev.mailkit.imap.FolderReport;
import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.MassDeletionException;
import dev.mailkit.imap.MirrorState;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.imap.SyncStateException;
import dev.mailkit.imap.SyncWatch;
import dev.mailkit.micrometer.internal.Reasons;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Meters of syncing, fed by the {@link SyncListener} events of an
 * {@link dev.mailkit.imap.ImapSynchronizer}: give it to the synchronizer's builder, then let it read
 * the folders' roles from the built synchronizer's state.
 *
 * <pre>{@code
 * SyncMetrics metrics = new SyncMetrics(registry);
 * ImapSynchronizer sync = ImapSynchronizer.builder().provider("me@gmail.com").credentials(credentials)
 *         .maildir(Path.of("mail/me"))
 *         .listener(metrics)                 // or metrics.andThen(myListener)
 *         .build();
 * metrics.folderRolesFrom(sync.state());
 * SyncWatch watch = sync.watch();
 * metrics.bindWatch(watch);
 * }</pre>
 *
 * <table>
 *   <caption>The meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what it counts</th></tr>
 *   <tr><td>{@value #MESSAGES_PULLED}</td><td>counter</td><td>{@code folder.role}</td><td>messages added to
 *       the mirror (downloaded, or copied from a local file)</td></tr>
 *   <tr><td>{@value #BYTES_PULLED}</td><td>counter</td><td>{@code folder.role}</td><td>bytes downloaded</td></tr>
 *   <tr><td>{@value #MESSAGES_CHANGED}</td><td>counter</td><td>{@code folder.role}</td><td>messages whose
 *       flags changed on the server and were taken over</td></tr>
 *   <tr><td>{@value #MESSAGES_REMOVED}</td><td>counter</td><td>{@code folder.role}</td><td>messages removed from
 *       the mirror because the server expunged them</td></tr>
 *   <tr><td>{@value #CHANGES_PUSHED}</td><td>counter</td><td>{@code action} ({@code flags}, {@code move},
 *       {@code delete}, {@code append}), {@code folder.role}</td><td>local changes applied on the server</td></tr>
 *   <tr><td>{@value #CONFLICTS}</td><td>counter</td><td>{@code folder.role}</td><td>changes made on both
 *       sides that could not both hold</td></tr>
 *   <tr><td>{@value #FOLDER_DURATION}</td><td>timer</td><td>{@code folder.role}, {@code method}</td><td>time
 *       spent on one folder in one sync</td></tr>
 *   <tr><td>{@value #SYNC_DURATION}</td><td>timer</td><td></td><td>whole syncs run by a watch (for
 *       {@code syncOnce()}, pass its report to {@link #onSyncDone(SyncReport)})</td></tr>
 *   <tr><td>{@value #WATCH_ERRORS}</td><td>counter</td><td>{@code reason}</td><td>failures a watch retries: a
 *       sync that failed, or an IDLE connection lost and opened again after a backoff</td></tr>
 *   <tr><td>{@value #WATCH_STOPPED}</td><td>counter</td><td>{@code reason}</td><td>watches that stopped on a
 *       failure retrying cannot fix</td></tr>
 *   <tr><td>{@value #WATCH_RUNNING}</td><td>gauge</td><td></td><td>1 while the watch given to
 *       {@link #bindWatch(SyncWatch)} runs, else 0</td></tr>
 * </table>
 *
 * <p><b>Folders are tagged by role, not by name</b>: folder names can be personal (a client's or a
 * person's name) and are unbounded in number, so {@code folder.role} is {@code inbox}, the folder's
 * RFC 6154 special use ({@code sent}, {@code drafts}, {@code trash}, {@code junk}, {@code archive},
 * {@code all}, {@code flagged}, {@code important}) as the server announced it, or {@code other}. Without
 * {@link #folderRolesFrom(MirrorState)} only {@code inbox} and {@code other} are told apart;
 * {@link #folderTag(Function)} replaces the rule (keep its values few). The {@code method} tag is how the
 * folder's changes were found: {@code qresync}, {@code condstore}, {@code full}, {@code initial},
 * {@code uidvalidity}, {@code unchanged}, {@code deleted}, or {@code other}. The {@code reason} of a watch
 * failure is one of {@code authentication}, {@code tls}, {@code timeout}, {@code connection},
 * {@code configuration}, {@code sync_state}, {@code mass_deletion} or {@code other}. Every meter also carries
 * the common tags given to the constructor. Thread-safe: folders syncing in parallel report at once.
 */
public final class SyncMetrics implements SyncListener {

    /** Counter of messages added to the mirror, tagged {@code folder.role}. */
    public static final String MESSAGES_PULLED = "mailkit.sync.messages.pulled";
    /** Counter of bytes downloaded, tagged {@code folder.role}. */
    public static final String BYTES_PULLED = "mailkit.sync.bytes.pulled";
    /** Counter of messages whose flags changed on the server, tagged {@code folder.role}. */
    public static final String MESSAGES_CHANGED = "mailkit.sync.messages.changed";
    /** Counter of messages removed because the server expunged them, tagged {@code folder.role}. */
    public static final String MESSAGES_REMOVED = "mailkit.sync.messages.removed";
    /** Counter of local changes applied on the server, tagged {@code action} and {@code folder.role}. */
    public static final String CHANGES_PUSHED = "mailkit.sync.changes.pushed";
    /** Counter of conflicts, tagged {@code folder.role}. */
    public static final String CONFLICTS = "mailkit.sync.conflicts";
    /** Timer of one folder's sync, tagged {@code folder.role} and {@code method}. */
    public static final String FOLDER_DURATION = "mailkit.sync.folder.duration";
    /** Timer of whole syncs. */
    public static final String SYNC_DURATION = "mailkit.sync.duration";
    /** Counter of failures a watch retries, tagged {@code reason}. */
    public static final String WATCH_ERRORS = "mailkit.sync.watch.errors";
    /** Counter of watches stopped by a failure, tagged {@code reason}. */
    public static final String WATCH_STOPPED = "mailkit.sync.watch.stopped";
    /** Gauge: 1 while the bound watch runs, else 0. */
    public static final String WATCH_RUNNING = "mailkit.sync.watch.running";

    /** The tag of a folder's role. */
    public static final String FOLDER_ROLE = "folder.role";

    private static final Set<String> ROLES = Set.of("sent", "drafts", "trash", "junk", "archive", "all", "flagged",
            "important");
    private static final Set<String> METHODS = Set.of("qresync", "condstore", "full", "initial", "uidvalidity",
            "unchanged", "deleted");
    private static final Set<String> ACTIONS = Set.of("flags", "move", "delete", "append");

    private final MeterRegistry registry;
    private final Tags tags;
    private final Timer syncDuration;
    private final Map<String, String> roles = new ConcurrentHashMap<>();
    private final Map<String, Counter[]> pulled = new ConcurrentHashMap<>();
    private final AtomicReference<SyncWatch> watch = new AtomicReference<>();
    private volatile Function<String, String> folderTag = SyncMetrics::byName;
    private volatile MirrorState state;
    private boolean watchGauge;

    /**
     * Meters without common tags.
     *
     * @param registry where the meters are registered
     */
    public SyncMetrics(MeterRegistry registry) {
        this(registry, Tags.empty());
    }

    /**
     * Meters with common tags, for example the mailbox's role in the application ({@code mailbox=support})
     * when it syncs several. Never put an address or a user name in a tag.
     *
     * @param registry where the meters are registered
     * @param tags     tags every meter carries
     */
    public SyncMetrics(MeterRegistry registry, Iterable<Tag> tags) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
        this.syncDuration = Timer.builder(SYNC_DURATION).description("Whole syncs").tags(this.tags).register(registry);
    }

    /**
     * Reads each folder's special-use role from the synchronizer's state (the server's RFC 6154 attribute,
     * remembered by the sync), once per folder.
     *
     * @param mirrorState the state of the synchronizer built with this listener
     * @return this
     */
    public SyncMetrics folderRolesFrom(MirrorState mirrorState) {
        this.state = Objects.requireNonNull(mirrorState, "mirrorState");
        this.folderTag = this::byState;
        roles.clear();
        return this;
    }

    /**
     * Replaces the rule that gives a folder its {@code folder.role} tag. The values must stay few: a tag
     * value per folder name makes a series per folder, and puts names that may be personal in the metrics.
     *
     * @param rule from the server folder name to the tag value; null or empty counts as {@code other}
     * @return this
     */
    public SyncMetrics folderTag(Function<String, String> rule) {
        this.folderTag = Objects.requireNonNull(rule, "rule");
        roles.clear();
        return this;
    }

    /**
     * Registers the gauge {@value #WATCH_RUNNING} for this watch (replacing a watch bound before).
     *
     * @param running the watch of the synchronizer built with this listener
     * @return this
     */
    public synchronized SyncMetrics bindWatch(SyncWatch running) {
        watch.set(Objects.requireNonNull(running, "running"));
        if (!watchGauge) {
            Gauge.builder(WATCH_RUNNING, watch, w -> {
                SyncWatch current = w.get();
                return current != null && current.isRunning() ? 1 : 0;
            }).description("1 while the mailbox watch runs").tags(tags).strongReference(true).register(registry);
            watchGauge = true;
        }
        return this;
    }

    /**
     * This listener followed by another, to give a synchronizer's builder both.
     *
     * @param next the listener called after this one
     * @return a listener calling this one, then {@code next}
     */
    public SyncListener andThen(SyncListener next) {
        Objects.requireNonNull(next, "next");
        SyncMetrics first = this;
        return new SyncListener() {
            @Override
            public void onFolderStart(String folder, int newOnServer) {
                first.onFolderStart(folder, newOnServer);
                next.onFolderStart(folder, newOnServer);
            }

            @Override
            public void onDownloadPlanned(String folder, int messages, long bytes) {
                first.onDownloadPlanned(folder, messages, bytes);
                next.onDownloadPlanned(folder, messages, bytes);
            }

            @Override
            public void onMessage(String folder, long uid, long bytes) {
                first.onMessage(folder, uid, bytes);
                next.onMessage(folder, uid, bytes);
            }

            @Override
            public void onPushed(String folder, long uid, String action) {
                first.onPushed(folder, uid, action);
                next.onPushed(folder, uid, action);
            }

            @Override
            public void onFolderDone(FolderReport report) {
                first.onFolderDone(report);
                next.onFolderDone(report);
            }

            @Override
            public void onSyncDone(SyncReport report) {
                first.onSyncDone(report);
                next.onSyncDone(report);
            }

            @Override
            public void onWatchStopped(RuntimeException error) {
                first.onWatchStopped(error);
                next.onWatchStopped(error);
            }

            @Override
            public void onWatchError(RuntimeException error, Duration retryIn) {
                first.onWatchError(error, retryIn);
                next.onWatchError(error, retryIn);
            }
        };
    }

    /**
     * Counts the message and its bytes.
     *
     * @param folder the server folder name
     * @param uid    its UID
     * @param bytes  bytes downloaded for it
     */
    @Override
    public void onMessage(String folder, long uid, long bytes) {
        Counter[] c = pulled.computeIfAbsent(role(folder), r -> new Counter[] {
                Counter.builder(MESSAGES_PULLED).description("Messages added to the mirror").baseUnit("messages")
                        .tags(tags).tag(FOLDER_ROLE, r).register(registry),
                Counter.builder(BYTES_PULLED).description("Bytes downloaded by the sync").baseUnit("bytes")
                        .tags(tags).tag(FOLDER_ROLE, r).register(registry)});
        c[0].increment();
        if (bytes > 0) {
            c[1].increment(bytes);
        }
    }

    /**
     * Counts the change by action.
     *
     * @param folder the server folder it was made in
     * @param uid    the message's UID there
     * @param action {@code FLAGS}, {@code MOVE}, {@code DELETE} or {@code APPEND}
     */
    @Override
    public void onPushed(String folder, long uid, String action) {
        Counter.builder(CHANGES_PUSHED).description("Local changes applied on the server").tags(tags)
                .tag("action", bounded(action, ACTIONS)).tag(FOLDER_ROLE, role(folder)).register(registry).increment();
    }

    /**
     * Times the folder's sync and counts its changes, removals and conflicts.
     *
     * @param report what was done
     */
    @Override
    public void onFolderDone(FolderReport report) {
        String role = role(report.folder());
        Timer.builder(FOLDER_DURATION).description("Time spent on one folder in one sync").tags(tags)
                .tag(FOLDER_ROLE, role).tag("method", bounded(report.method(), METHODS)).register(registry)
                .record(report.duration());
        count(MESSAGES_CHANGED, "Messages whose flags changed on the server", role, report.changed());
        count(MESSAGES_REMOVED, "Messages removed because the server expunged them", role, report.removed());
        count(CONFLICTS, "Changes made on both sides that could not both hold", role, report.conflicts());
    }

    /**
     * Times the whole sync. A watch calls it after each of its syncs; call it with the report of
     * {@code syncOnce()} to time those too.
     *
     * @param report what the sync did
     */
    @Override
    public void onSyncDone(SyncReport report) {
        syncDuration.record(report.duration());
    }

    /**
     * Counts the stop by kind of failure.
     *
     * @param error the typed error
     */
    @Override
    public void onWatchStopped(RuntimeException error) {
        Counter.builder(WATCH_STOPPED).description("Watches stopped by a failure retrying cannot fix").tags(tags)
                .tag("reason", reason(error)).register(registry).increment();
    }

    /**
     * Counts the error by kind of failure.
     *
     * @param error   the typed error
     * @param retryIn the delay before the next attempt
     */
    @Override
    public void onWatchError(RuntimeException error, Duration retryIn) {
        Counter.builder(WATCH_ERRORS).description("Failures a watch retries (a failed sync, a lost IDLE connection)")
                .tags(tags).tag("reason", reason(error)).register(registry).increment();
    }

    private void count(String name, String description, String role, int n) {
        Counter c = Counter.builder(name).description(description).baseUnit("messages").tags(tags)
                .tag(FOLDER_ROLE, role).register(registry);
        if (n > 0) {
            c.increment(n);
        }
    }

    private String role(String folder) {
        String known = roles.get(folder);
        if (known != null) {
            return known;
        }
        String role = folderTag.apply(folder);
        if (role == null) {
            return "other"; // not known yet (a folder the state has not seen): asked again next time
        }
        role = role.isEmpty() ? "other" : role;
        roles.put(folder, role);
        return role;
    }

    private static String byName(String folder) {
        return "INBOX".equalsIgnoreCase(folder) ? "inbox" : "other";
    }

    /** The role the state remembers, or null while the state does not know the folder. */
    private String byState(String folder) {
        if ("INBOX".equalsIgnoreCase(folder)) {
            return "inbox";
        }
        Optional<FolderState> f = state.folder(folder);
        return f.map(FolderState::specialUse).map(u -> bounded(u.startsWith("\\") ? u.substring(1) : u, ROLES))
                .orElse(null);
    }

    private static String bounded(String value, Set<String> allowed) {
        String v = value == null ? "" : value.toLowerCase(Locale.ROOT);
        return allowed.contains(v) ? v : "other";
    }

    /**
     * The {@code reason} tag of a sync failure.
     *
     * @param failure the failure
     * @return a word of the fixed set in the class description
     */
    static String reason(Throwable failure) {
        if (failure instanceof MassDeletionException) {
            return "mass_deletion";
        }
        if (failure instanceof SyncStateException) {
            return "sync_state";
        }
        return Reasons.core(failure);
    }
}
