package dev.mailkit.imap;

import static dev.mailkit.imap.MirrorAssertions.assertExactMirror;
import static dev.mailkit.imap.MirrorAssertions.files;
import static dev.mailkit.imap.MirrorAssertions.folderDir;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.imap.testing.HostileImapServer;
import dev.mailkit.imap.testing.HostileImapServer.Command;
import dev.mailkit.imap.testing.HostileImapServer.Response;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import org.eclipse.angus.mail.imap.IMAPFolder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile IMAP server behaving: a plain Jakarta Mail client can use it like any IMAP server, and a
 * two-way sync against it leaves an exact mirror. Its scripting changes what is sent, and only that.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileImapServerTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "alice-pw";

    @TempDir
    Path dir;

    @BeforeEach
    void slashSeparator() {
        MirrorAssertions.separator = '/';
    }

    static Stream<List<String>> capabilitySets() {
        return Stream.of(HostileImapServer.DEFAULT_CAPABILITIES,
                // synchronizing literals only ("+" continuations), no UNSELECT
                List.of("IMAP4rev1", "UIDPLUS", "MOVE", "ENABLE", "ID"));
    }

    @ParameterizedTest
    @MethodSource("capabilitySets")
    void aJakartaMailClient_appendsListsFetchesFlagsMovesAndExpunges(List<String> capabilities) throws Exception {
        try (HostileImapServer server = new HostileImapServer(USER, PASSWORD, capabilities);
             ServerClient client = new ServerClient("127.0.0.1", server.port(), USER, PASSWORD)) {
            byte[] one = ServerClient.message(1, "<one@example.com>", "one");
            byte[] two = ServerClient.message(2, "<two@example.com>", "Grüße, 你好");
            client.append("INBOX", one, two);
            client.append("Archive", ServerClient.message(3, "<three@example.com>", "three"));

            assertThat(server.folders()).containsExactly("INBOX", "Archive");
            assertThat(client.folder("Archive").exists()).isTrue();
            assertThat(client.folder("Nowhere").exists()).isFalse();
            boolean literalPlus = capabilities.contains("LITERAL+");
            assertThat(server.commands("APPEND")).hasSize(3)
                    .allMatch(c -> c.arguments().matches(".*\\{\\d+" + (literalPlus ? "\\+" : "") + "}"), "literal form");

            // byte for byte, 8-bit included, and by UID as the server assigned them
            assertThat(server.uids("INBOX")).containsExactly(1L, 2L);
            assertThat(client.rawBodies("INBOX")).containsOnlyKeys(1L, 2L)
                    .hasEntrySatisfying(1L, b -> assertThat(b).isEqualTo(server.messages("INBOX").get(1L)))
                    .hasEntrySatisfying(2L, b -> assertThat(b).isEqualTo(server.messages("INBOX").get(2L)));
            assertThat(new String(server.messages("INBOX").get(2L), StandardCharsets.UTF_8)).contains("Grüße, 你好");
            assertThat(client.uids("INBOX")).containsExactly(1L, 2L);

            client.setFlag("INBOX", 2, Flags.Flag.FLAGGED, true);
            assertThat(server.flags("INBOX", 2)).containsExactly("\\Flagged");
            assertThat(client.flags("INBOX", 2).contains(Flags.Flag.FLAGGED)).isTrue();
            assertThat(client.flags("INBOX", 1).contains(Flags.Flag.SEEN)).as("fetching did not mark it read").isFalse();

            client.move("INBOX", 2, "Archive");
            assertThat(server.uids("INBOX")).containsExactly(1L);
            assertThat(server.uids("Archive")).containsExactly(1L, 2L);
            assertThat(server.messages("Archive").get(2L)).isEqualTo(two);
            assertThat(server.flags("Archive", 2)).containsExactly("\\Flagged");

            client.expunge("Archive", 1);
            assertThat(server.uids("Archive")).containsExactly(2L);
            assertThat(client.uids("Archive")).containsExactly(2L);

            // changes by "another device" reach an open folder as EXISTS and EXPUNGE
            IMAPFolder inbox = (IMAPFolder) client.folder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                assertThat(inbox.getMessageCount()).isEqualTo(1);
                server.append("INBOX", ServerClient.message(4, "<four@example.com>", "four"));
                inbox.doCommand(p -> {
                    p.noop();
                    return null;
                });
                assertThat(inbox.getMessageCount()).isEqualTo(2);
                server.expunge("INBOX", 1);
                inbox.doCommand(p -> {
                    p.noop();
                    return null;
                });
                assertThat(inbox.getMessage(1).isExpunged()).isTrue();
                assertThat(inbox.getUID(inbox.getMessage(2))).isEqualTo(3);
            } finally {
                inbox.close(false);
            }

            client.deleteFolder("Archive");
            assertThat(server.folders()).containsExactly("INBOX");
        }
    }

    private ImapSynchronizer.Builder builder(HostileImapServer server, Path maildir) {
        return ImapSynchronizer.builder().endpoint("127.0.0.1", server.port(), Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .credentials(Credentials.password(USER, PASSWORD)).maildir(maildir);
    }

    static Stream<List<String>> syncCapabilitySets() {
        return Stream.of(HostileImapServer.DEFAULT_CAPABILITIES,
                // the push's fallbacks: COPY, \\Deleted and UID EXPUNGE instead of MOVE; no UNSELECT
                List.of("IMAP4rev1", "UIDPLUS", "ENABLE", "ID"));
    }

    @ParameterizedTest
    @MethodSource("syncCapabilitySets")
    void aTwoWaySync_roundTrip_leavesAnExactMirror(List<String> capabilities) throws Exception {
        Path maildir = dir.resolve("mail");
        boolean move = capabilities.contains("MOVE");
        try (HostileImapServer server = new HostileImapServer(USER, PASSWORD, capabilities)) {
            server.createFolder("Trash", '/', "\\Trash");
            long a = server.append("INBOX", ServerClient.message(1, "<a@example.com>", "a"));
            long b = server.append("INBOX", ServerClient.message(2, "<b@example.com>", "b"), "\\Seen");
            server.append("INBOX", ServerClient.message(3, null, "no Message-ID, 8-bit: é"));
            server.append("Archive", ServerClient.message(4, "<d@example.com>", "d"), "\\Flagged", "project-x");
            // stored headers-only (BODY.PEEK[HEADER]), then completed in parts (BODY.PEEK[]<offset.length>)
            long large = server.append("Archive", ServerClient.message(5, "<large@example.com>", "x".repeat(300_000)));

            try (ImapSynchronizer sync = builder(server, maildir).headersOnlyAbove(100_000).build()) {
                SyncReport first = sync.syncOnce();
                assertThat(first.folder("INBOX").orElseThrow().method()).isEqualTo("INITIAL");
                assertThat(first.added()).isEqualTo(5);
                assertThat(sync.state().message("Archive", large).orElseThrow().headersOnly()).isTrue();
                assertThat(sync.downloadFull("Archive", large).headersOnly()).isFalse();
                assertThat(server.commands("UID FETCH")).anyMatch(c -> c.mentions("BODY.PEEK[HEADER]"))
                        .anyMatch(c -> c.mentions("BODY.PEEK[]<0."));
                assertMirror(server, maildir, sync.state(), "INBOX", "Archive", "Trash");

                // server side: a new message, a flag change, an expunge
                long c = server.append("INBOX", ServerClient.message(6, "<c@example.com>", "c"));
                server.setFlags("INBOX", a, "\\Answered");
                server.expunge("Archive", 1);
                // local side: a flag change, a deletion (to the Trash), a new message
                MirroredFolder inbox = sync.local().folder("INBOX");
                inbox.flag(b);
                inbox.delete(3);
                inbox.append(ServerClient.message(7, "<local@example.com>", "written here"), MessageFlags.NONE);

                SyncReport second = sync.syncOnce();
                assertThat(second.folder("INBOX").orElseThrow().method()).isEqualTo("FULL");
                assertThat(server.flags("INBOX", b)).containsExactlyInAnyOrder("\\Seen", "\\Flagged");
                assertThat(server.uids("INBOX")).contains(a, b, c).doesNotContain(3L).hasSize(4);
                assertThat(server.messages("Trash")).hasSize(1);
                assertThat(server.commands("APPEND")).hasSize(1);
                assertThat(server.commands(move ? "UID MOVE" : "UID COPY")).hasSize(1);
                assertThat(server.commands("UID EXPUNGE")).hasSize(move ? 0 : 1);
                assertMirror(server, maildir, sync.state(), "INBOX", "Archive", "Trash");
                assertThat(files(maildir, "INBOX")).anyMatch(f -> f.toString().endsWith(",U=" + a + ":2,R"));

                int appends = server.commands("APPEND").size();
                SyncReport third = sync.syncOnce();
                assertThat(third.added() + third.changed() + third.removed() + third.pushed()).isZero();
                assertThat(server.commands("APPEND")).hasSize(appends);
                assertMirror(server, maildir, sync.state(), "INBOX", "Archive", "Trash");
            }
        }
    }

    private static void assertMirror(HostileImapServer server, Path maildir, MirrorState state, String... folders)
            throws Exception {
        for (String f : folders) {
            assertExactMirror(maildir, f, server.messages(f), state);
        }
    }

    @Test
    void scripts_changeWhatIsSent_forTheirCommandOnly_untilCleared() throws Exception {
        try (HostileImapServer server = new HostileImapServer(USER, PASSWORD);
             RawClient raw = new RawClient(server.port())) {
            for (int i = 1; i <= 3; i++) {
                server.append("INBOX", ServerClient.message(i, "<s" + i + "@example.com>", "s" + i + " é"));
            }
            server.createFolder("Archive");
            raw.command("a1 LOGIN " + USER + " " + PASSWORD);
            assertThat(raw.command("a2 SELECT INBOX")).contains("* OK [UIDVALIDITY ").contains("* OK [UIDNEXT 4]");

            server.onCommand("UID FETCH", (cmd, normal) -> normal.stream()
                    .flatMap(r -> r.uid() == 2 ? Stream.of(r, r) : Stream.of(r)).toList());
            List<Response> seenBySecond = new java.util.ArrayList<>();
            byte[] extra = "X: y\r\n\r\nnot in the folder".getBytes(StandardCharsets.UTF_8);
            server.onCommand("uid fetch", (cmd, normal) -> {
                seenBySecond.addAll(normal);
                List<Response> out = new java.util.ArrayList<>(normal);
                if (cmd.names(3)) {
                    out.add(out.size() - 1, cmd.fetchResponse(99, extra));
                }
                return out;
            });
            server.onCommand("LIST", (cmd, normal) -> normal.stream().filter(r -> !r.contains("\"Archive\"")).toList());
            server.onCommand("EXAMINE", (cmd, normal) -> normal.stream().filter(r -> !r.contains("[UIDVALIDITY")).toList());

            String fetched = raw.command("a3 UID FETCH 1:* (UID BODY.PEEK[])");
            byte[] two = server.messages("INBOX").get(2L);
            assertThat(fetched).startsWith("* 1 FETCH (UID 1 BODY[] {" + server.messages("INBOX").get(1L).length + "}\r\n")
                    .containsOnlyOnce("* 1 FETCH (UID 1 ")
                    .contains("* 2 FETCH (UID 2 BODY[] {" + two.length + "}\r\n"
                            + new String(two, StandardCharsets.ISO_8859_1) + ")\r\n* 2 FETCH (UID 2 ")
                    .containsOnlyOnce("* 3 FETCH (UID 3 ")
                    .contains("* 4 FETCH (UID 99 BODY[] {" + extra.length + "}\r\nX: y\r\n\r\nnot in the folder)\r\n")
                    .endsWith("a3 OK UID FETCH completed\r\n");
            assertThat(seenBySecond).filteredOn(r -> r.uid() == 2).as("the second script gets the first one's output").hasSize(2);
            assertThat(seenBySecond.get(seenBySecond.size() - 1).isTagged()).isTrue();
            assertThat(raw.command("a4 UID FETCH 2 (UID FLAGS)")).as("UID 3 not named: nothing added")
                    .isEqualTo("* 2 FETCH (UID 2 FLAGS ())\r\n* 2 FETCH (UID 2 FLAGS ())\r\na4 OK UID FETCH completed\r\n");
            assertThat(raw.command("a5 LIST \"\" *")).contains("\"INBOX\"").doesNotContain("Archive");
            assertThat(raw.command("a6 EXAMINE INBOX")).contains("[UIDNEXT 4]").doesNotContain("UIDVALIDITY");
            assertThat(raw.command("a7 STATUS INBOX (UIDVALIDITY)")).contains("UIDVALIDITY " + server.uidValidity("INBOX"));

            Command fetch = server.commands("UID FETCH").get(0);
            assertThat(fetch.names(1)).isTrue();
            assertThat(fetch.names(3)).isTrue();
            assertThat(fetch.names(4)).isFalse();
            assertThat(fetch.folder()).isEqualTo("INBOX");
            assertThat(fetch.mentions("body.peek[]")).isTrue();
            assertThat(server.commands("LOGIN")).singleElement().satisfies(c -> assertThat(c.line()).doesNotContain(PASSWORD));

            server.clearScripts();
            assertThat(raw.command("a8 UID FETCH 2:3 (UID FLAGS)"))
                    .isEqualTo("* 2 FETCH (UID 2 FLAGS ())\r\n* 3 FETCH (UID 3 FLAGS ())\r\na8 OK UID FETCH completed\r\n");
            assertThat(raw.command("a9 LIST \"\" *")).contains("\"Archive\"");
        }
    }

    /** Sends command lines as they are and returns everything up to the tagged completion, literals included. */
    private static final class RawClient implements AutoCloseable {
        private final java.net.Socket socket;
        private final java.io.InputStream in;

        RawClient(int port) throws Exception {
            socket = new java.net.Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new java.io.BufferedInputStream(socket.getInputStream());
            line(); // greeting
        }

        String command(String line) throws Exception {
            socket.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            String tag = line.substring(0, line.indexOf(' '));
            StringBuilder b = new StringBuilder();
            while (true) {
                String l = line();
                b.append(l);
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{(\\d+)}\r\n$").matcher(l);
                if (m.find()) {
                    byte[] literal = in.readNBytes(Integer.parseInt(m.group(1)));
                    b.append(new String(literal, StandardCharsets.ISO_8859_1));
                    b.append(line());
                }
                if (l.startsWith(tag + " ")) {
                    return b.toString();
                }
            }
        }

        private String line() throws Exception {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                b.write(c);
                if (c == '\n') {
                    break;
                }
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    @Test
    void foldersWithTheirOwnSeparators_areListedWithThem() throws Exception {
        try (HostileImapServer server = new HostileImapServer(USER, PASSWORD);
             ServerClient client = new ServerClient("127.0.0.1", server.port(), USER, PASSWORD)) {
            server.createFolder("a.b", '.');
            server.createFolder("a/b", '/');
            server.createFolder("flat", (char) 0);
            assertThat(client.folder("a.b").getSeparator()).isEqualTo('.');
            assertThat(client.folder("a/b").getSeparator()).isEqualTo('/');
            assertThat(client.folder("flat").exists()).isTrue();
            List<String> listed = new java.util.ArrayList<>();
            server.onCommand("LIST", (cmd, normal) -> {
                normal.forEach(r -> listed.add(r.firstLine()));
                return normal;
            });
            assertThat(client.folder("INBOX").getParent().list("*")).hasSize(4);
            assertThat(listed).contains("* LIST (\\HasNoChildren) \".\" \"a.b\"",
                    "* LIST (\\HasNoChildren) \"/\" \"a/b\"", "* LIST (\\HasNoChildren) NIL \"flat\"");
        }
    }
}
