package dev.mailkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.imap.testing.DovecotServer;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.SendOutcome;
import dev.mailkit.smtp.SentCopy;
import dev.mailkit.smtp.SmtpSender;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch with Sent copies, sent through GreenMail's SMTP, copied to a real Dovecot (which offers
 * MULTIAPPEND, so the copies go in batches): every message is reported with its copy in, and Sent holds
 * each copy once, marked \Seen.
 */
class SentCopiesDovecotIT {

    @RegisterExtension
    static final DovecotServer.PerClass DOVECOT = new DovecotServer.PerClass();

    GreenMail smtp;

    @BeforeEach
    void start() {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        smtp.setUser("carol@example.com", "carol", DovecotServer.PASSWORD); // the same login on both servers
    }

    @AfterEach
    void stop() {
        smtp.stop();
    }

    @Test
    void aBatchWithSentCopies_reportsEachOnceItsCopyIsIn_andSentHoldsEachOnce() throws Exception {
        assertThat(DOVECOT.server().capabilitiesAfterLogin()).as("the batched path is the one tested").contains("MULTIAPPEND");
        List<Email> batch = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            batch.add(Email.builder().from("carol@example.com").to("rcpt" + (i % 7) + "@example.com")
                    .subject("copy " + i).text("body " + i).build());
        }
        List<SendOutcome> outcomes;
        try (SmtpSender sender = SmtpSender.builder().endpoint("127.0.0.1", smtp.getSmtp().getPort(), Security.PLAIN)
                .credentials(Credentials.password("carol", DovecotServer.PASSWORD))
                .options(ConnectionOptions.builder().allowPlaintext().build())
                .appendToSentFolder(ServerEndpoint.of("127.0.0.1", DOVECOT.server().port(), Security.PLAIN)).build()) {
            outcomes = sender.sendAll(batch);
        }
        assertThat(outcomes).hasSize(300).allSatisfy(o -> assertThat(o.result()).hasValueSatisfying(r ->
                assertThat(r.sentCopy()).isEqualTo(SentCopy.APPENDED)));
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", DOVECOT.server().port(), "carol", DovecotServer.PASSWORD);
        try {
            Folder sent = store.getFolder("Sent");
            sent.open(Folder.READ_ONLY);
            Message[] copies = sent.getMessages();
            assertThat(copies).hasSize(300);
            Set<String> subjects = new TreeSet<>();
            for (Message m : copies) {
                subjects.add(m.getSubject());
                assertThat(m.isSet(Flags.Flag.SEEN)).as(m.getSubject()).isTrue();
            }
            assertThat(subjects).hasSize(300);
        } finally {
            store.close();
        }
    }
}
