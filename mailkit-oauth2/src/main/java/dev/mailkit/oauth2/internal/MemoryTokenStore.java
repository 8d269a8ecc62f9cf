package dev.mailkit.oauth2.internal;

import dev.mailkit.oauth2.StoredTokens;
import dev.mailkit.oauth2.TokenStore;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Tokens in memory only. */
public final class MemoryTokenStore implements TokenStore {

    private final ConcurrentMap<String, StoredTokens> tokens = new ConcurrentHashMap<>();

    @Override
    public Optional<StoredTokens> load(String account) {
        return Optional.ofNullable(tokens.get(Objects.requireNonNull(account, "account")));
    }

    @Override
    public void save(String account, StoredTokens value) {
        tokens.put(Objects.requireNonNull(account, "account"), Objects.requireNonNull(value, "tokens"));
    }

    @Override
    public boolean delete(String account) {
        return tokens.remove(Objects.requireNonNull(account, "account")) != null;
    }

    @Override
    public String toString() {
        return "MemoryTokenStore[" + tokens.size() + " accounts]";
    }
}
