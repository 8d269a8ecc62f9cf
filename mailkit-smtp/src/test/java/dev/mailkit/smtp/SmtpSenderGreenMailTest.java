package dev.mailkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.AuthenticationException;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.TlsException;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.testing.TestCertificates;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Part;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** End-to-end sending against GreenMail on loopback: what the server received is parsed and compared. */
class SmtpSenderGreenMailTest {

    private static Path pem;
    private GreenMail greenMail;

    @BeforeAll
    static void certificates() {
        pem = TestCertificates.localhostPem();
    }

    @BeforeEach
    void start() {
        greenMail = new GreenMail(new ServerSetup[] {
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        greenMail.start();
        greenMail.setUser("alice@localhost", "alice", "alice-pw");
    }

    @AfterEach
    void stop() {
        greenMail.stop();
    }

    private SmtpSender.Builder smtps() {
        return SmtpSender.builder().endpoint("localhost", greenMail.getSmtps().getPort(), Security.SSL_TLS)
                .credentials(Credentials.password("alice", "alice-pw"))
                .options(ConnectionOptions.builder().trustCertificates(pem).build())
                .retryPolicy(RetryPolicy.none());
    }

    private MimeMessage receivedBy(String address) {
        return Arrays.stream(greenMail.getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().contains(address))
                        || m.getHeader("X-Envelope-To") != null;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).findFirst().orElseThrow();
    }

    @Test
    void send_plainText_overTrustedSmtps() throws Exception {
        try (SmtpSender sender = smtps().build()) {
            SendResult r = sender.send(Email.builder().from("alice@localhost").to("bob@localhost")
                    .subject("plain").text("Hello Bob,\nline two.").build());
            assertThat(r.accepted()).containsExactly("bob@localhost");
            assertThat(r.rejected()).isEmpty();
            assertThat(r.attempts()).isEqualTo(1);
            MimeMessage m = greenMail.getReceivedMessages()[0];
            assertThat(m.getMessageID()).isEqualTo(r.messageId());
            assertThat(((String) m.getContent()).replace("\r\n", "\n").strip()).isEqualTo("Hello Bob,\nline two.");
        }
    }

    /**
     * A line that is only a dot would end the message early if it were not doubled on the way; content over
     * several of the blocks mailkit writes it in (64 KB) must arrive whole. GreenMail offers no PIPELINING,
     * so this is Angus's lock-step path with mailkit's content stream.
     */
    @Test
    void dotLines_andALargeAttachment_arriveIntact() throws Exception {
        String text = "first\n.\n.hidden\n..two\r\n.\r.\nlast line";
        byte[] data = new byte[300_000];
        new java.util.Random(5).nextBytes(data);
        try (SmtpSender sender = SmtpSender.builder().endpoint("127.0.0.1", greenMail.getSmtp().getPort(), Security.PLAIN)
                .options(ConnectionOptions.builder().allowPlaintext().build()).retryPolicy(RetryPolicy.none())
                .withoutAuthentication().build()) {
            sender.send(Email.builder().from("alice@localhost").to("bob@localhost").subject("dots").text(text)
                    .attach("data.bin", data, "application/octet-stream").build());
            sender.send(Email.builder().from("alice@localhost").to("carol@localhost").subject("only dots")
                    .text(".\n.").build());
        }
        MimeMessage m = receivedBy("bob@localhost");
        MimeMultipart mixed = (MimeMultipart) m.getContent();
        assertThat(((String) mixed.getBodyPart(0).getContent()).replace("\r\n", "\n"))
                .isEqualTo("first\n.\n.hidden\n..two\n.\n.\nlast line");
        assertThat(mixed.getBodyPart(1).getInputStream().readAllBytes()).isEqualTo(data);
        assertThat(((String) receivedBy("carol@localhost").getContent()).replace("\r\n", "\n")).isEqualTo(".\n.");
    }

    @Test
    void send_htmlTextAttachmentsInline_andUnicodeRoundTrip() throws Exception {
        byte[] logo = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, 3};
        byte[] pdf = "%PDF-1.4 fake".getBytes(StandardCharsets.US_ASCII);
        Email email = Email.builder().from("alice@localhost", "张伟 🚀").to("Zoë Bob <bob@localhost>")
                .subject("季度报告 Q3 ✅ émoji 😀").text("纯文本 body").html("<p>HTML 正文 <img src='cid:logo'></p>")
                .inline("logo", logo, "image/png").attach("报告.pdf", pdf, null).header("X-Campaign", "q3").build();
        try (SmtpSender sender = smtps().build()) {
            sender.send(email);
        }
        MimeMessage m = greenMail.getReceivedMessages()[0];
        assertThat(m.getSubject()).isEqualTo("季度报告 Q3 ✅ émoji 😀");
        assertThat(((InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo("张伟 🚀");
        assertThat(((InternetAddress) m.getRecipients(Message.RecipientType.TO)[0]).getPersonal()).isEqualTo("Zoë Bob");
        assertThat(m.getHeader("X-Campaign")).containsExactly("q3");
        MimeMultipart mixed = (MimeMultipart) m.getContent();
        MimeMultipart alternative = (MimeMultipart) mixed.getBodyPart(0).getContent();
        assertThat(alternative.getBodyPart(0).getContent()).isEqualTo("纯文本 body");
        MimeMultipart related = (MimeMultipart) alternative.getBodyPart(1).getContent();
        assertThat((String) related.getBodyPart(0).getContent()).contains("HTML 正文");
        Part inline = related.getBodyPart(1);
        assertThat(inline.getDisposition()).isEqualTo(Part.INLINE);
        assertThat(inline.getInputStream().readAllBytes()).isEqualTo(logo);
        Part attachment = mixed.getBodyPart(1);
        assertThat(jakarta.mail.internet.MimeUtility.decodeText(attachment.getFileName())).isEqualTo("报告.pdf");
        assertThat(attachment.getContentType()).startsWith("application/pdf");
        assertThat(attachment.getInputStream().readAllBytes()).isEqualTo(pdf);
    }

    @Test
    void send_ccAndBcc_deliveredButBccNotInHeaders() throws Exception {
        try (SmtpSender sender = smtps().build()) {
            SendResult r = sender.send(Email.builder().from("alice@localhost").to("bob@localhost")
                    .cc("carol@localhost").bcc("dave@localhost").subject("cc/bcc").text("x").build());
            assertThat(r.accepted()).containsExactly("bob@localhost", "carol@localhost", "dave@localhost");
        }
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(3); // one copy per recipient mailbox
        for (MimeMessage m : received) {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            m.writeTo(raw);
            assertThat(raw.toString(StandardCharsets.UTF_8)).doesNotContain("dave@localhost").doesNotContainIgnoringCase("bcc:");
        }
        // GreenMail auto-creates each recipient's mailbox (login = password = address): dave's inbox has the copy.
        assertThat(inboxCount("dave@localhost")).isEqualTo(1);
        assertThat(inboxCount("carol@localhost")).isEqualTo(1);
    }

    private int inboxCount(String user) throws Exception {
        Store store = jakarta.mail.Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", greenMail.getImap().getPort(), user, user);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            return inbox.getMessageCount();
        } finally {
            store.close();
        }
    }

    @Test
    void untrustedCertificate_andHostNameMismatch_areRefused() {
        try (SmtpSender sender = SmtpSender.builder().endpoint("localhost", greenMail.getSmtps().getPort(), Security.SSL_TLS)
                .credentials(Credentials.password("alice", "alice-pw")).retryPolicy(RetryPolicy.none()).build()) {
            assertThatThrownBy(sender::testConnection).isInstanceOfSatisfying(TlsException.class,
                    e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.UNTRUSTED_CERTIFICATE));
        }
        try (SmtpSender sender = smtps().endpoint("127.0.0.1", greenMail.getSmtps().getPort(), Security.SSL_TLS).build()) {
            assertThatThrownBy(() -> sender.send(Email.builder().from("alice@localhost").to("bob@localhost").text("x").build()))
                    .isInstanceOfSatisfying(TlsException.class,
                            e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.HOSTNAME_MISMATCH));
        }
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void starttlsRequiredButNotOffered_refusesBeforeLogin() {
        try (SmtpSender sender = SmtpSender.builder().endpoint("127.0.0.1", greenMail.getSmtp().getPort(), Security.STARTTLS)
                .credentials(Credentials.password("alice", "alice-pw")).build()) {
            assertThatThrownBy(sender::testConnection).isInstanceOfSatisfying(TlsException.class,
                    e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.STARTTLS_NOT_OFFERED));
        }
    }

    @Test
    void wrongPassword_isAuthenticationError_withProviderHint_andNoSecret() {
        var gmail = ProviderRegistry.defaults().byId("gmail").orElseThrow();
        try (SmtpSender sender = smtps().provider(gmail).credentials(Credentials.appPassword("alice", "Wr0ng-Secret!")).build()) {
            assertThatThrownBy(() -> sender.send(Email.builder().from("alice@localhost").to("bob@localhost").text("x").build()))
                    .isInstanceOfSatisfying(AuthenticationException.class, e -> {
                        assertThat(e.serverReply()).hasValueSatisfying(r -> assertThat(r).contains("535"));
                        assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).contains("app password"));
                    })
                    .hasMessageNotContaining("Wr0ng-Secret!");
            assertThat(sender.toString()).doesNotContain("Wr0ng-Secret!");
        }
    }

    @Test
    void appendToSentFolder_filesACopyOverImap() throws Exception {
        ServerEndpoint imap = ServerEndpoint.of("127.0.0.1", greenMail.getImap().getPort(), Security.PLAIN);
        try (SmtpSender sender = SmtpSender.builder().endpoint("127.0.0.1", greenMail.getSmtp().getPort(), Security.PLAIN)
                .credentials(Credentials.password("alice", "alice-pw"))
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .appendToSentFolder(imap).build()) {
            SendResult r = sender.send(Email.builder().from("alice@localhost").to("bob@localhost")
                    .subject("keep a copy").text("x").build());
            assertThat(r.sentCopy()).isEqualTo(SentCopy.APPENDED);
        }
        Properties p = new Properties();
        Store store = jakarta.mail.Session.getInstance(p).getStore("imap");
        store.connect("127.0.0.1", greenMail.getImap().getPort(), "alice", "alice-pw");
        try {
            Folder sent = store.getFolder("Sent");
            sent.open(Folder.READ_ONLY);
            assertThat(sent.getMessageCount()).isEqualTo(1);
            assertThat(sent.getMessage(1).getSubject()).isEqualTo("keep a copy");
            assertThat(sent.getMessage(1).isSet(jakarta.mail.Flags.Flag.SEEN)).isTrue();
        } finally {
            store.close();
        }
    }

    @Test
    void sendAll_withSentCopies_filesEachMessageOnce_overSeveralImapConnections() throws Exception {
        ServerEndpoint imap = ServerEndpoint.of("127.0.0.1", greenMail.getImap().getPort(), Security.PLAIN);
        List<Email> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batch.add(Email.builder().from("alice@localhost").to("bob@localhost").subject("copy " + i).text("x").build());
        }
        try (SmtpSender sender = SmtpSender.builder().endpoint("127.0.0.1", greenMail.getSmtp().getPort(), Security.PLAIN)
                .credentials(Credentials.password("alice", "alice-pw"))
                .options(ConnectionOptions.builder().allowPlaintext().build()).poolSize(4)
                .appendToSentFolder(imap).build()) {
            List<SendOutcome> outcomes = sender.sendAll(batch);
            assertThat(outcomes).allSatisfy(o -> assertThat(o.result()).hasValueSatisfying(r ->
                    assertThat(r.sentCopy()).isEqualTo(SentCopy.APPENDED)));
        }
        Store store = jakarta.mail.Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", greenMail.getImap().getPort(), "alice", "alice-pw");
        try {
            Folder sent = store.getFolder("Sent");
            sent.open(Folder.READ_ONLY);
            List<String> subjects = new java.util.ArrayList<>();
            for (jakarta.mail.Message m : sent.getMessages()) {
                subjects.add(m.getSubject());
            }
            assertThat(subjects).as("each copy once").containsExactlyInAnyOrderElementsOf(
                    batch.stream().map(Email::subject).toList());
        } finally {
            store.close();
        }
    }

    @Test
    void sendAll_withSentCopies_aCallbackThatSends_doesNotHoldUpTheBatch() {
        ServerEndpoint imap = ServerEndpoint.of("127.0.0.1", greenMail.getImap().getPort(), Security.PLAIN);
        List<Email> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(Email.builder().from("alice@localhost").to("bob@localhost").subject("b " + i).text("x").build());
        }
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
            try (SmtpSender sender = SmtpSender.builder().endpoint("127.0.0.1", greenMail.getSmtp().getPort(), Security.PLAIN)
                    .credentials(Credentials.password("alice", "alice-pw"))
                    .options(ConnectionOptions.builder().allowPlaintext().build()).appendToSentFolder(imap).build()) {
                java.util.concurrent.atomic.AtomicInteger followUps = new java.util.concurrent.atomic.AtomicInteger();
                BatchSummary summary = sender.sendAll(batch, o -> {
                    // a receipt sent from the callback waits for its own Sent copy
                    SendResult r = sender.send(Email.builder().from("alice@localhost").to("carol@localhost")
                            .subject("receipt").text("x").build());
                    assertThat(r.sentCopy()).isEqualTo(SentCopy.APPENDED);
                    followUps.incrementAndGet();
                });
                assertThat(summary.sent()).isEqualTo(10);
                assertThat(followUps).hasValue(10);
            }
        });
    }

    @Test
    void sendAll_withSentCopies_toAnImapServerThatIsDown_sendsEveryMessage_andReportsTheCopiesFailed() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        List<Email> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            batch.add(Email.builder().from("alice@localhost").to("bob@localhost").subject("d " + i).text("x").build());
        }
        try (SmtpSender sender = SmtpSender.builder().endpoint("127.0.0.1", greenMail.getSmtp().getPort(), Security.PLAIN)
                .credentials(Credentials.password("alice", "alice-pw"))
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .appendToSentFolder(ServerEndpoint.of("127.0.0.1", closed, Security.PLAIN)).build()) {
            List<SendOutcome> outcomes = sender.sendAll(batch);
            assertThat(outcomes).hasSize(30).allSatisfy(o -> assertThat(o.result()).hasValueSatisfying(r ->
                    assertThat(r.sentCopy()).isEqualTo(SentCopy.FAILED)));
        }
        assertThat(greenMail.getReceivedMessages()).hasSize(30);
    }

    @Test
    void sendAll_withSentCopies_aCallbackThatThrows_isThrownBySendAll_afterEveryReport() {
        ServerEndpoint imap = ServerEndpoint.of("127.0.0.1", greenMail.getImap().getPort(), Security.PLAIN);
        List<Email> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            batch.add(Email.builder().from("alice@localhost").to("bob@localhost").subject("t " + i).text("x").build());
        }
        java.util.concurrent.atomic.AtomicInteger reports = new java.util.concurrent.atomic.AtomicInteger();
        try (SmtpSender sender = SmtpSender.builder().endpoint("127.0.0.1", greenMail.getSmtp().getPort(), Security.PLAIN)
                .credentials(Credentials.password("alice", "alice-pw"))
                .options(ConnectionOptions.builder().allowPlaintext().build()).appendToSentFolder(imap).build()) {
            assertThatThrownBy(() -> sender.sendAll(batch, o -> {
                if (reports.incrementAndGet() == 3) {
                    throw new IllegalStateException("the application's callback failed");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("the application's callback failed");
            int atReturn = reports.get();
            assertThat(atReturn).as("every message reported before sendAll returned").isEqualTo(8);
        }
    }

    @Test
    void providerThatSavesSentCopy_isNotDoubleFiled() {
        var gmail = ProviderRegistry.defaults().byId("gmail").orElseThrow();
        assertThat(gmail.savesSentCopy()).isTrue();
        try (SmtpSender sender = smtps().provider(gmail).credentials(Credentials.appPassword("alice", "alice-pw"))
                .appendToSentFolder().build()) {
            SendResult r = sender.send(Email.builder().from("alice@localhost").to("bob@localhost").text("x").build());
            assertThat(r.sentCopy()).isEqualTo(SentCopy.SAVED_BY_PROVIDER);
        }
    }
}
