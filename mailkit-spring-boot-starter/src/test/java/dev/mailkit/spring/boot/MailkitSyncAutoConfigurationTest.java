package dev.mailkit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.imap.SyncReport;
import dev.mailkit.imap.SyncWatch;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The synchronizer's auto-configuration, and its watch started and stopped with the context. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MailkitSyncAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(MailkitAutoConfiguration.class, MailkitSyncAutoConfiguration.class));
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
    void syncIsOffUnlessAskedFor() {
        runner.withPropertyValues(mail.smtpProperties())
                .run(context -> assertThat(context).doesNotHaveBean(ImapSynchronizer.class));
    }

    @Test
    void syncEnabled_givesASynchronizerMirroringTheAccount_withoutAWatch() {
        mail.deliver("first");
        mail.deliver("second");
        runner.withPropertyValues(mail.smtpProperties()).withPropertyValues(mail.syncProperties(dir.resolve("mail")))
                .run(context -> {
                    assertThat(context).hasSingleBean(ImapSynchronizer.class).doesNotHaveBean(SyncWatchLifecycle.class);
                    SyncReport report = context.getBean(ImapSynchronizer.class).syncOnce();
                    assertThat(report.added()).isEqualTo(2);
                });
        assertThat(dir.resolve("mail").resolve("cur")).isDirectory();
    }

    @Test
    void theWatch_startsWithTheContext_andStopsWithIt() throws Exception {
        mail.deliver("before start");
        SyncWatch[] seen = new SyncWatch[1];
        runner.withPropertyValues(mail.smtpProperties()).withPropertyValues(mail.syncProperties(dir.resolve("mail")))
                .withPropertyValues("mailkit.sync.watch=true").withUserConfiguration(Heard.class).run(context -> {
                    SyncWatchLifecycle lifecycle = context.getBean(SyncWatchLifecycle.class);
                    assertThat(lifecycle.isRunning()).isTrue();
                    SyncWatch watch = lifecycle.watch().orElseThrow();
                    seen[0] = watch;
                    List<String> heard = context.getBean(Heard.class).syncs;
                    TestMail.waitFor(() -> !heard.isEmpty(), "the watch's first sync");
                    TestMail.waitFor(lifecycle::isWatching, "the watch to run");
                    mail.deliver("while watching");                       // IDLE hears it
                    TestMail.waitFor(() -> context.getBean(ImapSynchronizer.class).state().messageCount("INBOX") == 2,
                            "the new message to be mirrored");
                    assertThat(watch.isRunning()).isTrue();
                });
        assertThat(seen[0].isRunning()).isFalse(); // closed when the context closed
    }

    @Test
    void aMissingMaildir_failsAtStartUp_namingTheProperty() {
        runner.withPropertyValues(mail.smtpProperties()).withPropertyValues("mailkit.sync.enabled=true",
                "mailkit.sync.host=127.0.0.1", "mailkit.sync.security=plain").run(context ->
                assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("mailkit.sync.maildir"));
    }

    @Configuration(proxyBeanMethods = false)
    static class Heard {
        final List<String> syncs = new CopyOnWriteArrayList<>();

        @Bean
        SyncListener heardSyncs() {
            return new SyncListener() {
                @Override
                public void onSyncDone(SyncReport report) {
                    syncs.add("sync " + report.added());
                }
            };
        }
    }
}
