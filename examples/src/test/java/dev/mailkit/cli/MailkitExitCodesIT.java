package dev.mailkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.testing.DnsZone;
import dev.mailkit.core.testing.NsdServer;
import dev.mailkit.smtp.testing.FakeSmtpServer;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's exit-code table, row by row and command by command, on the packaged {@code mailkit.jar}
 * run as a process: the exit code, what is on standard output and what is on standard error. Every failure
 * is said once, on one line (plus a {@code fix:} or {@code see …} line), in the CLI's words: no stack
 * trace, and no advice naming the Java API.
 *
 * <p>Row 1 ("unexpected failure") has no test: no input is known to cause it; it is what a bug would give.
 */
class MailkitExitCodesIT {

    /** What a CLI user must not be told: the library's API names, and stack traces. */
    private static final Pattern API_WORDS = Pattern.compile("\\w\\(\\)|\\w\\((?!s\\))\\w+\\)|\\bSecurity\\.[A-Z]|ConnectionOptions|Credentials\\."
            + "|ProviderRegistry|ProxySettings|ServerEndpoint|SmtpSender|ImapSynchronizer|Exception\\b|\\tat ");

    @TempDir
    static Path dir;
    static GreenMail mail;
    static FakeSmtpServer refusingOne;
    static FakeSmtpServer refusingLogin;
    static int closedPort;
    /** The sending-domain rows' DNS server (NSD), or null where NSD is not installed (those rows are then skipped). */
    static NsdServer dns;
    /** A UDP port that takes queries and never answers. */
    static DatagramSocket silentDns;
    static Path jar = Path.of("target", "mailkit.jar");

    @BeforeAll
    static void start() throws Exception {
        assertThat(jar).as("the packaged tool (mvn package)").exists();
        mail = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        mail.start();
        mail.setUser("me@localhost", "me", "s3cret-pw");
        refusingOne = new FakeSmtpServer().rcptReply(a -> a.startsWith("refused@") ? "550 5.1.1 no such user" : "250 OK");
        refusingLogin = new FakeSmtpServer().authReply("535 5.7.8 Authentication credentials invalid");
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        silentDns = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        try {
            dns = NsdServer.builder()
                    .zone(DnsZone.named("good.test").txt("@", "v=spf1 ip4:192.0.2.0/24 -all")
                            .txt("_dmarc", "v=DMARC1; p=reject; rua=mailto:dmarc@good.test").mx("@", 10, "mx.good.test")
                            .a("mx", "192.0.2.1"))
                    .zone(DnsZone.named("bare.test").a("@", "192.0.2.2"))
                    .start();
        } catch (org.opentest4j.TestAbortedException noNsd) {
            dns = null; // outside CI without NSD: the sending-domain rows are skipped, the others still run
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (dns != null) {
            dns.close();
        }
        silentDns.close();
        mail.stop();
        refusingOne.close();
        refusingLogin.close();
    }

    /** One run of the jar. */
    record Run(int code, String out, String err) {
    }

    static Run mailkit(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("MK_PW");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("mailkit " + String.join(" ", args) + " did not end within 90 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static final Map<String, String> PW = Map.of("MK_PW", "s3cret-pw");

    static String[] send(int port, String... rest) {
        return Stream.concat(Stream.of("send", "--host", "127.0.0.1", "--port", String.valueOf(port), "--security", "plain",
                "--user", "me", "--password-env", "MK_PW", "--from", "me@localhost", "--subject", "s", "--text", "t"),
                Stream.of(rest)).toArray(String[]::new);
    }

    static String[] sync(Path maildir, int port, String... rest) {
        return Stream.concat(Stream.of("sync", "--host", "127.0.0.1", "--port", String.valueOf(port), "--security", "plain",
                "--user", "me", "--password-env", "MK_PW", "--dir", maildir.toString()), Stream.of(rest)).toArray(String[]::new);
    }

    static String[] sendingDomain(String domain, String... rest) {
        String server = dns == null ? "127.0.0.1:1" : dns.host() + ":" + dns.port();
        return Stream.concat(Stream.of("doctor", "--sending-domain", domain, "--dns-server", server), Stream.of(rest))
                .toArray(String[]::new);
    }

    static void needsNsd() {
        Assumptions.assumeTrue(dns != null, "NSD is not installed (apt-get install nsd); skipping outside CI");
    }

    static String[] doctor(int smtpPort, int imapPort, String... rest) {
        return Stream.concat(Stream.of("doctor", "me@localhost", "--smtp", "localhost:" + smtpPort + ":plain",
                "--imap", "localhost:" + imapPort + ":plain", "--user", "me", "--password-env", "MK_PW"), Stream.of(rest))
                .toArray(String[]::new);
    }

    /**
     * A row: a command line, its exit code, and what else must hold.
     *
     * @param before prepares the state the row needs (run just before the command)
     */
    record Row(String name, int code, Map<String, String> env, String[] args, ThrowingRunnable before,
               Consumer<Run> check) {
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static Row row(String name, int code, Map<String, String> env, String[] args, Consumer<Run> check) {
        return new Row(name, code, env, args, () -> { }, check);
    }

    /** A failure: nothing on stdout, one "mailkit:" line on stderr naming what is given. */
    static Consumer<Run> failure(String... says) {
        return r -> {
            assertThat(r.out()).isEmpty();
            assertThat(r.err().lines().filter(l -> l.startsWith("mailkit: "))).as("said once").hasSize(1);
            assertThat(r.err()).contains(says);
        };
    }

    /** A failure with --json: one JSON document on stdout with its status and exit code, nothing on stderr. */
    static Consumer<Run> jsonFailure(int code, String... says) {
        return r -> {
            assertThat(r.out().strip().lines()).hasSize(1);
            assertThat(r.out().strip()).startsWith("{\"status\":\"error\",\"exitCode\":" + code + ",").endsWith("}")
                    .contains(says);
            assertThat(r.err()).isEmpty();
        };
    }

    @TestFactory
    Stream<DynamicTest> everyRowOfEveryCommand() throws Exception {
        Path mirror = dir.resolve("mirror");
        Path guarded = dir.resolve("guarded");
        Path broken = dir.resolve("broken");
        Path attachment = dir.resolve("missing.pdf");
        Path readable = dir.resolve("readable");
        List<Row> rows = List.of(
                // mailkit itself
                row("mailkit --help", 0, Map.of(), new String[] {"--help"},
                        r -> assertThat(r.out()).contains("Usage: mailkit").contains("Exit codes: 0 success")),
                row("mailkit alone", 2, Map.of(), new String[] {}, failure("a command is needed", "see 'mailkit --help'")),
                row("mailkit nosuch", 2, Map.of(), new String[] {"nosuch"}, failure("nosuch", "see 'mailkit --help'")),

                // providers
                row("providers list", 0, Map.of(), new String[] {"providers", "list"},
                        r -> assertThat(r.out()).contains("gmail").contains("(+").doesNotContain("\n\n")),
                row("providers list --json", 0, Map.of(), new String[] {"providers", "list", "--json"},
                        r -> assertThat(r.out()).startsWith("{\"status\":\"ok\",\"exitCode\":0,\"providers\":[{\"id\":")),
                row("providers show outlook", 0, Map.of(), new String[] {"providers", "show", "outlook"},
                        r -> assertThat(r.out()).contains("OAuth2:").contains("user:")),
                row("providers lookup --json", 0, Map.of(), new String[] {"providers", "lookup", "me@web.de", "--json"},
                        r -> assertThat(r.out()).contains("\"id\":\"webde\"").contains("\"username\":\"%EMAILLOCALPART%\"")),
                row("providers show unknown id", 2, Map.of(), new String[] {"providers", "show", "nosuch"},
                        failure("no provider 'nosuch'", "mailkit providers list")),
                row("providers lookup not an address", 2, Map.of(), new String[] {"providers", "lookup", "x@@gmail.com"},
                        failure("is not an e-mail address")),
                row("providers lookup unknown domain, --json", 2, Map.of(),
                        new String[] {"providers", "lookup", "me@nowhere.invalid", "--json"},
                        jsonFailure(2, "no provider matches", "mailkit providers list")),
                row("providers list with an unknown option", 2, Map.of(), new String[] {"providers", "list", "--bogus"},
                        failure("--bogus", "see 'mailkit providers list --help'")),
                row("providers list --json with an unknown option", 2, Map.of(),
                        new String[] {"providers", "list", "--json", "--bogus"}, jsonFailure(2, "--bogus")),

                // send
                row("send", 0, PW, send(mail.getSmtp().getPort(), "--to", "a@localhost"),
                        r -> assertThat(r.out()).startsWith("sent <").contains("to 1 recipient(s)")),
                row("send --json", 0, PW, send(mail.getSmtp().getPort(), "--to", "a@localhost", "--json"),
                        r -> assertThat(r.out()).startsWith("{\"status\":\"ok\",\"exitCode\":0,\"messageId\":\"<")
                                .contains("\"accepted\":[\"a@localhost\"]")),
                row("send --separately --json", 0, PW, send(mail.getSmtp().getPort(), "--to", "a@localhost", "b@localhost",
                                "--separately", "--json"),
                        r -> assertThat(r.out()).startsWith("{\"status\":\"ok\",\"exitCode\":0,\"sent\":2,\"failed\":0,")
                                .contains("{\"to\":\"b@localhost\",\"status\":\"sent\",\"messageId\":\"<")),
                row("send with a bad --from", 2, PW, new String[] {"send", "--host", "127.0.0.1", "--port", "25", "--security",
                        "plain", "--user", "me", "--password-env", "MK_PW", "--from", "not an address", "--to", "a@localhost",
                        "--subject", "s", "--text", "t"}, failure("not an address")),
                row("send with a missing attachment", 2, PW, send(mail.getSmtp().getPort(), "--to", "a@localhost", "--attach",
                        attachment.toString()), failure("missing.pdf")),
                row("send with an unset password variable", 2, Map.of(), send(mail.getSmtp().getPort(), "--to", "a@localhost"),
                        failure("MK_PW is not set")),
                row("send with STARTTLS on the implicit-TLS port", 2, PW, new String[] {"send", "--host", "127.0.0.1", "--port",
                        "465", "--security", "starttls", "--user", "me", "--password-env", "MK_PW", "--from", "me@localhost",
                        "--to", "a@localhost", "--subject", "s", "--text", "t"},
                        failure("port 465 is implicit TLS", "--security tls on port 465")),
                row("send with a refused login", 3, PW, send(refusingLogin.port(), "--to", "a@localhost"),
                        failure("535 5.7.8")),
                row("send to a closed port", 4, PW, send(closedPort, "--to", "a@localhost"), failure("cannot connect")),
                row("send to an IMAP port", 4, PW, send(mail.getImap().getPort(), "--to", "a@localhost"),
                        failure("IMAP")),
                row("send to a closed port, --json", 4, PW, send(closedPort, "--to", "a@localhost", "--json"),
                        jsonFailure(4, "cannot connect")),
                row("send with a refused recipient", 5, PW, send(refusingOne.port(), "--to", "a@localhost", "refused@localhost"),
                        r -> {
                            assertThat(r.out()).contains("to 1 recipient(s)");
                            assertThat(r.err()).contains("mailkit: refused recipient refused@localhost: 550 5.1.1 no such user\n");
                        }),
                row("send with a refused recipient, --json", 5, PW, send(refusingOne.port(), "--to", "a@localhost",
                                "refused@localhost", "--json"),
                        r -> assertThat(r.out()).startsWith("{\"status\":\"partial\",\"exitCode\":5,")
                                .contains("\"rejected\":[{\"address\":\"refused@localhost\"")),
                row("send --separately, one refused", 5, PW, send(refusingOne.port(), "--to", "a@localhost",
                                "refused@localhost", "--separately"),
                        r -> {
                            assertThat(r.out()).contains("sent 1 of 2 message(s), 1 failed")
                                    .contains("send 100% [").doesNotContain("\r");
                            assertThat(r.err()).contains("mailkit: not sent to refused@localhost: ")
                                    .contains("550 5.1.1 no such user");
                        }),
                row("send through a proxy that is not running", 4, PW, send(mail.getSmtp().getPort(), "--to", "a@localhost",
                        "--proxy", "socks5://127.0.0.1:" + closedPort),
                        failure("cannot connect to the SOCKS5 proxy 127.0.0.1:" + closedPort, "(--proxy)")),
                row("send with a proxy user and no --proxy-password-env", 2, PW, send(mail.getSmtp().getPort(), "--to",
                        "a@localhost", "--proxy", "http://me@127.0.0.1:" + closedPort),
                        failure("--proxy-password-env VAR")),
                row("send with a password in --proxy", 2, PW, send(mail.getSmtp().getPort(), "--to", "a@localhost",
                        "--proxy", "http://me:hunter2@127.0.0.1:" + closedPort),
                        r -> assertThat(r.err()).contains("a password does not belong in the proxy URI")
                                .doesNotContain("hunter2")),
                row("send --separately, all to a closed port", 4, PW, send(closedPort, "--to", "a@localhost",
                                "b@localhost", "--separately", "--json"),
                        r -> assertThat(r.out()).startsWith("{\"status\":\"error\",\"exitCode\":4,\"sent\":0,\"failed\":2")),

                // sync
                row("sync", 0, PW, sync(mirror, mail.getImap().getPort()),
                        r -> assertThat(r.out()).contains("INBOX").contains("synced in")),
                row("sync --json", 0, PW, sync(mirror, mail.getImap().getPort(), "--json"),
                        r -> assertThat(r.out()).startsWith("{\"status\":\"ok\",\"exitCode\":0,").contains("\"totals\":")),
                row("sync of an unknown folder", 2, PW, sync(mirror, mail.getImap().getPort(), "--folder", "NoSuch"),
                        r -> assertThat(r.err()).contains("no folder named \"NoSuch\"")),
                row("sync without --dir", 2, PW, new String[] {"sync", "--host", "127.0.0.1", "--port", "143", "--security",
                        "plain", "--user", "me", "--password-env", "MK_PW"}, failure("--dir", "see 'mailkit sync --help'")),
                row("sync with a wrong password", 3, Map.of("MK_PW", "wrong"), sync(dir.resolve("m3"), mail.getImap().getPort()),
                        failure("mailkit: ")),
                row("sync to a closed port", 4, PW, sync(dir.resolve("m4"), closedPort), failure("cannot connect")),
                row("sync --watch to a closed port", 4, PW, sync(dir.resolve("m4w"), closedPort, "--watch", "--watch-for", "20"),
                        failure("cannot connect")),
                row("sync to a closed port, --json", 4, PW, sync(dir.resolve("m4j"), closedPort, "--json"),
                        jsonFailure(4, "cannot connect")),
                row("sync through a proxy that is not running, --json", 4, PW, sync(dir.resolve("m4p"), mail.getImap().getPort(),
                        "--proxy", "http://127.0.0.1:" + closedPort, "--json"),
                        jsonFailure(4, "cannot connect to the HTTP proxy 127.0.0.1:" + closedPort)),
                new Row("sync after the server emptied a folder", 6, PW, sync(guarded, mail.getImap().getPort()),
                        () -> emptyTheServerInbox(guarded),
                        r -> assertThat(r.err()).contains("--allow-mass-deletion").doesNotContain("allowMassDeletion()")),
                new Row("sync with a broken state file", 7, PW, sync(broken, mail.getImap().getPort()),
                        () -> {
                            Files.createDirectories(broken);
                            Files.writeString(broken.resolve("mailkit-state.db"), "this is not a database, only text\n");
                        },
                        failure("mailkit-state.db")),

                // doctor
                row("doctor", 0, PW, doctor(mail.getSmtp().getPort(), mail.getImap().getPort()),
                        r -> assertThat(r.out()).contains("Sending should work. Receiving should work.")),
                row("doctor of a bad address", 2, Map.of(), new String[] {"doctor", "not-an-address"},
                        r -> assertThat(r.out()).contains("is not an e-mail address")),
                row("doctor, swapped hosts", 2, Map.of(), new String[] {"doctor", "me@gmail.com", "--smtp",
                        "imap.gmail.com:993:tls", "--imap", "smtp.gmail.com:465:tls"},
                        r -> assertThat(r.out()).contains("is Gmail's IMAP server")),
                row("doctor, login refused on both", 3, Map.of("MK_PW", "wrong"),
                        doctor(refusingLogin.port(), mail.getImap().getPort()),
                        r -> assertThat(r.out()).contains("✗ login")),
                row("doctor, nothing listening", 4, PW, doctor(closedPort, closedPort),
                        r -> assertThat(r.out()).contains("✗")),
                row("doctor through a proxy that is not running", 4, PW, doctor(mail.getSmtp().getPort(),
                        mail.getImap().getPort(), "--proxy", "socks5://127.0.0.1:" + closedPort),
                        r -> assertThat(r.out()).contains("is resolved by the proxy socks5://127.0.0.1:" + closedPort)
                                .contains("✗ proxy      cannot connect to the SOCKS5 proxy")),
                row("doctor, only sending works --json", 5, PW, doctor(mail.getSmtp().getPort(), closedPort, "--json"),
                        r -> assertThat(r.out()).startsWith("{\"status\":\"partial\",\"exitCode\":5,\"address\":")),
                row("doctor without an address or --sending-domain", 2, Map.of(), new String[] {"doctor"},
                        failure("give an e-mail address", "--sending-domain DOMAIN")),
                new Row("doctor --sending-domain, records right (warnings only)", 0, Map.of(), sendingDomain("good.test"),
                        MailkitExitCodesIT::needsNsd,
                        r -> assertThat(r.out()).contains("⚠ DKIM").endsWith("Receivers should accept mail from good.test"
                                + " (see the ⚠ above).\n")),
                new Row("doctor --sending-domain, records missing", 2, Map.of(), sendingDomain("bare.test"),
                        MailkitExitCodesIT::needsNsd,
                        r -> assertThat(r.out()).contains("✗ SPF").contains("✗ DMARC").contains("⚠ MX")
                                .contains("fix: publish TXT at _dmarc.bare.test: \"v=DMARC1; p=quarantine; rua=mailto:dmarc@bare.test\"")),
                row("doctor --sending-domain, DNS server not answering, --json", 4, Map.of(), new String[] {"doctor",
                        "--sending-domain", "good.test", "--dns-server", "127.0.0.1:" + silentDns.getLocalPort(), "--json"},
                        r -> assertThat(r.out()).startsWith("{\"status\":\"error\",\"exitCode\":4,\"sendingDomain\":")
                                .contains("\"check\":\"DNS\"")),
                row("doctor --sending-domain, a key file that is not PEM", 2, Map.of(), new String[] {"doctor", "--sending-domain",
                        "good.test", "--dkim-selector", "mk", "--dkim-public-key", attachment.toString()},
                        failure("--dkim-public-key: cannot read")),

                // list, show, search: a mirror read offline
                new Row("list", 0, Map.of(), new String[] {"list", "--dir", readable.toString()}, () -> fillReadable(readable),
                        r -> assertThat(r.out()).contains("INBOX:1").contains("Q3 report").contains("2 of 2 message(s) in INBOX")),
                row("list --json", 0, Map.of(), new String[] {"list", "--dir", readable.toString(), "--json"},
                        r -> assertThat(r.out()).startsWith("{\"status\":\"ok\",\"exitCode\":0,\"folder\":\"INBOX\",\"total\":2,")),
                row("search", 0, Map.of(), new String[] {"search", "--dir", readable.toString(), "from:alice", "q3"},
                        r -> assertThat(r.out()).contains("INBOX:1").contains("1 of 1 message(s) match")),
                row("show", 0, Map.of(), new String[] {"show", "--dir", readable.toString(), "INBOX:2"},
                        r -> assertThat(r.out()).contains("Subject: 会议室预订").contains("Attachments (1):")),
                row("search with an unknown field", 2, Map.of(), new String[] {"search", "--dir", readable.toString(), "frm:alice"},
                        failure("unknown field 'frm:'", "put it in quotes")),
                row("search with a bad date, --json", 2, Map.of(), new String[] {"search", "--dir", readable.toString(), "--json",
                        "after:yesterday"}, jsonFailure(2, "'yesterday' is not a date; write it as 2026-01-31")),
                row("show of a message the mirror lacks", 2, Map.of(), new String[] {"show", "--dir", readable.toString(),
                        "INBOX:999"}, failure("no message INBOX:999")),
                row("list without a mirror", 7, Map.of(), new String[] {"list", "--dir", dir.resolve("empty-dir").toString()},
                        failure("no Maildir at")),

                // login, logout, demo
                row("login without --client-id", 2, Map.of(), new String[] {"login", "me@outlook.com", "--device"},
                        failure("--client-id", "see 'mailkit login --help'")),
                row("login at an unreachable authorization server", 4, Map.of(), new String[] {"login", "me@closed.test",
                        "--client-id", "x", "--device", "--providers", unreachableAuthorizationServer().toString(),
                        "--token-store", dir.resolve("tokens").toString()}, failure("authorization server")),
                row("login through a proxy that is not running", 4, Map.of(), new String[] {"login", "me@closed.test",
                        "--client-id", "x", "--device", "--providers", unreachableAuthorizationServer().toString(),
                        "--token-store", dir.resolve("tokens").toString(), "--proxy", "http://127.0.0.1:" + closedPort},
                        failure("authorization server", "cannot connect to the HTTP proxy 127.0.0.1:" + closedPort)),
                row("logout with a malformed --proxy", 2, Map.of(), new String[] {"logout", "me@outlook.com", "--token-store",
                        dir.resolve("tokens").toString(), "--proxy", "socks5://proxy"}, failure("--proxy", "needs a port")),
                row("logout with nothing stored", 0, Map.of(), new String[] {"logout", "me@outlook.com", "--token-store",
                        dir.resolve("tokens").toString()}, r -> assertThat(r.out()).contains("No tokens are stored")),
                row("demo", 0, Map.of(), new String[] {"demo"},
                        r -> assertThat(r.out()).contains("The server and the Maildir agree.")));
        return rows.stream().map(row -> DynamicTest.dynamicTest(row.code() + " " + row.name(), () -> {
            row.before().run();
            Run r = mailkit(row.env(), row.args());
            String all = "exit " + r.code() + "\n--- stdout\n" + r.out() + "--- stderr\n" + r.err();
            assertThat(r.code()).as(all).isEqualTo(row.code());
            assertThat(r.err()).as(all).doesNotContainPattern(API_WORDS);
            if (r.code() != 0) {
                assertThat(r.out()).as(all).doesNotContainPattern(API_WORDS);
            }
            try {
                row.check().accept(r);
            } catch (AssertionError e) {
                throw new AssertionError(all, e);
            }
        }));
    }

    /** A mirror of two messages, written as a sync writes one (files, state and index). */
    private static void fillReadable(Path maildir) throws Exception {
        try (dev.mailkit.imap.testing.LocalMirror m = dev.mailkit.imap.testing.LocalMirror.in(maildir)) {
            m.add("INBOX", "From: Alice <alice@example.com>\nSubject: Q3 report\nDate: Thu, 15 Jan 2026 09:00:00 +0000\n"
                    + "Message-ID: <q3@x>\n\nThe numbers.\n");
            m.add("INBOX", dev.mailkit.imap.MessageFlags.NONE, dev.mailkit.imap.testing.HostileMime.all().get("cjk-everywhere"));
        }
    }

    /** Mirrors three messages into {@code maildir}, then deletes them on the server. */
    private static void emptyTheServerInbox(Path maildir) throws Exception {
        for (int i = 0; i < 3; i++) {
            GreenMailUtil.sendTextEmail("me@localhost", "x@localhost", "m" + i, "body " + i, mail.getSmtp().getServerSetup());
        }
        Run first = mailkit(PW, sync(maildir, mail.getImap().getPort()));
        assertThat(first.code()).as(first.err()).isZero();
        jakarta.mail.Store store = mail.getImap().createStore();
        store.connect("me", "s3cret-pw");
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        for (jakarta.mail.Message m : inbox.getMessages()) {
            m.setFlag(Flags.Flag.DELETED, true);
        }
        inbox.close(true);
        store.close();
    }

    /** A providers file whose authorization server is a closed port. */
    private static Path unreachableAuthorizationServer() throws IOException {
        Path file = dir.resolve("providers.xml");
        Files.writeString(file, "<providers version='1'><provider id='closed' name='Closed'>"
                + "<domain>closed.test</domain>"
                + "<imap host='imap.closed.test' port='993' security='SSL_TLS'/>"
                + "<smtp host='smtp.closed.test' port='465' security='SSL_TLS'/>"
                + "<username>EMAIL</username><auth>OAUTH2</auth>"
                + "<oauth2 issuer='127.0.0.1' authorization='https://127.0.0.1:" + closedPort + "/authorize'"
                + " token='https://127.0.0.1:" + closedPort + "/token' scopes='mail'/>"
                + "<docs>https://closed.test/</docs></provider></providers>");
        return file;
    }
}
