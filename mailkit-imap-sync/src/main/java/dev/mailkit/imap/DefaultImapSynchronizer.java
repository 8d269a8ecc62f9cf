package dev.mailkit.imap;

import dev.mailkit.core.InvalidConfigurationException;
import dev.mailkit.core.MailSession;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.ProviderSettings;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.imap.internal.engine.SyncEngine;

/** The {@link ImapSynchronizer}: wiring of session, stores and engine. */
final class DefaultImapSynchronizer implements ImapSynchronizer {

    private final SyncEngine engine;
    private final LocalStore localStore;
    private final SyncStateStore state;
    private final boolean ownsState;

    DefaultImapSynchronizer(ImapSynchronizer.Builder b) {
        ProviderSettings provider = b.provider != null ? b.provider
                : b.providerQuery != null ? b.registry.lookup(b.providerQuery) : null;
        ServerEndpoint endpoint = b.endpoint != null ? b.endpoint
                : provider == null ? null : provider.endpoint(Protocol.IMAP).orElseThrow(() ->
                new InvalidConfigurationException("provider '" + provider.id() + "' has no IMAP endpoint", null));
        if (endpoint == null) {
            throw new InvalidConfigurationException("ImapSynchronizer needs provider(..) or endpoint(..)", null);
        }
        if (b.credentials == null) {
            throw new InvalidConfigurationException("ImapSynchronizer needs credentials(..)", null);
        }
        if (b.localStore == null && b.maildir == null) {
            throw new InvalidConfigurationException("ImapSynchronizer needs maildir(..) or localStore(..)", null);
        }
        if (b.stateStore == null && b.maildir == null) {
            throw new InvalidConfigurationException("ImapSynchronizer needs stateStore(..) when no maildir(..) is set", null);
        }
        this.localStore = b.localStore != null ? b.localStore : MaildirStore.at(b.maildir);
        this.ownsState = b.stateStore == null;
        this.state = b.stateStore != null ? b.stateStore : SyncStateStore.sqlite(b.maildir.resolve("mailkit-state.db"));
        MailSession.Builder sb = MailSession.builder(Protocol.IMAP, endpoint).credentials(b.credentials).options(b.options);
        if (provider != null) {
            sb.provider(provider);
        }
        this.engine = new SyncEngine(sb.build(), provider, localStore, state, b.folders, b.listener,
                SyncEngine.Options.DEFAULTS);
    }

    @Override
    public SyncReport syncOnce() {
        return engine.syncOnce();
    }

    @Override
    public SyncStateStore state() {
        return state;
    }

    @Override
    public LocalStore localStore() {
        return localStore;
    }

    @Override
    public void close() {
        if (ownsState) {
            state.close();
        }
    }
}
