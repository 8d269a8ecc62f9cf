package dev.mailkit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.micrometer.SmtpMetrics;
import dev.mailkit.micrometer.SyncMetrics;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.SmtpSender;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The meters, registered on the application's registry and fed by the auto-configured sender and synchronizer. */
class MailkitMetricsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(MailkitMetricsAutoConfiguration.class, MailkitAutoConfiguration.class,
                    MailkitSyncAutoConfiguration.class));
    @TempDir
    Path dir;
    private TestMail mail;

    @BeforeEach
    void start() {
        mail = new TestMail();
    }

    @AfterEach
    void stop() {
        mail.close();
    }

    @Test
    void aSendAndASync_areCountedOnTheRegistry_withoutASecretOrAName() {
        mail.deliver("waiting");
        runner.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new).withPropertyValues(mail.smtpProperties())
                .withPropertyValues(mail.syncProperties(dir.resolve("mail"))).run(context -> {
                    assertThat(context).hasSingleBean(SmtpMetrics.class).hasSingleBean(SyncMetrics.class);
                    context.getBean(SmtpSender.class).send(Email.builder().from(TestMail.ADDRESS).to(TestMail.ADDRESS)
                            .subject("to myself").text("hello").build());
                    context.getBean(ImapSynchronizer.class).syncOnce();
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get(SmtpMetrics.MESSAGES_SENT).counter().count()).isEqualTo(1);
                    assertThat(registry.get(SmtpMetrics.SEND_DURATION).timer().count()).isEqualTo(1);
                    assertThat(registry.get(SmtpMetrics.POOL_IN_USE).gauge().value()).isZero();
                    assertThat(registry.get(SyncMetrics.MESSAGES_PULLED).tag(SyncMetrics.FOLDER_ROLE, "inbox")
                            .counter().count()).isEqualTo(2);
                    assertThat(registry.get(SyncMetrics.BYTES_PULLED).counter().count()).isPositive();
                    assertThat(registry.get(SyncMetrics.FOLDER_DURATION).tag(SyncMetrics.FOLDER_ROLE, "inbox").timer()
                            .count()).isEqualTo(1);
                    for (Meter m : registry.getMeters()) {
                        assertThat(m.getId().toString()).doesNotContain(TestMail.PASSWORD).doesNotContain("@")
                                .doesNotContain(TestMail.USER).doesNotContain("127.0.0.1");
                        for (Tag t : m.getId().getTags()) {
                            assertThat(t.getValue()).matches("[a-z0-9_]+");
                        }
                    }
                });
    }

    @Test
    void noMeters_withoutARegistry_whenSwitchedOff_orWithoutTheSyncModule() {
        runner.withPropertyValues(mail.smtpProperties()).run(context -> {
            assertThat(context).hasSingleBean(SmtpSender.class).doesNotHaveBean(SmtpMetrics.class);
        });
        runner.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new).withPropertyValues(mail.smtpProperties())
                .withPropertyValues("mailkit.metrics.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SmtpMetrics.class));
        runner.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new).withPropertyValues(mail.smtpProperties())
                .withClassLoader(new FilteredClassLoader(ImapSynchronizer.class)).run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(SmtpMetrics.class).doesNotHaveBean(SyncMetrics.class);
                });
    }
}
