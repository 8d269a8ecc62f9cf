package dev.mailkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.DeadlineExceededException;
import dev.mailkit.core.DeadlineExceededException.Deadline;
import dev.mailkit.core.ResponseLimitException;
import dev.mailkit.core.Security;
import dev.mailkit.smtp.testing.HostileSmtpServer;
import dev.mailkit.smtp.testing.HostileSmtpServer.Reply;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An SMTP server that sends without end, or trickles, costs the sender bounded memory and time: each
 * case ends in a typed exception naming its bound. Runs in its own JVM with {@code -Xmx128m} (the
 * surefire execution {@code bounded-heap}), the heap the README promises is enough; without the bounds
 * the endless replies fill it (Angus Mail keeps a reply's lines until its last) and the trickled ones
 * hold the sender for as long as the server likes (the read timeout restarts with every byte).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileSmtpBoundedHeapTest {

    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    private HostileSmtpServer server;

    @BeforeAll
    static void heapIsCapped() {
        // Only the bounded-heap execution runs these (also when named with -Dtest), and there the heap must be capped.
        assumeTrue(Boolean.getBoolean("mailkit.boundedHeap"), "runs in the surefire execution bounded-heap");
        assertThat(Runtime.getRuntime().maxMemory()).as("the bounded-heap execution runs with -Xmx128m")
                .isLessThanOrEqualTo(128L << 20);
    }

    @BeforeEach
    void start() throws Exception {
        server = new HostileSmtpServer();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private SmtpSender sender(ConnectionOptions.Builder options) {
        return SmtpSender.builder().endpoint("127.0.0.1", server.port(), Security.PLAIN)
                .options(options.allowPlaintext().build())
                .credentials(Credentials.password("user", "pw-123")).retryPolicy(RetryPolicy.none()).build();
    }

    private static Email email() {
        return Email.builder().from("me@example.com").to("you@example.com").subject("hostile").text("body").build();
    }

    private Throwable send(ConnectionOptions.Builder options) {
        try (SmtpSender s = sender(options)) {
            return catchThrowable(() -> s.send(email()));
        }
    }

    @Test
    void anEndlessMultiLineReplyToEhlo_endsOnTheReplyMemoryBound() {
        server.onCommand("EHLO", Reply.endless("250-an extension line that never ends the reply"));
        long before = HostileSmtpServer.sent();
        Throwable e = send(ConnectionOptions.builder());
        assertThat(e).isInstanceOfSatisfying(ResponseLimitException.class,
                r -> assertThat(r.limit()).isEqualTo(ConnectionOptions.DEFAULT_MAX_SMTP_REPLY_MEMORY))
                .hasMessageContaining("maxReplyMemory");
        assertThat(HostileSmtpServer.sent() - before).as("the server really was sending").isGreaterThan(64 * 1024);
        assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    void anEndlessFinalReplyToData_endsOnTheReplyMemoryBound() {
        server.onEndOfData(Reply.endless("250-still queueing"));
        Throwable e = send(ConnectionOptions.builder());
        assertThat(e).isInstanceOf(ResponseLimitException.class).hasMessageContaining("maxReplyMemory");
        assertThat(server.messages()).isEqualTo(1);
    }

    @Test
    void aReplyTrickledOneBytePerSecond_endsAtTheReplyDeadline() {
        server.onCommand("EHLO", Reply.trickle("250-" + "x".repeat(1000), ONE_SECOND));
        long start = System.nanoTime();
        Throwable e = send(ConnectionOptions.builder().replyTimeout(Duration.ofSeconds(3)));
        assertThat(e).isInstanceOfSatisfying(DeadlineExceededException.class, d -> {
            assertThat(d.deadline()).isEqualTo(Deadline.REPLY);
            assertThat(d.timeout()).contains(Duration.ofSeconds(3));
        }).hasMessageContaining("replyTimeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aGreetingTrickledOneBytePerSecond_endsAtTheGreetingDeadline() {
        server.greeting(Reply.trickle("220 " + "x".repeat(1000), ONE_SECOND));
        long start = System.nanoTime();
        Throwable e = send(ConnectionOptions.builder().greetingTimeout(Duration.ofSeconds(3)));
        assertThat(e).isInstanceOfSatisfying(DeadlineExceededException.class,
                d -> assertThat(d.deadline()).isEqualTo(Deadline.GREETING)).hasMessageContaining("greetingTimeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aFinalReplyToDataThatNeverEnds_endsAtTheReplyDeadline_andTheConnectionIsDroppedWithoutQuit() {
        server.onEndOfData(Reply.every(Duration.ofMillis(500), "250-still queueing"));
        long start = System.nanoTime();
        Throwable e = send(ConnectionOptions.builder().replyTimeout(Duration.ofSeconds(3)));
        assertThat(e).isInstanceOfSatisfying(DeadlineExceededException.class,
                d -> assertThat(d.deadline()).isEqualTo(Deadline.REPLY));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(server.messages()).isEqualTo(1);
        assertThat(server.commands()).doesNotContain("QUIT");
    }
}
