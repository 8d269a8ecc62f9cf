package dev.mailkit.imap;

import static dev.mailkit.imap.ModelOp.crashAfterEvents;
import static dev.mailkit.imap.ModelOp.crashAtMessage;
import static dev.mailkit.imap.ModelOp.cutAfterBytes;
import static dev.mailkit.imap.ModelOp.localAppend;
import static dev.mailkit.imap.ModelOp.localCopy;
import static dev.mailkit.imap.ModelOp.localCreateFolder;
import static dev.mailkit.imap.ModelOp.localDelete;
import static dev.mailkit.imap.ModelOp.localFlags;
import static dev.mailkit.imap.ModelOp.localKeywords;
import static dev.mailkit.imap.ModelOp.localMove;
import static dev.mailkit.imap.ModelOp.restart;
import static dev.mailkit.imap.ModelOp.maildirCopyDelete;
import static dev.mailkit.imap.ModelOp.maildirFlags;
import static dev.mailkit.imap.ModelOp.maildirMove;
import static dev.mailkit.imap.ModelOp.maildirNew;
import static dev.mailkit.imap.ModelOp.maildirNewFolder;
import static dev.mailkit.imap.ModelOp.maildirUnlink;
import static dev.mailkit.imap.ModelOp.serverAppend;
import static dev.mailkit.imap.ModelOp.serverCopy;
import static dev.mailkit.imap.ModelOp.serverCreateFolder;
import static dev.mailkit.imap.ModelOp.serverExpunge;
import static dev.mailkit.imap.ModelOp.serverFlags;
import static dev.mailkit.imap.ModelOp.serverMove;
import static dev.mailkit.imap.ModelOp.serverRecreate;
import static dev.mailkit.imap.ModelOp.serverRename;
import static dev.mailkit.imap.ModelOp.sync;

import dev.mailkit.core.testing.FaultProxy;
import dev.mailkit.imap.MailboxModel.Folder;
import dev.mailkit.imap.MailboxModel.Message;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * Draws random steps that the model allows now: each kind of step is drawn with a fixed weight, its
 * arguments from what the model holds; a draw the model refuses is drawn again, and a sync is the fallback.
 * Kinds can be left out by name ({@code -Dmailkit.model.without=serverRecreate,maildirCopyDelete}).
 */
final class ModelOpGenerator {

    /** Folder names the steps create (besides those the account starts with). */
    static final List<String> NEW_FOLDER_NAMES = List.of("Archive", "Work", "Lists", "Projects", "Receipts", "Later",
            "Отчёты");
    private static final List<String> SERVER_FLAGS = List.of("\\Seen", "\\Answered", "\\Flagged", "\\Draft",
            "$Forwarded", "project-x");
    private static final List<String> KEYWORDS = List.of("$Forwarded", "project-x");
    private static final String LETTERS = "SRFD";

    private final Map<String, BiFunction<MailboxModel, Random, ModelOp>> kinds = new LinkedHashMap<>();
    private final List<String> weighted = new ArrayList<>();

    ModelOpGenerator(Set<String> without) {
        kind("sync", 12, (m, r) -> sync());
        kind("restart", 1, (m, r) -> restart());
        kind("crashAfterEvents", 3, (m, r) -> crashAfterEvents(1 + r.nextInt(10)));
        kind("crashAtMessage", 1, (m, r) -> crashAtMessage(1 + r.nextInt(3)));
        kind("cutAfterBytes", 2, (m, r) -> cutAfterBytes(r.nextBoolean() ? FaultProxy.Direction.TO_CLIENT
                : FaultProxy.Direction.TO_SERVER, r.nextInt(4) == 0 ? r.nextInt(40_000) : r.nextInt(3_000)));

        kind("serverAppend", 10, (m, r) -> {
            String folder = r.nextInt(8) == 0 ? pick(r, NEW_FOLDER_NAMES) : pickFolder(m, r, f -> f.onServer);
            return folder == null ? null : serverAppend(folder, number(m, r, folder), flagsOf(r, SERVER_FLAGS));
        });
        kind("serverFlags", 10, (m, r) -> {
            Message msg = pickMessage(m, r, m::mayTouchThere, f -> true);
            return msg == null ? null : serverFlags(folderOf(m, msg), msg.n, delta(r, SERVER_FLAGS, msg.flags, ""));
        });
        kind("serverMove", 4, (m, r) -> {
            Message msg = pickMessage(m, r, m::mayTouchThere, f -> true);
            String to = pickFolder(m, r, f -> f.onServer);
            return msg == null || to == null ? null : serverMove(folderOf(m, msg), msg.n, to);
        });
        kind("serverCopy", 3, (m, r) -> {
            Message msg = pickMessage(m, r, m::mayTouchThere, f -> true);
            String to = pickFolder(m, r, f -> f.onServer);
            return msg == null || to == null ? null : serverCopy(folderOf(m, msg), msg.n, to);
        });
        kind("serverExpunge", 3, (m, r) -> {
            Message msg = pickMessage(m, r, m::mayTouchThere, f -> true);
            return msg == null ? null : serverExpunge(folderOf(m, msg), msg.n);
        });
        kind("serverCreateFolder", 1, (m, r) -> serverCreateFolder(pick(r, NEW_FOLDER_NAMES)));
        kind("serverRename", 1, (m, r) -> {
            String from = pickFolder(m, r, m::mayRecreateThere);
            return from == null ? null : serverRename(from, pick(r, NEW_FOLDER_NAMES));
        });
        kind("serverRecreate", 1, (m, r) -> {
            String f = pickFolder(m, r, m::mayRecreateThere);
            return f == null ? null : serverRecreate(f);
        });

        kind("localFlags", 6, (m, r) -> {
            Message msg = pickMessage(m, r, x -> x.here == MailboxModel.Here.MIRRORED, f -> f.mirrored);
            return msg == null ? null : localFlags(folderOf(m, msg), msg.n,
                    delta(r, List.of("\\Seen", "\\Flagged"), msg.flags, ""));
        });
        kind("localKeywords", 3, (m, r) -> {
            Message msg = pickMessage(m, r, x -> x.here == MailboxModel.Here.MIRRORED, f -> f.mirrored);
            return msg == null ? null : localKeywords(folderOf(m, msg), msg.n, flagsOf(r, KEYWORDS));
        });
        kind("localDelete", 3, (m, r) -> {
            Message msg = pickMessage(m, r, x -> x.here == MailboxModel.Here.MIRRORED, f -> f.mirrored);
            return msg == null ? null : localDelete(folderOf(m, msg), msg.n);
        });
        kind("localMove", 4, (m, r) -> {
            Message msg = pickMessage(m, r, x -> x.here == MailboxModel.Here.MIRRORED, f -> f.mirrored);
            String to = pickFolder(m, r, f -> f.here);
            return msg == null || to == null ? null : localMove(folderOf(m, msg), msg.n, to);
        });
        kind("localCopy", 2, (m, r) -> {
            Message msg = pickMessage(m, r, x -> x.here == MailboxModel.Here.MIRRORED, f -> f.mirrored);
            String to = pickFolder(m, r, f -> f.here);
            return msg == null || to == null ? null : localCopy(folderOf(m, msg), msg.n, to);
        });
        kind("localAppend", 3, (m, r) -> {
            String folder = pickFolder(m, r, f -> f.mirrored);
            return folder == null ? null : localAppend(folder, number(m, r, folder),
                    flagsOf(r, List.of("\\Seen", "\\Flagged", "\\Answered", "\\Draft")));
        });
        kind("localCreateFolder", 1, (m, r) -> localCreateFolder(pick(r, NEW_FOLDER_NAMES)));

        kind("maildirFlags", 6, (m, r) -> {
            Message msg = pickMessage(m, r, x -> x.here != MailboxModel.Here.NONE, f -> f.here);
            return msg == null ? null : maildirFlags(folderOf(m, msg), msg.n, letterDelta(r, msg.flags));
        });
        kind("maildirUnlink", 2, (m, r) -> {
            Message msg = pickMessage(m, r, x -> x.here != MailboxModel.Here.NONE, f -> f.here);
            return msg == null ? null : maildirUnlink(folderOf(m, msg), msg.n);
        });
        kind("maildirMove", 3, (m, r) -> {
            Message msg = pickMessage(m, r, x -> x.here == MailboxModel.Here.MIRRORED, f -> f.here);
            String to = pickFolder(m, r, f -> f.here);
            return msg == null || to == null ? null : maildirMove(folderOf(m, msg), msg.n, to);
        });
        kind("maildirCopyDelete", 1, (m, r) -> {
            Message msg = pickMessage(m, r, x -> x.here == MailboxModel.Here.MIRRORED, f -> f.here);
            String to = pickFolder(m, r, f -> f.here);
            return msg == null || to == null ? null : maildirCopyDelete(folderOf(m, msg), msg.n, to);
        });
        kind("maildirNew", 3, (m, r) -> {
            String folder = pickFolder(m, r, f -> f.here);
            return folder == null ? null : maildirNew(folder, number(m, r, folder), r.nextBoolean());
        });
        kind("maildirNewFolder", 1, (m, r) -> {
            StringBuilder letters = new StringBuilder();
            for (char c : "DFRS".toCharArray()) {
                if (r.nextInt(3) == 0) {
                    letters.append(c);
                }
            }
            return maildirNewFolder(pick(r, NEW_FOLDER_NAMES), m.lastNumber + 1, r.nextBoolean(), letters.toString());
        });

        for (String name : without) {
            if (kinds.remove(name) == null) {
                throw new IllegalArgumentException("no step kind " + name + "; kinds: " + kinds.keySet());
            }
        }
        kinds.keySet().forEach(name -> weighted.addAll(Collections.nCopies(weights.get(name), name)));
    }

    private final Map<String, Integer> weights = new LinkedHashMap<>();

    private void kind(String name, int weight, BiFunction<MailboxModel, Random, ModelOp> draw) {
        kinds.put(name, draw);
        weights.put(name, weight);
    }

    /** A step the model allows now. */
    ModelOp next(MailboxModel m, Random r) {
        for (int attempt = 0; attempt < 30; attempt++) {
            ModelOp op = kinds.get(weighted.get(r.nextInt(weighted.size()))).apply(m, r);
            if (op != null && op.allowedBy(m)) {
                return op;
            }
        }
        return sync();
    }

    private static <T> T pick(Random r, List<T> list) {
        return list.isEmpty() ? null : list.get(r.nextInt(list.size()));
    }

    private static String pickFolder(MailboxModel m, Random r, java.util.function.Predicate<Folder> which) {
        return pick(r, m.folders.values().stream().filter(which).map(f -> f.name).toList());
    }

    private static Message pickMessage(MailboxModel m, Random r, java.util.function.Predicate<Message> which,
                                       java.util.function.Predicate<Folder> in) {
        List<Message> all = new ArrayList<>();
        for (Folder f : m.folders.values()) {
            if (in.test(f)) {
                f.messages.values().stream().filter(which).forEach(all::add);
            }
        }
        return pick(r, all);
    }

    private static String folderOf(MailboxModel m, Message msg) {
        for (Folder f : m.folders.values()) {
            if (f.messages.get(msg.n) == msg) {
                return f.name;
            }
        }
        throw new IllegalStateException("message " + msg + " is in no folder");
    }

    /** A new message number, or now and then one another folder holds (the same bytes in a second folder). */
    private static int number(MailboxModel m, Random r, String folder) {
        if (r.nextInt(4) == 0) {
            List<Integer> elsewhere = new ArrayList<>();
            for (Folder f : m.folders.values()) {
                if (!f.name.equals(folder)) {
                    elsewhere.addAll(f.messages.keySet());
                }
            }
            Folder target = m.folder(folder);
            elsewhere.removeIf(n -> target != null && m.holds(target, n));
            if (!elsewhere.isEmpty()) {
                return pick(r, elsewhere);
            }
        }
        return m.lastNumber + 1;
    }

    /** None to all of the names, space-separated. */
    private static String flagsOf(Random r, List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (r.nextInt(3) == 0) {
                out.add(n);
            }
        }
        return String.join(" ", out);
    }

    /** One to three of the names, each set when the message lacks it and cleared when it has it. */
    private static String delta(Random r, List<String> names, Set<String> now, String prefix) {
        List<String> shuffled = new ArrayList<>(names);
        Collections.shuffle(shuffled, r);
        int count = 1 + r.nextInt(Math.min(3, names.size()));
        List<String> out = new ArrayList<>();
        for (String n : shuffled.subList(0, count)) {
            out.add((now.contains(n) ? "-" : "+") + prefix + n);
        }
        return String.join(" ", out);
    }

    /** Two (mostly) or one Maildir letters changed: "+R -S" is the S to R of a reply to a read message. */
    private static String letterDelta(Random r, Set<String> now) {
        List<Character> letters = new ArrayList<>();
        for (char c : LETTERS.toCharArray()) {
            letters.add(c);
        }
        Collections.shuffle(letters, r);
        int count = r.nextInt(5) < 3 ? 2 : 1 + 2 * r.nextInt(2);
        List<String> out = new ArrayList<>();
        for (char c : letters.subList(0, count)) {
            out.add((now.contains(ModelOp.flagOfLetter(c)) ? "-" : "+") + c);
        }
        return String.join(" ", new TreeSet<>(out));
    }
}
