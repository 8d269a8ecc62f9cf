package dev.mailkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every mailkit command, against GreenMail, asserting on what it did to the mail. */
class MailkitCliTest {

    @TempDir
    Path dir;
    GreenMail mail;
    Path passwordFile;

    @BeforeEach
    void start() throws Exception {
        mail = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        mail.start();
        mail.setUser("me@localhost", "me", "s3cret-pw");
        passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, "s3cret-pw\n");
    }

    @AfterEach
    void stop() {
        mail.stop();
    }

    private String[] smtp(String... rest) {
        return Stream.concat(Stream.of("send", "--host", "127.0.0.1", "--port", String.valueOf(mail.getSmtp().getPort()),
                "--security", "plain", "--user", "me", "--password-env", "MK_PW"), Stream.of(rest)).toArray(String[]::new);
    }

    private String[] imap(String... rest) {
        return Stream.concat(Stream.of("sync", "--host", "127.0.0.1", "--port", String.valueOf(mail.getImap().getPort()),
                "--security", "plain", "--user", "me", "--password-file", passwordFile.toString(),
                "--dir", dir.resolve("mail").toString()), Stream.of(rest)).toArray(String[]::new);
    }

    @Test
    void providers_listShowAndLookup() {
        CliRun list = CliRun.of("providers", "list");
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("gmail").contains("outlook").contains("qq");
        CliRun show = CliRun.of("providers", "show", "outlook");
        assertThat(show.code()).isZero();
        assertThat(show.out()).contains("smtp-mail.outlook.com:587 STARTTLS").contains("OAUTH2");
        CliRun lookup = CliRun.of("providers", "lookup", "someone@qq.com");
        assertThat(lookup.code()).isZero();
        assertThat(lookup.out()).contains("QQ Mail").contains("AUTHORIZATION_CODE");
        // the full settings: user-name form, OAuth2, limits, quirks
        assertThat(show.out()).contains("user:     the whole e-mail address").contains("OAuth2:   authorize https://")
                .contains("scopes ");
        assertThat(CliRun.of("providers", "show", "gmail").out()).contains("quirk:    files a copy of sent mail");
        assertThat(CliRun.of("providers", "show", "google-workspace").out()).contains("limits:").contains("100 recipients a message");
        assertThat(CliRun.of("providers", "show", "webde").out()).contains("the part before the @ only");
        assertThat(list.out().lines()).allMatch(l -> l.length() <= 120, "a compact line");
        assertThat(list.out()).contains("more)");
        CliRun bare = CliRun.of("providers");
        assertThat(bare.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bare.err()).contains("see 'mailkit providers --help'");
        CliRun unknown = CliRun.of("providers", "show", "no-such-provider");
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("no provider 'no-such-provider'");
    }

    @Test
    void providersLookup_findsCustomDomainsByMx_andOfflineStaysWithTheData() {
        ProvidersCommand.dnsForTests = new dev.mailkit.core.DnsResolver() {
            @Override
            public List<Mx> mx(String domain) {
                return domain.equals("example.com") ? List.of(new Mx(1, "aspmx.l.google.com.")) : List.of();
            }

            @Override
            public List<Srv> srv(String name) {
                return List.of();
            }
        };
        ProvidersCommand.autoconfigForTests = dev.mailkit.core.discovery.AutoconfigSource.none();
        try {
            CliRun found = CliRun.of("providers", "lookup", "ceo@example.com");
            assertThat(found.code()).isZero();
            assertThat(found.out()).contains("found by the MX of example.com: aspmx.l.google.com → Google Workspace")
                    .contains("imap.gmail.com:993");
            assertThat(CliRun.of("providers", "lookup", "ceo@example.com", "--json").out())
                    .contains("\"method\":\"MX\"").contains("google-workspace");
            CliRun known = CliRun.of("providers", "lookup", "someone@laposte.net");
            assertThat(known.out()).contains("found by the registry, which lists laposte.net");
            CliRun offline = CliRun.of("providers", "lookup", "ceo@example.com", "--offline");
            assertThat(offline.code()).isNotZero();
            assertThat(CliRun.of("providers", "lookup", "someone@laposte.net", "--offline").out())
                    .contains("found in the built-in data").contains("imap.laposte.net");
            assertThat(CliRun.of("providers", "lookup", "nobody@unknown.example").code()).isNotZero();
        } finally {
            ProvidersCommand.dnsForTests = null;
            ProvidersCommand.autoconfigForTests = null;
        }
    }

    @Test
    void send_deliversTextHtmlAndAttachments_toEveryRecipient() throws Exception {
        Path text = dir.resolve("body.txt");
        Path html = dir.resolve("body.html");
        Path pdf = dir.resolve("report.pdf");
        Files.writeString(text, "Hello from the command line — ünïcödé");
        Files.writeString(html, "<p>Hello <b>HTML</b></p>");
        Files.write(pdf, new byte[] {'%', 'P', 'D', 'F', '-', '1', '.', '4'});
        CliRun r = CliRun.of(Map.of("MK_PW", "s3cret-pw"), smtp("--from", "me@localhost", "--to", "a@localhost",
                "--cc", "b@localhost", "--bcc", "c@localhost", "--subject", "CLI test", "--text-file", text.toString(),
                "--html-file", html.toString(), "--attach", pdf.toString()));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("to 3 recipient(s)");
        assertThat(r.out() + r.err()).doesNotContain("s3cret-pw");
        MimeMessage[] received = mail.getReceivedMessages();
        assertThat(received).hasSize(3);
        MimeMessage m = received[0];
        assertThat(m.getSubject()).isEqualTo("CLI test");
        assertThat(m.getHeader("Bcc")).isNull();
        String raw = GreenMailUtil.getWholeMessage(m);
        assertThat(raw).contains("report.pdf").contains("text/html");
        assertThat(((MimeMultipart) m.getContent()).getCount()).isEqualTo(2);
    }

    @Test
    void send_signsWithDkim_andWritesTheBulkSenderFields() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("Ed25519");
        Path key = dir.resolve("dkim.pem");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder()
                .encodeToString(g.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        CliRun r = CliRun.of(Map.of("MK_PW", "s3cret-pw"), smtp("--from", "News <news@localhost>", "--to", "a@localhost",
                "--subject", "signed", "--text", "t", "--dkim-key", key.toString(), "--dkim-selector", "mk1",
                "--list-unsubscribe", "https://localhost/u/1", "--list-unsubscribe-mailto", "unsub@localhost",
                "--feedback-id", "c1:news:mk", "--envelope-from", "bounces@localhost"));
        assertThat(r.code()).as(r.err()).isZero();
        String raw = GreenMailUtil.getWholeMessage(mail.getReceivedMessages()[0]);
        assertThat(raw.replace("\r\n\t", " ")).contains("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;"
                + " d=localhost; s=mk1;");
        assertThat(raw).contains("List-Unsubscribe: <https://localhost/u/1>, <mailto:unsub@localhost>")
                .contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click").contains("Feedback-ID: c1:news:mk");
        assertThat(r.out() + r.err()).doesNotContain("PRIVATE KEY");

        CliRun half = CliRun.of(Map.of("MK_PW", "x"), smtp("--from", "me@localhost", "--to", "a@localhost",
                "--subject", "s", "--text", "t", "--dkim-key", key.toString()));
        assertThat(half.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(half.err()).contains("--dkim-selector");
        CliRun http = CliRun.of(Map.of("MK_PW", "x"), smtp("--from", "me@localhost", "--to", "a@localhost",
                "--subject", "s", "--text", "t", "--list-unsubscribe", "http://localhost/u"));
        assertThat(http.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(http.err()).contains("https");
        CliRun badKey = CliRun.of(Map.of("MK_PW", "x"), smtp("--from", "me@localhost", "--to", "a@localhost",
                "--subject", "s", "--text", "t", "--dkim-key", dir.resolve("none.pem").toString(), "--dkim-selector", "s"));
        assertThat(badKey.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badKey.err()).contains("none.pem");
    }

    @Test
    void send_errorsHaveTheirExitCodes_andNameTheProblem() throws Exception {
        CliRun noEnv = CliRun.of(smtp("--from", "me@localhost", "--to", "a@localhost", "--subject", "s", "--text", "t"));
        assertThat(noEnv.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noEnv.err()).contains("environment variable MK_PW is not set");
        CliRun missingTo = CliRun.of(Map.of("MK_PW", "x"), smtp("--from", "me@localhost", "--subject", "s", "--text", "t"));
        assertThat(missingTo.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(missingTo.err()).contains("--to");
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        CliRun refused = CliRun.of(Map.of("MK_PW", "x"), "send", "--host", "127.0.0.1", "--port", String.valueOf(closedPort),
                "--security", "plain", "--user", "me", "--password-env", "MK_PW", "--from", "me@localhost",
                "--to", "a@localhost", "--subject", "s", "--text", "t");
        assertThat(refused.code()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(refused.err()).startsWith("mailkit: ");
        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    @Test
    void sync_mirrorsAsJson_thenPushesAMaildirEdit() throws Exception {
        GreenMailUtil.sendTextEmail("me@localhost", "x@localhost", "first", "one", mail.getSmtp().getServerSetup());
        GreenMailUtil.sendTextEmail("me@localhost", "x@localhost", "second", "two", mail.getSmtp().getServerSetup());
        CliRun r = CliRun.of(imap("--json"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("{\"status\":\"ok\",\"exitCode\":0,\"milliseconds\":")
                .contains("\"totals\":{\"new\":2,").contains("{\"folder\":\"INBOX\",\"method\":\"INITIAL\",\"new\":2,");
        List<Path> files;
        try (Stream<Path> cur = Files.list(dir.resolve("mail").resolve("cur"))) {
            files = cur.sorted().toList();
        }
        assertThat(files).hasSize(2);
        Path f = files.get(0);
        Files.move(f, f.resolveSibling(f.getFileName().toString().replace(":2,", ":2,F")));
        CliRun again = CliRun.of(imap());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("1 pushed");
        jakarta.mail.Store store = mail.getImap().createStore();
        store.connect("me", "s3cret-pw");
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        long flagged = Stream.of(inbox.getMessages()).filter(m -> {
            try {
                return m.isSet(Flags.Flag.FLAGGED);
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).count();
        store.close();
        assertThat(flagged).isEqualTo(1);
    }

    @Test
    void sync_massDeletionRefused_exit6_namesTheOption_thenAllowMassDeletionAppliesIt() throws Exception {
        for (int i = 0; i < 3; i++) {
            GreenMailUtil.sendTextEmail("me@localhost", "x@localhost", "m" + i, "body " + i, mail.getSmtp().getServerSetup());
        }
        assertThat(CliRun.of(imap()).code()).isZero();
        jakarta.mail.Store store = mail.getImap().createStore();
        store.connect("me", "s3cret-pw");
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        for (jakarta.mail.Message m : inbox.getMessages()) {
            m.setFlag(Flags.Flag.DELETED, true);
        }
        inbox.close(true); // the server now shows INBOX empty
        store.close();
        CliRun refused = CliRun.of(imap());
        assertThat(refused.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err()).contains("--allow-mass-deletion");
        assertThat(refused.out()).as("the rest of the account's report").contains("synced in");
        try (Stream<Path> cur = Files.list(dir.resolve("mail").resolve("cur"))) {
            assertThat(cur.count()).as("nothing deleted locally").isEqualTo(3);
        }
        CliRun allowed = CliRun.of(imap("--allow-mass-deletion"));
        assertThat(allowed.code()).as(allowed.err()).isZero();
        assertThat(allowed.out()).contains("3 removed");
        try (Stream<Path> cur = Files.list(dir.resolve("mail").resolve("cur"))) {
            assertThat(cur.count()).isZero();
        }
    }

    @Test
    void sync_forgetFolder_mirrorsItAgain_andAnUnknownNameIsAUsageError() throws Exception {
        GreenMailUtil.sendTextEmail("me@localhost", "x@localhost", "first", "one", mail.getSmtp().getServerSetup());
        assertThat(CliRun.of(imap()).code()).isZero();
        CliRun unknown = CliRun.of(imap("--forget-folder", "Nowhere"));
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("Nowhere");
        CliRun again = CliRun.of(imap("--forget-folder", "INBOX", "--json"));
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("{\"folder\":\"INBOX\",\"method\":\"INITIAL\"");
        try (Stream<Path> cur = Files.list(dir.resolve("mail").resolve("cur"))) {
            assertThat(cur.count()).as("the file on disk is taken over, not stored twice").isEqualTo(1);
        }
    }

    @Test
    void sync_wrongPassword_isAnAuthenticationError() throws Exception {
        Files.writeString(passwordFile, "wrong");
        CliRun r = CliRun.of(imap());
        assertThat(r.code()).isEqualTo(ExitCodes.AUTHENTICATION);
        assertThat(r.err()).startsWith("mailkit: ").doesNotContain("wrong");
    }

    @Test
    void sync_printsServerFolderNames_withControlCharactersEscaped_soNoLineCanBeForged() throws Exception {
        String forging = "Evil\r\nsynced in 1 ms: 0 new, 0 changed, 0 removed, 99 pushed, 0 conflict(s), 0.0 MB";
        String escapes = "Red\u001b[31mAlert\u0007\u009b2J";
        String nul = "Nul\u0000Name";
        jakarta.mail.Store store = mail.getImap().createStore();
        store.connect("me", "s3cret-pw");
        for (String name : List.of(forging, escapes, nul)) {
            Folder f = store.getFolder(name);
            f.create(Folder.HOLDS_MESSAGES);
            MimeMessage m = new MimeMessage(jakarta.mail.Session.getInstance(new java.util.Properties()));
            m.setText("in a folder with a hostile name");
            f.appendMessages(new Message[] {m});
        }
        store.close();
        for (String[] args : List.of(imap(), imap("--json"))) {
            CliRun r = CliRun.of(args);
            assertThat(r.code()).as(r.err()).isZero();
            String all = r.out() + r.err();
            for (char c : all.toCharArray()) {
                assertThat(c < 0x20 && c != '\n' || c == 0x7f || c >= 0x80 && c <= 0x9f)
                        .as("control character U+%04X printed", (int) c).isFalse();
            }
            assertThat(all.lines().filter(l -> l.contains("99 pushed"))).as("a line starting with the forged text")
                    .allMatch(l -> !l.startsWith("synced in"));
        }
        CliRun plain = CliRun.of(imap());
        assertThat(plain.out()).contains("Evil\\u000d\\u000asynced in 1 ms").contains("Red\\u001b[31mAlert\\u0007\\u009b2J")
                .contains("Nul\\u0000Name");
        assertThat(plain.out().lines().filter(l -> l.startsWith("synced in"))).hasSize(1);
    }

    @Test
    void sync_watch_pullsWhatArrives_untilItsTimeIsUp() throws Exception {
        CliRun[] result = new CliRun[1];
        Thread t = new Thread(() -> result[0] = CliRun.of(imap("--watch", "--watch-for", "4")));
        t.start();
        Thread.sleep(1500);
        GreenMailUtil.sendTextEmail("me@localhost", "x@localhost", "while watching", "w", mail.getSmtp().getServerSetup());
        t.join(30_000);
        assertThat(result[0].code()).as(result[0].err()).isZero();
        try (Stream<Path> cur = Files.list(dir.resolve("mail").resolve("cur"))) {
            assertThat(cur.count()).isEqualTo(1);
        }
        assertThat(result[0].out()).contains("1 new");
    }

    @Test
    void sync_watch_againstAClosedPort_exitsWithTheConnectionCode_sayingItOnce() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CliRun r = CliRun.of("sync", "--host", "127.0.0.1", "--port", String.valueOf(closed), "--security", "plain",
                "--user", "me", "--password-file", passwordFile.toString(), "--dir", dir.resolve("mail").toString(),
                "--watch", "--watch-for", "20");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(r.err().lines().filter(l -> l.contains("cannot connect"))).hasSize(1);
        assertThat(r.err()).doesNotContain("retrying");
    }

    @Test
    void demo_runsAndExitsZero() {
        CliRun r = CliRun.of("demo");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("The server and the Maildir agree.");
    }

    @Test
    void help_onEverySubcommand_andAUsageError_saysTheOneProblem() {
        for (String[] args : new String[][] {{"providers", "list", "--help"}, {"providers", "show", "--help"},
            {"providers", "lookup", "-h"}, {"send", "--help"}, {"sync", "-h"}, {"doctor", "--help"}, {"demo", "--help"}}) {
            CliRun r = CliRun.of(args);
            assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isZero();
            assertThat(r.out()).as(String.join(" ", args)).contains("Usage: mailkit " + args[0]);
        }
        CliRun bad = CliRun.of("providers", "list", "--no-such-option");
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err().lines()).hasSize(2);
        assertThat(bad.err()).contains("--no-such-option").contains("see 'mailkit providers list --help'");
        assertThat(bad.out()).isEmpty();
        CliRun none = CliRun.of();
        assertThat(none.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).contains("a command is needed").contains("see 'mailkit --help'");
    }

    @Test
    void send_withABadAddressOrAMissingAttachment_isAUsageError() {
        CliRun badFrom = CliRun.of(Map.of("MK_PW", "x"), smtp("--from", "not an address", "--to", "a@localhost", "--subject", "x", "--text", "x"));
        assertThat(badFrom.code()).as(badFrom.err()).isEqualTo(ExitCodes.USAGE);
        CliRun missing = CliRun.of(Map.of("MK_PW", "x"), smtp("--from", "me@localhost", "--to", "a@localhost", "--subject", "x", "--text", "x",
                "--attach", dir.resolve("missing.pdf").toString()));
        assertThat(missing.code()).as(missing.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("missing.pdf");
    }

    @Test
    void theSmallerMistakes_areNamed() {
        CliRun empty = CliRun.of(Map.of("MK_PW", ""), smtp("--from", "me@localhost", "--to", "a@localhost", "--subject", "s",
                "--text", "t"));
        assertThat(empty.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(empty.err()).contains("MK_PW is set but empty");
        for (String notAnAddress : new String[] {"x@@gmail.com", "@gmail.com", "noatsign", "me@gmail"}) {
            CliRun r = CliRun.of("providers", "lookup", notAnAddress);
            assertThat(r.code()).as(notAnAddress).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).as(notAnAddress).contains("is not an e-mail address");
        }
        assertThat(CliRun.of("providers", "lookup", "me@gmail.com").code()).isZero();
        CliRun noSuch = CliRun.of(imap("--folder", "INBOX", "NoSuch"));
        assertThat(noSuch.code()).as(noSuch.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(noSuch.err()).contains("no folder named \"NoSuch\"").contains("the others were synced");
    }

    @Test
    void sync_json_withAnUnknownFolder_isStillOneDocument_andSendSeparatelyRefusesCc() {
        CliRun r = CliRun.of(imap("--folder", "INBOX", "NoSuch", "--json"));
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out().strip().lines()).hasSize(1);
        assertThat(r.out()).startsWith("{\"status\":\"error\",\"exitCode\":2,\"error\":\"--folder: the server has no folder")
                .contains("\"folders\":[{\"folder\":\"INBOX\"");
        CliRun cc = CliRun.of(Map.of("MK_PW", "s3cret-pw"), smtp("--from", "me@localhost", "--to", "a@localhost",
                "b@localhost", "--cc", "c@localhost", "--subject", "s", "--text", "t", "--separately"));
        assertThat(cc.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(cc.err()).contains("--cc and --bcc cannot be used with it");
        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    @Test
    void sync_json_failure_isOneJsonDocumentOnStdout_withItsExitCode() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CliRun r = CliRun.of("sync", "--host", "127.0.0.1", "--port", String.valueOf(closed), "--security", "plain",
                "--user", "me", "--password-file", passwordFile.toString(), "--dir", dir.resolve("mail").toString(), "--json");
        assertThat(r.code()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(r.out().strip()).startsWith("{\"status\":\"error\",\"exitCode\":4,\"error\":\"cannot connect")
                .endsWith("}");
        assertThat(r.out().strip().lines()).hasSize(1);
        assertThat(r.err()).doesNotContain("cannot connect");
    }

    @Test
    void help_listsTheCommandsAndExitCodes() {
        CliRun r = CliRun.of("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("providers").contains("send").contains("sync").contains("demo")
                .contains("3 login");
    }

    @Test
    void send_separately_isABatch_withAProgressBarOnATerminal() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Mailkit.run(smtp("--from", "me@localhost", "--to", "a@localhost", "b@localhost", "c@localhost",
                        "d@localhost", "e@localhost", "--subject", "one each", "--text", "t", "--separately"),
                Map.of("MK_PW", "s3cret-pw")::get, new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(err, true), true);
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("\r").contains("[").contains("/5").contains("sent 5 of 5 message(s), 0 failed");
        MimeMessage[] received = mail.getReceivedMessages();
        assertThat(received).hasSize(5);
        assertThat(Stream.of(received).map(m -> {
            try {
                return m.getHeader("To", ",");
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        })).containsExactlyInAnyOrder("a@localhost", "b@localhost", "c@localhost", "d@localhost", "e@localhost");
    }

    @Test
    void doctor_swappedHosts_areCaughtWithoutTheNetwork_andExit2() {
        CliRun r = CliRun.of("doctor", "me@gmail.com", "--smtp", "imap.gmail.com:993:tls", "--imap", "smtp.gmail.com:465:tls");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).contains("✗ settings   imap.gmail.com is Gmail's IMAP server (receiving), not its SMTP server (sending)")
                .contains("fix: use smtp.gmail.com:465 SSL_TLS for SMTP")
                .contains("fix: use imap.gmail.com:993 SSL_TLS for IMAP")
                .contains("Sending will not work").contains("Receiving will not work");
    }

    @Test
    void doctor_loginChecked_onBothServers_asAChecklistAndAsJson() {
        String smtpSetting = "localhost:" + mail.getSmtp().getPort() + ":plain";
        String imapSetting = "localhost:" + mail.getImap().getPort() + ":plain";
        CliRun ok = CliRun.of(Map.of("MK_PW", "s3cret-pw"), "doctor", "me@localhost", "--smtp", smtpSetting, "--imap", imapSetting,
                "--user", "me", "--password-env", "MK_PW");
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("✓ login      logged in as me").contains("Sending should work. Receiving should work.")
                .doesNotContain("s3cret-pw");
        CliRun bad = CliRun.of(Map.of("MK_PW", "wrong-pw"), "doctor", "me@localhost", "--smtp", smtpSetting, "--imap", imapSetting,
                "--user", "me", "--password-env", "MK_PW", "--json");
        assertThat(bad.code()).isIn(ExitCodes.AUTHENTICATION, ExitCodes.PARTIAL); // GreenMail's SMTP may take any password
        assertThat(bad.out()).startsWith("{\"status\":\"" + (bad.code() == ExitCodes.PARTIAL ? "partial" : "error")
                + "\",\"exitCode\":" + bad.code() + ",\"address\":\"me@localhost\",\"sending\":").contains("\"receiving\":false,")
                .contains("\"check\":\"login\"").contains("\"severity\":\"ERROR\"").doesNotContain("wrong-pw");
    }
}
