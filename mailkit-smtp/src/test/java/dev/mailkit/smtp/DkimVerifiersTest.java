package dev.mailkit.smtp;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.testing.DnsZone;
import dev.mailkit.core.testing.NsdServer;
import dev.mailkit.smtp.testing.FakeSmtpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages signed by mailkit, as an SMTP server receives them, verified by two independent DKIM verifiers
 * (Python's dkimpy and OpenDKIM's {@code opendkim-testmsg}) that fetch the public keys from a real DNS
 * server (NSD) on loopback. Both algorithms, a fixed set of awkward messages and a seeded random set; a
 * message altered after signing must fail in both, so the verifiers are seen to check.
 */
class DkimVerifiersTest {

    private static final String DOMAIN = "dkim.example";
    private static NsdServer dns;
    private static Dkim rsa;
    private static Dkim ed25519;

    @TempDir
    Path dir;

    @BeforeAll
    static void publishKeys() throws Exception {
        String missing = !Files.isExecutable(Path.of("/usr/sbin/opendkim-testmsg")) ? "opendkim-testmsg (opendkim-tools)"
                : run(List.of(python(), "-c", "import dkim, dns.resolver"), "ok").equals("ok") ? null
                : "Python's dkim and dns modules (python3-dkim, python3-dnspython)";
        if (missing != null) {
            assertThat(System.getenv("CI")).as("CI is set but %s is missing: .ci/run installs it", missing).isNull();
            org.junit.jupiter.api.Assumptions.abort(missing + " is not installed; skipping outside CI");
        }
        KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
        rsaGen.initialize(2048);
        KeyPair rsaPair = rsaGen.generateKeyPair();
        KeyPair edPair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        rsa = Dkim.of(DOMAIN, "rsa2026", rsaPair.getPrivate());
        ed25519 = Dkim.of(DOMAIN, "ed2026", edPair.getPrivate());
        byte[] edSpki = edPair.getPublic().getEncoded();
        String edRaw = Base64.getEncoder().encodeToString(Arrays.copyOfRange(edSpki, edSpki.length - 32, edSpki.length));
        // port 53 of a loopback address: opendkim-testmsg asks the system resolver, which cannot take a port
        dns = NsdServer.builder().zone(DnsZone.named(DOMAIN)
                .txt("rsa2026._domainkey", "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(rsaPair.getPublic().getEncoded()))
                .txt("ed2026._domainkey", "v=DKIM1; k=ed25519; p=" + edRaw)).onPort53().start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (dns != null) {
            dns.close();
        }
    }

    /** Messages that stress canonicalisation: folding, whitespace, dots, Unicode, empty lines, attachments. */
    private static List<Email> awkward() {
        List<Email> list = new ArrayList<>();
        list.add(Email.builder().from("news@" + DOMAIN).to("bob@example.org").subject("plain").text("hello").build());
        list.add(Email.builder().from("Jörg Müller <joerg@" + DOMAIN + ">").to("Zoë <zoe@example.org>", "al@example.net")
                .cc("cc@example.org").bcc("hidden@example.org").subject("Grüße — ünïcödé 🎉 and a subject long enough"
                        + " to be folded over more than one line of the header section")
                .text("Zeile eins\n.starts with a dot\n..two dots\n\n\ntrailing blank lines follow\n\n\n").build());
        list.add(Email.builder().from("a@" + DOMAIN).to("b@example.org").subject("  spaces\tand\ttabs  ")
                .text("line with trailing spaces   \nline with\ttabs\t\t\n \n\t\nend").html("<p>html <b>part</b></p>")
                .attach("report.csv", "a,b\r\n1,2\r\n".getBytes(StandardCharsets.UTF_8), "text/csv").build());
        list.add(Email.builder().from("list@" + DOMAIN).to("sub@example.org").subject("newsletter")
                .html("<h1>News</h1>").listUnsubscribe("https://" + DOMAIN + "/u/abc?list=news&r=sub%40example.org",
                        "unsubscribe@" + DOMAIN).feedbackId("c42:news:acme:mk").envelopeFrom("bounces+1@" + DOMAIN)
                .header("X-Campaign", "spring").build());
        list.add(Email.builder().from("bin@" + DOMAIN).to("b@example.org").subject("binary")
                .attach("blob.bin", randomBytes(new Random(7), 70_000), "application/octet-stream").build());
        list.add(Email.builder().from("e@" + DOMAIN).to("b@example.org").subject("").text("").build());
        // the last line without a line end and with trailing white space; a body of white space only
        list.add(Email.builder().from("e@" + DOMAIN).to("b@example.org").subject("t").text("ends with a space ").build());
        list.add(Email.builder().from("e@" + DOMAIN).to("b@example.org").subject("w").text(" \t \n \n\t").build());
        return list;
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** Random messages from a seed given in the failure, so that a failing one can be made again. */
    private static List<Email> random(long seed, int count) {
        Random r = new Random(seed);
        String[] pieces = {"a", " ", "\t", ".", "..", "ü", "€", "🎉", "=", "-", "\n", "\n\n", "  \n", "x".repeat(200),
                "From ", ">", "--", "\r\n"};
        List<Email> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            int n = r.nextInt(60);
            for (int j = 0; j < n; j++) {
                text.append(pieces[r.nextInt(pieces.length)]);
            }
            StringBuilder subject = new StringBuilder();
            for (int j = r.nextInt(12); j > 0; j--) {
                String p = pieces[r.nextInt(pieces.length)];
                subject.append(p.contains("\n") || p.contains("\r") ? " " : p);
            }
            Email.Builder b = Email.builder().from("r" + i + "@" + DOMAIN).to("to" + i + "@example.org")
                    .subject(subject.toString());
            if (r.nextBoolean()) {
                b.text(text.toString());
            } else {
                b.html("<p>" + text + "</p>");
            }
            if (r.nextInt(4) == 0) {
                b.attach("f" + i + ".txt", text.toString().getBytes(StandardCharsets.UTF_8), "text/plain");
            }
            if (r.nextInt(3) == 0) {
                b.listUnsubscribe("https://" + DOMAIN + "/u/" + i);
            }
            list.add(b.build());
        }
        return list;
    }

    @Test
    void rsaSignedMessagesVerifyInBothVerifiers() throws Exception {
        List<Path> files = sendAll(rsa, awkward(), "rsa");
        assertVerified(files);
    }

    @Test
    void ed25519SignedMessagesVerifyInBothVerifiers() throws Exception {
        List<Path> files = sendAll(ed25519, awkward(), "ed");
        assertVerified(files);
    }

    @Test
    void twoSignatures_ed25519AndRsa_bothVerify() throws Exception {
        List<Path> files = sendAll(List.of(ed25519, rsa), awkward(), "both");
        for (Path f : files) {
            String m = Files.readString(f, StandardCharsets.UTF_8);
            assertThat(m.split("DKIM-Signature: ", -1)).hasSize(3);
        }
        assertVerified(files);
    }

    @Test
    void randomMessagesVerify() throws Exception {
        long seed = Long.getLong("mailkit.dkim.seed", System.nanoTime());
        int count = Integer.getInteger("mailkit.dkim.messages", 40);
        List<Path> files = new ArrayList<>(sendAll(rsa, random(seed, count), "rand-rsa-" + seed));
        files.addAll(sendAll(ed25519, random(seed + 1, count / 2), "rand-ed-" + seed));
        List<String> failed = dkimpy(files);
        for (Path f : files) {
            String r = opendkim(f);
            if (!r.equals("ok")) {
                failed.add("opendkim-testmsg " + f.getFileName() + ": " + r);
            }
        }
        if (!failed.isEmpty()) {
            Path keep = Path.of("target", "dkim-failures");
            Files.createDirectories(keep);
            for (Path f : files) {
                Files.copy(f, keep.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        assertThat(failed).as("dkimpy and opendkim-testmsg, seed %d (-Dmailkit.dkim.seed=%d); the messages are kept in target/dkim-failures",
                seed, seed).isEmpty();
    }

    @Test
    void aMessageChangedAfterSigningFailsInBothVerifiers() throws Exception {
        List<Path> files = sendAll(rsa, awkward().subList(0, 1), "tamper");
        files.addAll(sendAll(ed25519, awkward().subList(0, 1), "tamper-ed"));
        assertVerified(files); // signed as sent
        for (Path f : files) {
            String m = Files.readString(f, StandardCharsets.UTF_8);
            Files.writeString(f, m.replace("hello", "hellO"), StandardCharsets.UTF_8);
        }
        assertThat(dkimpy(files)).hasSize(files.size());
        for (Path f : files) {
            assertThat(opendkim(f)).as("opendkim-testmsg on %s", f.getFileName()).isNotEqualTo("ok");
        }
    }

    @Test
    void aKeyOtherThanThePublishedOneOrNoneFailsInBothVerifiers() throws Exception {
        KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
        rsaGen.initialize(2048);
        java.security.PrivateKey other = rsaGen.generateKeyPair().getPrivate();
        List<Path> files = sendAll(Dkim.of(DOMAIN, "rsa2026", other), awkward().subList(0, 1), "otherkey");
        files.addAll(sendAll(Dkim.of(DOMAIN, "unpublished", other), awkward().subList(0, 1), "nokey"));
        assertThat(dkimpy(files)).hasSize(2);
        for (Path f : files) {
            assertThat(opendkim(f)).as("opendkim-testmsg on %s", f.getFileName()).isNotEqualTo("ok");
        }
    }

    @Test
    void theSignatureHeaderIsFoldedAndSignsTheBulkSenderFields() throws Exception {
        List<Path> files = sendAll(rsa, awkward().subList(3, 4), "fields");
        String m = Files.readString(files.get(0), StandardCharsets.UTF_8);
        String header = m.substring(0, m.indexOf("\r\n\r\n"));
        assertThat(header).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + DOMAIN);
        String signature = header.substring(0, header.indexOf("\r\n", header.indexOf("b=")) + 2);
        for (String line : signature.split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(78);
        }
        String h = signature.replaceAll("\r\n\t", " ").replaceAll("(?s).*[ ;]h=([^;]*);.*", "$1").replace(" ", "");
        assertThat(h.split(":")).contains("from", "list-unsubscribe", "list-unsubscribe-post", "feedback-id",
                "subject", "date", "message-id", "to");
        assertThat(h).doesNotContain("bcc").endsWith("from");
        assertThat(header).contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    }

    private void assertVerified(List<Path> files) throws Exception {
        assertThat(dkimpy(files)).as("dkimpy").isEmpty();
        for (Path f : files) {
            assertThat(opendkim(f)).as("opendkim-testmsg on %s", f.getFileName()).isEqualTo("ok");
        }
    }

    private List<Path> sendAll(Dkim dkim, List<Email> emails, String prefix) throws Exception {
        return sendAll(List.of(dkim), emails, prefix);
    }

    private List<Path> sendAll(List<Dkim> signatures, List<Email> emails, String prefix) throws Exception {
        SmtpSender.Builder b = SmtpSender.builder();
        signatures.forEach(b::dkim);
        try (FakeSmtpServer server = new FakeSmtpServer().pipelining();
             SmtpSender sender = b.endpoint("127.0.0.1", server.port(), Security.PLAIN)
                     .options(ConnectionOptions.builder().allowPlaintext().readTimeout(Duration.ofSeconds(5)).build())
                     .credentials(Credentials.password("user", "pw-123")).poolSize(1).build()) {
            sender.sendAll(emails, o -> assertThat(o.failure()).isEmpty());
            List<byte[]> raw = server.rawMessages();
            assertThat(raw).hasSize(emails.size());
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < raw.size(); i++) {
                Path f = dir.resolve(prefix + "-" + i + ".eml");
                Files.write(f, raw.get(i));
                files.add(f);
            }
            return files;
        }
    }

    /** The files dkimpy does not pass, with its reason. */
    private List<String> dkimpy(List<Path> files) throws Exception {
        Path script = dir.resolve("dkimpy_verify.py");
        try (var in = DkimVerifiersTest.class.getResourceAsStream("/dkim/dkimpy_verify.py")) {
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> cmd = new ArrayList<>(List.of(python(), script.toString(), dns.host(), String.valueOf(dns.port())));
        files.forEach(f -> cmd.add(f.toString()));
        String out = run(cmd, null);
        List<String> failed = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("FAIL")) {
                failed.add(line);
            } else if (!line.startsWith("PASS") && !line.isBlank()) {
                failed.add("unexpected output: " + line);
            }
        }
        long passed = Arrays.stream(out.split("\n")).filter(l -> l.startsWith("PASS")).count();
        if (failed.isEmpty()) {
            assertThat(passed).as("dkimpy's output: %s", out).isEqualTo(files.size());
        }
        return failed;
    }

    /** "ok" when opendkim-testmsg verifies the file, else what it printed. */
    private String opendkim(Path file) throws Exception {
        // opendkim-testmsg asks the system resolver: in a mount namespace of its own, resolv.conf names NSD
        Path resolv = dns.resolvConf();
        String sh = "mount --bind " + resolv + " /etc/resolv.conf && exec /usr/sbin/opendkim-testmsg < " + file;
        return run(List.of("unshare", "--mount", "sh", "-c", sh), "ok");
    }

    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** Runs a command; its output, or {@code whenSilentAndOk} when it exits 0 having printed nothing. */
    private static String run(List<String> cmd, String whenSilentAndOk) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(cmd + " did not finish");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (whenSilentAndOk != null) {
            return p.exitValue() == 0 && text.isBlank() ? whenSilentAndOk : "exit " + p.exitValue() + ": " + text;
        }
        return text;
    }
}
