package dev.mailkit.spring.boot;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.InvalidConfigurationException;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.TokenProvider;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.imap.FolderFilter;
import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.micrometer.SyncMetrics;
import dev.mailkit.spring.boot.internal.Accounts;
import dev.mailkit.spring.boot.internal.CompositeSyncListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * When {@code mailkit.sync.enabled=true} and mailkit-imap-sync is on the class path: an
 * {@link ImapSynchronizer} mirroring the account into {@code mailkit.sync.maildir}, and with
 * {@code mailkit.sync.watch=true} a {@link SyncWatchLifecycle} that keeps it in sync while the application
 * runs. The account is the one of {@link MailkitAutoConfiguration} ({@code mailkit.address}, ...), with the
 * IMAP server of the provider or {@code mailkit.sync.host}. Every {@link SyncListener} bean hears the sync's
 * events (the {@link SyncMetrics} of {@link MailkitMetricsAutoConfiguration} among them), and every
 * {@link ImapSynchronizerCustomizer} bean may change its builder.
 */
@AutoConfiguration(after = MailkitAutoConfiguration.class)
@ConditionalOnClass(ImapSynchronizer.class)
@ConditionalOnProperty(prefix = "mailkit.sync", name = "enabled", havingValue = "true")
public class MailkitSyncAutoConfiguration {

    /** Made by Spring. */
    public MailkitSyncAutoConfiguration() {
    }

    /**
     * The synchronizer, from {@code mailkit.*} and {@code mailkit.sync.*}; closed with the context.
     *
     * @param properties  the {@code mailkit.*} properties
     * @param registry    where the provider is looked up
     * @param options     timeouts and TLS trust
     * @param credentials the application's own login, if it defines one
     * @param tokens      an OAuth2 token source, if there is one
     * @param listeners   every listener of sync events
     * @param metrics     the syncing meters, if metrics are on
     * @param customizers changes to the builder
     * @return the synchronizer; no connection is opened yet
     * @throws InvalidConfigurationException if {@code mailkit.sync.maildir} or the login is missing, or the settings
     *                                       are not usable
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ImapSynchronizer mailkitImapSynchronizer(MailkitProperties properties, ProviderRegistry registry,
                                                    ConnectionOptions options, ObjectProvider<Credentials> credentials,
                                                    ObjectProvider<TokenProvider> tokens,
                                                    ObjectProvider<SyncListener> listeners,
                                                    ObjectProvider<SyncMetrics> metrics,
                                                    ObjectProvider<ImapSynchronizerCustomizer> customizers) {
        MailkitProperties.Sync sync = properties.getSync();
        if (sync.getMaildir() == null) {
            throw new InvalidConfigurationException("mailkit.sync.enabled=true needs mailkit.sync.maildir (the directory"
                    + " the account is mirrored into)", null);
        }
        Accounts.Account account = Accounts.resolve(properties, sync, Protocol.IMAP, "mailkit.sync", registry);
        ImapSynchronizer.Builder b = account.applyTo(ImapSynchronizer.builder().registry(registry).options(options));
        Credentials login = account.credentials(credentials.getIfUnique(), tokens.getIfUnique());
        if (login == null) {
            throw new InvalidConfigurationException("mailkit: no login for syncing: set mailkit.password (or"
                    + " mailkit.sync.password), or mailkit.oauth2.client-id with mailkit-oauth2 on the class path", null);
        }
        b.credentials(login).maildir(sync.getMaildir()).connections(sync.getConnections());
        FolderFilter folders = sync.getFolders().isEmpty() ? FolderFilter.all()
                : FolderFilter.only(sync.getFolders().toArray(String[]::new));
        if (!sync.getExcludeFolders().isEmpty()) {
            folders = folders.exclude(sync.getExcludeFolders().toArray(String[]::new));
        }
        b.folders(folders);
        if (!sync.getWatchFolders().isEmpty()) {
            b.watchFolders(sync.getWatchFolders().toArray(String[]::new));
        }
        if (sync.isPullOnly()) {
            b.pullOnly();
        }
        if (sync.isDurableWrites()) {
            b.durableWrites();
        }
        if (sync.getPeriodicSync() != null) {
            b.periodicSync(sync.getPeriodicSync());
        }
        if (sync.getIdleRefresh() != null) {
            b.idleRefresh(sync.getIdleRefresh());
        }
        b.listener(CompositeSyncListener.of(listeners.orderedStream().toList()));
        customizers.orderedStream().forEach(c -> c.customize(b));
        ImapSynchronizer synchronizer = b.build();
        metrics.ifUnique(m -> m.folderRolesFrom(synchronizer.state()));
        return synchronizer;
    }

    /**
     * The watch, started after the context and closed at shutdown, when {@code mailkit.sync.watch=true}.
     *
     * @param synchronizer the synchronizer
     * @param metrics      the syncing meters, if metrics are on
     * @return the lifecycle of the watch
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "mailkit.sync", name = "watch", havingValue = "true")
    public SyncWatchLifecycle mailkitSyncWatch(ImapSynchronizer synchronizer, ObjectProvider<SyncMetrics> metrics) {
        return new SyncWatchLifecycle(synchronizer, metrics.getIfUnique());
    }
}
