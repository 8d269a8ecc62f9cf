package dev.mailkit.imap;

import static dev.mailkit.imap.MailboxModel.Here.MIRRORED;
import static dev.mailkit.imap.MailboxModel.Here.MOVED_FILE;
import static dev.mailkit.imap.MailboxModel.Here.NEW_FILE;
import static dev.mailkit.imap.MailboxModel.Here.NONE;

import dev.mailkit.core.testing.FaultProxy;
import dev.mailkit.imap.MailboxModel.Folder;
import dev.mailkit.imap.MailboxModel.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One step of a {@link ModelSyncScenarios} run: a change on one side, or a sync. Each step says when it
 * may run ({@link #allowedBy}: the thing exists on that side, and the other side did not touch it since
 * the last completed sync), what it does to the real mailbox ({@link #run}), and what it does to the model
 * ({@link #applyTo}). {@link #toString()} prints it as the Java call that makes it, so that a printed list
 * can be pasted into a regression test.
 *
 * <p>Messages are named by their number in {@link MailboxModel#content(int)}; flag changes are written as
 * IMAP names, or Maildir letters for file renames, each with a leading '+' or '-'.
 */
sealed interface ModelOp {

    /** How a step ended. */
    enum Outcome { CHANGED, SYNC_COMPLETED, SYNC_INTERRUPTED }

    /** The real mailbox the steps act on: the server through another client, the Maildir, the synchronizer. */
    interface World {
        MailboxModel model();

        ServerClient server();

        ImapSynchronizer synchronizer();

        Path maildir();

        /** Runs a sync, interrupted at the given point (null: not interrupted); afterwards a new synchronizer runs if it was. */
        Outcome sync(Interruption interruption) throws Exception;

        /** Closes the synchronizer and builds a new one on the same Maildir, as when the application restarts. */
        void restart() throws Exception;

        /** The UID the local API knows message {@code n} by in {@code folder}. */
        long localUid(String folder, int n) throws Exception;

        /** The file holding message {@code n} in {@code folder}. */
        Path file(String folder, int n) throws Exception;

        /** The server UID of message {@code n} in {@code folder}. */
        long serverUid(String folder, int n) throws Exception;

        /** A new unique Maildir base name, as another Maildir client makes them. */
        String newFileName();
    }

    /** Where an interrupted sync stops. */
    sealed interface Interruption {
    }

    /** The sync's listener throws at its {@code events}-th callback (folder start, message stored, change pushed). */
    record AfterEvents(int events) implements Interruption {
    }

    /** The sync's listener throws at its {@code messages}-th "message stored" callback (the file is written, the state not yet). */
    record AtMessage(int messages) implements Interruption {
    }

    /** Every connection is cut once {@code bytes} bytes went in {@code direction}. */
    record AfterBytes(FaultProxy.Direction direction, int bytes) implements Interruption {
    }

    /** The model and the other side allow this step now. */
    boolean allowedBy(MailboxModel m);

    /** Does it. */
    Outcome run(World w) throws Exception;

    /** Its effect on the model (a completed sync is applied by the runner). */
    void applyTo(MailboxModel m);

    // ---- Factories, named as the steps print ----

    static ModelOp sync() {
        return new Sync(null);
    }

    static ModelOp crashAfterEvents(int events) {
        return new Sync(new AfterEvents(events));
    }

    static ModelOp crashAtMessage(int messages) {
        return new Sync(new AtMessage(messages));
    }

    static ModelOp cutAfterBytes(FaultProxy.Direction direction, int bytes) {
        return new Sync(new AfterBytes(direction, bytes));
    }

    static ModelOp restart() {
        return new Restart();
    }

    static ModelOp localFlags(String folder, int n, String delta) {
        return new LocalFlags(folder, n, delta);
    }

    static ModelOp localKeywords(String folder, int n, String keywords) {
        return new LocalKeywords(folder, n, keywords);
    }

    static ModelOp localDelete(String folder, int n) {
        return new LocalDelete(folder, n);
    }

    static ModelOp localMove(String folder, int n, String target) {
        return new LocalMove(folder, n, target);
    }

    static ModelOp localCopy(String folder, int n, String target) {
        return new LocalCopy(folder, n, target);
    }

    static ModelOp localAppend(String folder, int n, String flags) {
        return new LocalAppend(folder, n, flags);
    }

    static ModelOp localCreateFolder(String name) {
        return new LocalCreateFolder(name);
    }

    static ModelOp maildirFlags(String folder, int n, String letters) {
        return new MaildirFlags(folder, n, letters);
    }

    static ModelOp maildirUnlink(String folder, int n) {
        return new MaildirUnlink(folder, n);
    }

    static ModelOp maildirMove(String folder, int n, String target) {
        return new MaildirMove(folder, n, target);
    }

    static ModelOp maildirCopyDelete(String folder, int n, String target) {
        return new MaildirCopyDelete(folder, n, target);
    }

    static ModelOp maildirNew(String folder, int n, boolean crlf) {
        return new MaildirNew(folder, n, crlf);
    }

    static ModelOp maildirNewFolder(String name, int n, boolean crlf, String letters) {
        return new MaildirNewFolder(name, n, crlf, letters);
    }

    static ModelOp serverFlags(String folder, int n, String delta) {
        return new ServerFlags(folder, n, delta);
    }

    static ModelOp serverMove(String folder, int n, String target) {
        return new ServerMove(folder, n, target);
    }

    static ModelOp serverCopy(String folder, int n, String target) {
        return new ServerCopy(folder, n, target);
    }

    static ModelOp serverExpunge(String folder, int n) {
        return new ServerExpunge(folder, n);
    }

    static ModelOp serverAppend(String folder, int n, String flags) {
        return new ServerAppend(folder, n, flags);
    }

    static ModelOp serverCreateFolder(String name) {
        return new ServerCreateFolder(name);
    }

    static ModelOp serverRename(String from, String to) {
        return new ServerRename(from, to);
    }

    static ModelOp serverRecreate(String folder) {
        return new ServerRecreate(folder);
    }

    // ---- Helpers ----

    private static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                default -> b.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }

    /** "+\Seen -\Flagged" as a list of '+'/'-' prefixed names. */
    private static List<String> changes(String delta) {
        return delta.isBlank() ? List.of() : Arrays.asList(delta.strip().split(" +"));
    }

    private static Set<String> words(String words) {
        return words.isBlank() ? Set.of() : new TreeSet<>(Arrays.asList(words.strip().split(" +")));
    }

    /** The IMAP flag of a Maildir letter. */
    static String flagOfLetter(char letter) {
        return switch (letter) {
            case 'S' -> "\\Seen";
            case 'R' -> "\\Answered";
            case 'F' -> "\\Flagged";
            case 'D' -> "\\Draft";
            case 'T' -> "\\Deleted";
            default -> throw new IllegalArgumentException("no Maildir letter " + letter);
        };
    }

    /** The Maildir letters of a file name ("" when it has no ":2," part). */
    static String lettersOf(Path file) {
        String name = file.getFileName().toString();
        int i = name.indexOf(":2,");
        return i < 0 ? "" : name.substring(i + 3);
    }

    private static String sorted(Set<Character> letters) {
        StringBuilder b = new StringBuilder();
        new TreeSet<>(letters).forEach(b::append);
        return b.toString();
    }

    /** The system flags of a set, without keywords (what a Maildir file name can hold). */
    static Set<String> systemFlags(Set<String> flags) {
        Set<String> out = new TreeSet<>();
        flags.stream().filter(f -> f.startsWith("\\")).forEach(out::add);
        return out;
    }

    private static Message requireMessage(MailboxModel m, String folder, int n) {
        return m.message(folder, n);
    }

    private static boolean targetHere(MailboxModel m, String folder, int n, String target) {
        Folder t = m.folder(target);
        return !target.equals(folder) && m.usableHere(t) && !m.holds(t, n);
    }

    private static void touchHere(MailboxModel m, String... folders) {
        for (String f : folders) {
            m.folder(f).touchedHere = true;
        }
    }

    /** Whether the local API can name this message: it is mirrored, in a folder the state knows. */
    private static boolean apiCan(MailboxModel m, String folder, int n) {
        Folder f = m.folder(folder);
        Message msg = requireMessage(m, folder, n);
        return m.usableHere(f) && f.mirrored && msg != null && msg.here == MIRRORED;
    }

    // ---- Syncs ----

    /** A sync, complete or interrupted. */
    record Sync(Interruption interruption) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            if (interruption != null && m.avoids("noMessageIdAcrossInterruption")) {
                for (Folder f : m.folders.values()) {
                    for (Message msg : f.messages.values()) {
                        if ((msg.here == NEW_FILE || msg.here == MOVED_FILE) && !MailboxModel.hasMessageId(msg.n)) {
                            return false;
                        }
                    }
                }
            }
            return true;
        }

        @Override
        public Outcome run(World w) throws Exception {
            return w.sync(interruption);
        }

        @Override
        public void applyTo(MailboxModel m) {
            // an interrupted sync changes nothing the model knows: the next completed sync decides
        }

        @Override
        public String toString() {
            if (interruption == null) {
                return "sync()";
            }
            if (interruption instanceof AfterEvents e) {
                return "crashAfterEvents(" + e.events() + ")";
            }
            if (interruption instanceof AtMessage a) {
                return "crashAtMessage(" + a.messages() + ")";
            }
            AfterBytes b = (AfterBytes) interruption;
            return "cutAfterBytes(FaultProxy.Direction." + b.direction() + ", " + b.bytes() + ")";
        }
    }

    /** The application restarts: a new synchronizer on the same Maildir. */
    record Restart() implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            return true;
        }

        @Override
        public Outcome run(World w) throws Exception {
            w.restart();
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            // the Maildir and the state are as they were
        }

        @Override
        public String toString() {
            return "restart()";
        }
    }

    /** A new local message: allowed unless it has no Message-ID, a sync was interrupted, and that is avoided. */
    private static boolean newHere(MailboxModel m, int n) {
        return !(m.avoids("noMessageIdAcrossInterruption") && m.interrupted && !MailboxModel.hasMessageId(n));
    }

    /** A new local file with message {@code n}'s bytes: allowed by {@link #newHere} and not where a Maildir client deleted {@code n}. */
    private static boolean addedHere(MailboxModel m, int n) {
        return newHere(m, n) && m.addsAndDeletesApart(n, false);
    }

    /**
     * The server removes a message from this folder (expunge, move, rename): not in the interval it recreated the
     * folder, as the recovery keeps files it cannot match as local-only files.
     */
    private static boolean removableThere(Folder f) {
        return !f.recreatedThere;
    }

    // ---- The local API ----

    /** markRead / markUnread / flag / unflag, one call per flag: {@code delta} names \Seen and \Flagged only. */
    record LocalFlags(String folder, int n, String delta) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            return apiCan(m, folder, n)
                    && m.mayChangeFlagsHere(m.folder(folder), m.message(folder, n), MailboxModel.names(changes(delta)));
        }

        @Override
        public Outcome run(World w) throws Exception {
            long uid = w.localUid(folder, n);
            MirroredFolder box = w.synchronizer().local().folder(folder);
            for (String d : changes(delta)) {
                switch (d) {
                    case "+\\Seen" -> box.markRead(uid);
                    case "-\\Seen" -> box.markUnread(uid);
                    case "+\\Flagged" -> box.flag(uid);
                    case "-\\Flagged" -> box.unflag(uid);
                    default -> throw new IllegalArgumentException("the API changes \\Seen and \\Flagged only: " + d);
                }
            }
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            Message msg = m.message(folder, n);
            MailboxModel.applyFlags(msg, changes(delta));
            msg.flagsChangedHere.addAll(MailboxModel.names(changes(delta)));
            touchHere(m, folder);
        }

        @Override
        public String toString() {
            return "localFlags(" + q(folder) + ", " + n + ", " + q(delta) + ")";
        }
    }

    /** setKeywords: replaces the keywords (allowed only when the server changed none of this message's keywords). */
    record LocalKeywords(String folder, int n, String keywords) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            Message msg = m.message(folder, n);
            return apiCan(m, folder, n) && !msg.touchedThere
                    && msg.flagsChangedThere.stream().allMatch(f -> f.startsWith("\\"))
                    && !(m.avoids("flagsAfterInterruption") && m.interrupted && !msg.flagsChangedHere.isEmpty());
        }

        private void replaceKeywords(Message msg) {
            Set<String> before = new TreeSet<>(msg.flags);
            before.removeIf(f -> f.startsWith("\\"));
            msg.flags.removeAll(before);
            msg.flags.addAll(words(keywords));
            msg.flagsChangedHere.addAll(before);
            msg.flagsChangedHere.addAll(words(keywords));
        }

        @Override
        public Outcome run(World w) throws Exception {
            w.synchronizer().local().folder(folder).setKeywords(w.localUid(folder, n), words(keywords));
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            replaceKeywords(m.message(folder, n));
            touchHere(m, folder);
        }

        @Override
        public String toString() {
            return "localKeywords(" + q(folder) + ", " + n + ", " + q(keywords) + ")";
        }
    }

    /** delete: to the Trash (with its flags) where the server has one, else deleted. */
    record LocalDelete(String folder, int n) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            if (!apiCan(m, folder, n) || !m.mayTouchHere(m.folder(folder), m.message(folder, n))) {
                return false;
            }
            if (m.trash != null && !m.trash.equals(folder)) {
                Folder t = m.folder(m.trash);
                return targetHere(m, folder, n, m.trash) && t.mirrored && newHere(m, n);
            }
            return m.mayDeleteHere(m.folder(folder));
        }

        @Override
        public Outcome run(World w) throws Exception {
            w.synchronizer().local().folder(folder).delete(w.localUid(folder, n));
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            Folder f = m.folder(folder);
            Message msg = m.remove(f, n);
            touchHere(m, folder);
            if (m.trash != null && !m.trash.equals(folder)) {
                m.addMoved(m.folder(m.trash), msg, MOVED_FILE);
                touchHere(m, m.trash);
            } else {
                f.deletionsHere++;
            }
        }

        @Override
        public String toString() {
            return "localDelete(" + q(folder) + ", " + n + ")";
        }
    }

    /** move, to a mirrored folder or one {@code createFolder} made. */
    record LocalMove(String folder, int n, String target) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            Folder t = m.folder(target);
            return apiCan(m, folder, n) && m.mayTouchHere(m.folder(folder), m.message(folder, n))
                    && targetHere(m, folder, n, target) && (t.mirrored || t.createdByApi) && newHere(m, n);
        }

        @Override
        public Outcome run(World w) throws Exception {
            w.synchronizer().local().folder(folder).move(target, w.localUid(folder, n));
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            Message msg = m.remove(m.folder(folder), n);
            m.addMoved(m.folder(target), msg, MOVED_FILE);
            touchHere(m, folder, target);
        }

        @Override
        public String toString() {
            return "localMove(" + q(folder) + ", " + n + ", " + q(target) + ")";
        }
    }

    /**
     * copy: uploaded by the next sync with the system flags the copied file carries (keywords are not kept,
     * as for {@link MirroredFolder#append}: a Maildir file name holds system flags only).
     */
    record LocalCopy(String folder, int n, String target) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            Folder t = m.folder(target);
            return apiCan(m, folder, n) && m.mayTouchHere(m.folder(folder), m.message(folder, n))
                    && targetHere(m, folder, n, target) && addedHere(m, n) && (t.mirrored || t.createdByApi);
        }

        @Override
        public Outcome run(World w) throws Exception {
            w.synchronizer().local().folder(folder).copy(target, w.localUid(folder, n));
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            Message msg = m.message(folder, n);
            msg.touchedHere = true;
            m.addNewHere(m.folder(target), n, systemFlags(msg.flags));
            touchHere(m, folder, target);
        }

        @Override
        public String toString() {
            return "localCopy(" + q(folder) + ", " + n + ", " + q(target) + ")";
        }
    }

    /** append, with system flags ({@code flags}: IMAP names). */
    record LocalAppend(String folder, int n, String flags) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            Folder f = m.folder(folder);
            return m.usableHere(f) && f.mirrored && !m.holds(f, n) && addedHere(m, n);
        }

        @Override
        public Outcome run(World w) throws Exception {
            w.synchronizer().local().folder(folder).append(MailboxModel.content(n), MessageFlags.parse(flags));
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            m.addNewHere(m.folder(folder), n, words(flags));
            touchHere(m, folder);
        }

        @Override
        public String toString() {
            return "localAppend(" + q(folder) + ", " + n + ", " + q(flags) + ")";
        }
    }

    /** sync.local().createFolder. */
    record LocalCreateFolder(String name) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            return m.freeName(name) && m.folder("INBOX").mirrored;
        }

        @Override
        public Outcome run(World w) throws Exception {
            w.synchronizer().local().createFolder(name);
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            Folder f = m.newFolder(name);
            f.here = true;
            f.createdByApi = true;
            f.touchedHere = true;
        }

        @Override
        public String toString() {
            return "localCreateFolder(" + q(name) + ")";
        }
    }

    // ---- Another Maildir client (mutt, neomutt, Python's mailbox.Maildir) ----

    /** Renames the file's ":2," suffix, changing several letters at once ({@code letters}: "+R -S"). */
    record MaildirFlags(String folder, int n, String letters) implements ModelOp {
        private List<String> flagDelta() {
            List<String> out = new ArrayList<>();
            for (String d : changes(letters)) {
                out.add(d.charAt(0) + flagOfLetter(d.charAt(1)));
            }
            return out;
        }

        @Override
        public boolean allowedBy(MailboxModel m) {
            return m.mayChangeFlagsHere(m.folder(folder), m.message(folder, n), MailboxModel.names(flagDelta()));
        }

        @Override
        public Outcome run(World w) throws Exception {
            Path file = w.file(folder, n);
            Set<Character> now = new TreeSet<>();
            for (char c : lettersOf(file).toCharArray()) {
                now.add(c);
            }
            for (String d : changes(letters)) {
                if (d.charAt(0) == '+') {
                    now.add(d.charAt(1));
                } else {
                    now.remove(d.charAt(1));
                }
            }
            String name = file.getFileName().toString();
            String base = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
            // A file in new/ moves to cur/ when it gets flags, as Maildir clients do.
            Files.move(file, file.getParent().resolveSibling("cur").resolve(base + ":2," + sorted(now)));
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            Message msg = m.message(folder, n);
            MailboxModel.applyFlags(msg, flagDelta());
            msg.flagsChangedHere.addAll(MailboxModel.names(flagDelta()));
            touchHere(m, folder);
        }

        @Override
        public String toString() {
            return "maildirFlags(" + q(folder) + ", " + n + ", " + q(letters) + ")";
        }
    }

    /**
     * Unlinks the file: a deletion, to the Trash where the server has one. Not made after a flag change
     * here in the same sync interval: a removed file no longer tells its flags.
     */
    record MaildirUnlink(String folder, int n) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            Folder f = m.folder(folder);
            Message msg = m.message(folder, n);
            if (!m.mayTouchHere(f, msg) || msg.here == MOVED_FILE) {
                return false;
            }
            if (msg.here == NEW_FILE) {
                // simply gone if no sync ran since it was made; else a sync may have uploaded it, and the
                // model could not say whether the unlink is a deletion
                return msg.madeAfterSyncs == m.syncsStarted
                        && !(m.avoids("emptyNewFolder") && !f.mirrored && f.messages.size() == 1);
            }
            if (!m.mayDeleteHere(f) || !m.addsAndDeletesApart(n, true)) {
                return false;
            }
            return m.trash == null || m.trash.equals(folder)
                    || targetHere(m, folder, n, m.trash) && msg.flagsChangedHere.isEmpty();
        }

        @Override
        public Outcome run(World w) throws Exception {
            Files.delete(w.file(folder, n));
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            Folder f = m.folder(folder);
            Message msg = m.remove(f, n);
            touchHere(m, folder);
            if (msg.here == NEW_FILE) {
                return;
            }
            f.deletionsHere++;
            m.deletedByMaildirClient.add(n);
            if (m.trash != null && !m.trash.equals(folder)) {
                m.add(m.folder(m.trash), n, msg.flags, NONE, false).touchedHere = true;
                touchHere(m, m.trash);
            }
        }

        @Override
        public String toString() {
            return "maildirUnlink(" + q(folder) + ", " + n + ")";
        }
    }

    /** Renames a mirrored file into another folder's cur/, keeping its name (a move, with the flags its name carries). */
    record MaildirMove(String folder, int n, String target) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            Message msg = m.message(folder, n);
            return m.mayTouchHere(m.folder(folder), msg) && msg.here == MIRRORED && targetHere(m, folder, n, target)
                    && newHere(m, n) && !(m.avoids("maildirMoveAfterInterruption") && m.interrupted);
        }

        @Override
        public Outcome run(World w) throws Exception {
            Path file = w.file(folder, n);
            Path dir = MirrorAssertions.folderDir(w.maildir(), target).resolve("cur");
            Files.move(file, dir.resolve(file.getFileName().toString()));
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            Message msg = m.remove(m.folder(folder), n);
            m.addMoved(m.folder(target), msg, MOVED_FILE);
            touchHere(m, folder, target);
        }

        @Override
        public String toString() {
            return "maildirMove(" + q(folder) + ", " + n + ", " + q(target) + ")";
        }
    }

    /** A move as some Maildir clients make it: a new file in the target's cur/ (new name, same letters), then an unlink. */
    record MaildirCopyDelete(String folder, int n, String target) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            Message msg = m.message(folder, n);
            return m.mayTouchHere(m.folder(folder), msg) && msg.here == MIRRORED && targetHere(m, folder, n, target)
                    && m.mayDeleteHere(m.folder(folder)) && newHere(m, n)
                    && m.addsAndDeletesApart(n, true) && m.addsAndDeletesApart(n, false)
                    && !(m.avoids("copyDeleteWithoutMessageId") && !MailboxModel.hasMessageId(n));
        }

        @Override
        public Outcome run(World w) throws Exception {
            Path file = w.file(folder, n);
            Path dir = MirrorAssertions.folderDir(w.maildir(), target);
            Path tmp = dir.resolve("tmp").resolve(w.newFileName());
            Files.copy(file, tmp);
            Files.move(tmp, dir.resolve("cur").resolve(tmp.getFileName() + ":2," + lettersOf(file)));
            Files.delete(file);
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            Message msg = m.remove(m.folder(folder), n);
            m.folder(folder).deletionsHere++;
            m.deletedByMaildirClient.add(n);
            m.addedHere.add(n);
            // Logically a move of a mirrored message: unlinking the copy before a sync is a deletion, not a discard.
            m.addMoved(m.folder(target), msg, MOVED_FILE);
            touchHere(m, folder, target);
        }

        @Override
        public String toString() {
            return "maildirCopyDelete(" + q(folder) + ", " + n + ", " + q(target) + ")";
        }
    }

    /** Writes a new message into new/ (through tmp/), with LF or CRLF line ends. */
    record MaildirNew(String folder, int n, boolean crlf) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            Folder f = m.folder(folder);
            return m.usableHere(f) && !m.holds(f, n) && addedHere(m, n);
        }

        @Override
        public Outcome run(World w) throws Exception {
            Path dir = MirrorAssertions.folderDir(w.maildir(), folder);
            Path tmp = dir.resolve("tmp").resolve(w.newFileName());
            Files.write(tmp, crlf ? MailboxModel.content(n) : MailboxModel.lf(MailboxModel.content(n)));
            Files.move(tmp, dir.resolve("new").resolve(tmp.getFileName()));
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            m.addNewHere(m.folder(folder), n, Set.of());
            touchHere(m, folder);
        }

        @Override
        public String toString() {
            return "maildirNew(" + q(folder) + ", " + n + ", " + crlf + ")";
        }
    }

    /** Makes a Maildir++ folder (.Name/{cur,new,tmp}) holding one message in cur/ with these letters. */
    record MaildirNewFolder(String name, int n, boolean crlf, String letters) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            return m.freeName(name) && m.folder("INBOX").mirrored && addedHere(m, n);
        }

        @Override
        public Outcome run(World w) throws Exception {
            Path dir = MirrorAssertions.folderDir(w.maildir(), name);
            for (String d : List.of("cur", "new", "tmp")) {
                Files.createDirectories(dir.resolve(d));
            }
            Path tmp = dir.resolve("tmp").resolve(w.newFileName());
            Files.write(tmp, crlf ? MailboxModel.content(n) : MailboxModel.lf(MailboxModel.content(n)));
            Files.move(tmp, dir.resolve("cur").resolve(tmp.getFileName() + ":2," + letters));
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            Folder f = m.newFolder(name);
            f.here = true;
            f.touchedHere = true;
            Set<String> flags = new TreeSet<>();
            for (char c : letters.toCharArray()) {
                flags.add(flagOfLetter(c));
            }
            m.addNewHere(f, n, flags);
        }

        @Override
        public String toString() {
            return "maildirNewFolder(" + q(name) + ", " + n + ", " + crlf + ", " + q(letters) + ")";
        }
    }

    // ---- Another device, on the server ----

    /** One {@code UID STORE uid FLAGS.SILENT (...)} setting and clearing several flags at once. */
    record ServerFlags(String folder, int n, String delta) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            return m.mayChangeFlagsThere(m.message(folder, n), MailboxModel.names(changes(delta)));
        }

        @Override
        public Outcome run(World w) throws Exception {
            long uid = w.serverUid(folder, n);
            Set<String> before = new TreeSet<>();
            for (ServerClient.Stored s : w.server().messages(folder)) {
                if (s.uid() == uid) {
                    before.addAll(s.flags());
                }
            }
            Set<String> after = new TreeSet<>(before);
            for (String d : changes(delta)) {
                if (d.startsWith("+")) {
                    after.add(d.substring(1));
                } else {
                    after.remove(d.substring(1));
                }
            }
            w.server().storeFlags(folder, uid, before, after);
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            Message msg = m.message(folder, n);
            MailboxModel.applyFlags(msg, changes(delta));
            msg.flagsChangedThere.addAll(MailboxModel.names(changes(delta)));
        }

        @Override
        public String toString() {
            return "serverFlags(" + q(folder) + ", " + n + ", " + q(delta) + ")";
        }
    }

    private static boolean targetThere(MailboxModel m, String folder, int n, String target) {
        Folder t = m.folder(target);
        return !target.equals(folder) && t != null && t.onServer && !m.holds(t, n);
    }

    /** {@code UID MOVE} (Jakarta Mail falls back to COPY + EXPUNGE without MOVE). */
    record ServerMove(String folder, int n, String target) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            return m.mayTouchThere(m.message(folder, n)) && targetThere(m, folder, n, target)
                    && removableThere(m.folder(folder))
                    && m.mayLoseThere(m.folder(folder), MailboxModel.hasMessageId(n) ? 0 : 1);
        }

        @Override
        public Outcome run(World w) throws Exception {
            w.server().move(folder, w.serverUid(folder, n), target);
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            Message msg = m.remove(m.folder(folder), n);
            Message moved = m.add(m.folder(target), n, msg.flags, NONE, true);
            moved.touchedThere = true;
            moved.leftThere.addAll(msg.leftThere);
            moved.leftThere.add(folder);
            m.folder(folder).lossesThere += MailboxModel.hasMessageId(n) ? 0 : 1;
        }

        @Override
        public String toString() {
            return "serverMove(" + q(folder) + ", " + n + ", " + q(target) + ")";
        }
    }

    /** {@code UID COPY}: the copy has the same bytes, flags and INTERNALDATE. */
    record ServerCopy(String folder, int n, String target) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            return m.mayTouchThere(m.message(folder, n)) && targetThere(m, folder, n, target);
        }

        @Override
        public Outcome run(World w) throws Exception {
            w.server().copy(folder, w.serverUid(folder, n), target);
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            Message msg = m.message(folder, n);
            msg.touchedThere = true;
            m.add(m.folder(target), n, msg.flags, NONE, true).touchedThere = true;
        }

        @Override
        public String toString() {
            return "serverCopy(" + q(folder) + ", " + n + ", " + q(target) + ")";
        }
    }

    /** \Deleted, then EXPUNGE of that message. */
    record ServerExpunge(String folder, int n) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            Message msg = m.message(folder, n);
            // A message moved here on the server this interval is lost to the folders it left too.
            return m.mayTouchThere(msg) && removableThere(m.folder(folder)) && m.mayLoseThere(m.folder(folder), 1)
                    && msg.leftThere.stream().allMatch(f -> m.folder(f) == null || m.mayLoseThere(m.folder(f), 1));
        }

        @Override
        public Outcome run(World w) throws Exception {
            w.server().expunge(folder, w.serverUid(folder, n));
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            Message msg = m.remove(m.folder(folder), n);
            m.folder(folder).lossesThere++;
            msg.leftThere.stream().filter(f -> m.folder(f) != null).forEach(f -> m.folder(f).lossesThere++);
        }

        @Override
        public String toString() {
            return "serverExpunge(" + q(folder) + ", " + n + ")";
        }
    }

    /** APPEND of message {@code n} with these flags; creates the folder when the model does not have it. */
    record ServerAppend(String folder, int n, String flags) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            Folder f = m.folder(folder);
            return f == null ? m.freeName(folder) : f.onServer && !m.holds(f, n);
        }

        @Override
        public Outcome run(World w) throws Exception {
            w.server().appendRaw(folder, MailboxModel.content(n), words(flags));
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            Folder f = m.folder(folder);
            if (f == null) {
                f = m.newFolder(folder);
                f.onServer = true;
                f.touchedThere = true;
            }
            m.add(f, n, words(flags), NONE, true).touchedThere = true;
        }

        @Override
        public String toString() {
            return "serverAppend(" + q(folder) + ", " + n + ", " + q(flags) + ")";
        }
    }

    /** CREATE of an empty folder. */
    record ServerCreateFolder(String name) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            return m.freeName(name);
        }

        @Override
        public Outcome run(World w) throws Exception {
            w.server().createFolder(name);
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            Folder f = m.newFolder(name);
            f.onServer = true;
            f.touchedThere = true;
        }

        @Override
        public String toString() {
            return "serverCreateFolder(" + q(name) + ")";
        }
    }

    /** RENAME of a folder nothing was done to locally since the last completed sync. */
    record ServerRename(String from, String to) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            return m.renames && m.mayRecreateThere(m.folder(from)) && m.freeName(to)
                    && removableThere(m.folder(from))
                    && m.mayLoseThere(m.folder(from),
                            (int) m.folder(from).messages.keySet().stream().filter(n -> !MailboxModel.hasMessageId(n)).count());
        }

        @Override
        public Outcome run(World w) throws Exception {
            w.server().renameFolder(from, to);
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            Folder old = m.folders.remove(from);
            m.namesInFlux.add(from);
            Folder f = m.newFolder(to);
            f.onServer = true;
            f.touchedThere = true;
            for (Message msg : old.messages.values()) {
                m.add(f, msg.n, msg.flags, NONE, true).touchedThere = true;
            }
        }

        @Override
        public String toString() {
            return "serverRename(" + q(from) + ", " + q(to) + ")";
        }
    }

    /**
     * DELETE and CREATE of a folder, its messages appended again with their flags: same messages, new UIDs
     * under a new UIDVALIDITY.
     */
    record ServerRecreate(String folder) implements ModelOp {
        @Override
        public boolean allowedBy(MailboxModel m) {
            Folder f = m.folder(folder);
            // The recovery keeps files it cannot match as local-only files (so they are uploaded again): no
            // message leaves the folder on the server in the same sync interval.
            return m.recreates && m.mayRecreateThere(f) && f.messages.values().stream().allMatch(msg -> msg.onServer)
                    && f.leaving.isEmpty();
        }

        @Override
        public Outcome run(World w) throws Exception {
            ServerClient server = w.server();
            List<ServerClient.Stored> messages = server.messages(folder);
            long before = server.uidValidity(folder);
            for (int attempt = 0; ; attempt++) {
                server.deleteFolder(folder);
                if (attempt > 0) {
                    Thread.sleep(1100); // servers that derive UIDVALIDITY from the clock need a new second
                }
                server.createFolder(folder);
                if (server.uidValidity(folder) != before) {
                    break;
                }
                if (attempt == 3) {
                    throw new IllegalStateException("the server keeps UIDVALIDITY " + before + " for a recreated " + folder);
                }
            }
            for (ServerClient.Stored s : messages) {
                server.appendRaw(folder, s.bytes(), s.flags());
            }
            return Outcome.CHANGED;
        }

        @Override
        public void applyTo(MailboxModel m) {
            Folder f = m.folder(folder);
            f.touchedThere = true;
            f.recreatedThere = true;
            m.namesInFlux.add(folder);
            for (Message msg : f.messages.values()) {
                msg.touchedThere = true;
            }
        }

        @Override
        public String toString() {
            return "serverRecreate(" + q(folder) + ")";
        }
    }
}
