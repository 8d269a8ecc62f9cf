package dev.mailkit.cli;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.ProxySettings;
import dev.mailkit.core.registry.OAuth2Settings;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.oauth2.OAuth2;
import dev.mailkit.oauth2.SignInRequiredException;
import dev.mailkit.oauth2.StoredTokens;
import dev.mailkit.oauth2.TokenStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.function.UnaryOperator;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** What {@code login}, {@code logout} and {@code --oauth2} share: the registry, the token store, the client. */
final class OAuth2Cli {

    private OAuth2Cli() {
    }

    /** The built-in registry, plus the providers of {@code --providers FILE} when given. */
    static ProviderRegistry registry(Path providersFile) {
        return providersFile == null ? ProviderRegistry.defaults()
                : ProviderRegistry.defaults().toBuilder().addProvidersXml(providersFile).build();
    }

    /** The token store directory: {@code --token-store DIR} or {@code ~/.mailkit/tokens}. */
    static Path storeDirectory(Path tokenStore) {
        return tokenStore != null ? tokenStore : TokenStore.defaultDirectory();
    }

    /** The client secret from {@code --client-secret-env VAR}, or null without the option. */
    static String clientSecret(String env, UnaryOperator<String> environment) {
        if (env == null) {
            return null;
        }
        String secret = environment.apply(env);
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("--client-secret-env: environment variable " + env + " is not set");
        }
        return secret;
    }

    /**
     * TLS trust for the authorization server: the system's certificate authorities plus the certificates of
     * {@code --trust-cert PEM}, so one option serves a self-signed mail server and a public authorization
     * server (login.microsoftonline.com) alike, as well as a private authorization server. Through
     * {@code --proxy} when given.
     */
    static ConnectionOptions httpsOptions(Path trustCert, ProxySettings proxy) {
        ConnectionOptions.Builder b = ConnectionOptions.builder();
        if (proxy != null) {
            b.proxy(proxy);
        }
        if (trustCert == null) {
            return b.build();
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            int n = 0;
            for (TrustManager tm : system.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate ca : x.getAcceptedIssuers()) {
                        store.setCertificateEntry("system-" + n++, ca);
                    }
                }
            }
            try (InputStream in = Files.newInputStream(trustCert)) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("trusted-" + n++, c);
                }
            }
            return b.trustStore(store).build();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("--trust-cert " + trustCert + ": cannot read the certificates ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    /**
     * The sign-in service for an account signed in before: client id and token endpoint from its stored
     * tokens, scopes and endpoints from its provider when known.
     *
     * @throws SignInRequiredException when the store holds no tokens for the account
     */
    static OAuth2 forAccount(String account, Optional<ProviderSettings> provider, Path tokenStore, String clientSecret,
                             Path trustCert, ProxySettings proxy) {
        Path dir = storeDirectory(tokenStore);
        TokenStore store = TokenStore.inDirectory(dir);
        StoredTokens tokens = store.load(account).orElseThrow(() -> new SignInRequiredException(
                "no OAuth2 tokens are stored for '" + account + "' in " + dir, null, null, 0,
                "sign in first: mailkit login " + account + " --client-id YOUR_CLIENT_ID"
                        + (tokenStore == null ? "" : " --token-store " + tokenStore)));
        // Refreshing needs only the stored client id and token endpoint; the provider's settings, when known,
        // keep its endpoints and scopes (for sign-out's revocation endpoint).
        OAuth2Settings settings = provider.flatMap(ProviderSettings::oauth2).orElseGet(() -> new OAuth2Settings(
                tokens.tokenEndpoint().getHost(), tokens.tokenEndpoint(), tokens.tokenEndpoint(), tokens.scopes()));
        OAuth2.Builder b = OAuth2.builder().settings(settings).clientId(tokens.clientId()).tokenStore(store)
                .connectionOptions(httpsOptions(trustCert, proxy));
        if (clientSecret != null) {
            b.clientSecret(clientSecret);
        }
        return b.build();
    }
}
