package dev.mailkit.bench;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.SmtpSender;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends {@code count} ~4 KB messages with mailkit's default pool, each built only when the sender asks
 * for it, and prints the live heap (after a full GC) every tenth of the way: run with a small heap, the
 * figures show whether memory stays flat over a long batch. Arguments: port, count, whether to log in.
 */
public final class SendMany {

    private SendMany() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        boolean auth = Boolean.parseBoolean(args[2]);
        SmtpSender.Builder b = SmtpSender.builder().endpoint(ServerEndpoint.of("127.0.0.1", port, Security.PLAIN))
                .options(ConnectionOptions.builder().allowPlaintext().build()).noRateLimit();
        if (auth) {
            b.credentials(Credentials.password("bench", "bench"));
        } else {
            b.withoutAuthentication();
        }
        Random random = new Random(count);
        Iterable<Email> emails = () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < count;
            }

            @Override
            public Email next() {
                if (next >= count) {
                    throw new NoSuchElementException();
                }
                int i = next++;
                return Email.builder().from("bench@example.com").to("rcpt" + (i % 10) + "@example.com")
                        .subject("message " + i).text(new String(ImapBench.message(i, random), StandardCharsets.UTF_8)).build();
            }
        };
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        int step = Math.max(1, count / 10);
        AtomicLong done = new AtomicLong();
        long failed;
        try (SmtpSender sender = b.build()) {
            failed = sender.sendAll(emails, o -> {
                long n = done.incrementAndGet();
                if (n % step == 0) {
                    System.gc();
                    System.out.printf("heap-after-gc-mb %d %.1f%n", n, memory.getHeapMemoryUsage().getUsed() / 1048576.0);
                }
            }).failed();
        }
        if (failed > 0) {
            System.out.println(failed + " messages failed");
            System.exit(1);
        }
    }
}
