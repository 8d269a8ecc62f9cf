package dev.mailkit.bench;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.imap.testing.DovecotServer;
import dev.mailkit.imap.FolderFilter;
import dev.mailkit.imap.ImapSynchronizer;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.imap.IMAPFolder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;

/**
 * IMAP sync on a Dovecot started here, same data for every contender: the initial mirror of a folder by
 * mailkit, mbsync and a hand-written Jakarta Mail loop (each a whole process, JVM start included), then
 * incremental syncs by mailkit (in-process, the synchronizer kept open as an application would) and
 * mbsync (a process, as it is used) after the same change made by another client. Each folder is
 * measured on Dovecot's Maildir storage and again, mailkit against mbsync, on a copy in its mdbox storage.
 */
final class ImapBench {

    /** The user whose folders Dovecot keeps in Maildir, as in most of its installations. */
    private static final String USER = "alice";
    /** The same folders, copied into Dovecot's index-based mdbox storage. */
    private static final String MDBOX_USER = DovecotServer.MDBOX_USER;

    private final boolean full;
    private final Path work;
    private final List<Result> results;
    private final PrintStream log;
    private DovecotServer dovecot;

    ImapBench(boolean full, Path work, List<Result> results, PrintStream log) {
        this.full = full;
        this.work = work;
        this.results = results;
        this.log = log;
    }

    /**
     * Every mirror made in this run. They are deleted only when the IMAP suite ends (then, in full mode, a
     * minute passes before anything else runs): on this machine's file
     * system a process that creates thousands of files within a minute of thousands being deleted was
     * measured 40% slower (the kernel's inode allocation walks past the just-freed inodes), so deleting one
     * contender's mirror between runs would slow whichever contender comes next.
     */
    private final List<Path> mirrors = new ArrayList<>();

    void run() throws Exception {
        if (deleteLeftovers() && full) {
            log.println("imap: waiting 60 s after deleting the mirrors of an earlier run");
            Thread.sleep(60_000);
        }
        dovecot = DovecotServer.start();
        try {
            String chosen = System.getProperty("bench.imap.sizes", "");
            int[] sizes = !chosen.isBlank() ? java.util.Arrays.stream(chosen.split(",")).mapToInt(Integer::parseInt).toArray()
                    : full ? new int[] {1_000, 10_000, 100_000} : new int[] {200};
            for (int size : sizes) {
                folder(size, full ? (size >= 100_000 ? 1 : 3) : 1);
            }
        } finally {
            dovecot.close();
            boolean deleted = false;
            for (Path dir : mirrors) {
                try {
                    delete(dir);
                    deleted = true;
                } catch (IOException e) {
                    log.println("imap: could not delete " + dir + ": " + e);
                }
            }
            if (deleted && full) {
                log.println("imap: waiting 60 s after deleting the mirrors, before anything else runs");
                Thread.sleep(60_000);
            }
        }
    }

    /** Deletes the mirrors an earlier, interrupted run left behind; whether there were any. */
    private boolean deleteLeftovers() throws IOException {
        boolean any = false;
        if (Files.isDirectory(work)) {
            try (Stream<Path> dirs = Files.list(work)) {
                for (Path dir : (Iterable<Path>) dirs::iterator) {
                    // only the names fresh() gives: mailkit-10000-2, mbsync-nofsync-1000-0, ...
                    if (Files.isDirectory(dir) && dir.getFileName().toString()
                            .matches("(mailkit|mailkit-durable|mailkit-mdbox|mbsync|mbsync-nofsync|mbsync-mdbox|jakarta)-\\d+-\\d+")) {
                        delete(dir);
                        any = true;
                    }
                }
            }
        }
        return any;
    }

    /** Writes a deterministic folder straight into Dovecot's Maildir (as delivery would), then lets Dovecot index it. */
    private String populate(int size) throws Exception {
        String folder = "bench" + size;
        Path dir = dovecot.maildir(USER).resolve("." + folder);
        for (String sub : List.of("cur", "new", "tmp")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Random random = new Random(size);
        for (int i = 0; i < size; i++) {
            byte[] m = message(i, random);
            Files.write(dir.resolve("cur").resolve("1790000000.M" + i + "P1.bench,S=" + m.length + ",W=" + m.length + ":2,"
                    + (i % 3 == 0 ? "S" : "")), m);
        }
        Process chown = new ProcessBuilder("chown", "-R", "mail:mail", dovecot.maildir(USER).toString()).inheritIO().start();
        if (chown.waitFor() != 0) {
            throw new IOException("chown failed");
        }
        warm(USER, folder);
        if (mdbox()) {
            // the same messages, flags and order in erin's mdbox storage
            dovecot.doveadm("import", "-u", MDBOX_USER, "maildir:" + dovecot.maildir(USER), "", "mailbox", folder);
            warm(MDBOX_USER, folder);
        }
        return folder;
    }

    /** Whether the folders are also measured on Dovecot's mdbox storage (-Dbench.imap.mdbox=false to skip). */
    private static boolean mdbox() {
        return Boolean.parseBoolean(System.getProperty("bench.imap.mdbox", "true"));
    }

    private void warm(String user, String folder) throws Exception {
        try (Store store = connect(user)) {
            IMAPFolder f = (IMAPFolder) store.getFolder(folder);
            f.open(Folder.READ_ONLY);
            f.doCommand(p -> p.command("UID FETCH 1:* (UID FLAGS RFC822.SIZE BODY.PEEK[])", null)); // warm Dovecot's cache
            f.close(false);
        }
    }

    static byte[] message(int i, Random random) {
        StringBuilder body = new StringBuilder();
        while (body.length() < 3600 + random.nextInt(800)) {
            body.append("Line ").append(body.length()).append(" of generated message ").append(i)
                    .append(" with some ordinary words in it.\r\n");
        }
        String raw = "From: sender" + (i % 97) + "@example.com\r\nTo: alice@example.com\r\nSubject: message " + i
                + "\r\nMessage-ID: <bench" + i + "@example.com>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + body;
        return raw.getBytes(StandardCharsets.UTF_8);
    }

    private Store connect(String user) throws Exception {
        Properties p = new Properties();
        p.setProperty("mail.imap.peek", "true");
        Store store = Session.getInstance(p).getStore("imap");
        store.connect("127.0.0.1", dovecot.port(), user, DovecotServer.PASSWORD);
        return store;
    }

    /** A contender's time counts only if it really mirrored every message. */
    private static void requireMessages(Path dir, int expected, String who) throws IOException {
        long files;
        try (var walk = Files.walk(dir)) {
            files = walk.filter(p -> Files.isRegularFile(p) && (p.getParent().endsWith("cur") || p.getParent().endsWith("new")))
                    .count();
        }
        if (files != expected) {
            throw new IllegalStateException(who + " mirrored " + files + " messages, not " + expected + ", into " + dir);
        }
    }

    private Path mbsyncConfig(String user, String folder, Path dir, boolean fsync) throws IOException {
        Path conf = work.resolve("mbsyncrc-" + user + "-" + folder + (fsync ? "" : "-nofsync"));
        Files.createDirectories(dir);
        Files.writeString(conf, String.join("\n",
                "FSync " + (fsync ? "yes" : "no"), "",
                "IMAPAccount bench", "Host 127.0.0.1", "Port " + dovecot.port(), "User " + user,
                "Pass " + DovecotServer.PASSWORD, "SSLType None", "AuthMechs LOGIN", "",
                "IMAPStore remote", "Account bench", "",
                "MaildirStore local", "Path " + dir + "/", "Inbox " + dir + "/INBOX", "SubFolders Verbatim", "",
                "Channel bench", "Far :remote:", "Near :local:", "Patterns " + folder, "Create Near", "Sync All",
                "SyncState *", ""));
        return conf;
    }

    private void folder(int size, int runs) throws Exception {
        String folder = populate(size);
        log.printf("imap: %,d messages in %s%n", size, folder);
        Map<String, String> env = Map.of("BENCH_PASSWORD", DovecotServer.PASSWORD);
        Path logFile = work.resolve("imap-processes.log");
        Runs mk = new Runs();
        Runs durable = new Runs();
        Runs mb = new Runs();
        Runs mbNoFsync = new Runs();
        Runs jk = new Runs();
        Path mailkitDir = null;
        Path mbsyncConf = null;
        for (int run = 0; run < runs; run++) {
            mailkitDir = fresh("mailkit-" + size + "-" + run);
            mk.add(mailkit(USER, folder, mailkitDir, size, false, env, logFile));
            if (size <= 10_000) {
                durable.add(mailkit(USER, folder, fresh("mailkit-durable-" + size + "-" + run), size, true, env, logFile));
            }
            Path mbsyncDir = fresh("mbsync-" + size + "-" + run);
            mbsyncConf = mbsyncConfig(USER, folder, mbsyncDir, true);
            mb.add(mbsync(mbsyncConf, mbsyncDir, size, "mbsync", env, logFile));
            if (size <= 10_000) {
                // mbsync fsyncs every file by default (FSync yes), as durableWrites() does; "FSync no" is
                // the like-for-like contender of mailkit's default.
                Path noFsyncDir = fresh("mbsync-nofsync-" + size + "-" + run);
                mbNoFsync.add(mbsync(mbsyncConfig(USER, folder, noFsyncDir, false), noFsyncDir, size, "mbsync with FSync no",
                        env, logFile));
            }
            if (size <= 10_000 || run == 0) {
                Path jakartaDir = fresh("jakarta-" + size + "-" + run);
                jk.add(Processes.run(Processes.java(JakartaLoop.class.getName(), String.valueOf(dovecot.port()), USER, folder,
                        jakartaDir.toString()), env, logFile));
            }
        }
        results.add(mk.result("initial mirror", size, "mailkit"));
        if (!durable.isEmpty()) {
            results.add(durable.result("initial mirror", size, "mailkit, durableWrites()"));
        }
        results.add(mb.result("initial mirror", size, "mbsync"));
        if (!mbNoFsync.isEmpty()) {
            results.add(mbNoFsync.result("initial mirror", size, "mbsync, FSync no"));
        }
        results.add(jk.result("initial mirror", size, "Jakarta Mail loop"));
        incremental(USER, "incremental: ", size, folder, mailkitDir, mbsyncConf, runs, env, logFile);
        if (mdbox()) {
            onMdbox(size, folder, runs, env, logFile);
        }
    }

    /**
     * The same folder on Dovecot's mdbox storage, mailkit against mbsync. On Maildir storage, once
     * another session has renamed files in a 100,000-message folder, the next session to open it waits
     * while Dovecot lists the whole directory again (about 350 ms here); mdbox has no such step, so these
     * rows show what the clients themselves cost.
     */
    private void onMdbox(int size, String folder, int runs, Map<String, String> env, Path logFile) throws Exception {
        Runs mk = new Runs();
        Runs mb = new Runs();
        Path mailkitDir = null;
        Path mbsyncConf = null;
        for (int run = 0; run < runs; run++) {
            mailkitDir = fresh("mailkit-mdbox-" + size + "-" + run);
            mk.add(mailkit(MDBOX_USER, folder, mailkitDir, size, false, env, logFile));
            Path mbsyncDir = fresh("mbsync-mdbox-" + size + "-" + run);
            mbsyncConf = mbsyncConfig(MDBOX_USER, folder, mbsyncDir, true);
            mb.add(mbsync(mbsyncConf, mbsyncDir, size, "mbsync", env, logFile));
        }
        results.add(mk.result("initial mirror (mdbox)", size, "mailkit"));
        results.add(mb.result("initial mirror (mdbox)", size, "mbsync"));
        incremental(MDBOX_USER, "incremental (mdbox): ", size, folder, mailkitDir, mbsyncConf, runs, env, logFile);
    }

    /** The times and the peak RSS of one contender's runs. */
    private static final class Runs {
        private final List<Double> millis = new ArrayList<>();
        private long rssKb;

        void add(Processes.Measured m) {
            millis.add(m.millis());
            rssKb = Math.max(rssKb, m.rssKb());
        }

        boolean isEmpty() {
            return millis.isEmpty();
        }

        Result result(String scenario, int size, String contender) {
            return new Result("imap", scenario, size, contender, Processes.median(millis), millis.size(), rssKb);
        }
    }

    /**
     * One mirror by mailkit as a whole process, its heap capped at 128 MB (the memory target is part of
     * the measurement); it counts only if every message arrived.
     */
    private Processes.Measured mailkit(String user, String folder, Path dir, int size, boolean durable,
                                       Map<String, String> env, Path logFile) throws Exception {
        List<String> args = new ArrayList<>(List.of(String.valueOf(dovecot.port()), user, folder, dir.toString()));
        if (durable) {
            args.add("durable");
        }
        Processes.Measured m = Processes.run(Processes.javaWithHeap("-Xmx128m", SyncOnce.class.getName(),
                args.toArray(String[]::new)), env, logFile);
        requireMessages(dir, size, durable ? "mailkit with durableWrites()" : "mailkit");
        return m;
    }

    /** One mirror by mbsync with the given configuration; it counts only if every message arrived. */
    private static Processes.Measured mbsync(Path conf, Path dir, int size, String who, Map<String, String> env,
                                             Path logFile) throws Exception {
        Processes.Measured m = Processes.run(List.of("mbsync", "-q", "-c", conf.toString(), "-a"), env, logFile);
        requireMessages(dir, size, who);
        return m;
    }

    /** The same change on the server, then a sync by each; mailkit in-process, mbsync as a process. */
    private void incremental(String user, String label, int size, String folder, Path mailkitDir, Path mbsyncConf,
                             int runs, Map<String, String> env, Path logFile) throws Exception {
        int reps = Math.max(3, runs);
        try (ImapSynchronizer sync = ImapSynchronizer.builder().endpoint("127.0.0.1", dovecot.port(), Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(Credentials.password(user, DovecotServer.PASSWORD))
                .folders(FolderFilter.only(folder)).maildir(mailkitDir).build();
             Store store = connect(user)) {
            sync.syncOnce(); // warm the JVM, as a running application is
            String[] scenarios = {"no change", "100 flag changes", "100 new messages", "100 expunges"};
            for (int s = 0; s < scenarios.length; s++) {
                List<Double> mk = new ArrayList<>();
                List<Double> mb = new ArrayList<>();
                long mbRss = 0;
                for (int r = 0; r < reps; r++) {
                    change(store, folder, s, r);
                    long start = System.nanoTime();
                    sync.syncOnce();
                    mk.add((System.nanoTime() - start) / 1e6);
                    Processes.Measured m = Processes.run(List.of("mbsync", "-q", "-c", mbsyncConf.toString(), "-a"), env,
                            logFile);
                    mb.add(m.millis());
                    mbRss = Math.max(mbRss, m.rssKb());
                }
                results.add(new Result("imap", label + scenarios[s], size, "mailkit (in-process)",
                        Processes.median(mk), reps, -1));
                results.add(new Result("imap", label + scenarios[s], size, "mbsync", Processes.median(mb), reps,
                        mbRss));
            }
        }
    }

    private void change(Store store, String folder, int scenario, int rep) throws Exception {
        IMAPFolder f = (IMAPFolder) store.getFolder(folder);
        switch (scenario) {
            case 1 -> {
                f.open(Folder.READ_WRITE);
                int n = f.getMessageCount();
                // flag 100 messages, then unflag the same ones, then flag the next 100: every run changes 100
                int first = 1 + ((rep / 2) * 137) % Math.max(1, n - 100);
                Message[] msgs = f.getMessages(first, Math.min(n, first + 99));
                f.setFlags(msgs, new Flags(Flags.Flag.FLAGGED), rep % 2 == 0);
                f.close(false);
            }
            case 2 -> {
                Message[] add = new Message[100];
                Random random = new Random(rep);
                for (int i = 0; i < add.length; i++) {
                    add[i] = new MimeMessage(Session.getInstance(new Properties()),
                            new ByteArrayInputStream(message(1_000_000 + rep * 100 + i, random)));
                }
                f.appendMessages(add);
            }
            case 3 -> {
                f.open(Folder.READ_WRITE);
                Message[] msgs = f.getMessages(1, Math.min(100, f.getMessageCount()));
                f.setFlags(msgs, new Flags(Flags.Flag.DELETED), true);
                f.expunge(msgs);
                f.close(false);
            }
            default -> { }
        }
    }

    private Path fresh(String name) throws IOException {
        Path dir = work.resolve(name);
        delete(dir);
        mirrors.add(dir);
        return dir;
    }

    static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
    }
}
