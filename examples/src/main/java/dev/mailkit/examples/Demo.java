package dev.mailkit.examples;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.MailSession;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.ProviderRegistry;
import dev.mailkit.core.ProviderSettings;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.SendOutcome;
import dev.mailkit.smtp.SendResult;
import dev.mailkit.smtp.SmtpSender;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo: looks up providers in the built-in registry, then starts an embedded mail server on
 * loopback, sends a message and a small batch through {@link SmtpSender} and reads them back over
 * IMAP through {@link MailSession}. Needs no network and no account.
 */
public final class Demo {

    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param args ignored
     * @throws MessagingException if the embedded server misbehaves
     */
    public static void main(String[] args) throws MessagingException {
        run(System.out);
    }

    /**
     * Runs the demo, printing to the given stream.
     *
     * @param out where to print
     * @return the subject of the message read back over IMAP
     * @throws MessagingException if the embedded server misbehaves
     */
    public static String run(PrintStream out) throws MessagingException {
        ProviderRegistry registry = ProviderRegistry.defaults();
        out.println("mailkit demo: " + registry.all().size() + " built-in providers");
        for (String address : List.of("someone@hotmail.com", "someone@gmail.com", "someone@qq.com", "someone@icloud.com")) {
            ProviderSettings p = registry.forEmail(address).orElseThrow();
            out.printf("  %-20s -> %-34s SMTP %-38s IMAP %-34s login: %s%n", address, p.displayName(),
                    p.smtp().get(0), p.imap().get(0), p.authMethods());
        }

        GreenMail server = new GreenMail(new ServerSetup[] {
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        server.start();
        try {
            server.setUser("demo@localhost", "demo", "demo-password");
            Credentials credentials = Credentials.password("demo", "demo-password");
            // The embedded server listens on loopback without TLS, so plaintext is allowed explicitly.
            ConnectionOptions loopback = ConnectionOptions.builder().allowPlaintext().build();
            ServerEndpoint smtp = ServerEndpoint.of("127.0.0.1", server.getSmtp().getPort(), Security.PLAIN);
            MailSession imap = MailSession.builder(Protocol.IMAP,
                            ServerEndpoint.of("127.0.0.1", server.getImap().getPort(), Security.PLAIN))
                    .credentials(credentials).options(loopback).build();
            out.println("embedded server: " + smtp + " (SMTP), " + imap.endpoint() + " (IMAP)");

            try (SmtpSender sender = SmtpSender.builder().endpoint(smtp).credentials(credentials)
                    .options(loopback).build()) {
                SendResult r = sender.send(Email.builder().from("Demo <demo@localhost>").to("demo@localhost")
                        .subject("Hello from mailkit — 你好")
                        .text("Sent through SmtpSender: pooled connections, finite timeouts, typed errors.")
                        .html("<p>Sent through <b>SmtpSender</b>.</p>").build());
                out.println("sent: " + r.messageId() + " accepted by " + r.accepted());
                List<Email> batch = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    batch.add(Email.builder().from("demo@localhost").to("demo@localhost").subject("batch " + i)
                            .text("message " + i).build());
                }
                long sent = sender.sendAll(batch).stream().filter(SendOutcome::isSuccess).count();
                out.println("batch: " + sent + " of " + batch.size() + " sent over the connection pool");
            }

            Store store = imap.connectStore();
            try {
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                String subject = inbox.getMessageCount() == 0 ? null : inbox.getMessage(1).getSubject();
                out.println("INBOX holds " + inbox.getMessageCount() + " message(s); first subject: " + subject);
                inbox.close(false);
                return subject;
            } finally {
                store.close();
            }
        } finally {
            server.stop();
        }
    }
}
