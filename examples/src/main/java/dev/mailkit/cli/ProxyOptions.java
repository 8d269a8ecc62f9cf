package dev.mailkit.cli;

import dev.mailkit.core.ProxySettings;
import picocli.CommandLine.Option;

import java.util.function.UnaryOperator;

/** {@code --proxy} and {@code --proxy-password-env}, on every command that connects. The password never comes from the command line. */
final class ProxyOptions {

    @Option(names = "--proxy", paramLabel = "URI", description = "Connect through a proxy: socks5://HOST:PORT or "
            + "http://[USER@]HOST:PORT (an HTTP proxy's CONNECT tunnel); it resolves the server names. Also for the "
            + "calls to the OAuth2 authorization server.")
    String uri;

    @Option(names = "--proxy-password-env", paramLabel = "VAR", description = "Read the proxy's password (for the USER "
            + "in --proxy) from this environment variable.")
    String passwordEnv;

    /**
     * The proxy, or null without {@code --proxy}.
     *
     * @throws IllegalArgumentException for a malformed URI, or a user without a password (or the other way round)
     */
    ProxySettings settings(UnaryOperator<String> environment) {
        if (uri == null) {
            if (passwordEnv != null) {
                throw new IllegalArgumentException("--proxy-password-env is for a proxy with a user: give --proxy "
                        + "http://USER@HOST:PORT (or socks5://USER@HOST:PORT) too");
            }
            return null;
        }
        ProxySettings proxy;
        try {
            proxy = ProxySettings.parse(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--proxy: " + e.getMessage());
        }
        if (proxy.username().isEmpty()) {
            if (passwordEnv != null) {
                throw new IllegalArgumentException("--proxy-password-env: --proxy " + proxy + " names no user; write it as "
                        + proxy.type().scheme() + "://USER@" + proxy.address());
            }
            return proxy;
        }
        if (passwordEnv == null) {
            throw new IllegalArgumentException("--proxy " + proxy + " names a user: give the proxy's password with "
                    + "--proxy-password-env VAR");
        }
        String password = environment.apply(passwordEnv);
        if (password == null) {
            throw new IllegalArgumentException("--proxy-password-env: environment variable " + passwordEnv + " is not set");
        }
        if (password.isEmpty()) {
            throw new IllegalArgumentException("--proxy-password-env: environment variable " + passwordEnv + " is set but empty");
        }
        try {
            return proxy.withCredentials(proxy.username().get(), password);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--proxy: " + e.getMessage());
        }
    }
}
