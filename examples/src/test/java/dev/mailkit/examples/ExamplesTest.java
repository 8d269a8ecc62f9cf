package dev.mailkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.smtp.BatchSummary;
import dev.mailkit.smtp.SendResult;
import dev.mailkit.smtp.SmtpSender;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs every example program against GreenMail and checks what it did to the mail. */
class ExamplesTest {

    @TempDir
    Path dir;
    GreenMail mail;
    ExampleAccount account;
    StringWriter printed = new StringWriter();
    PrintWriter out = new PrintWriter(printed, true);

    @BeforeEach
    void start() {
        mail = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        mail.start();
        mail.setUser("me@localhost", "me", "s3cret-pw");
        account = new ExampleAccount(null, ServerEndpoint.of("127.0.0.1", mail.getSmtp().getPort(), Security.PLAIN),
                ServerEndpoint.of("127.0.0.1", mail.getImap().getPort(), Security.PLAIN),
                Credentials.password("me", "s3cret-pw"), ConnectionOptions.builder().allowPlaintext().build());
    }

    @AfterEach
    void stop() {
        mail.stop();
    }

    private void receive(int n) {
        for (int i = 1; i <= n; i++) {
            GreenMailUtil.sendTextEmail("me@localhost", "x@localhost", "message " + i, "body " + i,
                    mail.getSmtp().getServerSetup());
        }
    }

    private Message[] inbox(Store store) throws Exception {
        Folder f = store.getFolder("INBOX");
        f.open(Folder.READ_ONLY);
        return f.getMessages();
    }

    @Test
    void sendPlain() throws Exception {
        SendResult r = SendPlain.run(account, "me@localhost", "you@localhost");
        assertThat(r.accepted()).containsExactly("you@localhost");
        assertThat(mail.getReceivedMessages()).singleElement()
                .satisfies(m -> assertThat(m.getSubject()).isEqualTo("Hello from mailkit"));
    }

    @Test
    void sendHtmlWithAttachments() throws Exception {
        Path pdf = dir.resolve("report.pdf");
        Files.write(pdf, "%PDF-1.4".getBytes(StandardCharsets.US_ASCII));
        SendHtmlWithAttachments.run(account, "me@localhost", "you@localhost", pdf, new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        MimeMessage m = mail.getReceivedMessages()[0];
        String raw = GreenMailUtil.getWholeMessage(m);
        assertThat(raw).contains("text/html").contains("multipart/related").contains("Content-ID: <logo>")
                .contains("filename=report.pdf").contains("application/pdf");
    }

    @Test
    void sendBatchWithProgress() {
        BatchSummary s = SendBatchWithProgress.run(account, "me@localhost", "you@localhost", 12, out);
        assertThat(s.sent()).isEqualTo(12);
        assertThat(mail.getReceivedMessages()).hasSize(12);
        assertThat(printed.toString()).contains("12/12 sent").contains("12 sent, 0 failed");
    }

    @Test
    void lookupProvider() {
        assertThat(LookupProvider.run("someone@outlook.com", out).id()).isEqualTo("outlook");
        assertThat(printed.toString()).contains("smtp-mail.outlook.com:587 STARTTLS").contains("OAUTH2");
    }

    @Test
    void mirrorOnce() throws Exception {
        receive(3);
        SyncReport r = MirrorOnce.run(account, dir.resolve("mail"), out);
        assertThat(r.added()).isEqualTo(3);
        try (Stream<Path> cur = Files.list(dir.resolve("mail").resolve("cur"))) {
            assertThat(cur.count()).isEqualTo(3);
        }
        assertThat(printed.toString()).contains("3 new messages");
    }

    @Test
    void readAndSearch() throws Exception {
        receive(3);
        MirrorOnce.run(account, dir.resolve("mail"), out);
        java.util.List<dev.mailkit.imap.Envelope> found = ReadAndSearch.run(dir.resolve("mail"), "subject:\"message 2\"",
                dir.resolve("downloads"), out);
        assertThat(found).singleElement().satisfies(e -> assertThat(e.subject()).isEqualTo("message 2"));
        assertThat(printed.toString()).contains("1 match(es) for subject:\"message 2\"").contains("body 2")
                .contains("1 message(s): message 3");
    }

    @Test
    void twoWaySyncWithLocalAction() throws Exception {
        receive(2);
        SyncReport r = TwoWaySyncWithLocalAction.run(account, dir.resolve("mail"), out);
        assertThat(r.folder("Archive")).as("created by this sync").hasValueSatisfying(f -> assertThat(f.method()).isEqualTo("CREATE"));
        assertThat(r.pushed()).as("the folder, the flags and the move").isEqualTo(3);
        Store store = mail.getImap().createStore();
        store.connect("me", "s3cret-pw");
        try {
            Message[] inbox = inbox(store);
            assertThat(inbox).hasSize(1);
            assertThat(inbox[0].isSet(Flags.Flag.SEEN)).isTrue();
            assertThat(inbox[0].isSet(Flags.Flag.FLAGGED)).isTrue();
            jakarta.mail.Folder archive = store.getFolder("Archive");
            archive.open(jakarta.mail.Folder.READ_ONLY);
            assertThat(archive.getMessageCount()).isEqualTo(1);
            archive.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void syncManyAccounts_twoWorkersOnAnEmbeddedPostgres_shareTheAccounts_andHandThemOver() throws Exception {
        java.util.Map<String, Integer> mirrored = SyncManyAccounts.run(4, out);
        assertThat(mirrored).containsOnlyKeys("user1", "user2", "user3", "user4");
        assertThat(mirrored).containsEntry("user1", 2).containsEntry("user2", 1).containsEntry("user3", 1)
                .containsEntry("user4", 1);
        assertThat(printed.toString()).contains("worker-2 stopped: worker-1 watches all 4")
                .containsPattern("worker-1 watches \\d accounts, worker-2 \\d");
    }

    @Test
    void watchEvents() throws Exception {
        receive(1);
        Thread t = new Thread(() -> {
            try {
                WatchEvents.run(account, dir.resolve("mail"), Duration.ofSeconds(4), out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        Thread.sleep(1500);
        GreenMailUtil.sendTextEmail("me@localhost", "x@localhost", "live", "arrives while watching",
                mail.getSmtp().getServerSetup());
        t.join(30_000);
        assertThat(printed.toString()).contains("new message in INBOX: UID 1").contains("new message in INBOX: UID 2")
                .contains("in sync");
    }

    @Test
    void oauth2TokenProvider_refreshesAtTheTokenEndpoint_andSendsWithXoauth2() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer tokenEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tokenEndpoint.createContext("/token", exchange -> {
            requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = "{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"s3cret-pw\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        tokenEndpoint.start();
        try {
            OAuth2Tokens.RefreshingTokenProvider tokens = new OAuth2Tokens.RefreshingTokenProvider(
                    URI.create("http://127.0.0.1:" + tokenEndpoint.getAddress().getPort() + "/token"),
                    "client-123", null, "refresh-xyz", "https://outlook.office.com/SMTP.Send offline_access");
            try (SmtpSender sender = OAuth2Tokens.sender(account, "me", tokens)) {
                OAuth2Tokens.send(sender, "me@localhost", "you@localhost");
            }
            assertThat(tokens.accessToken()).isEqualTo("s3cret-pw");
            assertThat(requests).as("one refresh, then the cached token").hasSize(1);
            assertThat(requests.get(0)).contains("grant_type=refresh_token").contains("refresh_token=refresh-xyz")
                    .contains("client_id=client-123").contains("scope=https%3A%2F%2Foutlook.office.com%2FSMTP.Send");
            assertThat(mail.getReceivedMessages()).singleElement()
                    .satisfies(m -> assertThat(m.getSubject()).isEqualTo("Sent with OAuth2"));
            assertThat(tokens.toString()).doesNotContain("refresh-xyz").doesNotContain("s3cret-pw");
        } finally {
            tokenEndpoint.stop(0);
        }
    }
}
