package dev.mailkit.imap.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxDecoder;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;

/**
 * An in-process IMAP4rev1 server on loopback (plain text, one thread per connection) holding one
 * in-memory account, for tests of clients against servers that misbehave.
 *
 * <p>The account is a list of folders, each with its own hierarchy separator, UIDVALIDITY, UIDNEXT,
 * LIST attributes and messages (UID, flags, INTERNALDATE, raw bytes). With nothing scripted the server
 * answers as a plain RFC 3501 server with UIDPLUS (COPYUID, APPENDUID, UID EXPUNGE), MOVE, UNSELECT,
 * ENABLE, ID and LITERAL+: CAPABILITY, LOGIN, LOGOUT, NOOP, ENABLE, ID, LIST, LSUB, STATUS, SELECT,
 * EXAMINE, UNSELECT, CLOSE, EXPUNGE, FETCH, STORE, SEARCH, COPY, MOVE (each also as UID command),
 * APPEND (synchronizing and non-synchronizing literals), CREATE, DELETE, RENAME, SUBSCRIBE and
 * UNSUBSCRIBE. Sequence sets take ranges and {@code *}; FETCH answers UID, FLAGS, INTERNALDATE,
 * RFC822.SIZE, RFC822, RFC822.HEADER, RFC822.TEXT and BODY[]/BODY.PEEK[] of the whole message, HEADER,
 * TEXT, HEADER.FIELDS and HEADER.FIELDS.NOT, with partial {@code <origin.length>}; message bytes always
 * travel as literals of their exact byte count. IDLE is served when the capabilities list it. Not
 * offered: CONDSTORE, QRESYNC, AUTHENTICATE, ENVELOPE and BODYSTRUCTURE (answered BAD). Each connection keeps its own view of the selected folder
 * and learns of other connections' appends and expunges (EXISTS, EXPUNGE) at the end of its commands,
 * as RFC 3501 §7.4.1 allows.
 *
 * <p>Misbehaviour is scripted per command: {@link #onCommand(String, Script)} receives each command of
 * that name and the responses the server would send (the untagged ones, then the tagged completion, as
 * {@link Response}s) and returns what is sent instead: a FETCH left out, answered twice or for a UID not
 * asked for, a {@code BODY[] NIL}, a LIST without a folder, a SELECT without UIDVALIDITY, a lower UIDNEXT;
 * a {@link Response#streamed} response writes to the connection itself (literals of many MiB, a reply
 * trickled byte by byte or without end), and {@link #greeting(Streamer)} replaces the greeting.
 * Tests also change the account directly between syncs: {@link #append}, {@link #expunge},
 * {@link #setFlags}, {@link #renumber} (a new UIDVALIDITY, or the same one with lower UIDs),
 * {@link #showEmpty} (the folder answers as empty while its messages are kept).
 */
public final class HostileImapServer implements AutoCloseable {

    /** What the server offers unless told otherwise: no CONDSTORE or QRESYNC, so clients diff UIDs and flags. */
    public static final List<String> DEFAULT_CAPABILITIES =
            List.of("IMAP4rev1", "UIDPLUS", "MOVE", "UNSELECT", "ENABLE", "ID", "LITERAL+");

    private static final List<String> SYSTEM_FLAGS = List.of("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft");
    private static final DateTimeFormatter DATE_OUT = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH);
    private static final DateTimeFormatter DATE_IN = DateTimeFormatter.ofPattern("d-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH);
    private static final Pattern LITERAL_AT_END = Pattern.compile("\\{(\\d+)(\\+?)}$");
    private static final Pattern BODY_ITEM =
            Pattern.compile("(?i)(BODY(?:\\.PEEK)?)\\[([^\\]]*)](?:<(\\d+)\\.(\\d+)>)?");

    private final String user;
    private final String password;
    private volatile List<String> capabilities;
    /** Guards the account: every folder and message. */
    private final Object lock = new Object();
    private final Map<String, Mailbox> folders = new LinkedHashMap<>();
    private final Set<String> subscriptions = new LinkedHashSet<>();
    private long nextUidValidity = 1001;
    private final List<ScriptEntry> scripts = new CopyOnWriteArrayList<>();
    private final List<Command> commands = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final ServerSocket socket;

    /**
     * Starts a server with {@link #DEFAULT_CAPABILITIES} and an empty INBOX (separator '/').
     *
     * @param user     the only user
     * @param password its password
     */
    public HostileImapServer(String user, String password) throws IOException {
        this(user, password, DEFAULT_CAPABILITIES);
    }

    /**
     * Starts a server with the given capabilities (they are only announced: offer nothing it does not
     * implement, see the class comment).
     */
    public HostileImapServer(String user, String password, List<String> capabilities) throws IOException {
        this.user = user;
        this.password = password;
        this.capabilities = List.copyOf(capabilities);
        createFolder("INBOX");
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "hostile-imap-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    // ---------------------------------------------------------------------------------------------
    // Scripting

    /** Rewrites or replaces what the server sends for one command. */
    @FunctionalInterface
    public interface Script {
        /**
         * @param command   the command received
         * @param responses what the server would send: untagged responses, then the tagged completion
         * @return what is sent instead (may be the same list, or any other)
         */
        List<Response> answer(Command command, List<Response> responses);
    }

    private record ScriptEntry(Predicate<Command> when, Script script) {
    }

    /** Writes to the connection directly: bytes too many to hold, trickled, or without end (see {@link Response#streamed}). */
    @FunctionalInterface
    public interface Streamer {
        /** Writes; may never return (it ends when the client goes away or the server closes). */
        void write(OutputStream out) throws IOException, InterruptedException;
    }

    private volatile Streamer greeting;

    private volatile Duration idleKeepAlive;

    /**
     * In IDLE, sends {@code * OK Still here} this often, as Dovecot does every two minutes (null: never).
     *
     * @param every the interval
     * @return this server
     */
    public HostileImapServer idleKeepAlive(Duration every) {
        return idleUntagged("* OK Still here", every);
    }

    private volatile String idleLine = "* OK Still here";

    /**
     * In IDLE, sends this untagged line this often (null: never), for example RFC 5465's
     * {@code * OK [NOTIFICATIONOVERFLOW]}.
     *
     * @param line  the line, without CRLF
     * @param every the interval
     * @return this server
     */
    public HostileImapServer idleUntagged(String line, Duration every) {
        this.idleLine = line;
        this.idleKeepAlive = every;
        return this;
    }

    /** Sends this instead of the greeting (null: the usual {@code * OK [CAPABILITY ...]} line). */
    public HostileImapServer greeting(Streamer greeting) {
        this.greeting = greeting;
        return this;
    }

    /**
     * Scripts every command of this name ({@code "UID FETCH"}, {@code "EXAMINE"}, {@code "LIST"}, ...,
     * case-insensitive). Scripts for the same command run in the order added, each on the previous one's output.
     */
    public HostileImapServer onCommand(String name, Script script) {
        String wanted = name.trim().toUpperCase(Locale.ROOT);
        return onCommand(c -> c.name().equals(wanted), script);
    }

    /** Scripts every command the predicate accepts. */
    public HostileImapServer onCommand(Predicate<Command> when, Script script) {
        scripts.add(new ScriptEntry(when, script));
        return this;
    }

    /** Removes every script: from the next command on, the server behaves. */
    public void clearScripts() {
        scripts.clear();
    }

    /** Every command received so far, in order (LOGIN with its password replaced by {@code ***}). */
    public List<Command> commands() {
        return List.copyOf(commands);
    }

    /** The commands of this name received so far ({@code "APPEND"}, {@code "UID FETCH"}, ...). */
    public List<Command> commands(String name) {
        String wanted = name.trim().toUpperCase(Locale.ROOT);
        return commands.stream().filter(c -> c.name().equals(wanted)).toList();
    }

    /** Forgets the commands received so far. */
    public void clearCommands() {
        commands.clear();
    }

    /** The port to connect to on 127.0.0.1. */
    public int port() {
        return socket.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Replaces the capabilities announced from the next greeting and CAPABILITY response on. */
    public void capabilities(String... capabilities) {
        this.capabilities = List.of(capabilities);
    }

    // ---------------------------------------------------------------------------------------------
    // The account, changed directly by tests

    /** Creates a folder with separator '/' and no attributes (nothing if it exists). */
    public void createFolder(String name) {
        createFolder(name, '/');
    }

    /**
     * Creates a folder (nothing if it exists).
     *
     * @param name       the folder name as LIST shows it
     * @param separator  the hierarchy separator LIST shows for it ({@code 0}: NIL)
     * @param attributes extra LIST attributes, such as {@code \Trash}
     */
    public void createFolder(String name, char separator, String... attributes) {
        synchronized (lock) {
            String n = normal(name);
            if (!folders.containsKey(n)) {
                folders.put(n, new Mailbox(n, separator, nextUidValidity++, List.of(attributes)));
                subscriptions.add(n);
            }
        }
    }

    /** Deletes a folder and its messages. */
    public void deleteFolder(String name) {
        synchronized (lock) {
            folders.remove(normal(name));
            subscriptions.remove(normal(name));
        }
    }

    /** The folder names, in LIST order. */
    public List<String> folders() {
        synchronized (lock) {
            return List.copyOf(folders.keySet());
        }
    }

    /** Appends a message received now (creating the folder if needed); returns its UID. */
    public long append(String folder, byte[] message, String... flags) {
        return append(folder, Instant.now(), message, flags);
    }

    /** Appends a message with this INTERNALDATE (creating the folder if needed); returns its UID. */
    public long append(String folder, Instant internalDate, byte[] message, String... flags) {
        synchronized (lock) {
            createFolder(folder);
            return mailbox(folder).add(message.clone(), internalDate, List.of(flags));
        }
    }

    /** Expunges messages by UID (those that exist). */
    public void expunge(String folder, long... uids) {
        synchronized (lock) {
            Set<Long> gone = new HashSet<>();
            for (long u : uids) {
                gone.add(u);
            }
            mailbox(folder).messages.removeIf(m -> gone.contains(m.uid));
        }
    }

    /** Replaces a message's flags. */
    public void setFlags(String folder, long uid, String... flags) {
        synchronized (lock) {
            Message m = message(folder, uid);
            m.flags.clear();
            m.flags.addAll(canonicalFlags(List.of(flags)));
        }
    }

    /** A message's flags. */
    public Set<String> flags(String folder, long uid) {
        synchronized (lock) {
            return Set.copyOf(message(folder, uid).flags);
        }
    }

    /** Every message of a folder by UID, its bytes as stored (including messages {@link #showEmpty} hides). */
    public Map<Long, byte[]> messages(String folder) {
        synchronized (lock) {
            Map<Long, byte[]> out = new TreeMap<>();
            for (Message m : mailbox(folder).messages) {
                out.put(m.uid, m.raw.clone());
            }
            return out;
        }
    }

    /** A folder's UIDs, ascending. */
    public List<Long> uids(String folder) {
        synchronized (lock) {
            return mailbox(folder).messages.stream().map(m -> m.uid).toList();
        }
    }

    /** A folder's UIDVALIDITY. */
    public long uidValidity(String folder) {
        synchronized (lock) {
            return mailbox(folder).uidValidity;
        }
    }

    /** A folder's UIDNEXT. */
    public long uidNext(String folder) {
        synchronized (lock) {
            return mailbox(folder).uidNext;
        }
    }

    /** Sets a folder's UIDVALIDITY (0 included) without touching its UIDs. */
    public void setUidValidity(String folder, long uidValidity) {
        synchronized (lock) {
            mailbox(folder).uidValidity = uidValidity;
        }
    }

    /**
     * Gives the folder's messages, in their order, the UIDs {@code firstUid}, {@code firstUid + 1}, ..., and
     * UIDNEXT the one after the last. With a new {@code uidValidity} this is a recreated folder; with the same
     * one and a lower {@code firstUid}, a server breaking UID stability.
     */
    public void renumber(String folder, long uidValidity, long firstUid) {
        synchronized (lock) {
            Mailbox mb = mailbox(folder);
            mb.uidValidity = uidValidity;
            long uid = firstUid;
            for (Message m : mb.messages) {
                m.uid = uid++;
            }
            mb.uidNext = uid;
        }
    }

    /** While on, the folder answers as holding no message (same UIDVALIDITY and UIDNEXT); its messages are kept. */
    public void showEmpty(String folder, boolean empty) {
        synchronized (lock) {
            mailbox(folder).hidden = empty;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : clients) {
            try {
                s.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Responses and commands, as scripts see them

    /** One response as sent on the wire: its bytes, with any literal, ending in CRLF. */
    public static final class Response {
        private static final Pattern FETCH = Pattern.compile("^\\* (\\d+) FETCH \\(");
        private static final Pattern UID_ITEM = Pattern.compile("[( ]UID (\\d+)");
        private final byte[] bytes;
        private final boolean hangUp;
        private final Streamer streamer;

        private Response(byte[] bytes, boolean hangUp) {
            this(bytes, hangUp, null);
        }

        private Response(byte[] bytes, boolean hangUp, Streamer streamer) {
            this.bytes = bytes;
            this.hangUp = hangUp;
            this.streamer = streamer;
        }

        /**
         * A response from parts: a {@code String} is sent as it is (UTF-8), a {@code byte[]} as a literal
         * ({@code {n}} CRLF and the bytes); CRLF is added at the end.
         */
        public static Response of(Object... parts) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (Object p : parts) {
                if (p instanceof byte[] data) {
                    b.writeBytes(("{" + data.length + "}\r\n").getBytes(StandardCharsets.US_ASCII));
                    b.writeBytes(data);
                } else {
                    b.writeBytes(String.valueOf(p).getBytes(StandardCharsets.UTF_8));
                }
            }
            b.writeBytes(new byte[] {'\r', '\n'});
            return new Response(b.toByteArray(), false);
        }

        /** An untagged response: {@code "* "} and {@link #of}. */
        public static Response untagged(Object... parts) {
            Object[] all = new Object[parts.length + 1];
            all[0] = "* ";
            System.arraycopy(parts, 0, all, 1, parts.length);
            return of(all);
        }

        /** Bytes exactly as given (no CRLF added). */
        public static Response raw(byte[] bytes) {
            return new Response(bytes.clone(), false);
        }

        /**
         * Bytes written by {@code streamer} at this point, straight to the connection: more than a test's heap
         * could hold, trickled, or without end (the client then never sees what follows).
         */
        public static Response streamed(Streamer streamer) {
            return new Response(new byte[0], false, java.util.Objects.requireNonNull(streamer));
        }

        /** Not a response: the server closes the connection at this point. */
        public static Response hangUp() {
            return new Response(new byte[0], true);
        }

        /** The bytes sent. */
        public byte[] bytes() {
            return bytes.clone();
        }

        /** The bytes as text (ISO-8859-1, so every byte is one char), literals included. */
        public String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }

        /** The first line, without CRLF. */
        public String firstLine() {
            String t = text();
            int end = t.indexOf("\r\n");
            return end < 0 ? t : t.substring(0, end);
        }

        /** Whether this is an untagged {@code * n FETCH} response. */
        public boolean isFetch() {
            return FETCH.matcher(firstLine()).find();
        }

        /** The UID item of a FETCH response (on its first line), or -1. */
        public long uid() {
            if (!isFetch()) {
                return -1;
            }
            Matcher m = UID_ITEM.matcher(firstLine());
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        }

        /** Whether the first line contains this text (case-sensitive). */
        public boolean contains(String text) {
            return firstLine().contains(text);
        }

        /** Whether this is the tagged completion (not {@code *} or {@code +}). */
        public boolean isTagged() {
            return bytes.length > 0 && bytes[0] != '*' && bytes[0] != '+';
        }

        /** The same response with a regular expression replaced in its text (keep literal lengths right). */
        public Response replace(String regex, String replacement) {
            return new Response(text().replaceAll(regex, replacement).getBytes(StandardCharsets.ISO_8859_1), hangUp);
        }

        @Override
        public String toString() {
            return hangUp ? "<hang up>" : text().stripTrailing();
        }
    }

    /** A command received, as scripts see it. */
    public static final class Command {
        private final int connection;
        private final String tag;
        private final String name;
        private final String arguments;
        private final String folder;
        private final Connection conn;
        private final List<Tok> tokens;

        private Command(int connection, String tag, String name, String arguments, String folder, Connection conn,
                        List<Tok> tokens) {
            this.connection = connection;
            this.tag = tag;
            this.name = name;
            this.arguments = arguments;
            this.folder = folder;
            this.conn = conn;
            this.tokens = tokens;
        }

        /** The connection's number (1 for the first accepted). */
        public int connection() {
            return connection;
        }

        /** The client's tag. */
        public String tag() {
            return tag;
        }

        /** The command name, upper case, with {@code "UID "} for UID commands: {@code "UID FETCH"}. */
        public String name() {
            return name;
        }

        /** The rest of the line as received (a literal's bytes are not included, its {@code {n}} is). */
        public String arguments() {
            return arguments;
        }

        /**
         * The folder the command is about: the one it names (SELECT, EXAMINE, STATUS, APPEND, CREATE, DELETE,
         * RENAME, SUBSCRIBE), else the one selected on the connection, else null.
         */
        public String folder() {
            return folder;
        }

        /** Whether the arguments contain this text, case-insensitively. */
        public boolean mentions(String text) {
            return arguments.toUpperCase(Locale.ROOT).contains(text.toUpperCase(Locale.ROOT));
        }

        /** Whether the command's first argument, as a UID set, names this UID ({@code *}: the highest UID). */
        public boolean names(long uid) {
            if (tokens.isEmpty()) {
                return false;
            }
            long star;
            synchronized (conn.server().lock) {
                star = conn.selected == null || conn.selected.visible().isEmpty() ? 0
                        : conn.selected.visible().get(conn.selected.visible().size() - 1).uid;
            }
            return SeqSet.parse(tokens.get(0).str(), star).contains(uid);
        }

        /**
         * A FETCH response with the items this FETCH command asked for, for a message that is not in the
         * folder: UID {@code uid}, no flags, received now, these bytes. Its sequence number is the UID's
         * in the connection's view, or one past the last.
         */
        public Response fetchResponse(long uid, byte[] message) {
            return conn.server().fetchResponse(conn, this, uid, message);
        }

        /** The command line as received (LOGIN's password replaced). */
        public String line() {
            return tag + " " + name + (arguments.isEmpty() ? "" : " " + arguments);
        }

        @Override
        public String toString() {
            return line();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Model

    private static final class Mailbox {
        String name;
        final char separator;
        final List<String> attributes;
        long uidValidity;
        long uidNext = 1;
        boolean hidden;
        final List<Message> messages = new ArrayList<>();

        Mailbox(String name, char separator, long uidValidity, List<String> attributes) {
            this.name = name;
            this.separator = separator;
            this.uidValidity = uidValidity;
            this.attributes = attributes;
        }

        List<Message> visible() {
            return hidden ? List.of() : messages;
        }

        Message visible(long uid) {
            for (Message m : visible()) {
                if (m.uid == uid) {
                    return m;
                }
            }
            return null;
        }

        long add(byte[] raw, Instant internalDate, Collection<String> flags) {
            Message m = new Message(uidNext++, internalDate, raw);
            m.flags.addAll(canonicalFlags(flags));
            messages.add(m);
            return m.uid;
        }
    }

    private static final class Message {
        long uid;
        final Instant internalDate;
        final byte[] raw;
        final Set<String> flags = new LinkedHashSet<>();

        Message(long uid, Instant internalDate, byte[] raw) {
            this.uid = uid;
            this.internalDate = internalDate;
            this.raw = raw;
        }
    }

    private static String normal(String name) {
        if (name.equalsIgnoreCase("INBOX")) {
            return "INBOX";
        }
        return name;
    }

    private Mailbox mailbox(String name) {
        Mailbox mb = folders.get(normal(name));
        if (mb == null) {
            throw new IllegalArgumentException("no folder " + name);
        }
        return mb;
    }

    private Message message(String folder, long uid) {
        for (Message m : mailbox(folder).messages) {
            if (m.uid == uid) {
                return m;
            }
        }
        throw new IllegalArgumentException("no UID " + uid + " in " + folder);
    }

    /** System flags in their usual spelling, \Recent dropped, keywords as given. */
    private static List<String> canonicalFlags(Collection<String> flags) {
        List<String> out = new ArrayList<>();
        for (String f : flags) {
            String c = f;
            if (f.startsWith("\\")) {
                // A system flag in its canonical spelling; any other backslash name is kept as it is (a
                // server may have extension flags, and a test may plant one).
                for (String s : SYSTEM_FLAGS) {
                    if (s.equalsIgnoreCase(f)) {
                        c = s;
                    }
                }
            }
            if (c != null && !out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    private static String flagList(Set<String> flags) {
        List<String> out = new ArrayList<>();
        for (String s : SYSTEM_FLAGS) {
            if (flags.contains(s)) {
                out.add(s);
            }
        }
        flags.stream().filter(f -> !SYSTEM_FLAGS.contains(f)).sorted().forEach(out::add);
        return "(" + String.join(" ", out) + ")";
    }

    // ---------------------------------------------------------------------------------------------
    // Connections

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                clients.add(s);
                int id = connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s, id), "hostile-imap-" + id);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                // closed
            }
        }
    }

    private final class Connection {
        final int id;
        boolean authenticated;
        boolean utf8;
        boolean loggedOut;
        Mailbox selected;
        boolean readOnly;
        /** UIDs of the selected folder as this connection knows them; index + 1 is the sequence number. */
        final List<Long> view = new ArrayList<>();

        Connection(int id) {
            this.id = id;
        }

        HostileImapServer server() {
            return HostileImapServer.this;
        }
    }

    private void serve(Socket s, int id) {
        Connection conn = new Connection(id);
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = new BufferedOutputStream(s.getOutputStream());
            Streamer hello = greeting;
            if (hello != null) {
                hello.write(out);
            } else {
                out.write(("* OK [CAPABILITY " + String.join(" ", capabilities) + "] hostile IMAP test server ready\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            while (!conn.loggedOut) {
                List<Object> segments = readCommand(in, out);
                if (segments == null) {
                    return;
                }
                String[] words = ((String) segments.get(0)).split(" ");
                if (words.length == 2 && words[1].equalsIgnoreCase("IDLE") && conn.authenticated
                        && capabilities.contains("IDLE")) {
                    if (!idle(conn, words[0], in, out)) {
                        return;
                    }
                    continue;
                }
                List<Response> responses = execute(conn, segments);
                for (Response r : responses) {
                    if (r.streamer != null) {
                        out.flush();
                        r.streamer.write(out);
                        out.flush();
                        continue;
                    }
                    if (r.hangUp) {
                        out.flush();
                        return;
                    }
                    out.write(r.bytes);
                }
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the client went away, or the server closed
        } finally {
            clients.remove(s);
        }
    }

    /**
     * IDLE (RFC 2177, only when the capabilities list it; not scripted): appends and expunges in the
     * selected folder are announced within about 50 ms until the client sends DONE.
     */
    private boolean idle(Connection conn, String tag, InputStream in, OutputStream out) throws IOException {
        String folder;
        synchronized (lock) {
            folder = conn.selected == null ? null : conn.selected.name;
        }
        commands.add(new Command(conn.id, tag, "IDLE", "", folder, conn, List.of()));
        out.write("+ idling\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        long keptAlive = System.nanoTime();
        while (in.available() == 0) {
            List<Response> updates = new ArrayList<>();
            synchronized (lock) {
                updates(conn, updates);
            }
            for (Response r : updates) {
                out.write(r.bytes);
            }
            Duration keepAlive = idleKeepAlive;
            if (keepAlive != null && System.nanoTime() - keptAlive >= keepAlive.toNanos()) {
                out.write((idleLine + "\r\n").getBytes(StandardCharsets.US_ASCII));
                keptAlive = System.nanoTime();
            }
            out.flush();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (socket.isClosed()) {
                return false;
            }
        }
        byte[] done = readLine(in);
        if (done == null) {
            return false;
        }
        boolean ok = new String(done, StandardCharsets.US_ASCII).equalsIgnoreCase("DONE");
        out.write((tag + (ok ? " OK IDLE terminated" : " BAD DONE expected") + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return true;
    }

    /** Reads one command: text segments and, after each that ends in {n} or {n+}, the literal's bytes. */
    private static List<Object> readCommand(InputStream in, OutputStream out) throws IOException {
        List<Object> segments = new ArrayList<>();
        while (true) {
            byte[] line = readLine(in);
            if (line == null) {
                return null;
            }
            String text = new String(line, StandardCharsets.UTF_8);
            segments.add(text);
            Matcher m = LITERAL_AT_END.matcher(text);
            if (!m.find()) {
                return segments;
            }
            int n = Integer.parseInt(m.group(1));
            if (m.group(2).isEmpty()) {
                out.write("+ Ready for literal data\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            byte[] data = in.readNBytes(n);
            if (data.length < n) {
                return null;
            }
            segments.add(data);
        }
    }

    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] line = b.toByteArray();
                int n = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
                return java.util.Arrays.copyOf(line, n);
            }
            b.write(c);
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------
    // Parsing

    private enum Kind { ATOM, STRING, LITERAL, LIST }

    private record Tok(Kind kind, String text, byte[] data, List<Tok> list) {
        String str() {
            return switch (kind) {
                case ATOM, STRING -> text;
                case LITERAL -> new String(data, StandardCharsets.UTF_8);
                case LIST -> throw new Bad("a string was expected, not a list");
            };
        }

        boolean isAtom(String s) {
            return kind == Kind.ATOM && text.equalsIgnoreCase(s);
        }

        List<Tok> items() {
            if (kind != Kind.LIST) {
                throw new Bad("a parenthesized list was expected");
            }
            return list;
        }
    }

    private static final Tok OPEN = new Tok(Kind.ATOM, "(", null, null);
    private static final Tok CLOSE = new Tok(Kind.ATOM, ")", null, null);

    private static List<Tok> tokenize(List<Object> segments) {
        List<Tok> flat = new ArrayList<>();
        for (int si = 0; si < segments.size(); si++) {
            String s = (String) segments.get(si);
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == ' ') {
                    i++;
                } else if (c == '(') {
                    flat.add(OPEN);
                    i++;
                } else if (c == ')') {
                    flat.add(CLOSE);
                    i++;
                } else if (c == '"') {
                    StringBuilder b = new StringBuilder();
                    i++;
                    while (i < s.length() && s.charAt(i) != '"') {
                        if (s.charAt(i) == '\\' && i + 1 < s.length()) {
                            i++;
                        }
                        b.append(s.charAt(i++));
                    }
                    if (i >= s.length()) {
                        throw new Bad("unterminated quoted string");
                    }
                    i++;
                    flat.add(new Tok(Kind.STRING, b.toString(), null, null));
                } else if (c == '{' && LITERAL_AT_END.matcher(s.substring(i)).matches()) {
                    flat.add(new Tok(Kind.LITERAL, null, (byte[]) segments.get(++si), null));
                    i = s.length();
                } else {
                    int start = i;
                    int depth = 0;
                    while (i < s.length()) {
                        char ch = s.charAt(i);
                        if (ch == '[') {
                            depth++;
                        } else if (ch == ']') {
                            depth--;
                        } else if (depth == 0 && (ch == ' ' || ch == '(' || ch == ')')) {
                            break;
                        }
                        i++;
                    }
                    flat.add(new Tok(Kind.ATOM, s.substring(start, i), null, null));
                }
            }
        }
        Iterator<Tok> it = flat.iterator();
        List<Tok> out = nest(it, false);
        return out;
    }

    private static List<Tok> nest(Iterator<Tok> it, boolean inList) {
        List<Tok> out = new ArrayList<>();
        while (it.hasNext()) {
            Tok t = it.next();
            if (t == OPEN) {
                out.add(new Tok(Kind.LIST, null, null, nest(it, true)));
            } else if (t == CLOSE) {
                if (!inList) {
                    throw new Bad("unbalanced parenthesis");
                }
                return out;
            } else {
                out.add(t);
            }
        }
        if (inList) {
            throw new Bad("unbalanced parenthesis");
        }
        return out;
    }

    /** A BAD completion. */
    private static final class Bad extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Bad(String message) {
            super(message, null, false, false);
        }
    }

    /** A NO completion (the text may start with a response code). */
    private static final class No extends RuntimeException {
        private static final long serialVersionUID = 1L;

        No(String message) {
            super(message, null, false, false);
        }
    }

    /** A sequence or UID set, {@code *} already resolved. */
    private record SeqSet(List<long[]> ranges) {
        static SeqSet parse(String text, long star) {
            List<long[]> ranges = new ArrayList<>();
            for (String part : text.split(",")) {
                String[] ends = part.split(":", -1);
                if (ends.length > 2 || part.isEmpty()) {
                    throw new Bad("invalid sequence set " + text);
                }
                long a = number(ends[0], star);
                long b = ends.length == 2 ? number(ends[1], star) : a;
                ranges.add(new long[] {Math.min(a, b), Math.max(a, b)});
            }
            return new SeqSet(ranges);
        }

        private static long number(String s, long star) {
            if (s.equals("*")) {
                return star;
            }
            try {
                long n = Long.parseLong(s);
                if (n <= 0) {
                    throw new Bad("invalid sequence number " + s);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new Bad("invalid sequence set " + s);
            }
        }

        boolean contains(long n) {
            for (long[] r : ranges) {
                if (n >= r[0] && n <= r[1]) {
                    return true;
                }
            }
            return false;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Execution

    private List<Response> execute(Connection conn, List<Object> segments) {
        String first = (String) segments.get(0);
        List<Tok> tokens;
        String tag = first.contains(" ") ? first.substring(0, first.indexOf(' ')) : first;
        try {
            tokens = tokenize(segments);
        } catch (Bad e) {
            return List.of(Response.of(tag + " BAD " + e.getMessage()));
        }
        if (tokens.size() < 2 || tokens.get(0).kind() != Kind.ATOM || tokens.get(1).kind() != Kind.ATOM) {
            return List.of(Response.of(tag + " BAD missing command"));
        }
        String name = tokens.get(1).text().toUpperCase(Locale.ROOT);
        int argsFrom = 2;
        if (name.equals("UID") && tokens.size() > 2 && tokens.get(2).kind() == Kind.ATOM) {
            name = "UID " + tokens.get(2).text().toUpperCase(Locale.ROOT);
            argsFrom = 3;
        }
        List<Tok> args = tokens.subList(argsFrom, tokens.size());
        StringBuilder line = new StringBuilder();
        for (Object s : segments) {
            if (s instanceof String t) {
                line.append(t);
            }
        }
        String arguments = argumentText(line.toString(), argsFrom);
        if (name.equals("LOGIN")) {
            arguments = args.isEmpty() ? "" : quote(args.get(0).str()) + " ***";
        }
        String folder;
        synchronized (lock) {
            folder = conn.selected == null ? null : conn.selected.name;
        }
        if (!args.isEmpty() && Set.of("SELECT", "EXAMINE", "STATUS", "APPEND", "CREATE", "DELETE", "RENAME", "SUBSCRIBE",
                "UNSUBSCRIBE").contains(name) && args.get(0).kind() != Kind.LIST) {
            folder = mailboxName(conn, args.get(0));
        }
        Command command = new Command(conn.id, tag, name, arguments, folder, conn, args);
        commands.add(command);
        List<Response> responses = new ArrayList<>();
        try {
            synchronized (lock) {
                String text = handle(conn, command, args, responses);
                responses.add(Response.of(tag + " OK " + text));
            }
        } catch (Bad e) {
            responses.add(Response.of(tag + " BAD " + e.getMessage()));
        } catch (No e) {
            responses.add(Response.of(tag + " NO " + e.getMessage()));
        } catch (RuntimeException e) {
            responses.add(Response.of(tag + " BAD " + e));
        }
        for (ScriptEntry s : scripts) {
            if (s.when().test(command)) {
                responses = new ArrayList<>(s.script().answer(command, responses));
            }
        }
        return responses;
    }

    /** The command line after its first {@code n} words. */
    private static String argumentText(String line, int words) {
        int at = 0;
        for (int i = 0; i < words; i++) {
            int sp = line.indexOf(' ', at);
            if (sp < 0) {
                return "";
            }
            at = sp + 1;
        }
        return line.substring(at);
    }

    /** Runs a command against the account (under the lock); returns the text of its tagged OK. */
    private String handle(Connection s, Command c, List<Tok> args, List<Response> out) {
        String name = c.name();
        switch (name) {
            case "CAPABILITY" -> {
                out.add(Response.untagged("CAPABILITY " + String.join(" ", capabilities)));
                return "CAPABILITY completed";
            }
            case "NOOP" -> {
                updates(s, out);
                return "NOOP completed";
            }
            case "LOGOUT" -> {
                out.add(Response.untagged("BYE logging out"));
                s.loggedOut = true;
                return "LOGOUT completed";
            }
            case "LOGIN" -> {
                need(args, 2);
                if (!args.get(0).str().equals(user) || !args.get(1).str().equals(password)) {
                    throw new No("[AUTHENTICATIONFAILED] wrong user name or password");
                }
                s.authenticated = true;
                return "[CAPABILITY " + String.join(" ", capabilities) + "] logged in";
            }
            default -> {
                // below
            }
        }
        if (!s.authenticated) {
            throw new Bad(name + " needs LOGIN first");
        }
        switch (name) {
            case "ENABLE" -> {
                List<String> enabled = new ArrayList<>();
                for (Tok t : args) {
                    String cap = t.str().toUpperCase(Locale.ROOT);
                    if (capabilities.contains(cap) && Set.of("CONDSTORE", "QRESYNC", "UTF8=ACCEPT").contains(cap)) {
                        enabled.add(cap);
                        if (cap.equals("UTF8=ACCEPT")) {
                            s.utf8 = true;
                        }
                    }
                }
                out.add(Response.untagged("ENABLED" + (enabled.isEmpty() ? "" : " " + String.join(" ", enabled))));
                return "ENABLE completed";
            }
            case "ID" -> {
                out.add(Response.untagged("ID (\"name\" \"hostile-imap\")"));
                return "ID completed";
            }
            case "LIST", "LSUB" -> {
                list(s, args, name.equals("LSUB"), out);
                return name + " completed";
            }
            case "STATUS" -> {
                status(s, args, out);
                return "STATUS completed";
            }
            case "SELECT", "EXAMINE" -> {
                return select(s, args, name.equals("EXAMINE"), out);
            }
            case "CREATE" -> {
                need(args, 1);
                String n = mailboxName(s, args.get(0));
                Mailbox any = folders.get("INBOX");
                char sep = any == null ? '/' : any.separator;
                if (sep != 0 && n.endsWith(String.valueOf(sep))) {
                    n = n.substring(0, n.length() - 1);
                }
                if (folders.containsKey(n)) {
                    throw new No("[ALREADYEXISTS] " + n + " exists");
                }
                createFolder(n, sep);
                return "CREATE completed";
            }
            case "DELETE" -> {
                need(args, 1);
                String n = mailboxName(s, args.get(0));
                if (n.equals("INBOX") || !folders.containsKey(n)) {
                    throw new No("[NONEXISTENT] cannot delete " + n);
                }
                Mailbox mb = folders.remove(n);
                subscriptions.remove(n);
                if (s.selected == mb) {
                    s.selected = null;
                    s.view.clear();
                }
                return "DELETE completed";
            }
            case "RENAME" -> {
                need(args, 2);
                rename(s, mailboxName(s, args.get(0)), mailboxName(s, args.get(1)));
                return "RENAME completed";
            }
            case "SUBSCRIBE" -> {
                need(args, 1);
                subscriptions.add(mailboxName(s, args.get(0)));
                return "SUBSCRIBE completed";
            }
            case "UNSUBSCRIBE" -> {
                need(args, 1);
                subscriptions.remove(mailboxName(s, args.get(0)));
                return "UNSUBSCRIBE completed";
            }
            case "APPEND" -> {
                return append(s, args, out);
            }
            default -> {
                // below
            }
        }
        if (s.selected == null) {
            throw new Bad(name + " needs a selected folder");
        }
        boolean uid = name.startsWith("UID ");
        String text = switch (name) {
            case "UNSELECT" -> {
                s.selected = null;
                s.view.clear();
                yield "UNSELECT completed";
            }
            case "CLOSE" -> {
                if (!s.readOnly) {
                    s.selected.messages.removeIf(m -> m.flags.contains("\\Deleted") && !s.selected.hidden);
                }
                s.selected = null;
                s.view.clear();
                yield "CLOSE completed";
            }
            case "EXPUNGE", "UID EXPUNGE" -> {
                writable(s);
                SeqSet set = uid ? SeqSet.parse(need(args, 1).get(0).str(), starUid(s)) : null;
                s.selected.messages.removeIf(m -> !s.selected.hidden && m.flags.contains("\\Deleted")
                        && (set == null || set.contains(m.uid)));
                yield name + " completed";
            }
            case "FETCH", "UID FETCH" -> {
                fetch(s, c, args, uid, out);
                yield name + " completed";
            }
            case "STORE", "UID STORE" -> {
                store(s, args, uid, out);
                yield name + " completed";
            }
            case "SEARCH", "UID SEARCH" -> {
                search(s, args, uid, out);
                yield name + " completed";
            }
            case "COPY", "UID COPY", "MOVE", "UID MOVE" -> {
                yield copy(s, args, uid, name.endsWith("MOVE"), out);
            }
            default -> throw new Bad("unknown command " + name);
        };
        if (!Set.of("FETCH", "STORE", "SEARCH").contains(name)) {
            updates(s, out); // RFC 3501 7.4.1: no EXPUNGE during the sequence-number forms of these
        }
        return text;
    }

    private static List<Tok> need(List<Tok> args, int n) {
        if (args.size() < n) {
            throw new Bad("missing arguments");
        }
        return args;
    }

    private String mailboxName(Connection s, Tok t) {
        String n = t.str();
        if (!s.utf8) {
            n = BASE64MailboxDecoder.decode(n);
        }
        return normal(n);
    }

    private String wireName(Connection s, String name) {
        return quote(s.utf8 ? name : BASE64MailboxEncoder.encode(name));
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private Mailbox existing(String name) {
        Mailbox mb = folders.get(name);
        if (mb == null) {
            throw new No("[NONEXISTENT] no folder " + name);
        }
        return mb;
    }

    private void writable(Connection s) {
        if (s.readOnly) {
            throw new No("[READ-ONLY] the folder is open read-only");
        }
    }

    /** The highest UID in the connection's view: {@code *} of a UID set. */
    private static long starUid(Connection s) {
        return s.view.isEmpty() ? 0 : s.view.get(s.view.size() - 1);
    }

    /** Tells the connection about messages other connections (or the test) added or expunged. */
    private void updates(Connection s, List<Response> out) {
        if (s.selected == null) {
            return;
        }
        Set<Long> present = new HashSet<>();
        List<Long> now = new ArrayList<>();
        for (Message m : s.selected.visible()) {
            present.add(m.uid);
            now.add(m.uid);
        }
        for (int i = s.view.size() - 1; i >= 0; i--) {
            if (!present.contains(s.view.get(i))) {
                out.add(Response.untagged((i + 1) + " EXPUNGE"));
                s.view.remove(i);
            }
        }
        if (now.size() != s.view.size()) {
            Set<Long> known = new HashSet<>(s.view);
            long last = starUid(s);
            boolean appendedOnly = now.stream().filter(u -> !known.contains(u)).allMatch(u -> u > last);
            if (!appendedOnly) {
                s.view.clear(); // renumbered under an open folder: a real server would have closed the connection
            }
            for (long u : now) {
                if (!s.view.contains(u)) {
                    s.view.add(u);
                }
            }
            out.add(Response.untagged(s.view.size() + " EXISTS"));
        }
    }

    private void list(Connection s, List<Tok> args, boolean lsub, List<Response> out) {
        need(args, 2);
        if (args.get(0).kind() == Kind.LIST || args.size() > 2) {
            throw new Bad("LIST-EXTENDED is not offered");
        }
        String reference = args.get(0).str();
        String pattern = args.get(1).str();
        if (!s.utf8) {
            reference = BASE64MailboxDecoder.decode(reference);
            pattern = BASE64MailboxDecoder.decode(pattern);
        }
        if (pattern.isEmpty()) {
            // the hierarchy separator: the one of the folder the reference starts with, else INBOX's
            Mailbox inbox = folders.get("INBOX");
            char rootSep = inbox == null ? '/' : inbox.separator;
            for (Mailbox mb : folders.values()) {
                if (!reference.isEmpty() && (reference.equals(mb.name) || reference.startsWith(mb.name + mb.separator))) {
                    rootSep = mb.separator;
                }
            }
            out.add(Response.untagged((lsub ? "LSUB" : "LIST") + " (\\Noselect) "
                    + (rootSep == 0 ? "NIL" : quote(String.valueOf(rootSep))) + " \"\""));
            return;
        }
        String full = reference + pattern;
        for (Mailbox mb : folders.values()) {
            if (lsub && !subscriptions.contains(mb.name)) {
                continue;
            }
            if (!matches(full, mb.name, mb.separator)) {
                continue;
            }
            List<String> attrs = new ArrayList<>();
            boolean children = mb.separator != 0 && folders.keySet().stream()
                    .anyMatch(n -> n.startsWith(mb.name + mb.separator));
            attrs.add(children ? "\\HasChildren" : "\\HasNoChildren");
            attrs.addAll(mb.attributes);
            out.add(Response.untagged((lsub ? "LSUB" : "LIST") + " (" + String.join(" ", attrs) + ") "
                    + (mb.separator == 0 ? "NIL" : quote(String.valueOf(mb.separator))) + " " + wireName(s, mb.name)));
        }
    }

    private static boolean matches(String pattern, String name, char separator) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*') {
                re.append(".*");
            } else if (c == '%') {
                re.append(separator == 0 ? ".*" : "[^" + Pattern.quote(String.valueOf(separator)) + "]*");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (name.equals("INBOX") && pattern.equalsIgnoreCase("INBOX")) {
            return true;
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL).matcher(name).matches();
    }

    private void status(Connection s, List<Tok> args, List<Response> out) {
        need(args, 2);
        String n = mailboxName(s, args.get(0));
        Mailbox mb = existing(n);
        List<String> items = new ArrayList<>();
        for (Tok t : args.get(1).items()) {
            String item = t.str().toUpperCase(Locale.ROOT);
            long value = switch (item) {
                case "MESSAGES" -> mb.visible().size();
                case "RECENT" -> 0;
                case "UIDNEXT" -> mb.uidNext;
                case "UIDVALIDITY" -> mb.uidValidity;
                case "UNSEEN" -> mb.visible().stream().filter(m -> !m.flags.contains("\\Seen")).count();
                case "SIZE" -> mb.visible().stream().mapToLong(m -> m.raw.length).sum();
                // No mod-sequences are kept: with CONDSTORE announced, 1 (tests script HIGHESTMODSEQ in EXAMINE)
                case "HIGHESTMODSEQ" -> {
                    if (!capabilities.contains("CONDSTORE")) {
                        throw new Bad("STATUS item " + item + " is not offered");
                    }
                    yield 1L;
                }
                default -> throw new Bad("STATUS item " + item + " is not offered");
            };
            items.add(item + " " + value);
        }
        out.add(Response.untagged("STATUS " + wireName(s, n) + " (" + String.join(" ", items) + ")"));
    }

    private String select(Connection s, List<Tok> args, boolean examine, List<Response> out) {
        need(args, 1);
        if (args.size() > 1 && !capabilities.contains("CONDSTORE") && !capabilities.contains("QRESYNC")) {
            throw new Bad("SELECT parameters (CONDSTORE, QRESYNC) are not offered");
        }
        // With CONDSTORE or QRESYNC announced, their SELECT parameters are accepted and otherwise ignored:
        // a test scripts the HIGHESTMODSEQ, VANISHED and FETCH responses it needs.
        s.selected = null;
        s.view.clear();
        Mailbox mb = existing(mailboxName(s, args.get(0)));
        s.selected = mb;
        s.readOnly = examine;
        mb.visible().forEach(m -> s.view.add(m.uid));
        Set<String> keywords = new TreeSet<>();
        mb.messages.forEach(m -> m.flags.stream().filter(f -> !f.startsWith("\\")).forEach(keywords::add));
        String flags = String.join(" ", SYSTEM_FLAGS) + (keywords.isEmpty() ? "" : " " + String.join(" ", keywords));
        out.add(Response.untagged("FLAGS (" + flags + ")"));
        out.add(Response.untagged("OK [PERMANENTFLAGS (" + (examine ? "" : flags + " \\*") + ")] flags permitted"));
        out.add(Response.untagged(s.view.size() + " EXISTS"));
        out.add(Response.untagged("0 RECENT"));
        out.add(Response.untagged("OK [UIDVALIDITY " + mb.uidValidity + "] UIDs valid"));
        out.add(Response.untagged("OK [UIDNEXT " + mb.uidNext + "] predicted next UID"));
        return examine ? "[READ-ONLY] EXAMINE completed" : "[READ-WRITE] SELECT completed";
    }

    private void rename(Connection s, String from, String to) {
        if (from.equals("INBOX")) {
            throw new No("renaming INBOX is not offered");
        }
        Mailbox mb = existing(from);
        if (folders.containsKey(to)) {
            throw new No("[ALREADYEXISTS] " + to + " exists");
        }
        Map<String, Mailbox> renamed = new LinkedHashMap<>();
        for (Map.Entry<String, Mailbox> e : folders.entrySet()) {
            String n = e.getKey();
            if (n.equals(from)) {
                n = to;
            } else if (mb.separator != 0 && n.startsWith(from + mb.separator)) {
                n = to + n.substring(from.length());
            }
            e.getValue().name = n;
            renamed.put(n, e.getValue());
        }
        folders.clear();
        folders.putAll(renamed);
        if (subscriptions.remove(from)) {
            subscriptions.add(to);
        }
    }

    private String append(Connection s, List<Tok> args, List<Response> out) {
        need(args, 2);
        String n = mailboxName(s, args.get(0));
        List<String> flags = List.of();
        Instant date = Instant.now();
        int i = 1;
        if (args.get(i).kind() == Kind.LIST) {
            flags = args.get(i).items().stream().map(Tok::str).toList();
            i++;
        }
        if (i < args.size() && args.get(i).kind() == Kind.STRING) {
            try {
                date = ZonedDateTime.parse(args.get(i).str().trim(), DATE_IN).toInstant();
            } catch (DateTimeParseException e) {
                throw new Bad("invalid date-time " + args.get(i).str());
            }
            i++;
        }
        if (i != args.size() - 1 || args.get(i).kind() != Kind.LITERAL) {
            throw new Bad("APPEND needs one message literal (MULTIAPPEND is not offered)");
        }
        Mailbox mb = folders.get(n);
        if (mb == null) {
            throw new No("[TRYCREATE] no folder " + n);
        }
        long uid = mb.add(args.get(i).data().clone(), date, flags);
        if (s.selected != null) {
            updates(s, out);
        }
        return (capabilities.contains("UIDPLUS") ? "[APPENDUID " + mb.uidValidity + " " + uid + "] " : "")
                + "APPEND completed";
    }

    /** The messages a set names, in the connection's view order, with their sequence numbers. */
    private List<Map.Entry<Integer, Message>> named(Connection s, String setText, boolean uid) {
        SeqSet set = SeqSet.parse(setText, uid ? starUid(s) : s.view.size());
        List<Map.Entry<Integer, Message>> out = new ArrayList<>();
        for (int i = 0; i < s.view.size(); i++) {
            long u = s.view.get(i);
            if (set.contains(uid ? u : i + 1)) {
                Message m = s.selected.visible(u);
                if (m != null) {
                    out.add(Map.entry(i + 1, m));
                }
            }
        }
        return out;
    }

    // FETCH

    private record Item(String name, String section, boolean peek, long origin, long length) {
    }

    private static List<Item> items(List<Tok> args, boolean uid) {
        List<Tok> toks = args.get(1).kind() == Kind.LIST ? args.get(1).items() : args.subList(1, 2);
        if (args.size() > 2) {
            throw new Bad("FETCH modifiers (CHANGEDSINCE) are not offered");
        }
        List<Item> out = new ArrayList<>();
        for (Tok t : toks) {
            String a = t.str();
            String upper = a.toUpperCase(Locale.ROOT);
            switch (upper) {
                case "FAST" -> {
                    out.add(new Item("FLAGS", null, true, -1, -1));
                    out.add(new Item("INTERNALDATE", null, true, -1, -1));
                    out.add(new Item("RFC822.SIZE", null, true, -1, -1));
                }
                case "UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "RFC822.HEADER" ->
                        out.add(new Item(upper, null, true, -1, -1));
                case "RFC822", "RFC822.TEXT" -> out.add(new Item(upper, null, false, -1, -1));
                default -> {
                    Matcher m = BODY_ITEM.matcher(a);
                    if (!m.matches()) {
                        throw new Bad("FETCH item " + a + " is not offered");
                    }
                    out.add(new Item("BODY", m.group(2), m.group(1).equalsIgnoreCase("BODY.PEEK"),
                            m.group(3) == null ? -1 : Long.parseLong(m.group(3)),
                            m.group(4) == null ? -1 : Long.parseLong(m.group(4))));
                }
            }
        }
        if (uid && out.stream().noneMatch(i -> i.name().equals("UID"))) {
            out.add(0, new Item("UID", null, true, -1, -1));
        }
        return out;
    }

    private void fetch(Connection s, Command c, List<Tok> args, boolean uid, List<Response> out) {
        need(args, 2);
        List<Item> items = items(args, uid);
        for (Map.Entry<Integer, Message> e : named(s, args.get(0).str(), uid)) {
            out.add(render(e.getKey(), e.getValue(), items, !s.readOnly));
        }
    }

    private Response fetchResponse(Connection s, Command c, long uid, byte[] raw) {
        synchronized (lock) {
            List<Item> items = items(c.tokens, c.name().startsWith("UID "));
            int seq = s.view.indexOf(uid) + 1;
            Message m = new Message(uid, Instant.now(), raw.clone());
            return render(seq > 0 ? seq : s.view.size() + 1, m, items, false);
        }
    }

    private static Response render(int seq, Message m, List<Item> items, boolean mayMarkSeen) {
        List<Object> parts = new ArrayList<>();
        parts.add("* " + seq + " FETCH (");
        boolean seen = false;
        boolean flagsSent = false;
        for (int k = 0; k < items.size(); k++) {
            Item item = items.get(k);
            String sep = k == 0 ? "" : " ";
            switch (item.name()) {
                case "UID" -> parts.add(sep + "UID " + m.uid);
                case "FLAGS" -> {
                    parts.add(sep + "FLAGS " + flagList(m.flags));
                    flagsSent = true;
                }
                case "INTERNALDATE" -> parts.add(sep + "INTERNALDATE \""
                        + DATE_OUT.format(m.internalDate.atZone(ZoneOffset.UTC)) + "\"");
                case "RFC822.SIZE" -> parts.add(sep + "RFC822.SIZE " + m.raw.length);
                case "RFC822" -> {
                    parts.add(sep + "RFC822 ");
                    parts.add(m.raw);
                }
                case "RFC822.HEADER" -> {
                    parts.add(sep + "RFC822.HEADER ");
                    parts.add(section(m.raw, "HEADER"));
                }
                case "RFC822.TEXT" -> {
                    parts.add(sep + "RFC822.TEXT ");
                    parts.add(section(m.raw, "TEXT"));
                }
                default -> {
                    byte[] b = section(m.raw, item.section());
                    String origin = "";
                    if (item.origin() >= 0) {
                        int from = (int) Math.min(item.origin(), b.length);
                        int to = (int) Math.min(b.length, item.origin() + item.length());
                        b = java.util.Arrays.copyOfRange(b, from, to);
                        origin = "<" + item.origin() + ">";
                    }
                    parts.add(sep + "BODY[" + item.section() + "]" + origin + " ");
                    parts.add(b);
                }
            }
            seen |= !item.peek();
        }
        if (seen && mayMarkSeen && !m.flags.contains("\\Seen")) {
            m.flags.add("\\Seen");
            if (!flagsSent) {
                parts.add(" FLAGS " + flagList(m.flags));
            }
        }
        parts.add(")");
        return Response.of(parts.toArray());
    }

    /** The bytes of a body section of a single-part message. */
    private static byte[] section(byte[] raw, String section) {
        String upper = section.trim().toUpperCase(Locale.ROOT);
        int headerEnd = headerEnd(raw);
        if (upper.isEmpty()) {
            return raw;
        }
        if (upper.equals("HEADER")) {
            return java.util.Arrays.copyOfRange(raw, 0, headerEnd);
        }
        if (upper.equals("TEXT")) {
            return java.util.Arrays.copyOfRange(raw, headerEnd, raw.length);
        }
        Matcher m = Pattern.compile("HEADER\\.FIELDS(\\.NOT)? \\((.*)\\)").matcher(upper);
        if (!m.matches()) {
            throw new Bad("body section " + section + " is not offered");
        }
        Set<String> names = new HashSet<>(List.of(m.group(2).trim().split("\\s+")));
        boolean not = m.group(1) != null;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        String header = new String(raw, 0, headerEnd, StandardCharsets.ISO_8859_1);
        boolean keep = false;
        for (String line : header.split("(?<=\n)")) {
            if (line.isBlank()) {
                continue; // the header's closing empty line
            }
            if (line.charAt(0) != ' ' && line.charAt(0) != '\t') {
                int colon = line.indexOf(':');
                String field = colon < 0 ? "" : line.substring(0, colon).trim().toUpperCase(Locale.ROOT);
                keep = names.contains(field) != not;
            }
            if (keep) {
                b.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        b.writeBytes(new byte[] {'\r', '\n'});
        return b.toByteArray();
    }

    /** The offset just past the header's closing empty line (the message's length if it has none). */
    private static int headerEnd(byte[] raw) {
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\n') {
                if (i + 1 < raw.length && raw[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < raw.length && raw[i + 1] == '\r' && raw[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return raw.length;
    }

    // STORE

    private void store(Connection s, List<Tok> args, boolean uid, List<Response> out) {
        need(args, 3);
        writable(s);
        if (args.get(1).kind() == Kind.LIST) {
            throw new Bad("STORE modifiers (UNCHANGEDSINCE) are not offered");
        }
        String op = args.get(1).str().toUpperCase(Locale.ROOT);
        boolean silent = op.endsWith(".SILENT");
        if (silent) {
            op = op.substring(0, op.length() - ".SILENT".length());
        }
        List<String> flags = new ArrayList<>();
        for (Tok t : args.subList(2, args.size())) {
            if (t.kind() == Kind.LIST) {
                t.items().forEach(f -> flags.add(f.str()));
            } else {
                flags.add(t.str());
            }
        }
        List<String> canonical = canonicalFlags(flags);
        for (Map.Entry<Integer, Message> e : named(s, args.get(0).str(), uid)) {
            Message m = e.getValue();
            switch (op) {
                case "FLAGS" -> {
                    m.flags.clear();
                    m.flags.addAll(canonical);
                }
                case "+FLAGS" -> m.flags.addAll(canonical);
                case "-FLAGS" -> canonical.forEach(m.flags::remove);
                default -> throw new Bad("STORE " + op + " is not a flag operation");
            }
            if (!silent) {
                out.add(Response.untagged(e.getKey() + " FETCH (" + (uid ? "UID " + m.uid + " " : "") + "FLAGS "
                        + flagList(m.flags) + ")"));
            }
        }
    }

    // SEARCH

    private void search(Connection s, List<Tok> args, boolean uid, List<Response> out) {
        List<Tok> criteria = new ArrayList<>(args);
        if (!criteria.isEmpty() && criteria.get(0).isAtom("CHARSET")) {
            criteria = criteria.subList(Math.min(2, criteria.size()), criteria.size());
        }
        if (criteria.isEmpty()) {
            throw new Bad("SEARCH needs criteria");
        }
        Iterator<Tok> it = criteria.iterator();
        List<Predicate<Map.Entry<Integer, Message>>> all = new ArrayList<>();
        while (it.hasNext()) {
            all.add(criterion(s, it));
        }
        StringBuilder b = new StringBuilder("SEARCH");
        for (int i = 0; i < s.view.size(); i++) {
            Message m = s.selected.visible(s.view.get(i));
            if (m == null) {
                continue;
            }
            Map.Entry<Integer, Message> e = Map.entry(i + 1, m);
            if (all.stream().allMatch(p -> p.test(e))) {
                b.append(' ').append(uid ? m.uid : i + 1);
            }
        }
        out.add(Response.untagged(b.toString()));
    }

    private Predicate<Map.Entry<Integer, Message>> criterion(Connection s, Iterator<Tok> it) {
        Tok t = it.next();
        if (t.kind() == Kind.LIST) {
            Iterator<Tok> inner = t.items().iterator();
            List<Predicate<Map.Entry<Integer, Message>>> all = new ArrayList<>();
            while (inner.hasNext()) {
                all.add(criterion(s, inner));
            }
            return e -> all.stream().allMatch(p -> p.test(e));
        }
        String key = t.str().toUpperCase(Locale.ROOT);
        switch (key) {
            case "ALL" -> {
                return e -> true;
            }
            case "UID" -> {
                SeqSet set = SeqSet.parse(next(it).str(), starUid(s));
                return e -> set.contains(e.getValue().uid);
            }
            case "NOT" -> {
                Predicate<Map.Entry<Integer, Message>> p = criterion(s, it);
                return p.negate();
            }
            case "OR" -> {
                Predicate<Map.Entry<Integer, Message>> a = criterion(s, it);
                Predicate<Map.Entry<Integer, Message>> b = criterion(s, it);
                return a.or(b);
            }
            case "KEYWORD", "UNKEYWORD" -> {
                String k = next(it).str();
                return e -> e.getValue().flags.contains(k) == key.equals("KEYWORD");
            }
            case "LARGER", "SMALLER" -> {
                long n = Long.parseLong(next(it).str());
                return e -> key.equals("LARGER") ? e.getValue().raw.length > n : e.getValue().raw.length < n;
            }
            case "HEADER" -> {
                String field = next(it).str();
                String value = next(it).str().toLowerCase(Locale.ROOT);
                return e -> new String(section(e.getValue().raw, "HEADER.FIELDS (" + field + ")"),
                        StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT).contains(value);
            }
            case "NEW", "RECENT" -> {
                return e -> false;
            }
            case "OLD" -> {
                return e -> true;
            }
            default -> {
                for (String f : SYSTEM_FLAGS) {
                    String word = f.substring(1).toUpperCase(Locale.ROOT);
                    if (key.equals(word)) {
                        return e -> e.getValue().flags.contains(f);
                    }
                    if (key.equals("UN" + word)) {
                        return e -> !e.getValue().flags.contains(f);
                    }
                }
                if (!key.isEmpty() && (Character.isDigit(key.charAt(0)) || key.charAt(0) == '*')) {
                    SeqSet set = SeqSet.parse(key, s.view.size());
                    return e -> set.contains(e.getKey());
                }
                throw new Bad("SEARCH key " + key + " is not offered");
            }
        }
    }

    private static Tok next(Iterator<Tok> it) {
        if (!it.hasNext()) {
            throw new Bad("SEARCH key without its argument");
        }
        return it.next();
    }

    // COPY and MOVE

    private String copy(Connection s, List<Tok> args, boolean uid, boolean move, List<Response> out) {
        need(args, 2);
        if (move) {
            writable(s);
        }
        String target = mailboxName(s, args.get(1));
        Mailbox to = folders.get(target);
        if (to == null) {
            throw new No("[TRYCREATE] no folder " + target);
        }
        List<Map.Entry<Integer, Message>> named = named(s, args.get(0).str(), uid);
        List<Long> from = new ArrayList<>();
        List<Long> made = new ArrayList<>();
        List<Message> copies = new ArrayList<>();
        for (Map.Entry<Integer, Message> e : named) {
            Message m = e.getValue();
            Message copy = new Message(to.uidNext++, m.internalDate, m.raw);
            copy.flags.addAll(m.flags);
            copies.add(copy);
            from.add(m.uid);
            made.add(copy.uid);
        }
        to.messages.addAll(copies);
        String code = capabilities.contains("UIDPLUS") && !from.isEmpty()
                ? "[COPYUID " + to.uidValidity + " " + uidList(from) + " " + uidList(made) + "] " : "";
        if (!move) {
            return code + (uid ? "UID " : "") + "COPY completed";
        }
        out.add(Response.untagged("OK " + code + "moved"));
        Set<Message> gone = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        named.forEach(e -> gone.add(e.getValue()));
        s.selected.messages.removeIf(gone::contains);
        return (uid ? "UID " : "") + "MOVE completed";
    }

    private static String uidList(List<Long> uids) {
        StringBuilder b = new StringBuilder();
        for (long u : uids) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(u);
        }
        return b.toString();
    }
}
