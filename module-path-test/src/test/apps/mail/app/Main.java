package app;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.MailSession;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.SendResult;
import dev.mailkit.smtp.SmtpSender;
import jakarta.mail.Provider;
import jakarta.mail.Session;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * Sends one message and mirrors the mailbox into a Maildir, on the module path. Arguments: the loopback SMTP
 * port, the loopback IMAP port, the user name, its password, the Maildir. Exits 0 when everything worked.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int smtpPort = Integer.parseInt(args[0]);
        int imapPort = Integer.parseInt(args[1]);
        Credentials credentials = Credentials.password(args[2], args[3]);
        Path maildir = Path.of(args[4]);

        Module core = MailSession.class.getModule();
        Module smtp = SmtpSender.class.getModule();
        check(core.isNamed() && !core.getDescriptor().isAutomatic(), "dev.mailkit.core is an explicit module: " + core);
        check(!core.isExported("dev.mailkit.core.internal"), "dev.mailkit.core.internal is not exported to all");
        check(!core.isExported("dev.mailkit.core.internal", Main.class.getModule()),
                "dev.mailkit.core.internal is not exported to this application");
        check(core.isExported("dev.mailkit.core.internal", smtp), "dev.mailkit.core.internal is exported to dev.mailkit.smtp");
        check(!smtp.isExported("dev.mailkit.smtp.internal"), "dev.mailkit.smtp.internal is not exported");

        // Jakarta Mail, read through mailkit's modules, finds Angus Mail's SMTP and IMAP providers.
        Session session = Session.getInstance(new Properties());
        for (String protocol : List.of("smtp", "imap")) {
            try {
                Provider provider = session.getProvider(protocol);
                System.out.println("provider " + protocol + " " + provider.getClassName());
            } catch (jakarta.mail.NoSuchProviderException e) {
                check(false, "Jakarta Mail has a provider for " + protocol + " (" + e + ")");
            }
        }

        // The built-in provider data, a resource of dev.mailkit.core.
        int providers = ProviderRegistry.defaults().all().size();
        check(providers > 0, "the built-in registry has providers");
        System.out.println("registry " + providers + " providers");

        ConnectionOptions loopback = ConnectionOptions.builder().allowPlaintext().build();
        try (SmtpSender sender = SmtpSender.builder()
                .endpoint(ServerEndpoint.of("127.0.0.1", smtpPort, Security.PLAIN))
                .credentials(credentials).options(loopback).build()) {
            SendResult result = sender.send(Email.builder().from("app@localhost").to("app@localhost")
                    .subject("Sent from the module path").text("Hello from a modular application.").build());
            System.out.println("sent " + result.messageId());
        }

        try (ImapSynchronizer sync = ImapSynchronizer.builder()
                .endpoint(ServerEndpoint.of("127.0.0.1", imapPort, Security.PLAIN))
                .credentials(credentials).options(loopback).maildir(maildir).build()) {
            SyncReport report = sync.syncOnce();
            System.out.println("synced " + report.added());
            check(report.added() == 1, "one message synced into the Maildir");
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            System.out.println("FAILED: " + what);
            System.exit(3);
        }
    }
}
