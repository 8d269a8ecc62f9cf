package dev.mailkit.spring.boot;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.InvalidConfigurationException;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.TokenProvider;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.oauth2.OAuth2;
import dev.mailkit.oauth2.TokenStore;
import dev.mailkit.spring.boot.internal.Accounts;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * OAuth2 login when mailkit-oauth2 is on the class path and {@code mailkit.oauth2.client-id} is set: an
 * {@link OAuth2} client for the account's provider (its endpoints and scopes from the registry), the
 * {@link TokenStore} holding the tokens of the account's earlier sign-in ({@code mailkit login} or
 * {@link OAuth2#signInWithDeviceCode}), and the {@link TokenProvider} the sender and the synchronizer log in
 * with. The application signs the account in once; from then on the tokens are refreshed as needed. Each bean
 * backs off when the application defines its own.
 */
@AutoConfiguration(before = MailkitAutoConfiguration.class)
@ConditionalOnClass(OAuth2.class)
@ConditionalOnProperty(prefix = "mailkit.oauth2", name = "client-id")
@EnableConfigurationProperties(MailkitProperties.class)
public class MailkitOAuth2AutoConfiguration {

    /** Made by Spring. */
    public MailkitOAuth2AutoConfiguration() {
    }

    /**
     * Where the tokens are kept: {@code mailkit.oauth2.token-store.*}.
     *
     * @param properties the {@code mailkit.*} properties
     * @return the store
     */
    @Bean
    @ConditionalOnMissingBean
    public TokenStore mailkitTokenStore(MailkitProperties properties) {
        MailkitProperties.OAuth2.TokenStore store = properties.getOauth2().getTokenStore();
        if (store.getType() == MailkitProperties.OAuth2.TokenStore.Type.MEMORY) {
            return TokenStore.inMemory();
        }
        return store.getDirectory() == null ? TokenStore.defaultStore() : TokenStore.inDirectory(store.getDirectory());
    }

    /**
     * The OAuth2 client of the account's provider.
     *
     * @param properties the {@code mailkit.*} properties
     * @param registry   where the provider is looked up
     * @param store      where the tokens are kept
     * @param options    TLS trust and timeouts, for the calls to the authorization server too
     * @return the client
     * @throws InvalidConfigurationException if no provider is named, or it has no OAuth2 settings
     */
    @Bean
    @ConditionalOnMissingBean
    public OAuth2 mailkitOAuth2(MailkitProperties properties, ProviderRegistry registry, TokenStore store,
                                ConnectionOptions options) {
        MailkitProperties.OAuth2 o = properties.getOauth2();
        Accounts.Account account = Accounts.resolve(properties, properties.getSmtp(), Protocol.SMTP, "mailkit.smtp",
                registry);
        if (account.provider() == null) {
            throw new InvalidConfigurationException("mailkit.oauth2 needs the provider, for its OAuth2 endpoints: set"
                    + " mailkit.provider or mailkit.address", null);
        }
        OAuth2.Builder b;
        try {
            b = OAuth2.builder().provider(account.provider());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("mailkit.oauth2: " + e.getMessage(), e);
        }
        b.clientId(o.getClientId()).tokenStore(store).connectionOptions(options);
        if (o.getClientSecret() != null && !o.getClientSecret().isEmpty()) {
            b.clientSecret(o.getClientSecret());
        }
        if (Accounts.hasText(o.getMicrosoftTenant())) {
            b.microsoftTenant(o.getMicrosoftTenant().strip());
        }
        if (!o.getScopes().isEmpty()) {
            b.scopes(o.getScopes());
        }
        return b.build();
    }

    /**
     * The access tokens: of the account's earlier sign-in ({@code REFRESH_TOKEN}), or of the client itself
     * ({@code CLIENT_CREDENTIALS}).
     *
     * @param properties the {@code mailkit.*} properties
     * @param oauth      the OAuth2 client
     * @return the token provider the sender and the synchronizer log in with
     * @throws InvalidConfigurationException if the refresh-token grant has no account to sign in as
     */
    @Bean
    @ConditionalOnMissingBean
    public TokenProvider mailkitTokenProvider(MailkitProperties properties, OAuth2 oauth) {
        if (properties.getOauth2().getGrant() == MailkitProperties.OAuth2.Grant.CLIENT_CREDENTIALS) {
            return oauth.clientCredentials();
        }
        String account = Accounts.hasText(properties.getUsername()) ? properties.getUsername().strip()
                : Accounts.hasText(properties.getAddress()) ? properties.getAddress().strip() : null;
        if (account == null) {
            throw new InvalidConfigurationException("mailkit.oauth2 needs the account signed in: set mailkit.address"
                    + " or mailkit.username", null);
        }
        return oauth.tokenProvider(account);
    }
}
