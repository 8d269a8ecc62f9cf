package dev.mailkit.oauth2.internal;

import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import dev.mailkit.oauth2.OAuth2TokenProvider;
import dev.mailkit.oauth2.SignInRequiredException;
import dev.mailkit.oauth2.StoredTokens;
import dev.mailkit.oauth2.TokenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Caches an account's access token and refreshes it ahead of expiry, one refresh at a time: threads that
 * ask while a refresh is in flight wait for it and take its result. Refresh tokens the server rotates
 * are saved to the store before the new access token is handed out.
 */
final class RefreshingTokenProvider implements OAuth2TokenProvider {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshingTokenProvider.class);

    private final DefaultOAuth2 oauth;
    private final String account;
    private final TokenStore store; // null for client credentials
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile Cached cached;

    private record Cached(String token, Instant refreshAt) {
        @Override
        public String toString() {
            return "Cached[****, refresh at " + refreshAt + "]";
        }
    }

    RefreshingTokenProvider(DefaultOAuth2 oauth, String account, TokenStore store) {
        this.oauth = oauth;
        this.account = account;
        this.store = store;
    }

    @Override
    public String accessToken() {
        Cached c = cached;
        if (c != null && oauth.clock().instant().isBefore(c.refreshAt())) {
            return c.token();
        }
        refreshing.lock();
        try {
            c = cached;
            if (c != null && oauth.clock().instant().isBefore(c.refreshAt())) {
                return c.token(); // another thread refreshed while this one waited
            }
            c = obtain();
            cached = c;
            return c.token();
        } finally {
            refreshing.unlock();
        }
    }

    private Cached obtain() {
        if (store == null) {
            return cache(oauth.requestClientCredentials());
        }
        StoredTokens stored = store.load(account).orElseThrow(() -> new SignInRequiredException(
                "no OAuth2 tokens are stored for '" + account + "'", null, null, 0, Hints.signInAgain(account)));
        try {
            return obtain(stored);
        } catch (SignInRequiredException e) {
            // Another process sharing the store (a second mailkit command) may have refreshed meanwhile, so the
            // server rotated out the refresh token read above: take what that process saved, if it changed.
            StoredTokens now = store.load(account).orElseThrow(() -> e);
            if (now.refreshToken().equals(stored.refreshToken())) {
                throw e;
            }
            LOG.debug("the tokens of '{}' were refreshed by another user of the store; using those", account);
            return obtain(now);
        }
    }

    private Cached obtain(StoredTokens stored) {
        Instant now = oauth.clock().instant();
        if (stored.accessToken().isPresent()) {
            Instant expires = stored.accessTokenExpiresAt().orElseThrow();
            Instant refreshAt = refreshAt(now, expires);
            if (now.isBefore(refreshAt)) {
                LOG.debug("using the stored access token of '{}', valid until {}", account, expires);
                return new Cached(stored.accessToken().get(), refreshAt);
            }
        }
        String refreshToken = stored.refreshToken().orElseThrow(() -> new SignInRequiredException(
                "the access token of '" + account + "' expired and the server issued no refresh token", null, null, 0,
                Hints.signInAgain(account)));
        AuthorizationGrant grant = new RefreshTokenGrant(new RefreshToken(refreshToken));
        LOG.debug("refreshing the access token of '{}'", account);
        Tokens tokens = oauth.requestTokens(grant, stored.tokenEndpoint(), account, null);
        StoredTokens updated = oauth.toStored(tokens, stored.toBuilder(), now);
        if (tokens.getRefreshToken() != null && !tokens.getRefreshToken().getValue().equals(refreshToken)) {
            LOG.debug("the server rotated the refresh token of '{}'", account);
        }
        store.save(account, updated);
        return new Cached(updated.accessToken().orElseThrow(), refreshAt(now,
                updated.accessTokenExpiresAt().orElseThrow()));
    }

    private Cached cache(Tokens tokens) {
        Instant now = oauth.clock().instant();
        long lifetime = tokens.getAccessToken().getLifetime();
        Instant expires = now.plusSeconds(lifetime > 0 ? lifetime : 3600);
        return new Cached(tokens.getAccessToken().getValue(), refreshAt(now, expires));
    }

    private Instant refreshAt(Instant now, Instant expires) {
        Duration lifetime = Duration.between(now, expires);
        Duration margin = oauth.refreshAhead();
        if (!lifetime.isNegative() && margin.compareTo(lifetime.dividedBy(2)) > 0) {
            margin = lifetime.dividedBy(2);
        }
        return expires.minus(margin);
    }

    @Override
    public void invalidate() {
        cached = null;
        if (store != null) {
            refreshing.lock();
            try {
                store.load(account).ifPresent(t -> store.save(account, t.toBuilder().accessToken(null, null).build()));
            } finally {
                refreshing.unlock();
            }
        }
    }

    @Override
    public String account() {
        return account;
    }

    @Override
    public String toString() {
        return "OAuth2TokenProvider[" + account + "]";
    }
}
