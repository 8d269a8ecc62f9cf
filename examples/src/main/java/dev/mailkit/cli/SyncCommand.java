package dev.mailkit.cli;

import dev.mailkit.imap.FolderFilter;
import dev.mailkit.imap.FolderReport;
import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.imap.MassDeletionException;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.imap.SyncWatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/** {@code mailkit sync}. */
@Command(name = "sync", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Keeps a Maildir in DIR in two-way sync with an IMAP account.",
                "Running it again is incremental; edits other Maildir clients made in DIR are pushed."})
final class SyncCommand implements Callable<Integer> {

    @ParentCommand
    Mailkit root;

    @Mixin
    AccountOptions account;

    @Option(names = "--dir", required = true, description = "The Maildir (and its mailkit-state.db).")
    Path dir;

    @Option(names = "--folder", arity = "1..*", paramLabel = "NAME", description = "Only these folders (default all).")
    List<String> folders = new ArrayList<>();

    @Option(names = "--watch", description = "Keep syncing (IMAP IDLE) until interrupted.")
    boolean watch;

    @Option(names = "--watch-for", paramLabel = "SECONDS", description = "With --watch: stop after this many seconds "
            + "(default: until interrupted).")
    long watchSeconds;

    @Option(names = "--json", description = "Print the result, or the error, as one JSON document on standard output: "
            + "status, exitCode, totals and folders (with --watch, one per sync); nothing else is printed.")
    boolean json;

    @Option(names = "--allow-mass-deletion", description = "Apply deletions the mass-deletion guard refused (exit 6): "
            + "a local folder missing or mostly emptied, or a server folder gone or mostly emptied. Use it once, "
            + "when those deletions are really wanted.")
    boolean allowMassDeletion;

    @Option(names = "--forget-folder", paramLabel = "NAME", description = "Forget what the state knows of this folder "
            + "before syncing, so it is mirrored again from the server (for example after its local directory was "
            + "lost). Repeatable.")
    List<String> forget = new ArrayList<>();

    private final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws InterruptedException {
        // --json: nothing but the one document; otherwise a bar with an end (messages to add, from each folder's
        // EXISTS count), the bytes ahead (RFC822.SIZE), rate and ETA
        Progress progress = new Progress(root.out, root.terminal, "sync", " msg", Progress.width(root.environment, root.terminal && !json));
        AtomicLong bytes = new AtomicLong();
        AtomicLong planned = new AtomicLong();
        // each folder's messages added and to add (folders sync in parallel: several are under way at once)
        java.util.Map<String, long[]> perFolder = new java.util.concurrent.ConcurrentHashMap<>();
        SyncListener listener = new SyncListener() {
            @Override
            public void onFolderStart(String folder, int newOnServer) {
                if (!json) {
                    perFolder.put(folder, new long[] {0, Math.max(0, newOnServer)});
                    progress.addTotal(newOnServer);
                }
            }

            @Override
            public void onDownloadPlanned(String folder, int messages, long size) {
                planned.addAndGet(size);
            }

            @Override
            public void onMessage(String folder, long uid, long size) {
                if (!json) {
                    long done = bytes.addAndGet(size);
                    long[] f = perFolder.computeIfAbsent(folder, k -> new long[2]);
                    f[0]++;
                    progress.step(Printable.of(folder) + " " + f[0] + "/" + Math.max(f[0], f[1])
                            + String.format(", %.1f/%.1f MB", done / 1e6, Math.max(done, planned.get()) / 1e6));
                }
            }

            @Override
            public void onFolderDone(FolderReport r) {
                if (!json) {
                    // Folder names and notes come from the server and the file system: never raw to the terminal.
                    progress.line(String.format("%-30s %-10s +%d ~%d -%d pushed %d%s", Printable.of(r.folder()),
                            Printable.of(r.method()), r.added(),
                            r.changed(), r.removed(), r.pushed(),
                            r.conflicts() > 0 ? " conflicts " + r.conflicts() : ""));
                    r.notes().forEach(n -> progress.line("    " + Printable.of(CliAdvice.of(n))));
                }
            }

            @Override
            public void onSyncDone(SyncReport report) {
                progress.close(); // the next sync of the watch starts a bar of its own
                bytes.set(0);
                planned.set(0);
                perFolder.clear();
                print(report);
            }

            @Override
            public void onWatchStopped(RuntimeException error) {
                stop.countDown(); // reported once, with its exit code, when the watch is left below
            }

            @Override
            public void onWatchError(RuntimeException error, Duration retryIn) {
                root.err.println("mailkit: " + Mailkit.describe(error) + " (retrying in " + retryIn.toSeconds() + " s)");
                root.err.flush();
            }
        };
        ImapSynchronizer.Builder b = ImapSynchronizer.builder().credentials(account.credentials(root.environment))
                .options(account.connectionOptions(root.environment)).maildir(dir).listener(listener)
                .folders(folders.isEmpty() ? FolderFilter.all() : FolderFilter.only(folders.toArray(new String[0])));
        if (account.endpoint() != null) {
            b.endpoint(account.endpoint());
        } else {
            b.registry(account.registry()).provider(account.server.provider);
        }
        if (allowMassDeletion) {
            b.allowMassDeletion();
        }
        try (progress; ImapSynchronizer sync = b.build()) {
            for (String name : forget) {
                if (sync.state().folder(name).isEmpty()) {
                    throw new IllegalArgumentException("--forget-folder: the state knows no folder named " + Json.quote(name));
                }
                sync.forgetFolder(name);
            }
            if (!watch) {
                try {
                    SyncReport report = sync.syncOnce();
                    progress.close();
                    List<String> unknown = folders.stream().filter(f -> report.folders().stream()
                            .noneMatch(r -> r.folder().equals(f))).toList();
                    if (unknown.isEmpty()) {
                        print(report);
                        return ExitCodes.OK;
                    }
                    String problem = "--folder: the server has no folder named "
                            + String.join(", ", unknown.stream().map(Json::quote).toList())
                            + (unknown.size() < folders.size() ? " (the others were synced)" : "");
                    if (json) {
                        // one document: the error with the report of what was synced
                        root.out.println(toJson(report, "error", ExitCodes.USAGE, problem));
                        root.out.flush();
                        return ExitCodes.USAGE;
                    }
                    print(report);
                    throw new IllegalArgumentException(problem);
                } catch (MassDeletionException e) {
                    if (json) {
                        // one document: the refusal with the report of what was synced
                        root.out.println(toJson(e.report().orElse(null), "error", ExitCodes.of(e), Mailkit.describe(e)));
                        root.out.flush();
                        return ExitCodes.of(e);
                    }
                    progress.close();
                    e.report().ifPresent(this::print); // the rest of the account was synced
                    throw e;
                }
            }
            try (SyncWatch w = sync.watch()) {
                Thread hook = new Thread(stop::countDown);
                Runtime.getRuntime().addShutdownHook(hook);
                if (watchSeconds > 0) {
                    stop.await(watchSeconds, java.util.concurrent.TimeUnit.SECONDS);
                } else {
                    stop.await();
                }
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the process is ending: close the watch and leave
                }
                if (w.failure().isPresent()) {
                    throw w.failure().get(); // the first sync failed, or retrying cannot help: its exit code
                }
            }
            return ExitCodes.OK;
        }
    }

    private void print(SyncReport report) {
        if (json) {
            root.out.println(toJson(report));
        } else {
            root.out.printf("synced in %d ms: %d new, %d changed, %d removed, %d pushed, %d conflict(s), %.1f MB%n",
                    report.duration().toMillis(), report.added(), report.changed(), report.removed(), report.pushed(),
                    report.conflicts(), report.bytes() / 1e6);
        }
        root.out.flush();
    }

    static String toJson(SyncReport report) {
        return toJson(report, "ok", ExitCodes.OK, null);
    }

    /**
     * One JSON document: {@code status} ("ok" or "error"), {@code exitCode}, the error's message when there is
     * one, the totals and each folder. A report is null when a failure left none.
     */
    static String toJson(SyncReport report, String status, int exitCode, String error) {
        Json doc = Json.result(status, exitCode);
        if (error != null) {
            doc.put("error", error);
        }
        if (report == null) {
            return doc.toString();
        }
        return doc.put("milliseconds", report.duration().toMillis())
                .put("totals", new Json().put("new", report.added()).put("changed", report.changed())
                        .put("removed", report.removed()).put("pushed", report.pushed())
                        .put("conflicts", report.conflicts()).put("bytes", report.bytes()))
                .put("folders", report.folders().stream().map(f -> new Json().put("folder", f.folder())
                        .put("method", f.method()).put("new", f.added()).put("changed", f.changed())
                        .put("removed", f.removed()).put("pushed", f.pushed()).put("conflicts", f.conflicts())
                        .put("bytes", f.bytes()).put("milliseconds", f.duration().toMillis()).put("notes", f.notes()))
                        .toList())
                .toString();
    }
}
