package dev.mailkit.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.SmtpSender;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GreenMailExtensionTest {

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension().withUser("app@localhost", "app", "app-pw");

    @TempDir
    Path dir;

    static int smtpPort;

    @org.junit.jupiter.api.BeforeAll
    static void rememberThePort() {
        smtpPort = MAIL.smtpEndpoint().port();
    }

    @org.junit.jupiter.api.Nested
    class Nested {
        @Test
        void aNestedClass_sharesTheOuterClassesServer() throws Exception {
            assertThat(MAIL.smtpEndpoint().port()).as("the same server, not a second one").isEqualTo(smtpPort);
            MAIL.smtpSender().send(Email.builder().from("app@localhost").to("app@localhost").subject("Nested").text("x").build());
            assertThat(MAIL.awaitReceived(1, 5_000)).isTrue();
        }
    }

    @Test
    @Order(1)
    void aSenderFromTheExtension_deliversToTheEmbeddedServer() throws Exception {
        SmtpSender sender = MAIL.smtpSender();
        sender.send(Email.builder().from("app@localhost").to("app@localhost").subject("Welcome").text("hi").build());
        assertThat(MAIL.awaitReceived(1, 5_000)).isTrue();
        assertThat(MAIL.received()).extracting(MimeMessage::getSubject).containsExactly("Welcome");
    }

    @Test
    @Order(2)
    void eachTest_startsWithEmptyMailboxes_andASynchronizerMirrorsWhatArrives() throws Exception {
        assertThat(MAIL.received()).as("purged after the previous test").isEmpty();
        MAIL.smtpSender().send(Email.builder().from("app@localhost").to("app@localhost").subject("Mirrored").text("x").build());
        assertThat(MAIL.awaitReceived(1, 5_000)).isTrue();
        ImapSynchronizer sync = MAIL.imapSynchronizer(dir.resolve("mail"));
        SyncReport report = sync.syncOnce();
        assertThat(report.added()).isEqualTo(1);
        try (Stream<Path> files = Files.list(dir.resolve("mail").resolve("cur"))) {
            assertThat(files.count()).isEqualTo(1);
        }
    }

    @Test
    @Order(3)
    void theKitKeepsOneJakartaMailAndSlf4j2_soLoggingStillWorks() throws Exception {
        // GreenMail alone brings the combined jakarta.mail jar and SLF4J 1.7; the kit leaves both out
        assertThat(Collections.list(getClass().getClassLoader().getResources("jakarta/mail/Session.class"))).hasSize(1);
        assertThat(LoggerFactory.getILoggerFactory().getClass().getName()).doesNotContain("NOP");
    }
}
