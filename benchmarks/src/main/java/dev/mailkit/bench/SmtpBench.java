package dev.mailkit.bench;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.SmtpSender;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;

/**
 * SMTP throughput on GreenMail, on loopback and through a 20 ms round-trip proxy: mailkit's pool (default,
 * 1 and 4 connections) against hand-written Jakarta Mail ({@code Transport.send} per message, and one
 * reused {@code Transport}). Postfix and simple-java-mail are not in this run yet (see BENCHMARKS.md).
 */
final class SmtpBench {

    private final boolean full;
    private final List<Result> results;
    private final PrintStream log;

    SmtpBench(boolean full, List<Result> results, PrintStream log) {
        this.full = full;
        this.results = results;
        this.log = log;
    }

    void run() throws Exception {
        GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        mail.setUser("bench@localhost", "bench", "bench");
        try (LatencyProxy far = new LatencyProxy(mail.getSmtp().getPort(), 10)) {
            int loopbackCount = full ? 1_000 : 100;
            int farCount = full ? 300 : 40;
            workload("~4 KB messages, loopback", loopbackCount, mail.getSmtp().getPort(), mail, 0);
            workload("~4 KB messages, 20 ms round trip", farCount, far.port(), mail, 0);
            if (full) {
                workload("1 MB attachment, loopback", 100, mail.getSmtp().getPort(), mail, 1 << 20);
            }
        } finally {
            mail.stop();
        }
    }

    private void workload(String scenario, int count, int port, GreenMail mail, int attachmentBytes) throws Exception {
        log.printf("smtp: %s, %,d messages%n", scenario, count);
        List<Email> emails = new ArrayList<>();
        Random random = new Random(count);
        byte[] attachment = new byte[attachmentBytes];
        random.nextBytes(attachment);
        for (int i = 0; i < count; i++) {
            Email.Builder b = Email.builder().from("bench@localhost").to("rcpt" + (i % 10) + "@localhost")
                    .subject("message " + i).text(new String(ImapBench.message(i, random), java.nio.charset.StandardCharsets.UTF_8));
            if (attachmentBytes > 0) {
                b.attach("data.bin", attachment, "application/octet-stream");
            }
            emails.add(b.build());
        }
        int runs = full ? 3 : 1;
        int warmups = 1; // an untimed first run of each contender: JIT and connection code warm for all alike
        ServerEndpoint endpoint = ServerEndpoint.of("127.0.0.1", port, Security.PLAIN);
        ConnectionOptions plain = ConnectionOptions.builder().allowPlaintext().build();
        for (int pool : new int[] {0, 1, 4}) {
            List<Double> times = new ArrayList<>();
            for (int r = -warmups; r < runs; r++) {
                mail.purgeEmailFromAllMailboxes();
                SmtpSender.Builder b = SmtpSender.builder().endpoint(endpoint).options(plain).noRateLimit()
                        .credentials(Credentials.password("bench", "bench"));
                if (pool > 0) {
                    b.poolSize(pool);
                }
                long start = System.nanoTime();
                try (SmtpSender sender = b.build()) {
                    java.util.concurrent.atomic.AtomicReference<Exception> first = new java.util.concurrent.atomic.AtomicReference<>();
                    long failed = sender.sendAll(emails, o -> o.failure().ifPresent(f -> first.compareAndSet(null, f))).failed();
                    if (failed > 0) {
                        throw new IllegalStateException(failed + " messages failed", first.get());
                    }
                }
                if (r >= 0) {
                    times.add((System.nanoTime() - start) / 1e6);
                }
            }
            results.add(new Result("smtp", scenario, count, pool == 0 ? "mailkit (default pool)" : "mailkit (" + pool + " conn.)",
                    Processes.median(times), runs, -1));
        }
        Properties props = new Properties();
        props.setProperty("mail.smtp.host", "127.0.0.1");
        props.setProperty("mail.smtp.port", String.valueOf(port));
        Session session = Session.getInstance(props);
        List<Double> perMessage = new ArrayList<>();
        List<Double> reused = new ArrayList<>();
        for (int r = -warmups; r < runs; r++) {
            mail.purgeEmailFromAllMailboxes();
            long start = System.nanoTime();
            for (MimeMessage m : build(session, count, attachment)) {
                Transport.send(m);                                   // a connection per message
            }
            if (r >= 0) {
                perMessage.add((System.nanoTime() - start) / 1e6);
            }
            mail.purgeEmailFromAllMailboxes();
            start = System.nanoTime();
            try (Transport t = session.getTransport("smtp")) {
                t.connect();
                for (MimeMessage m : build(session, count, attachment)) {
                    t.sendMessage(m, m.getAllRecipients());           // one connection reused
                }
            }
            if (r >= 0) {
                reused.add((System.nanoTime() - start) / 1e6);
            }
        }
        results.add(new Result("smtp", scenario, count, "Jakarta Transport.send", Processes.median(perMessage), runs, -1));
        results.add(new Result("smtp", scenario, count, "Jakarta reused Transport", Processes.median(reused), runs, -1));
    }

    /** The Jakarta contenders build their messages inside the timed loop, as mailkit does from its Email objects. */
    private static List<MimeMessage> build(Session session, int count, byte[] attachment) throws Exception {
        Random random = new Random(count);
        List<MimeMessage> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress("bench@localhost"));
            m.setRecipient(Message.RecipientType.TO, new InternetAddress("rcpt" + (i % 10) + "@localhost"));
            m.setSubject("message " + i);
            String text = new String(ImapBench.message(i, random), java.nio.charset.StandardCharsets.UTF_8);
            if (attachment.length > 0) {
                MimeMultipart mp = new MimeMultipart();
                MimeBodyPart part = new MimeBodyPart();
                part.setText(text);
                MimeBodyPart data = new MimeBodyPart();
                data.setContent(attachment, "application/octet-stream");
                mp.addBodyPart(part);
                mp.addBodyPart(data);
                m.setContent(mp);
            } else {
                m.setText(text);
            }
            m.saveChanges();
            messages.add(m);
        }
        return messages;
    }
}
