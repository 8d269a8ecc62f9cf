package dev.mailkit.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference model of a mirrored account, for {@link ModelSyncScenarios}: per folder, the messages
 * both sides must end with, each a numbered message (its bytes are {@link #content(int)}) with its flags,
 * plus what each side holds now and what each side touched since the last completed sync (which
 * {@link ModelOp}s consult so that no change is made on one side to what the other side changed).
 *
 * <p>A message is named by its number {@code n}, which its body carries as {@code [[#n]]}; a folder holds
 * a number at most once, but the same number (the same bytes) may be in several folders.
 */
final class MailboxModel {

    /** What the local side holds of a message, in the folder the model puts it in. */
    enum Here {
        /** Nothing yet: the message is new on the server, or moved there on the server. */
        NONE,
        /** A file not yet on the server (written by a Maildir client, appended, or copied here): no UID yet. */
        NEW_FILE,
        /** A file moved here locally, not yet moved on the server: no UID here yet. */
        MOVED_FILE,
        /** A mirrored file: the state knows its UID. */
        MIRRORED
    }

    /** One message in one folder. */
    static final class Message {
        final int n;
        /** The flags both sides must end with: IMAP names such as {@code \Seen} and keywords. */
        final TreeSet<String> flags = new TreeSet<>();
        Here here;
        boolean onServer;
        /** Flags changed locally / on the server since the last completed sync. */
        final Set<String> flagsChangedHere = new TreeSet<>();
        final Set<String> flagsChangedThere = new TreeSet<>();
        /** Created, moved, copied or deleted locally / on the server since the last completed sync. */
        boolean touchedHere;
        boolean touchedThere;
        /** Folders the server moved this message out of since the last completed sync. */
        final Set<String> leftThere = new TreeSet<>();
        /** How many syncs had started when the message was made here or there. */
        int madeAfterSyncs;

        Message(int n, Collection<String> flags, Here here, boolean onServer) {
            this.n = n;
            this.flags.addAll(flags);
            this.here = here;
            this.onServer = onServer;
        }

        @Override
        public String toString() {
            return describe(n, flags);
        }
    }

    /** One folder. */
    static final class Folder {
        final String name;
        boolean onServer;
        /** The local directory exists. */
        boolean here;
        /** The sync state knows the folder, so the local API can use it. */
        boolean mirrored;
        /** Made locally with {@code sync.local().createFolder}, not yet synced. */
        boolean createdByApi;
        /** Something was done in or to this folder locally / to the folder itself on the server since the last completed sync. */
        boolean touchedHere;
        boolean touchedThere;
        /** The server deleted and recreated the folder since the last completed sync. */
        boolean recreatedThere;
        /** Local deletions (not moves to the Trash) since the last completed sync, for the mass-deletion guard. */
        int deletionsHere;
        /**
         * Messages that left the folder on the server since the last completed sync and that a sync cannot find in
         * another folder (expunged, or without Message-ID), for the server-side mass-deletion guard.
         */
        int lossesThere;
        final TreeMap<Integer, Message> messages = new TreeMap<>();
        /** Numbers that left the folder on one side since the last completed sync: the other side may still hold them. */
        final Set<Integer> leaving = new TreeSet<>();

        Folder(String name) {
            this.name = name;
        }
    }

    final TreeMap<String, Folder> folders = new TreeMap<>();
    /** The server's Trash, where local deletions go, or null when deletions are expunged. */
    final String trash;
    /** Folders never renamed or recreated (INBOX, special-use folders). */
    final Set<String> fixed;
    /** Folder names created, renamed or recreated since the last completed sync: not used again before it. */
    final Set<String> namesInFlux = new HashSet<>();
    /** Whether the server side may rename folders, and delete and recreate them (a new UIDVALIDITY). */
    final boolean renames;
    final boolean recreates;
    /** The highest message number made so far. */
    int lastNumber;
    /** A sync was interrupted since the last completed sync. */
    boolean interrupted;
    /** Syncs started so far, completed or not. */
    int syncsStarted;
    /** Numbers of messages a Maildir client deleted, and added here as new files, since the last completed sync. */
    final Set<Integer> deletedByMaildirClient = new TreeSet<>();
    final Set<Integer> addedHere = new TreeSet<>();

    /**
     * Cases the engine does not handle that the steps can steer clear of, to look past them
     * ({@code -Dmailkit.model.avoid}): {@code copyDeleteWithoutMessageId}: no Maildir client move made as copy
     * and unlink of a message without Message-ID (documented as not handled; avoided by default);
     * {@code noMessageIdAcrossInterruption}: no interrupted sync while a message without Message-ID waits to be
     * uploaded or moved, and no such upload or move after an interrupted sync in the same sync interval;
     * {@code emptyNewFolder}: no Maildir client unlink of the last message of a folder it made, before the folder
     * was synced; {@code flagsAfterInterruption}: after an interrupted sync, no further local flag change of a
     * message whose flags were changed here earlier in the same sync interval, or that was moved here and not yet
     * pushed; {@code maildirMoveAfterInterruption}:
     * after an interrupted sync, no Maildir client move (its file keeps a UID label an unrecorded download may
     * also carry) in the same sync interval.
     */
    static final Set<String> AVOIDABLE = Set.of("copyDeleteWithoutMessageId", "noMessageIdAcrossInterruption",
            "emptyNewFolder", "flagsAfterInterruption", "maildirMoveAfterInterruption");
    final Set<String> avoid = new TreeSet<>();

    boolean avoids(String bug) {
        return avoid.contains(bug);
    }

    MailboxModel(Collection<String> initialFolders, String trash, boolean renames, boolean recreates) {
        this.trash = trash;
        this.renames = renames;
        this.recreates = recreates;
        this.fixed = Set.copyOf(initialFolders);
        for (String name : initialFolders) {
            Folder f = new Folder(name);
            f.onServer = true;
            folders.put(name, f);
        }
    }

    Folder folder(String name) {
        return folders.get(name);
    }

    Message message(String folder, int n) {
        Folder f = folders.get(folder);
        return f == null ? null : f.messages.get(n);
    }

    /** A completed sync: both sides hold every message of the model, and nothing is pending. */
    void syncCompleted() {
        for (Folder f : folders.values()) {
            f.onServer = true;
            f.here = true;
            f.mirrored = true;
            f.createdByApi = false;
            f.touchedHere = false;
            f.touchedThere = false;
            f.recreatedThere = false;
            f.deletionsHere = 0;
            f.lossesThere = 0;
            f.leaving.clear();
            for (Message m : f.messages.values()) {
                m.here = Here.MIRRORED;
                m.onServer = true;
                m.flagsChangedHere.clear();
                m.flagsChangedThere.clear();
                m.touchedHere = false;
                m.touchedThere = false;
                m.leftThere.clear();
            }
        }
        namesInFlux.clear();
        interrupted = false;
        deletedByMaildirClient.clear();
        addedHere.clear();
    }

    // ---- What each side may do without making a conflict ----

    /** The local side may act in this folder (its directory exists and the server did not rename or recreate it). */
    boolean usableHere(Folder f) {
        return f != null && f.here && !f.touchedThere;
    }

    /** The local side may change these flags of the message (they were not changed on the server). */
    boolean mayChangeFlagsHere(Folder f, Message m, Set<String> flags) {
        return usableHere(f) && m != null && m.here != Here.NONE && !m.touchedThere
                && Collections.disjoint(flags, m.flagsChangedThere)
                && !(avoids("flagsAfterInterruption") && interrupted
                        && (!m.flagsChangedHere.isEmpty() || m.here == Here.MOVED_FILE));
    }

    /** The local side may move, copy or delete the message (the server did not touch it). */
    boolean mayTouchHere(Folder f, Message m) {
        return usableHere(f) && m != null && m.here != Here.NONE && !m.touchedThere && m.flagsChangedThere.isEmpty();
    }

    /** The server side may change these flags of the message (they were not changed locally). */
    boolean mayChangeFlagsThere(Message m, Set<String> flags) {
        return m != null && m.onServer && !m.touchedHere && Collections.disjoint(flags, m.flagsChangedHere);
    }

    /** The server side may move, copy or expunge the message (the local side did not touch it). */
    boolean mayTouchThere(Message m) {
        return m != null && m.onServer && !m.touchedHere && m.flagsChangedHere.isEmpty();
    }

    /** The server may rename or recreate the folder: nothing was done to or in it locally. */
    boolean mayRecreateThere(Folder f) {
        return f != null && f.onServer && !fixed.contains(f.name) && !f.touchedHere;
    }

    /** A name no folder has and none had since the last completed sync. */
    boolean freeName(String name) {
        return !folders.containsKey(name) && !namesInFlux.contains(name) && !name.equalsIgnoreCase("INBOX");
    }

    /**
     * A Maildir client's deletion of message {@code n} and a new local file with the same bytes elsewhere, in one
     * sync interval, look exactly like a move made as copy and unlink, which the engine takes them for: the
     * steps make one or the other, never both.
     */
    boolean addsAndDeletesApart(int n, boolean deleting) {
        return deleting ? !addedHere.contains(n) : !deletedByMaildirClient.contains(n);
    }

    /** {@code more} messages leaving the folder on the server, not to be found elsewhere, would not trip the server-side guard. */
    boolean mayLoseThere(Folder f, int more) {
        return f.lossesThere + more <= 1;
    }

    /** A local deletion (not a move to the Trash) in this folder would not trip the mass-deletion guard. */
    boolean mayDeleteHere(Folder f) {
        return f.deletionsHere < 1;
    }

    /** Whether the folder holds message {@code n} on either side, or may still hold it on one. */
    boolean holds(Folder f, int n) {
        return f.messages.containsKey(n) || f.leaving.contains(n);
    }

    /** Takes a message out of a folder (the other side may still hold it until the next completed sync). */
    Message remove(Folder f, int n) {
        f.leaving.add(n);
        return f.messages.remove(n);
    }

    /** Adds a message as a new local file (not on the server yet). */
    Message addNewHere(Folder f, int n, Collection<String> flags) {
        addedHere.add(n);
        Message m = add(f, n, flags, Here.NEW_FILE, false);
        m.touchedHere = true;
        return m;
    }

    /** Adds a message moved here locally: it keeps its flags and the flags changed here. */
    Message addMoved(Folder to, Message moved, Here here) {
        Message m = add(to, moved.n, moved.flags, here, false);
        m.flagsChangedHere.addAll(moved.flagsChangedHere);
        m.touchedHere = true;
        return m;
    }

    // ---- Changes ----

    Folder newFolder(String name) {
        Folder f = new Folder(name);
        folders.put(name, f);
        namesInFlux.add(name);
        return f;
    }

    Message add(Folder f, int n, Collection<String> flags, Here here, boolean onServer) {
        Message m = new Message(n, flags, here, onServer);
        m.madeAfterSyncs = syncsStarted;
        f.messages.put(n, m);
        lastNumber = Math.max(lastNumber, n);
        return m;
    }

    /** Applies a change of flags: {@code delta} holds names, each with a leading '+' or '-'. */
    static void applyFlags(Message m, Collection<String> delta) {
        for (String d : delta) {
            if (d.startsWith("+")) {
                m.flags.add(d.substring(1));
            } else {
                m.flags.remove(d.substring(1));
            }
        }
    }

    /** The flags named in a delta, without their '+' or '-'. */
    static Set<String> names(Collection<String> delta) {
        Set<String> out = new TreeSet<>();
        delta.forEach(d -> out.add(d.substring(1)));
        return out;
    }

    // ---- Messages ----

    private static final Pattern NUMBER = Pattern.compile("\\[\\[#(\\d+)]]");

    /** Whether message {@code n} has a Message-ID header: every third one has none. */
    static boolean hasMessageId(int n) {
        return n % 3 != 0;
    }

    /** The bytes of message {@code n}, with CRLF line ends as servers store them. */
    static byte[] content(int n) {
        StringBuilder b = new StringBuilder();
        b.append("From: sender").append(n).append("@example.com\r\n");
        b.append("To: alice@example.com\r\n");
        b.append("Subject: model message ").append(n).append("\r\n");
        if (hasMessageId(n)) {
            b.append("Message-ID: <model-").append(n).append("@example.com>\r\n");
        }
        b.append("Date: Mon, 2 Nov 2026 10:00:00 +0000\r\n");
        b.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n");
        b.append("Message [[#").append(n).append("]]\r\n");
        for (int i = 0; i < n % 5 * 20; i++) {
            b.append("line ").append(i).append(" of message ").append(n).append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The number of the message these bytes hold, or -1. */
    static int numberOf(byte[] bytes) {
        Matcher m = NUMBER.matcher(new String(bytes, StandardCharsets.ISO_8859_1));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Bytes with every line ending in CRLF (a Maildir client may have written LF). */
    static byte[] crlf(byte[] bytes) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(bytes.length + 64);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(bytes[i]);
        }
        return out.toByteArray();
    }

    /** Bytes with LF line ends, as some Maildir clients write them. */
    static byte[] lf(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    static String describe(int n, Collection<String> flags) {
        return "#" + n + (hasMessageId(n) ? "" : " (no Message-ID)") + " " + new TreeSet<>(flags);
    }

    /** One message as a side holds it, for comparison with the model: its number, whether its bytes are right, its flags. */
    record Seen(int n, boolean exactBytes, Set<String> flags, String where) {
        String key() {
            return n + (exactBytes ? "" : " (other bytes)") + " " + new TreeSet<>(flags);
        }

        @Override
        public String toString() {
            return describe(n, flags) + (exactBytes ? "" : " with bytes other than the model's") + " (" + where + ")";
        }
    }

    /** Reads bytes as a side holds them. */
    static Seen seen(byte[] bytes, Set<String> flags, String where) {
        int n = numberOf(bytes);
        boolean exact = n >= 0 && java.util.Arrays.equals(crlf(bytes), content(n));
        return new Seen(n, exact, flags, where);
    }

    /**
     * Differences between one side and the model.
     *
     * @param side    "server" or "local"
     * @param folders what the side holds, by folder
     * @return one line per difference, empty when the side equals the model
     */
    List<String> differences(String side, Map<String, List<Seen>> folders) {
        List<String> out = new ArrayList<>();
        Set<String> expectedNames = this.folders.keySet();
        for (String name : folders.keySet()) {
            if (!expectedNames.contains(name)) {
                out.add(side + ": folder '" + name + "' is not in the model; it holds " + folders.get(name));
            }
        }
        for (Folder f : this.folders.values()) {
            List<Seen> actual = folders.get(f.name);
            if (actual == null) {
                out.add(side + ": folder '" + f.name + "' is missing; the model has " + f.messages.values());
                continue;
            }
            List<Seen> left = new ArrayList<>(actual);
            List<Message> lacking = new ArrayList<>();
            for (Message m : f.messages.values()) {
                String key = new Seen(m.n, true, m.flags, "").key();
                Seen match = left.stream().filter(s -> s.key().equals(key)).findFirst().orElse(null);
                if (match == null) {
                    lacking.add(m);
                } else {
                    left.remove(match);
                }
            }
            for (Seen s : left) {
                Message instead = lacking.stream().filter(m -> m.n == s.n()).findFirst().orElse(null);
                if (instead != null) {
                    lacking.remove(instead);
                    out.add(side + ": '" + f.name + "' holds " + s + " where the model has " + instead);
                } else if (f.messages.containsKey(s.n())) {
                    out.add(side + ": '" + f.name + "' holds " + s + " once more than the model");
                } else {
                    out.add(side + ": '" + f.name + "' holds " + s + ", which the model does not have there");
                }
            }
            for (Message m : lacking) {
                out.add(side + ": '" + f.name + "' lacks " + m);
            }
        }
        return out;
    }
}
