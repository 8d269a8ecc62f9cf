package dev.mailkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.testing.FaultProxy;
import dev.mailkit.smtp.testing.FakeSmtpServer;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seeded connection drops during {@code sendAll}: a proxy between mailkit and the server cuts every
 * connection once a seeded number of bytes has passed in a seeded direction — in the middle of a command,
 * of DATA (messages of 1 KB to 300 KB), or of a reply, the final 250 included. After each schedule:
 * every message is reported accepted and was received; a message sent in one attempt was received exactly
 * once (nothing the server confirmed is sent again); a second copy exists only of a message that was
 * retried (the drop fell between the end of its data and the server's reply, which SMTP cannot tell
 * apart from a loss), and at most one per connection the drop cut. Two servers: GreenMail, which takes
 * commands one at a time; and a scripted server offering PIPELINING, where mailkit sends MAIL, RCPT and
 * DATA in one flight.
 *
 * <p>{@code -Dmailkit.smtp.soak.schedules=N} (default 40) and {@code -Dmailkit.smtp.soak.seed=S} (default: a
 * new seed each run, printed) replay a run exactly.
 */
class SmtpFaultSoakTest {

    private static final int POOL = 2;
    private GreenMail greenMail;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws Exception {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        greenMail.setUser("alice@localhost", "alice", "alice-pw");
        proxy = new FaultProxy(greenMail.getSmtp().getPort());
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        greenMail.stop();
    }

    @Test
    void droppedConnections_areRetried_neverResentAfterTheFinalReply_andReportedExactly() throws Exception {
        soak("GreenMail (DATA, one command at a time)", greenMail.getSmtp().getPort(), () -> {
            Map<String, Integer> received = new HashMap<>();
            for (MimeMessage m : greenMail.getReceivedMessages()) {
                received.merge(m.getMessageID(), 1, Integer::sum);
            }
            return received;
        }, greenMail::purgeEmailFromAllMailboxes);
    }

    @Test
    void droppedConnections_withPipelining_sameGuarantees() throws Exception {
        try (FakeSmtpServer server = new FakeSmtpServer().pipelining()) {
            int[] seen = {0};
            Pattern id = Pattern.compile("(?im)^Message-ID: (<[^>]+>)");
            soak("pipelining (MAIL, RCPT and DATA in one flight)", server.port(), () -> {
                Map<String, Integer> received = new HashMap<>();
                List<String> all = server.messages();
                for (String m : all.subList(seen[0], all.size())) {
                    Matcher matcher = id.matcher(m);
                    received.merge(matcher.find() ? matcher.group(1) : "(none)", 1, Integer::sum);
                }
                return received;
            }, () -> seen[0] = server.messages().size());
        }
    }

    private void soak(String server, int serverPort, Callable<Map<String, Integer>> receivedById, Step reset)
            throws Exception {
        proxy.close();
        proxy = new FaultProxy(serverPort);
        long seed = Long.getLong("mailkit.smtp.soak.seed", new Random().nextLong());
        int schedules = Integer.getInteger("mailkit.smtp.soak.schedules", 40);
        System.out.println("SMTP fault soak, " + server + ": seed " + seed + ", " + schedules + " schedules (replay with"
                + " -Dmailkit.smtp.soak.seed=" + seed + " -Dmailkit.smtp.soak.schedules=" + schedules + ")");
        Random random = new Random(seed);
        int retried = 0;
        int duplicates = 0;
        for (int schedule = 0; schedule < schedules; schedule++) {
            List<Email> emails = batch(schedule, random);
            long bytes = emails.stream().mapToLong(e -> 400 + e.attachments().stream().mapToLong(Attachment::size).sum()).sum();
            FaultProxy.Direction direction = random.nextBoolean() ? FaultProxy.Direction.TO_SERVER : FaultProxy.Direction.TO_CLIENT;
            long offset = direction == FaultProxy.Direction.TO_SERVER ? (long) (random.nextDouble() * bytes)
                    : random.nextInt(emails.size() * 120); // replies are short: about 100 bytes per message
            reset.run();
            int cutsBefore = proxy.cuts();
            proxy.cutAfter(direction, offset);
            String where = "seed " + seed + ", schedule " + schedule + ": cut after " + offset + " bytes " + direction;
            List<SendOutcome> outcomes;
            try (SmtpSender sender = SmtpSender.builder().endpoint("127.0.0.1", proxy.port(), Security.PLAIN)
                    .options(ConnectionOptions.builder().allowPlaintext().readTimeout(Duration.ofSeconds(10)).build())
                    .credentials(Credentials.password("alice", "alice-pw")).poolSize(POOL).noRateLimit()
                    .retryPolicy(RetryPolicy.builder().maxAttempts(4).initialBackoff(Duration.ofMillis(2)).build())
                    .build()) {
                outcomes = sender.sendAll(emails);
            }
            proxy.disarm();
            // A server may still be storing a message from a connection the cut closed: count once it settles.
            Map<String, Integer> received = receivedById.call();
            for (int settle = 0; settle < 40; settle++) {
                Thread.sleep(50);
                Map<String, Integer> again = receivedById.call();
                if (again.equals(received)) {
                    break;
                }
                received = again;
            }
            int cut = proxy.cuts() - cutsBefore;
            int copiesOverOne = 0;
            assertThat(outcomes).as(where).hasSize(emails.size());
            for (SendOutcome o : outcomes) {
                o.failure().ifPresent(f -> f.printStackTrace(System.out));
                assertThat(o.isSuccess()).as(where + ": " + o).isTrue();
                SendResult r = o.result().orElseThrow();
                int copies = received.getOrDefault(r.messageId(), 0);
                assertThat(copies).as(where + ": copies of accepted " + r.messageId()).isPositive();
                if (r.attempts() == 1) {
                    assertThat(copies).as(where + ": confirmed in one attempt, so never sent again: " + r.messageId())
                            .isEqualTo(1);
                } else {
                    retried++;
                    assertThat(copies).as(where + ": " + r.messageId() + " after " + r.attempts() + " attempts").isLessThanOrEqualTo(2);
                }
                copiesOverOne += copies - 1;
            }
            assertThat(received.keySet()).as(where + ": nothing received that was not in the batch: " + received.keySet())
                    .allMatch(id -> outcomes.stream().anyMatch(o -> o.messageId().equals(id)));
            assertThat(copiesOverOne).as(where + ": second copies, at most one per connection cut").isLessThanOrEqualTo(cut * POOL);
            duplicates += copiesOverOne;
        }
        System.out.println("SMTP fault soak: " + proxy.cuts() + " drops in " + schedules + " schedules, " + retried
                + " messages retried, " + duplicates + " second copies (a drop between the data and its 250)");
        assertThat(proxy.cuts()).as("the drops fired (most offsets fall inside a batch)").isGreaterThan(schedules / 2);
        assertThat(retried).as("drops made messages retry").isPositive();
    }

    /** An action that may throw. */
    private interface Step {
        void run() throws Exception;
    }

    private static List<Email> batch(int schedule, Random random) {
        List<Email> emails = new ArrayList<>();
        int n = 6 + random.nextInt(10);
        for (int i = 0; i < n; i++) {
            Email.Builder b = Email.builder().from("alice@localhost").to("bob@localhost")
                    .subject("schedule " + schedule + " message " + i).text("body " + i + " ".repeat(random.nextInt(1000)));
            if (random.nextInt(4) == 0) {
                byte[] data = new byte[1_000 + random.nextInt(300_000)];
                random.nextBytes(data);
                b.attach("part" + i + ".bin", data, "application/octet-stream");
            }
            emails.add(b.build());
        }
        return emails;
    }
}
