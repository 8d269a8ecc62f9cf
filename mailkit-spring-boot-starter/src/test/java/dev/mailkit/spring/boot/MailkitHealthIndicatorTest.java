package dev.mailkit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The health indicator against GreenMail, a closed port, and a watch that stopped. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MailkitHealthIndicatorTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(MailkitAutoConfiguration.class, MailkitSyncAutoConfiguration.class,
                    MailkitHealthAutoConfiguration.class));
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
    void upAgainstGreenMail_withHostPortChecksAndTimes_andNoSecretOrAddress() {
        runner.withPropertyValues(mail.smtpProperties()).withPropertyValues(mail.syncProperties(dir.resolve("mail")))
                .run(context -> {
                    Health health = context.getBean(MailkitHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    Map<String, Object> smtp = details(health, "smtp");
                    assertThat(smtp).containsEntry("host", "127.0.0.1").containsEntry("port", mail.smtpPort())
                            .containsEntry("security", "PLAIN").containsEntry("status", "UP").containsKey("durationMs");
                    assertThat(details(smtp, "checks")).containsEntry("TCP", "OK").containsEntry("greeting", "OK");
                    Map<String, Object> imap = details(health, "imap");
                    assertThat(imap).containsEntry("port", mail.imapPort()).containsEntry("status", "UP");
                    assertNothingSecret(health);
                });
    }

    @Test
    void downAgainstAClosedPort_namingTheFailedCheck() throws Exception {
        int closed = TestMail.closedPort();
        runner.withPropertyValues(mail.smtpProperties()).withPropertyValues("mailkit.smtp.port=" + closed).run(context -> {
            Health health = context.getBean(MailkitHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            Map<String, Object> smtp = details(health, "smtp");
            assertThat(smtp).containsEntry("status", "DOWN").containsEntry("failedCheck", "TCP")
                    .containsEntry("port", closed);
            assertThat((String) smtp.get("problem")).contains("refused");
            assertThat(health.getDetails()).doesNotContainKey("imap");
            assertNothingSecret(health);
        });
    }

    @Test
    void aResult_isReusedWithinCacheFor() throws Exception {
        runner.withPropertyValues(mail.smtpProperties()).withPropertyValues("mailkit.health.cache-for=1h").run(context -> {
            MailkitHealthIndicator indicator = context.getBean(MailkitHealthIndicator.class);
            Health first = indicator.health();
            mail.close(); // the server goes away; the cached result stands until cache-for has passed
            assertThat(indicator.health()).isSameAs(first);
        });
        mail = new TestMail();
        runner.withPropertyValues(mail.smtpProperties()).withPropertyValues("mailkit.health.cache-for=0s").run(context -> {
            MailkitHealthIndicator indicator = context.getBean(MailkitHealthIndicator.class);
            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
            mail.close();
            assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
        });
        mail = new TestMail();
    }

    @Test
    void aWatchStoppedByAFailure_isDown() throws Exception {
        int closed = TestMail.closedPort();
        runner.withPropertyValues(mail.smtpProperties()).withPropertyValues(mail.syncProperties(dir.resolve("mail")))
                .withPropertyValues("mailkit.sync.port=" + closed, "mailkit.sync.watch=true", "mailkit.health.cache-for=0s")
                .run(context -> {
                    SyncWatchLifecycle lifecycle = context.getBean(SyncWatchLifecycle.class);
                    TestMail.waitFor(() -> lifecycle.failure().isPresent(), "the watch to stop");
                    Health health = context.getBean(MailkitHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.getDetails()).containsEntry("watch", "stopped")
                            .containsEntry("watchFailure", "ConnectionException");
                    assertThat(details(health, "smtp")).containsEntry("status", "UP");
                });
    }

    @Test
    void noIndicator_whenSwitchedOff_withNothingToCheck_orWithoutActuator() {
        runner.withPropertyValues(mail.smtpProperties()).withPropertyValues("management.health.mailkit.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(MailkitHealthIndicator.class));
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(MailkitHealthIndicator.class));
        runner.withPropertyValues(mail.smtpProperties())
                .withClassLoader(new FilteredClassLoader(org.springframework.boot.actuate.health.HealthIndicator.class))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(dev.mailkit.smtp.SmtpSender.class)
                        .doesNotHaveBean(MailkitHealthIndicator.class));
    }

    @Test
    void addressesInAFindingAreMasked() {
        assertThat(MailkitHealthIndicator.mask("login refused for alice@example.com: 535 <bob@example.org> no"))
                .isEqualTo("login refused for ***: 535 <***> no");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(Object healthOrMap, String key) {
        Map<String, Object> d = healthOrMap instanceof Health h ? h.getDetails() : (Map<String, Object>) healthOrMap;
        return (Map<String, Object>) d.get(key);
    }

    private static void assertNothingSecret(Health health) {
        assertThat(health.toString()).doesNotContain(TestMail.PASSWORD).doesNotContain("@").doesNotContain(TestMail.USER);
    }
}
