package dev.mailkit.examples;

import dev.mailkit.core.MailkitException;
import dev.mailkit.smtp.BatchSummary;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.SendListener;
import dev.mailkit.smtp.SendResult;
import dev.mailkit.smtp.SmtpSender;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends a batch over a pool of connections, with progress and retries reported as they happen.
 * Usage: {@code SendBatchWithProgress FROM TO COUNT}.
 */
public final class SendBatchWithProgress {

    private SendBatchWithProgress() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        run(ExampleAccount.fromEnvironment(), args[0], args[1], Integer.parseInt(args[2]), out);
    }

    static BatchSummary run(ExampleAccount account, String from, String to, int count, PrintWriter out) {
        List<Email> batch = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            batch.add(Email.builder().from(from).to(to).subject("Newsletter " + i).text("Issue " + i).build());
        }
        AtomicInteger done = new AtomicInteger();
        SendListener progress = new SendListener() {
            @Override
            public void onSent(Email email, SendResult result) {
                out.printf("%d/%d sent: %s%n", done.incrementAndGet(), count, email.subject());
            }

            @Override
            public void onRetry(Email email, int attempt, MailkitException failure, Duration delay) {
                out.printf("retrying %s in %d ms (%s)%n", email.subject(), delay.toMillis(), failure.getMessage());
            }
        };
        try (SmtpSender sender = account.sender().poolSize(4).listener(progress).build()) {
            BatchSummary summary = sender.sendAll(batch, outcome -> { });
            out.printf("%d sent, %d failed in %d ms%n", summary.sent(), summary.failed(), summary.duration().toMillis());
            return summary;
        }
    }
}
