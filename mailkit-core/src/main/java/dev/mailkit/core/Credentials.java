package dev.mailkit.core;

import java.util.Objects;

/**
 * How to log in to a mail server: a user name plus either a password-like secret (password, app
 * password or authorization code) or an OAuth 2.0 {@link TokenProvider}.
 *
 * <p>Immutable and thread-safe. The secret never appears in {@link #toString()}, in logs or in
 * exception messages.
 */
public final class Credentials {

    private final String username;
    private final AuthMethod method;
    private final String password;
    private final TokenProvider tokenProvider;

    private Credentials(String username, AuthMethod method, String password, TokenProvider tokenProvider) {
        this.username = requireText(username, "username");
        this.method = method;
        this.password = password;
        this.tokenProvider = tokenProvider;
    }

    /**
     * Logs in with the account's password.
     *
     * @param username the login name, usually the full e-mail address
     * @param password the password
     * @return the credentials
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the user name or password is empty
     */
    public static Credentials password(String username, String password) {
        return new Credentials(username, AuthMethod.PASSWORD, requireText(password, "password"), null);
    }

    /**
     * Logs in with an app password generated in the provider's account settings (Gmail, Yahoo, iCloud, ...).
     *
     * @param username    the login name, usually the full e-mail address
     * @param appPassword the app password
     * @return the credentials
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the user name or app password is empty
     */
    public static Credentials appPassword(String username, String appPassword) {
        return new Credentials(username, AuthMethod.APP_PASSWORD, requireText(appPassword, "appPassword"), null);
    }

    /**
     * Logs in with a client authorization code generated in the web settings (QQ Mail, NetEase 163/126, ...).
     *
     * @param username          the login name, usually the full e-mail address
     * @param authorizationCode the authorization code
     * @return the credentials
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the user name or code is empty
     */
    public static Credentials authorizationCode(String username, String authorizationCode) {
        return new Credentials(username, AuthMethod.AUTHORIZATION_CODE,
                requireText(authorizationCode, "authorizationCode"), null);
    }

    /**
     * Logs in with a secret the user typed or keeps in a variable, as the kind the provider takes: its
     * password where it accepts one, else an app password or an authorization code. For a provider that takes
     * only OAuth2 these are password credentials, which the builders refuse with the way to sign in.
     *
     * @param provider the provider, or null (an explicit server: a password)
     * @param username the login name
     * @param secret   the password, app password or authorization code
     * @return the credentials
     */
    public static Credentials secretFor(dev.mailkit.core.registry.ProviderSettings provider, String username,
                                        String secret) {
        if (provider != null && !provider.accepts(AuthMethod.PASSWORD)) {
            if (provider.accepts(AuthMethod.APP_PASSWORD)) {
                return appPassword(username, secret);
            }
            if (provider.accepts(AuthMethod.AUTHORIZATION_CODE)) {
                return authorizationCode(username, secret);
            }
        }
        return password(username, secret);
    }

    /**
     * Logs in with OAuth 2.0 (SASL OAUTHBEARER or XOAUTH2, whichever the server offers); the provider is asked for a token on every new connection.
     *
     * @param username      the account's e-mail address
     * @param tokenProvider supplies access tokens
     * @return the credentials
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the user name is empty
     */
    public static Credentials oauth2(String username, TokenProvider tokenProvider) {
        return new Credentials(username, AuthMethod.OAUTH2, null, Objects.requireNonNull(tokenProvider, "tokenProvider"));
    }

    /**
     * The login name.
     *
     * @return the login name
     */
    public String username() {
        return username;
    }

    /**
     * Which kind of secret these credentials carry.
     *
     * @return the kind of secret
     */
    public AuthMethod method() {
        return method;
    }

    /**
     * Whether these credentials log in with OAuth 2.0 (OAUTHBEARER or XOAUTH2).
     *
     * @return true for OAuth2 credentials
     */
    public boolean isOAuth2() {
        return method == AuthMethod.OAUTH2;
    }

    /**
     * Returns the secret to send to the server: the password, or a fresh access token from the
     * {@link TokenProvider}. Never log the result.
     *
     * @return the secret
     * @throws AuthenticationException if the token provider fails or returns no token; one the provider throws
     *                                 itself is passed on unchanged
     */
    public String secret() {
        if (tokenProvider == null) {
            return password;
        }
        String token;
        try {
            token = tokenProvider.accessToken();
        } catch (AuthenticationException e) {
            throw e; // typed by the provider, with its hint (for example: sign in again)
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new AuthenticationException("the OAuth2 token provider for '" + username
                    + "' failed: " + e.getClass().getName(), null, null, null, null, e);
        }
        if (token == null || token.isBlank()) {
            throw new AuthenticationException("the OAuth2 token provider for '" + username
                    + "' returned no token", null, null, null, null, null);
        }
        return token;
    }

    /** Returns the user name and method; the secret is always masked. */
    @Override
    public String toString() {
        return "Credentials[username=" + username + ", method=" + method + ", secret=****]";
    }

    private static String requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }
}
