package dev.mailkit.spring.boot;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.diagnostics.MailDiagnostics;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.smtp.SmtpSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.mailkit.spring.boot.internal.Accounts;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

import java.util.Optional;

/**
 * The {@code mailkit} health indicator (see {@link MailkitHealthIndicator}) when Spring Boot Actuator is on the
 * class path, there is an {@link SmtpSender} bean or {@code mailkit.sync.enabled=true}, and
 * {@code management.health.mailkit.enabled} is not false.
 */
@AutoConfiguration(after = {MailkitAutoConfiguration.class, MailkitSyncAutoConfiguration.class})
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("mailkit")
public class MailkitHealthAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(MailkitHealthAutoConfiguration.class);

    /** Made by Spring. */
    public MailkitHealthAutoConfiguration() {
    }

    /**
     * The indicator: the sender's SMTP server, and the IMAP server when syncing.
     *
     * @param properties the {@code mailkit.*} properties
     * @param registry   the providers the settings are checked against
     * @param options    TLS trust, with the check's own timeouts ({@code mailkit.health.timeout})
     * @param sender     the sender, if there is one
     * @param watch      the mailbox watch, if one runs with the application
     * @return the indicator
     */
    @Bean
    @ConditionalOnMissingBean(name = "mailkitHealthIndicator")
    @Conditional(SomethingToCheck.class)
    public MailkitHealthIndicator mailkitHealthIndicator(MailkitProperties properties, ProviderRegistry registry,
                                                         ConnectionOptions options, ObjectProvider<SmtpSender> sender,
                                                         ObjectProvider<SyncWatchStatus> watch) {
        MailkitProperties.Health health = properties.getHealth();
        ConnectionOptions probe = options.toBuilder().connectTimeout(health.getTimeout()).readTimeout(health.getTimeout())
                .build();
        MailDiagnostics diagnostics = MailDiagnostics.builder().registry(registry).options(probe).build();
        SmtpSender s = sender.getIfUnique();
        ServerEndpoint smtp = s == null ? null : s.endpoint();
        ServerEndpoint imap = null;
        if (properties.getSync().isEnabled()) {
            try {
                imap = Accounts.resolve(properties, properties.getSync(), Protocol.IMAP, "mailkit.sync", registry)
                        .server().orElse(null);
            } catch (RuntimeException e) {
                LOG.warn("mailkit health: the IMAP server is not checked: {}", e.getMessage());
            }
        }
        return new MailkitHealthIndicator(diagnostics, smtp, imap, () -> Optional.ofNullable(watch.getIfUnique()),
                health.getCacheFor());
    }

    /** A sender to check, or a sync. */
    static final class SomethingToCheck extends AnyNestedCondition {

        SomethingToCheck() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnBean(SmtpSender.class)
        static final class Sender {
        }

        @ConditionalOnProperty(prefix = "mailkit.sync", name = "enabled", havingValue = "true")
        static final class Sync {
        }
    }
}
