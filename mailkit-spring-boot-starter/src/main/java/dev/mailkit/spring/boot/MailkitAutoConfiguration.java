package dev.mailkit.spring.boot;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.InvalidConfigurationException;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.TokenProvider;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.micrometer.SmtpMetrics;
import dev.mailkit.smtp.RetryPolicy;
import dev.mailkit.smtp.SendListener;
import dev.mailkit.smtp.SmtpSender;
import dev.mailkit.spring.boot.internal.Accounts;
import dev.mailkit.spring.boot.internal.CompositeSendListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Makes an {@link SmtpSender} from the {@code mailkit.*} properties, with the {@link ProviderRegistry} and
 * {@link ConnectionOptions} it uses. The sender is made once an account is named ({@code mailkit.address},
 * {@code mailkit.provider}, {@code mailkit.username}, {@code mailkit.smtp.host} or
 * {@code mailkit.smtp.username}) and {@code mailkit.smtp.enabled} is not false; each bean backs off when the
 * application defines its own. Its login is the application's {@link Credentials} bean if there is one, else
 * OAuth2 through a {@link TokenProvider} bean (which {@link MailkitOAuth2AutoConfiguration} makes from
 * {@code mailkit.oauth2.*}), else {@code mailkit.password} as the provider takes it. Every {@link SendListener}
 * bean hears the sender's events (the {@link SmtpMetrics} of {@link MailkitMetricsAutoConfiguration} among
 * them), and every {@link SmtpSenderCustomizer} bean may change its builder.
 */
@AutoConfiguration
@EnableConfigurationProperties(MailkitProperties.class)
public class MailkitAutoConfiguration {

    /** Made by Spring. */
    public MailkitAutoConfiguration() {
    }

    /**
     * The providers: the built-in data and any on the class path, plus {@code mailkit.providers-file}.
     *
     * @param properties the {@code mailkit.*} properties
     * @return the registry
     */
    @Bean
    @ConditionalOnMissingBean
    public ProviderRegistry mailkitProviderRegistry(MailkitProperties properties) {
        ProviderRegistry defaults = ProviderRegistry.defaults();
        return properties.getProvidersFile() == null ? defaults
                : defaults.toBuilder().addProvidersXml(properties.getProvidersFile()).build();
    }

    /**
     * Timeouts and TLS trust for every connection mailkit makes, from the {@code mailkit.*} properties.
     *
     * @param properties the {@code mailkit.*} properties
     * @return the options
     */
    @Bean
    @ConditionalOnMissingBean
    public ConnectionOptions mailkitConnectionOptions(MailkitProperties properties) {
        ConnectionOptions.Builder b = ConnectionOptions.builder();
        if (properties.getConnectTimeout() != null) {
            b.connectTimeout(properties.getConnectTimeout());
        }
        if (properties.getReadTimeout() != null) {
            b.readTimeout(properties.getReadTimeout());
        }
        if (properties.getLoginTimeout() != null) {
            b.loginTimeout(properties.getLoginTimeout());
        }
        if (properties.getReplyTimeout() != null) {
            b.replyTimeout(properties.getReplyTimeout());
        }
        if (properties.isAllowPlaintext()) {
            b.allowPlaintext();
        }
        if (properties.getTrustCertificates() != null) {
            b.trustCertificates(properties.getTrustCertificates());
        }
        return b.build();
    }

    /**
     * The sender, from {@code mailkit.*} and {@code mailkit.smtp.*}; closed with the context.
     *
     * @param properties  the {@code mailkit.*} properties
     * @param registry    where the provider is looked up
     * @param options     timeouts and TLS trust
     * @param credentials the application's own login, if it defines one
     * @param tokens      an OAuth2 token source, if there is one
     * @param listeners   every listener of sending events
     * @param metrics     the sending meters, if metrics are on
     * @param customizers changes to the builder
     * @return the sender
     * @throws InvalidConfigurationException if no login is set and {@code mailkit.smtp.without-authentication} is
     *                                       not true, or the settings are not usable
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "mailkit.smtp", name = "enabled", matchIfMissing = true)
    @Conditional(AccountNamed.class)
    public SmtpSender mailkitSmtpSender(MailkitProperties properties, ProviderRegistry registry, ConnectionOptions options,
                                        ObjectProvider<Credentials> credentials, ObjectProvider<TokenProvider> tokens,
                                        ObjectProvider<SendListener> listeners, ObjectProvider<SmtpMetrics> metrics,
                                        ObjectProvider<SmtpSenderCustomizer> customizers) {
        MailkitProperties.Smtp smtp = properties.getSmtp();
        Accounts.Account account = Accounts.resolve(properties, smtp, Protocol.SMTP, "mailkit.smtp", registry);
        SmtpSender.Builder b = account.applyTo(SmtpSender.builder().registry(registry).options(options));
        Credentials login = account.credentials(credentials.getIfUnique(), tokens.getIfUnique());
        if (login != null) {
            b.credentials(login);
        } else if (smtp.isWithoutAuthentication()) {
            b.withoutAuthentication();
        } else {
            throw new InvalidConfigurationException("mailkit: no login for sending: set mailkit.password (or"
                    + " mailkit.smtp.password), mailkit.oauth2.client-id with mailkit-oauth2 on the class path, or"
                    + " mailkit.smtp.without-authentication=true for a relay that trusts this host", null);
        }
        b.poolSize(smtp.getPoolSize()).maxMessagesPerConnection(smtp.getMaxMessagesPerConnection());
        if (smtp.getMaxAttempts() != RetryPolicy.defaults().maxAttempts()) {
            b.retryPolicy(smtp.getMaxAttempts() == 1 ? RetryPolicy.none()
                    : RetryPolicy.builder().maxAttempts(smtp.getMaxAttempts()).build());
        }
        if (smtp.getRateLimitPerMinute() != null || smtp.getRateLimitPerDay() != null) {
            ProviderSettings p = account.provider();
            int perMinute = smtp.getRateLimitPerMinute() != null ? smtp.getRateLimitPerMinute()
                    : p == null ? 0 : p.limits().messagesPerMinute().orElse(0);
            int perDay = smtp.getRateLimitPerDay() != null ? smtp.getRateLimitPerDay()
                    : p == null ? 0 : p.limits().messagesPerDay().orElse(0);
            b.rateLimit(perMinute, perDay);
        }
        if (smtp.isAppendToSentFolder()) {
            if (Accounts.hasText(properties.getSync().getHost())) {
                // the IMAP server given for syncing is the account's: the copy goes there too
                b.appendToSentFolder(Accounts.resolve(properties, properties.getSync(), Protocol.IMAP, "mailkit.sync",
                        registry).endpoint());
            } else {
                b.appendToSentFolder();
            }
        }
        MailkitProperties.Dkim dkim = smtp.getDkim();
        if (dkim.getPrivateKey() != null || Accounts.hasText(dkim.getSelector()) || Accounts.hasText(dkim.getDomain())) {
            if (dkim.getPrivateKey() == null || !Accounts.hasText(dkim.getSelector())) {
                throw new InvalidConfigurationException("mailkit: DKIM signing needs mailkit.smtp.dkim.private-key and"
                        + " mailkit.smtp.dkim.selector", null);
            }
            String domain = dkim.getDomain();
            if (!Accounts.hasText(domain)) {
                String address = properties.getAddress();
                if (!Accounts.hasText(address) || address.indexOf('@') < 0) {
                    throw new InvalidConfigurationException("mailkit: set mailkit.smtp.dkim.domain (there is no"
                            + " mailkit.address to take it from)", null);
                }
                domain = address.substring(address.lastIndexOf('@') + 1);
            }
            b.dkim(dev.mailkit.smtp.Dkim.fromPemFile(domain, dkim.getSelector(), dkim.getPrivateKey()));
        }
        b.listener(CompositeSendListener.of(listeners.orderedStream().toList()));
        customizers.orderedStream().forEach(c -> c.customize(b));
        SmtpSender sender = b.build();
        metrics.ifUnique(m -> m.bindPool(sender));
        return sender;
    }

    /** An account is named: one of the properties that say which server to send to or log in as is set. */
    static final class AccountNamed extends AnyNestedCondition {

        AccountNamed() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty(prefix = "mailkit", name = "address")
        static final class Address {
        }

        @ConditionalOnProperty(prefix = "mailkit", name = "provider")
        static final class Provider {
        }

        @ConditionalOnProperty(prefix = "mailkit", name = "username")
        static final class Username {
        }

        @ConditionalOnProperty(prefix = "mailkit.smtp", name = "host")
        static final class SmtpHost {
        }

        @ConditionalOnProperty(prefix = "mailkit.smtp", name = "username")
        static final class SmtpUsername {
        }
    }

    /** {@code mailkit.sync.enabled=true} without mailkit-imap-sync: said at start-up, not ignored. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass("dev.mailkit.imap.ImapSynchronizer")
    @ConditionalOnProperty(prefix = "mailkit.sync", name = "enabled", havingValue = "true")
    static class SyncWithoutModule {

        SyncWithoutModule() {
            throw new InvalidConfigurationException("mailkit.sync.enabled=true needs dev.mailkit:mailkit-imap-sync on the"
                    + " class path", null);
        }
    }
}
