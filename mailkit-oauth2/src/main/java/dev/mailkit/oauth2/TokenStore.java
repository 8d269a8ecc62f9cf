package dev.mailkit.oauth2;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where an account's tokens are kept between runs. Implementations must be thread-safe; they hold
 * secrets, so they never log what they store.
 */
public interface TokenStore {

    /**
     * Reads an account's tokens.
     *
     * @param account the account, usually the e-mail address
     * @return the tokens, or empty when the account never signed in (or signed out)
     * @throws dev.mailkit.core.MailkitException if the store cannot be read
     */
    Optional<StoredTokens> load(String account);

    /**
     * Replaces an account's tokens.
     *
     * @param account the account
     * @param tokens  the tokens
     * @throws dev.mailkit.core.MailkitException if the store cannot be written
     */
    void save(String account, StoredTokens tokens);

    /**
     * Forgets an account's tokens.
     *
     * @param account the account
     * @return whether there were tokens to forget
     * @throws dev.mailkit.core.MailkitException if the store cannot be written
     */
    boolean delete(String account);

    /**
     * A store of one file per account in a directory: the directory is created with permissions 0700 and
     * each file with 0600, written atomically (a temporary file in the same directory, then a move), and
     * nothing but token files is kept there.
     *
     * @param directory the directory
     * @return the store
     */
    static TokenStore inDirectory(Path directory) {
        return new dev.mailkit.oauth2.internal.FileTokenStore(directory);
    }

    /**
     * The default file store, {@code ~/.mailkit/tokens} (see {@link #inDirectory(Path)}).
     *
     * @return the store
     */
    static TokenStore defaultStore() {
        return inDirectory(defaultDirectory());
    }

    /**
     * The default directory of the file store, {@code ~/.mailkit/tokens}.
     *
     * @return the directory
     */
    static Path defaultDirectory() {
        return Path.of(System.getProperty("user.home"), ".mailkit", "tokens");
    }

    /**
     * A store that keeps tokens in memory only, for tests and for applications that keep them elsewhere.
     *
     * @return a new, empty store
     */
    static TokenStore inMemory() {
        return new dev.mailkit.oauth2.internal.MemoryTokenStore();
    }
}
