package dev.mailkit.imap.internal.engine;

import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.internal.angus.RawFlags;
import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.ResyncData;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.MailboxInfo;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.Status;
import org.eclipse.angus.mail.imap.protocol.UID;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The IMAP commands the engine issues, on the store's single connection: whole UID ranges per command
 * (never one round trip per message), {@code BODY.PEEK} only (never marks mail read).
 */
final class ImapCommands {

    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^message-id:\\s*(<[^>\\s]*>|\\S+)");

    /** A protocol action. */
    interface Action<T> {
        T run(IMAPProtocol p) throws ProtocolException;
    }

    private final IMAPFolder root;

    ImapCommands(IMAPStore store) throws MessagingException {
        this.root = (IMAPFolder) store.getDefaultFolder();
    }

    @SuppressWarnings("unchecked")
    <T> T run(Action<T> action) throws MessagingException {
        return (T) root.doCommand(p -> action.run(p));
    }

    /**
     * The mailbox each connection may have selected, recorded before the SELECT/EXAMINE is sent (a failed
     * one leaves the name here: "may be selected" errs on the side of the normal path).
     */
    private static final Map<IMAPProtocol, String> SELECTED = Collections.synchronizedMap(new WeakHashMap<>());

    /** SELECT (read-write), recorded. */
    static MailboxInfo select(IMAPProtocol p, String name) throws ProtocolException {
        SELECTED.put(p, name);
        return p.select(name);
    }

    /** EXAMINE (read-only), with QRESYNC/CONDSTORE data or null, recorded. */
    static MailboxInfo examine(IMAPProtocol p, String name, ResyncData resync) throws ProtocolException {
        SELECTED.put(p, name);
        return resync == null ? p.examine(name) : p.examine(name, resync);
    }

    /** Whether {@code name} may be the selected mailbox of this connection (STATUS should not be used on it). */
    static boolean mayBeSelected(IMAPProtocol p, String name) {
        return name.equals(SELECTED.get(p));
    }

    /** Leaves the selected mailbox without expunging (UNSELECT, RFC 3691), where the server offers it. */
    static void unselect(IMAPProtocol p) throws ProtocolException {
        if (SELECTED.get(p) != null && p.hasCapability("UNSELECT")) {
            p.unselect();
            SELECTED.remove(p);
        }
    }

    /**
     * STATUS of a mailbox that is not selected: UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ, one round trip
     * and no work on the server's side proportional to the folder's size.
     */
    static Status status(IMAPProtocol p, String name) throws ProtocolException {
        return p.status(name, new String[] {"UIDVALIDITY", "UIDNEXT", "HIGHESTMODSEQ"});
    }

    static Response[] command(IMAPProtocol p, String command) throws ProtocolException {
        Response[] r = p.command(command, null);
        p.handleResult(r[r.length - 1]);
        return r;
    }

    /** UID FETCH of metadata: flags, date, size and the Message-ID header. */
    static TreeMap<Long, ServerMessage> metadata(IMAPProtocol p, String uidSet) throws ProtocolException {
        Response[] r = command(p, "UID FETCH " + uidSet
                + " (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])");
        TreeMap<Long, ServerMessage> out = new TreeMap<>();
        for (Response resp : r) {
            if (resp instanceof FetchResponse f) {
                UID uid = f.getItem(UID.class);
                FLAGS flags = f.getItem(FLAGS.class);
                INTERNALDATE date = f.getItem(INTERNALDATE.class);
                RFC822SIZE size = f.getItem(RFC822SIZE.class);
                BODY header = f.getItem(BODY.class);
                if (uid == null || size == null) {
                    continue; // an unsolicited FETCH (a flag change by another client) without our items
                }
                out.put(uid.uid, new ServerMessage(uid.uid, flags == null ? MessageFlags.NONE : flags(f, flags),
                        date == null || date.getDate() == null ? Instant.EPOCH : date.getDate().toInstant(),
                        size.size, header == null ? "" : messageId(header.getByteArray())));
            }
        }
        return out;
    }

    /** UID FETCH of flags only, optionally CHANGEDSINCE a mod-sequence. */
    static TreeMap<Long, MessageFlags> flags(IMAPProtocol p, String uidSet, long changedSince) throws ProtocolException {
        Response[] r = command(p, "UID FETCH " + uidSet + " (UID FLAGS)"
                + (changedSince > 0 ? " (CHANGEDSINCE " + changedSince + ")" : ""));
        TreeMap<Long, MessageFlags> out = new TreeMap<>();
        for (Response resp : r) {
            if (resp instanceof FetchResponse f) {
                UID uid = f.getItem(UID.class);
                FLAGS flags = f.getItem(FLAGS.class);
                if (uid != null && flags != null) {
                    out.put(uid.uid, flags(f, flags));
                }
            }
        }
        return out;
    }

    /** UID SEARCH over a UID range: the UIDs that still exist. */
    static TreeSet<Long> existingUids(IMAPProtocol p, String uidSet) throws ProtocolException {
        Response[] r = command(p, "UID SEARCH UID " + uidSet);
        TreeSet<Long> out = new TreeSet<>();
        for (Response resp : r) {
            String line = resp.toString();
            if (line.startsWith("* SEARCH")) {
                for (String n : line.substring("* SEARCH".length()).trim().split("\\s+")) {
                    if (!n.isEmpty()) {
                        out.add(Long.parseLong(n));
                    }
                }
            }
        }
        return out;
    }

    /** Receives the bytes of fetched bodies. */
    interface BodySink {
        void accept(long uid, ByteArray bytes) throws IOException;
    }

    /** UID FETCH of a body section ({@code ""}: the whole message) for a set of UIDs, in one command. */
    static void bodies(IMAPProtocol p, String uidSet, String section, BodySink sink) throws ProtocolException, IOException {
        Response[] r = command(p, "UID FETCH " + uidSet + " (UID BODY.PEEK[" + section + "])");
        for (int i = 0; i < r.length; i++) {
            if (r[i] instanceof FetchResponse f) {
                UID uid = f.getItem(UID.class);
                BODY body = f.getItem(BODY.class);
                r[i] = null; // let the bytes go as soon as they are written
                if (uid != null && body != null && body.getByteArray() != null) {
                    sink.accept(uid.uid, body.getByteArray());
                }
            }
        }
    }

    /**
     * The most a body may grow to when its server announced {@code announced} bytes: twice that and one
     * more part (some servers only estimate RFC822.SIZE), so a server that keeps sending cannot fill the disk.
     */
    static long bodyLimit(long announced, int block) {
        return 2 * Math.max(0, announced) + 2L * block;
    }

    /**
     * Streams one large body to {@code out} in partial fetches of {@code block} bytes; returns the byte count.
     *
     * @param announced the size the server announced (RFC822.SIZE); at most {@link #bodyLimit} bytes are taken
     * @throws BodyTooLargeException when the server keeps sending past that bound
     */
    static long bodyInParts(IMAPProtocol p, long uid, int block, OutputStream out, long announced)
            throws ProtocolException, IOException {
        long limit = bodyLimit(announced, block);
        long offset = 0;
        while (true) {
            if (offset >= limit) {
                throw new BodyTooLargeException(uid, announced, offset);
            }
            Response[] r = command(p, "UID FETCH " + uid + " (BODY.PEEK[]<" + offset + "." + block + ">)");
            int got = -1;
            for (Response resp : r) {
                if (got < 0 && resp instanceof FetchResponse f && f.getItem(BODY.class) != null
                        && f.getItem(BODY.class).getByteArray() != null && isUid(f, uid)) {
                    ByteArray b = f.getItem(BODY.class).getByteArray();
                    got = b.getCount();
                    if (got > 0) {
                        out.write(b.getBytes(), b.getStart(), b.getCount());
                    }
                }
            }
            if (got < 0) {
                throw new NoBodyException(uid);
            }
            offset += got;
            if (got < block) {
                return offset;
            }
        }
    }

    /** Whether a FETCH response is about {@code uid} (one without a UID item is taken to be, as Angus does). */
    private static boolean isUid(FetchResponse f, long uid) {
        UID u = f.getItem(UID.class);
        return u == null || u.uid == uid;
    }

    /** The server kept sending a body far past the size it announced. */
    static final class BodyTooLargeException extends ProtocolException {
        private static final long serialVersionUID = 1L;

        BodyTooLargeException(long uid, long announced, long sent) {
            super("the server sent more than " + sent + " bytes for UID " + uid + ", which it announced as " + announced
                    + " bytes (RFC822.SIZE); not stored");
        }
    }

    /** The server answered a body FETCH with OK but sent no body (left out, or NIL). */
    static final class NoBodyException extends ProtocolException {
        private static final long serialVersionUID = 1L;

        NoBodyException(long uid) {
            super("the server returned no body for UID " + uid);
        }
    }

    /** The UID sets of {@code * VANISHED [(EARLIER)] set} responses, as ranges (never expanded). */
    static List<UidSets.Ranges> vanished(List<? extends Response> responses) throws ProtocolException {
        List<UidSets.Ranges> out = new ArrayList<>();
        for (Response r : responses) {
            String line = r.toString().trim();
            if (!line.startsWith("*")) {
                continue;
            }
            String rest = line.substring(1).trim();
            if (!rest.toUpperCase(java.util.Locale.ROOT).startsWith("VANISHED")) {
                continue;
            }
            rest = rest.substring("VANISHED".length()).trim();
            if (rest.toUpperCase(java.util.Locale.ROOT).startsWith("(EARLIER)")) {
                rest = rest.substring("(EARLIER)".length()).trim();
            }
            try {
                out.add(UidSets.parse(rest));
            } catch (IllegalArgumentException e) {
                throw new ProtocolException("the server sent a malformed VANISHED response: " + e.getMessage());
            }
        }
        return out;
    }

    /** FETCH responses among the SELECT responses (QRESYNC): UID → flags. */
    static Map<Long, MessageFlags> fetchedFlags(List<? extends Response> responses) {
        Map<Long, MessageFlags> out = new TreeMap<>();
        for (Response r : responses) {
            if (r instanceof FetchResponse f) {
                UID uid = f.getItem(UID.class);
                FLAGS flags = f.getItem(FLAGS.class);
                if (uid != null && flags != null) {
                    out.put(uid.uid, flags(f, flags));
                }
            }
        }
        return out;
    }

    /** A FETCH response's flags, read from its bytes (see {@link RawFlags}), else as Angus parsed them. */
    static MessageFlags flags(FetchResponse response, Flags parsed) {
        MessageFlags raw = RawFlags.of(response);
        return raw != null ? raw : flags(parsed);
    }

    static MessageFlags flags(Flags f) {
        TreeSet<String> keywords = new TreeSet<>(List.of(f.getUserFlags()));
        return new MessageFlags(f.contains(Flags.Flag.SEEN), f.contains(Flags.Flag.ANSWERED),
                f.contains(Flags.Flag.FLAGGED), f.contains(Flags.Flag.DRAFT), f.contains(Flags.Flag.DELETED), keywords);
    }

    static String messageId(ByteArray header) {
        if (header == null) {
            return "";
        }
        String text = new String(header.getBytes(), header.getStart(), header.getCount(), StandardCharsets.ISO_8859_1)
                .replaceAll("\r?\n[ \t]+", " ");
        Matcher m = MESSAGE_ID.matcher(text);
        return m.find() ? m.group(1) : "";
    }
}
