package dev.mailkit.bench;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.imap.testing.DovecotServer;
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
import org.simplejavamail.api.email.EmailPopulatingBuilder;
import org.simplejavamail.api.mailer.Mailer;
import org.simplejavamail.api.mailer.config.TransportStrategy;
import org.simplejavamail.email.EmailBuilder;
import org.simplejavamail.mailer.MailerBuilder;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SMTP throughput on GreenMail and on Postfix (discarding what it accepts), each on loopback and through
 * a proxy adding 10 ms each way: mailkit's pool (default, 1 and 4 connections) against hand-written
 * Jakarta Mail ({@code Transport.send} per message, one reused {@code Transport}) and simple-java-mail
 * with its batch module. Then memory while one process with a 128 MB heap sends 100,000 messages.
 */
final class SmtpBench {

    /** One SMTP server under test: where it listens, whether it wants AUTH, how to empty it between runs. */
    private record Server(String name, int port, boolean auth, Runnable purge, String user, String password) {
        Server(String name, int port, boolean auth, Runnable purge) {
            this(name, port, auth, purge, "bench", "bench");
        }
    }

    /** The same messages for every contender: built inside each contender's timed part from these specs. */
    private record Spec(int index, String to, String subject, String text, byte[] attachment) {
    }

    private interface Contender {
        void send(Server server, int port, List<Spec> specs) throws Exception;
    }

    private final boolean full;
    private final Path work;
    private final List<Result> results;
    private final PrintStream log;

    SmtpBench(boolean full, Path work, List<Result> results, PrintStream log) {
        this.full = full;
        this.work = work;
        this.results = results;
        this.log = log;
    }

    void run() throws Exception {
        GreenMail mail = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        mail.start();
        mail.setUser("bench@example.com", "bench", "bench");
        mail.setUser("dave@example.com", "dave", DovecotServer.PASSWORD); // Sent copies go to Dovecot's dave
        mail.setUser("erin@example.com", DovecotServer.MDBOX_USER, DovecotServer.PASSWORD); // and erin's (mdbox)
        PostfixServer postfix = null;
        try {
            List<Server> servers = new ArrayList<>();
            servers.add(new Server("GreenMail", mail.getSmtp().getPort(), true, () -> {
                try {
                    mail.purgeEmailFromAllMailboxes();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
            if (PostfixServer.available()) {
                postfix = PostfixServer.start(work.resolve("postfix"));
                servers.add(new Server("Postfix", postfix.port(), false, () -> { }));
            } else if (System.getenv("CI") != null) {
                throw new IllegalStateException("CI is set but Postfix cannot run here (needs /usr/sbin/postfix and root)");
            } else {
                log.println("skipping Postfix: not installed or not root (apt-get install postfix)");
            }
            String only = System.getProperty("bench.smtp.servers", "");
            if (!only.isBlank()) {
                servers.removeIf(server -> !List.of(only.split(",")).contains(server.name()));
            }
            warmUp(servers.get(0));
            for (Server server : servers) {
                log.println("smtp: " + server.name() + " offers " + extensions(server.port()));
                try (LatencyProxy far = new LatencyProxy(server.port(), 10)) {
                    if (selected("small")) {
                        workload(server, "~4 KB, loopback", full ? 1_000 : 50, server.port(), 0, true);
                    }
                    if (full && selected("10k")) {
                        // Transport.send opens a connection per message; at 10,000 it would dominate the run.
                        workload(server, "~4 KB, loopback", 10_000, server.port(), 0, false);
                    }
                    if (selected("latency")) {
                        workload(server, "~4 KB, 20 ms round trip", full ? 300 : 20, far.port(), 0, true);
                    }
                    if (selected("dkim")) {
                        dkim(server, full ? 10_000 : 50);
                    }
                    if (full && selected("attachment")) {
                        workload(server, "1 MB attachment, 10 recipients in turn, loopback", 200, server.port(), 1 << 20, true);
                    }
                }
            }
            if (selected("sent")) {
                sentCopies(servers.get(0), mail.getImap().getPort(), full ? 1_000 : 20);
            }
            if (selected("memory")) {
                Server target = servers.get(servers.size() - 1);
                memory(target, full ? 100_000 : 2_000);
            }
        } finally {
            if (postfix != null) {
                postfix.close();
            }
            mail.stop();
        }
    }

    /**
     * Whether a workload is to be run: all of them unless -Dbench.smtp.workloads names some (small: 1,000 ~4 KB
     * messages; 10k; latency: 20 ms round trip; attachment: 1 MB attachments; sent: 1,000 messages with and without
     * Sent copies; dkim: 10,000 messages unsigned and DKIM-signed; memory: 100,000 sends).
     */
    private static boolean selected(String workload) {
        String only = System.getProperty("bench.smtp.workloads", "");
        return only.isBlank() || List.of(only.split(",")).contains(workload);
    }

    /**
     * Sends with every contender, untimed, before anything is measured. Each measurement also has its own
     * untimed warm-up run, but one run of the first workload left the JIT compilers (and the in-process
     * GreenMail) still busy during the first contender's timed runs: the first measured row, mailkit's
     * default pool at 1,000 messages, took 0.8-0.9 s in two runs against 0.5 s for "4 conn.", the same
     * configuration measured next.
     */
    private void warmUp(Server server) throws Exception {
        List<Spec> specs = specs(full ? 3_000 : 20, 0);
        log.printf("smtp: warming up on %s, %,d messages per contender, untimed%n", server.name(), specs.size());
        for (int r = 0; r < (full ? 2 : 1); r++) {
            server.purge().run();
            mailkit(server, server.port(), specs, 0);
            mailkit(server, server.port(), specs, 1);
            simpleJavaMail(server, server.port(), specs);
            jakarta(server, server.port(), specs, true);
            jakarta(server, server.port(), specs.subList(0, Math.min(specs.size(), 50)), false);
        }
    }

    private static List<Spec> specs(int count, int attachmentBytes) {
        Random random = new Random(count);
        byte[] attachment = new byte[attachmentBytes];
        random.nextBytes(attachment);
        List<Spec> specs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            specs.add(new Spec(i, "rcpt" + (i % 10) + "@example.com", "message " + i,
                    new String(ImapBench.message(i, random), StandardCharsets.UTF_8), attachment));
        }
        return specs;
    }

    private void workload(Server server, String what, int count, int port, int attachmentBytes, boolean perMessageToo)
            throws Exception {
        String scenario = server.name() + ", " + what;
        log.printf("smtp: %s, %,d messages%n", scenario, count);
        List<Spec> specs = specs(count, attachmentBytes);
        Map<String, Contender> contenders = new LinkedHashMap<>();
        contenders.put("mailkit (default pool)", (s, p, l) -> mailkit(s, p, l, 0));
        contenders.put("mailkit (1 conn.)", (s, p, l) -> mailkit(s, p, l, 1));
        contenders.put("mailkit (4 conn.)", (s, p, l) -> mailkit(s, p, l, 4));
        contenders.put("simple-java-mail (batch, 4 conn.)", SmtpBench::simpleJavaMail);
        if (perMessageToo) {
            contenders.put("Jakarta Transport.send", (s, p, l) -> jakarta(s, p, l, false));
        }
        contenders.put("Jakarta reused Transport", (s, p, l) -> jakarta(s, p, l, true));
        measure(server, scenario, specs, port, contenders);
    }

    /**
     * Runs every contender once per round, round after round, so that a slow spell of the shared machine
     * falls on all of them instead of on all the runs of one (measured: with each contender's runs one
     * after another, two identical configurations in the same run took 19.4 s and 15.2 s).
     */
    private void measure(Server server, String scenario, List<Spec> specs, int port, Map<String, Contender> contenders)
            throws Exception {
        int runs = full ? 3 : 1;
        Map<String, List<Double>> times = new LinkedHashMap<>();
        Map<String, List<String>> cpu = new LinkedHashMap<>();
        for (int r = -1; r < runs; r++) { // round -1: untimed warm-up, so JIT and class loading cost all alike
            for (Map.Entry<String, Contender> c : contenders.entrySet()) {
                server.purge().run();
                long machine = Cpu.machineBusyTicks();
                long jvm = Cpu.processNanos();
                long start = System.nanoTime();
                c.getValue().send(server, port, specs);
                if (r >= 0) {
                    times.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add((System.nanoTime() - start) / 1e6);
                    cpu.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(String.format("%.1f/%.1f",
                            Cpu.ticksToSeconds(Cpu.machineBusyTicks() - machine), (Cpu.processNanos() - jvm) / 1e9));
                }
            }
        }
        for (Map.Entry<String, List<Double>> t : times.entrySet()) {
            log.printf("smtp:   %s: %s ms; CPU, machine/benchmark JVM%s: %s core-s%n", t.getKey(),
                    t.getValue().stream().map(ms -> String.format("%.0f", ms)).toList(),
                    server.name().equals("GreenMail") ? " (with GreenMail in it)" : "", cpu.get(t.getKey()));
            results.add(new Result("smtp", scenario, specs.size(), t.getKey(), Processes.median(t.getValue()), runs, -1));
        }
    }

    /**
     * The same batch with and without a copy of each message appended to the Sent folder over IMAP: the
     * copies must not serialise the batch. The copies go to a Dovecot started here (GreenMail's IMAP takes
     * ~45 ms per APPEND, which would measure GreenMail); without Dovecot, to GreenMail, said in the row.
     */
    private void sentCopies(Server server, int greenMailImapPort, int count) throws Exception {
        DovecotServer dovecot = null;
        try {
            dovecot = DovecotServer.start();
        } catch (Exception e) {
            if (System.getenv("CI") != null) {
                throw e;
            }
            log.println("smtp: Sent copies to GreenMail's IMAP: Dovecot cannot start here (" + e.getMessage() + ")");
        }
        try {
            int imapPort = dovecot != null ? dovecot.port() : greenMailImapPort;
            // the SMTP login is also the IMAP login: one account on both servers
            Server account = dovecot != null ? new Server(server.name(), server.port(), server.auth(), server.purge(),
                    "dave", DovecotServer.PASSWORD) : server;
            String scenario = server.name() + ", ~4 KB, loopback, Sent copies over IMAP to "
                    + (dovecot != null ? "Dovecot" : "GreenMail");
            log.printf("smtp: %s, %,d messages%n", scenario, count);
            Map<String, Contender> contenders = new LinkedHashMap<>();
            contenders.put("mailkit (default pool), no Sent copy", (s, p, l) -> mailkit(account, p, l, 0));
            contenders.put("mailkit (default pool), Sent copies", (s, p, l) -> mailkit(account, p, l, 0, imapPort));
            if (dovecot != null) {
                // the same copies to a Dovecot account on its mdbox storage: one file write per APPEND command
                // where Maildir writes (and syncs) one file per message
                Server mdbox = new Server(server.name(), server.port(), server.auth(), server.purge(),
                        DovecotServer.MDBOX_USER, DovecotServer.PASSWORD);
                contenders.put("mailkit (default pool), Sent copies to mdbox",
                        (s, p, l) -> mailkit(mdbox, p, l, 0, imapPort));
            }
            measure(server, scenario, specs(count, 0), server.port(), contenders);
        } finally {
            if (dovecot != null) {
                dovecot.close();
            }
        }
    }

    /** The domain for which simple-java-mail's DKIM module signs without looking its key up in DNS. */
    private static final String SJM_TEST_DOMAIN = "supersecret-testing-domain.com";

    /** RSA-2048 and Ed25519 keys for the signed-sending workload, made once. */
    private static final class DkimKeys {
        static final java.security.KeyPair RSA;
        static final java.security.KeyPair ED25519;

        static {
            try {
                java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                RSA = g.generateKeyPair();
                ED25519 = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * The same batch unsigned and DKIM-signed, mailkit against simple-java-mail with its DKIM module
     * (RSA-2048 and, for mailkit, Ed25519). Before measuring, one message of each signing contender is sent
     * to GreenMail and must arrive with its DKIM-Signature.
     */
    private void dkim(Server server, int count) throws Exception {
        String scenario = server.name() + ", ~4 KB, loopback, DKIM-signed";
        log.printf("smtp: %s, %,d messages%n", scenario, count);
        dev.mailkit.smtp.Dkim rsa = dev.mailkit.smtp.Dkim.of("example.com", "bench", DkimKeys.RSA.getPrivate());
        dev.mailkit.smtp.Dkim ed = dev.mailkit.smtp.Dkim.of("example.com", "bench", DkimKeys.ED25519.getPrivate());
        Map<String, Contender> contenders = new LinkedHashMap<>();
        contenders.put("mailkit, unsigned", (s, p, l) -> mailkit(s, p, l, 0, 0, null));
        contenders.put("mailkit, rsa-sha256 2048", (s, p, l) -> mailkit(s, p, l, 0, 0, rsa));
        contenders.put("mailkit, ed25519-sha256", (s, p, l) -> mailkit(s, p, l, 0, 0, ed));
        contenders.put("simple-java-mail (batch, 4 conn.), unsigned", (s, p, l) -> simpleJavaMail(s, p, l, false));
        contenders.put("simple-java-mail (batch, 4 conn.), rsa-sha256 2048", (s, p, l) -> simpleJavaMail(s, p, l, true));
        checkSigned(contenders);
        measure(server, scenario, specs(count, 0), server.port(), contenders);
    }

    /** Each signing contender's message arrives at GreenMail with a DKIM-Signature of its algorithm. */
    private static void checkSigned(Map<String, Contender> contenders) throws Exception {
        GreenMail check = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        check.start();
        check.setUser("bench@example.com", "bench", "bench");
        try {
            Server s = new Server("check", check.getSmtp().getPort(), true, () -> { }, "bench", "bench");
            for (Map.Entry<String, Contender> c : contenders.entrySet()) {
                check.purgeEmailFromAllMailboxes();
                c.getValue().send(s, s.port(), specs(1, 0));
                check.waitForIncomingEmail(5_000, 1);
                String raw = com.icegreen.greenmail.util.GreenMailUtil.getWholeMessage(check.getReceivedMessages()[0]);
                String algorithm = c.getKey().contains("rsa") ? "rsa-sha256" : c.getKey().contains("ed25519")
                        ? "ed25519-sha256" : null;
                boolean signed = raw.contains("DKIM-Signature:");
                if (algorithm == null ? signed : !signed || !raw.replaceAll("\\s+", " ").contains("a=" + algorithm)) {
                    throw new IllegalStateException(c.getKey() + ": the message arrived " + (signed ? "" : "un")
                            + "signed");
                }
            }
        } finally {
            check.stop();
        }
    }

    private static void mailkit(Server server, int port, List<Spec> specs, int pool) {
        mailkit(server, port, specs, pool, 0);
    }

    private static void mailkit(Server server, int port, List<Spec> specs, int pool, int sentImapPort) {
        mailkit(server, port, specs, pool, sentImapPort, null);
    }

    /**
     * With {@code sentImapPort} above 0, each message is also appended to the Sent folder there; with
     * {@code dkim}, each message is signed.
     */
    private static void mailkit(Server server, int port, List<Spec> specs, int pool, int sentImapPort,
                                dev.mailkit.smtp.Dkim dkim) {
        SmtpSender.Builder b = SmtpSender.builder().endpoint(ServerEndpoint.of("127.0.0.1", port, Security.PLAIN))
                .options(ConnectionOptions.builder().allowPlaintext().build()).noRateLimit();
        if (server.auth()) {
            b.credentials(Credentials.password(server.user(), server.password()));
        } else {
            b.withoutAuthentication();
        }
        if (pool > 0) {
            b.poolSize(pool);
        }
        if (sentImapPort > 0) {
            b.appendToSentFolder(ServerEndpoint.of("127.0.0.1", sentImapPort, Security.PLAIN));
        }
        if (dkim != null) {
            b.dkim(dkim);
        }
        try (SmtpSender sender = b.build()) {
            AtomicReference<Exception> first = new AtomicReference<>();
            Iterable<Email> emails = () -> specs.stream().map(SmtpBench::email).iterator();
            java.util.concurrent.atomic.AtomicLong notCopied = new java.util.concurrent.atomic.AtomicLong();
            long failed = sender.sendAll(emails, o -> {
                o.failure().ifPresent(f -> first.compareAndSet(null, f));
                if (sentImapPort > 0 && o.result().filter(r -> r.sentCopy() == dev.mailkit.smtp.SentCopy.APPENDED).isEmpty()) {
                    notCopied.incrementAndGet();
                }
            }).failed();
            if (failed > 0) {
                throw new IllegalStateException(failed + " messages failed", first.get());
            }
            if (notCopied.get() > 0) {
                throw new IllegalStateException(notCopied.get() + " Sent copies were not appended");
            }
        }
    }

    static Email email(Spec s) {
        Email.Builder b = Email.builder().from("bench@example.com").to(s.to()).subject(s.subject()).text(s.text());
        if (s.attachment().length > 0) {
            b.attach("data.bin", s.attachment(), "application/octet-stream");
        }
        return b.build();
    }

    /** simple-java-mail 8 with its batch module on the class path: asynchronous sends over its default pool of 4. */
    private static void simpleJavaMail(Server server, int port, List<Spec> specs) throws Exception {
        simpleJavaMail(server, port, specs, false);
    }

    /** With {@code sign}, each message is DKIM-signed (RSA-2048) by simple-java-mail's DKIM module. */
    private static void simpleJavaMail(Server server, int port, List<Spec> specs, boolean sign) throws Exception {
        Mailer mailer = (server.auth() ? MailerBuilder.withSMTPServer("127.0.0.1", port, "bench", "bench")
                : MailerBuilder.withSMTPServer("127.0.0.1", port)).withTransportStrategy(TransportStrategy.SMTP).buildMailer();
        try {
            List<CompletableFuture<Void>> sends = new ArrayList<>(specs.size());
            for (Spec s : specs) {
                // simple-java-mail's DKIM module looks the public key up in DNS before signing, except for senders
                // at its own testing domain: signed messages come from there, as no key is published for example.com
                EmailPopulatingBuilder b = EmailBuilder.startingBlank()
                        .from(sign ? "bench@" + SJM_TEST_DOMAIN : "bench@example.com").to(s.to())
                        .withSubject(s.subject()).withPlainText(s.text());
                if (s.attachment().length > 0) {
                    b.withAttachment("data.bin", s.attachment(), "application/octet-stream");
                }
                if (sign) {
                    b.signWithDomainKey(org.simplejavamail.api.email.config.DkimConfig.builder()
                            .dkimPrivateKeyData(DkimKeys.RSA.getPrivate().getEncoded()).dkimSigningDomain(SJM_TEST_DOMAIN)
                            .dkimSelector("bench").build());
                }
                sends.add(mailer.sendMail(b.buildEmail(), true));
            }
            CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).join();
        } finally {
            mailer.shutdownConnectionPool().get();
        }
    }

    private static void jakarta(Server server, int port, List<Spec> specs, boolean reuse) throws Exception {
        Properties props = new Properties();
        props.setProperty("mail.smtp.host", "127.0.0.1");
        props.setProperty("mail.smtp.port", String.valueOf(port));
        props.setProperty("mail.smtp.auth", String.valueOf(server.auth()));
        Session session = Session.getInstance(props);
        String user = server.auth() ? "bench" : null;
        String password = server.auth() ? "bench" : null;
        if (!reuse) {
            for (Spec s : specs) {
                MimeMessage m = mime(session, s);
                Transport.send(m, m.getAllRecipients(), user, password); // a connection per message
            }
            return;
        }
        try (Transport t = session.getTransport("smtp")) {
            t.connect(user, password);
            for (Spec s : specs) {
                MimeMessage m = mime(session, s);
                t.sendMessage(m, m.getAllRecipients());                   // one connection reused
            }
        }
    }

    private static MimeMessage mime(Session session, Spec s) throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("bench@example.com"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(s.to()));
        m.setSubject(s.subject());
        if (s.attachment().length > 0) {
            MimeMultipart mp = new MimeMultipart();
            MimeBodyPart part = new MimeBodyPart();
            part.setText(s.text());
            MimeBodyPart data = new MimeBodyPart();
            data.setContent(s.attachment(), "application/octet-stream");
            mp.addBodyPart(part);
            mp.addBodyPart(data);
            m.setContent(mp);
        } else {
            m.setText(s.text());
        }
        m.saveChanges();
        return m;
    }

    private static final Pattern HEAP = Pattern.compile("heap-after-gc-mb (\\d+) (\\d+(?:\\.\\d+)?)");

    /** One process, heap capped at 128 MB, sends {@code count} messages generated as it goes; its live heap is sampled. */
    private void memory(Server server, int count) throws IOException, InterruptedException {
        log.printf("smtp: %,d messages from a process with -Xmx128m to %s%n", count, server.name());
        Path out = work.resolve("send-many.log");
        Files.deleteIfExists(out);
        List<String> cmd = Processes.javaWithHeap("-Xmx128m", SendMany.class.getName(), String.valueOf(server.port()),
                String.valueOf(count), String.valueOf(server.auth()));
        Processes.Measured m = Processes.run(cmd, Map.of(), out);
        server.purge().run();
        List<String> samples = new ArrayList<>();
        double first = -1;
        double max = 0;
        for (String line : Files.readAllLines(out)) {
            Matcher x = HEAP.matcher(line);
            if (x.find()) {
                double mb = Double.parseDouble(x.group(2));
                first = first < 0 ? mb : first;
                max = Math.max(max, mb);
                samples.add(String.format("%,d: %.1f", Integer.parseInt(x.group(1)), mb));
            }
        }
        if (samples.isEmpty()) {
            throw new IOException("no heap samples in " + out);
        }
        log.println("live heap after GC (MB) by messages sent: " + String.join(", ", samples));
        results.add(new Result("smtp", String.format("%s, one process -Xmx128m, live heap after GC %.1f MB at the first "
                + "tenth, at most %.1f MB", server.name(), first, max), count, "mailkit (default pool)", m.millis(), 1, m.rssKb()));
    }

    /** The EHLO keywords a server offers (PIPELINING and CHUNKING decide how mailkit sends). */
    static String extensions(int port) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5_000);
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            in.readLine();
            s.getOutputStream().write("EHLO bench.localhost\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            List<String> keywords = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null && line.length() > 4) {
                keywords.add(line.substring(4).split(" ")[0]);
                if (line.charAt(3) == ' ') {
                    break;
                }
            }
            keywords.remove(0); // the greeting line
            s.getOutputStream().write("QUIT\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return String.join(" ", keywords);
        }
    }
}
