package dev.mailkit.examples;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.SendOutcome;
import dev.mailkit.smtp.SmtpSender;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The demo, with no network and no account: looks up providers in the built-in registry, starts an
 * embedded mail server (SMTP and IMAP) on loopback, sends messages with {@link SmtpSender}, mirrors
 * the mailbox into a temporary Maildir with {@link ImapSynchronizer}, marks one message read locally
 * while "another device" flags another on the server, syncs both ways, and shows both sides agree.
 */
public final class Demo {

    private Demo() {
    }

    /**
     * Runs the demo on standard output.
     *
     * @param args ignored
     * @throws Exception if the embedded server misbehaves
     */
    public static void main(String[] args) throws Exception {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        System.exit(run(out) ? 0 : 1);
    }

    /**
     * Runs the demo.
     *
     * @param out where the narration goes
     * @return whether the server and the local Maildir ended in agreement
     * @throws Exception if the embedded server or the temporary directory misbehave
     */
    public static boolean run(PrintWriter out) throws Exception {
        ProviderRegistry registry = ProviderRegistry.defaults();
        out.println("1. The provider registry knows " + registry.all().size() + " providers, for example:");
        for (String address : List.of("someone@hotmail.com", "someone@gmail.com", "someone@qq.com")) {
            ProviderSettings p = registry.forEmail(address).orElseThrow();
            out.printf("   %-20s -> %s: SMTP %s, IMAP %s, login %s%n", address, p.displayName(), p.smtp().get(0),
                    p.imap().get(0), p.authMethods());
        }
        GreenMail server = new GreenMail(new ServerSetup[] {
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        server.start();
        Path dir = Files.createTempDirectory("mailkit-demo-");
        try {
            server.setUser("demo@localhost", "demo", "demo-password");
            Credentials credentials = Credentials.password("demo", "demo-password");
            // The embedded server listens on loopback without TLS, so plaintext is allowed explicitly.
            ConnectionOptions loopback = ConnectionOptions.builder().allowPlaintext().build();
            ServerEndpoint smtp = ServerEndpoint.of("127.0.0.1", server.getSmtp().getPort(), Security.PLAIN);
            ServerEndpoint imap = ServerEndpoint.of("127.0.0.1", server.getImap().getPort(), Security.PLAIN);
            out.println("2. An embedded mail server is running: SMTP " + smtp + ", IMAP " + imap);

            List<Email> batch = new ArrayList<>();
            for (String subject : List.of("Lunch on Friday?", "Quarterly report", "Photos from the trip — 照片")) {
                batch.add(Email.builder().from("Alice <alice@localhost>").to("demo@localhost").subject(subject)
                        .text("Hello from mailkit: " + subject).build());
            }
            try (SmtpSender sender = SmtpSender.builder().endpoint(smtp).credentials(credentials).options(loopback).build()) {
                long sent = sender.sendAll(batch).stream().filter(SendOutcome::isSuccess).count();
                out.println("3. SmtpSender sent " + sent + " messages over its connection pool");
            }

            Path maildir = dir.resolve("mail");
            try (ImapSynchronizer sync = ImapSynchronizer.builder().endpoint(imap).credentials(credentials)
                    .options(loopback).maildir(maildir).build()) {
                SyncReport first = sync.syncOnce();
                out.println("4. ImapSynchronizer mirrored " + first.added() + " messages into the Maildir " + maildir);
                List<MessageRecord> inbox = sync.local().folder("INBOX").messages();
                MessageRecord lunch = inbox.get(0);
                MessageRecord report = inbox.get(1);
                sync.local().folder("INBOX").markRead(lunch.uid());
                out.println("5. Here, message UID " + lunch.uid() + " is marked read (its file is renamed to …:2,S)");
                setFlagOnServer(imap, report.uid());
                out.println("6. Meanwhile another device flags message UID " + report.uid() + " on the server");
                SyncReport second = sync.syncOnce();
                out.println("7. One sync later: " + second.pushed() + " change pushed, " + second.changed()
                        + " change pulled");
                boolean agree = compare(out, imap, maildir);
                out.println(agree ? "8. The server and the Maildir agree." : "8. The server and the Maildir DIFFER.");
                return agree;
            }
        } finally {
            server.stop();
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** What a plain IMAP client, another device, does. */
    private static void setFlagOnServer(ServerEndpoint imap, long uid) throws MessagingException {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect(imap.host(), imap.port(), "demo", "demo-password");
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            ((UIDFolder) inbox).getMessageByUID(uid).setFlag(Flags.Flag.FLAGGED, true);
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    /** Prints each message's flags on the server next to its Maildir file; true when every one matches. */
    private static boolean compare(PrintWriter out, ServerEndpoint imap, Path maildir) throws MessagingException, IOException {
        List<String> files;
        try (Stream<Path> cur = Files.list(maildir.resolve("cur"))) {
            files = cur.map(p -> p.getFileName().toString()).sorted().toList();
        }
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect(imap.host(), imap.port(), "demo", "demo-password");
        boolean agree = files.size() > 0;
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            if (inbox.getMessageCount() != files.size()) {
                agree = false;
            }
            for (Message m : inbox.getMessages()) {
                long uid = ((UIDFolder) inbox).getUID(m);
                String letters = (m.isSet(Flags.Flag.FLAGGED) ? "F" : "") + (m.isSet(Flags.Flag.SEEN) ? "S" : "");
                String file = files.stream().filter(f -> f.contains(",U=" + uid + ":")).findFirst().orElse("(missing)");
                boolean same = file.endsWith(":2," + letters);
                agree &= same;
                out.printf("   %-30s server flags %-3s local file %s %s%n", m.getSubject(), letters.isEmpty() ? "-" : letters,
                        file.substring(file.indexOf(',') < 0 ? 0 : file.indexOf(",U=")), same ? "✓" : "✗");
            }
            inbox.close(false);
        } finally {
            store.close();
        }
        return agree;
    }
}
