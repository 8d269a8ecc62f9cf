package dev.mailkit.spring.boot;

import dev.mailkit.micrometer.SmtpMetrics;
import dev.mailkit.micrometer.SyncMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers mailkit's meters (see {@link SmtpMetrics} and {@link SyncMetrics} for names and tags) when the
 * application has a {@link MeterRegistry} bean (Spring Boot Actuator makes one) and {@code mailkit.metrics.enabled}
 * is not false. Both are listener beans, so the auto-configured sender and synchronizer feed them; an application
 * that builds its own passes them to the builders itself.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"},
        before = {MailkitAutoConfiguration.class, MailkitSyncAutoConfiguration.class})
@ConditionalOnClass({MeterRegistry.class, SmtpMetrics.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "mailkit.metrics", name = "enabled", matchIfMissing = true)
public class MailkitMetricsAutoConfiguration {

    /** Made by Spring. */
    public MailkitMetricsAutoConfiguration() {
    }

    /**
     * The sending meters.
     *
     * @param registry the application's registry
     * @return the meters, a listener of the auto-configured sender
     */
    @Bean
    @ConditionalOnMissingBean
    public SmtpMetrics mailkitSmtpMetrics(MeterRegistry registry) {
        return new SmtpMetrics(registry);
    }

    /** The syncing meters, when mailkit-imap-sync is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.mailkit.imap.ImapSynchronizer")
    static class Sync {

        @Bean
        @ConditionalOnMissingBean
        SyncMetrics mailkitSyncMetrics(MeterRegistry registry) {
            return new SyncMetrics(registry);
        }
    }
}
