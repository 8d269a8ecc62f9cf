package dev.mailkit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.micrometer.SmtpMetrics;
import dev.mailkit.micrometer.SyncMetrics;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.SmtpSender;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.CompositeHealth;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole application: properties only, with Actuator's health endpoint and its simple meter registry. It sends
 * through the auto-configured sender, its watch mirrors the mail, the endpoint reports mailkit UP, the meters
 * count, the watch stops when the application closes, and nothing secret reaches the log.
 */
@SpringBootTest(classes = MailkitApplicationTest.App.class, properties = {
        "management.endpoint.health.show-details=always", "mailkit.sync.watch=true"})
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MailkitApplicationTest {

    private static final TestMail MAIL = new TestMail();
    private static final Path MAILDIR;

    static {
        try {
            MAILDIR = Files.createTempDirectory("mailkit-boot").resolve("mail");
        } catch (java.io.IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SpringBootApplication
    static class App {
    }

    @DynamicPropertySource
    static void account(DynamicPropertyRegistry registry) {
        for (String p : MAIL.smtpProperties()) {
            add(registry, p);
        }
        for (String p : MAIL.syncProperties(MAILDIR)) {
            add(registry, p);
        }
    }

    private static void add(DynamicPropertyRegistry registry, String property) {
        int eq = property.indexOf('=');
        String value = property.substring(eq + 1);
        registry.add(property.substring(0, eq), () -> value);
    }

    @AfterAll
    static void stopServer() {
        MAIL.close();
    }

    @Autowired
    SmtpSender sender;
    @Autowired
    ImapSynchronizer synchronizer;
    @Autowired
    SyncWatchLifecycle watch;
    @Autowired
    HealthEndpoint health;
    @Autowired
    MeterRegistry meters;
    @Autowired
    org.springframework.context.ConfigurableApplicationContext context;

    @Test
    void sendsWatchesReportsAndCounts_withoutShowingASecret(CapturedOutput output) throws Exception {
        sender.send(Email.builder().from(TestMail.ADDRESS).to(TestMail.ADDRESS).subject("through Spring").text("hi").build());
        TestMail.waitFor(() -> synchronizer.state().messageCount("INBOX") == 1, "the watch to mirror the message");
        assertThat(watch.isWatching()).isTrue();

        HealthComponent all = health.health();
        HealthComponent mailkit = ((CompositeHealth) all).getComponents().get("mailkit");
        assertThat(mailkit.getStatus()).isEqualTo(Status.UP);
        @SuppressWarnings("unchecked")
        Map<String, Object> smtp = (Map<String, Object>) ((org.springframework.boot.actuate.health.Health) mailkit)
                .getDetails().get("smtp");
        assertThat(smtp).containsEntry("port", MAIL.smtpPort());

        assertThat(meters.get(SmtpMetrics.MESSAGES_SENT).counter().count()).isEqualTo(1);
        TestMail.waitFor(() -> meters.find(SyncMetrics.SYNC_DURATION).timer() != null
                && meters.get(SyncMetrics.SYNC_DURATION).timer().count() > 0, "a timed sync");
        assertThat(meters.get(SyncMetrics.MESSAGES_PULLED).counter().count()).isEqualTo(1);
        assertThat(meters.get(SyncMetrics.WATCH_RUNNING).gauge().value()).isEqualTo(1);

        assertThat(mailkit.toString()).doesNotContain(TestMail.PASSWORD).doesNotContain(TestMail.ADDRESS);

        context.stop(); // the watch stops with the application's lifecycle (as at shutdown, before the beans go)
        assertThat(watch.isRunning()).isFalse();
        assertThat(watch.watch().orElseThrow().isRunning()).isFalse();
        assertThat(meters.get(SyncMetrics.WATCH_RUNNING).gauge().value()).isZero();
        assertThat(output.getAll()).doesNotContain(TestMail.PASSWORD).contains("mailbox watch stopped");
    }
}
