package dev.mailkit.core;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A proxy that connections to mail servers (and the OAuth2 calls of {@code mailkit-oauth2}) go through:
 * SOCKS5 (RFC 1928, with RFC 1929 user name and password when given) or an HTTP proxy's {@code CONNECT}
 * tunnel (with {@code Proxy-Authorization: Basic} when given). Set it with
 * {@link ConnectionOptions.Builder#proxy(ProxySettings)}.
 *
 * <p>The mail server's host name is sent to the proxy, which resolves it: the client does not need to
 * resolve it. TLS runs end to end inside the tunnel: the certificate is checked against the mail server's
 * host name, never the proxy's, and the proxy sees only encrypted bytes (except on a
 * {@link Security#PLAIN} endpoint).
 *
 * <pre>{@code
 * ConnectionOptions options = ConnectionOptions.builder()
 *         .proxy(ProxySettings.http("proxy.corp.example", 3128).withCredentials("me", proxyPassword))
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe. The password never appears in {@link #toString()}, in logs or in
 * exception messages.
 */
public final class ProxySettings {

    /** The kind of proxy. */
    public enum Type {
        /** A SOCKS5 proxy (RFC 1928); the mail server's name is sent for the proxy to resolve. */
        SOCKS5("socks5", "SOCKS5"),
        /** An HTTP proxy, asked for a tunnel with {@code CONNECT host:port} (RFC 9110, section 9.3.6). */
        HTTP("http", "HTTP");

        private final String scheme;
        private final String label;

        Type(String scheme, String label) {
            this.scheme = scheme;
            this.label = label;
        }

        /**
         * The URI scheme that names this kind: {@code socks5} or {@code http}.
         *
         * @return the scheme
         */
        public String scheme() {
            return scheme;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private static final int MAX_SOCKS_FIELD = 255;

    private final Type type;
    private final String host;
    private final int port;
    private final String username;
    private final String password;

    private ProxySettings(Type type, String host, int port, String username, String password) {
        this.type = type;
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
    }

    /**
     * A SOCKS5 proxy without login.
     *
     * @param host the proxy's host name or address
     * @param port the proxy's port, usually 1080
     * @return the settings
     * @throws IllegalArgumentException if the host is blank or holds white space, or the port is not 1 to 65535
     */
    public static ProxySettings socks5(String host, int port) {
        return new ProxySettings(Type.SOCKS5, checkHost(host), checkPort(port), null, null);
    }

    /**
     * An HTTP proxy, used through {@code CONNECT} tunnels, without login.
     *
     * @param host the proxy's host name or address
     * @param port the proxy's port, often 3128 or 8080
     * @return the settings
     * @throws IllegalArgumentException if the host is blank or holds white space, or the port is not 1 to 65535
     */
    public static ProxySettings http(String host, int port) {
        return new ProxySettings(Type.HTTP, checkHost(host), checkPort(port), null, null);
    }

    /**
     * Reads a proxy written as a URI: {@code socks5://host:port} or {@code http://host:port}, with an
     * optional user name ({@code http://me@proxy.corp.example:3128}) whose password is then given with
     * {@link #withCredentials(String, String)}. An IPv6 address is written in brackets
     * ({@code socks5://[2001:db8::1]:1080}); {@code socks5h://} is read as {@code socks5://} (the proxy
     * resolves the host names either way). A password in the URI is refused: URIs end up on command lines,
     * in shell histories and in logs.
     *
     * @param uri the proxy URI
     * @return the settings; with a user name in the URI, credentials that still need their password
     * @throws IllegalArgumentException if the URI is not of that form (the message says why), or holds a password
     */
    public static ProxySettings parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        String s = uri.strip();
        int sep = s.indexOf("://");
        int at = sep < 0 ? -1 : s.lastIndexOf('@');
        String user = at > sep ? s.substring(sep + 3, at) : null;
        if (user != null && user.contains(":")) {
            throw new IllegalArgumentException("proxy '" + s.substring(0, sep + 3) + user.substring(0, user.indexOf(':'))
                    + ":…@" + s.substring(at + 1) + "': a password does not belong in the proxy URI; give it "
                    + "separately (ProxySettings.withCredentials, or --proxy-password-env VAR)");
        }
        if (sep < 0) {
            throw new IllegalArgumentException("proxy '" + uri + "' must be written socks5://host:port or http://host:port");
        }
        String scheme = s.substring(0, sep).toLowerCase(Locale.ROOT);
        Type type = switch (scheme) {
            case "socks5", "socks5h" -> Type.SOCKS5;
            case "http" -> Type.HTTP;
            case "https" -> throw new IllegalArgumentException("proxy '" + uri + "': a proxy reached over TLS (https://) "
                    + "is not supported; use http://host:port (the mail connection inside the tunnel is still TLS)");
            default -> throw new IllegalArgumentException("proxy '" + uri + "': unknown scheme '" + scheme
                    + "', use socks5:// or http://");
        };
        String rest = s.substring(at > sep ? at + 1 : sep + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (rest.contains("/") || rest.contains("?") || rest.contains("#")) {
            throw new IllegalArgumentException("proxy '" + uri + "' must be scheme://host:port, without a path");
        }
        if (user != null) {
            if (user.isEmpty()) {
                throw new IllegalArgumentException("proxy '" + uri + "': empty user name before '@'");
            }
            user = percentDecode(user, uri);
        }
        String host;
        String portText;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0 || close + 1 >= rest.length() || rest.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("proxy '" + uri + "' must be scheme://[ipv6]:port");
            }
            host = rest.substring(1, close);
            portText = rest.substring(close + 2);
        } else {
            int colon = rest.lastIndexOf(':');
            if (colon < 0 || rest.indexOf(':') != colon) {
                throw new IllegalArgumentException("proxy '" + uri + "' needs a port: scheme://host:port"
                        + (colon < 0 ? " (for example " + scheme + "://" + rest + ":" + (type == Type.HTTP ? 3128 : 1080) + ")" : ""));
            }
            host = rest.substring(0, colon);
            portText = rest.substring(colon + 1);
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("proxy '" + uri + "': port '" + portText + "' is not a number");
        }
        ProxySettings p = new ProxySettings(type, checkHost(host), checkPort(port), null, null);
        return user == null ? p : new ProxySettings(type, p.host, p.port, checkUser(type, user), null);
    }

    /**
     * The same proxy, logging in with a user name and password: RFC 1929 for SOCKS5, {@code Basic} for
     * HTTP. Basic sends the password base64-encoded, readable by anyone on the path to the proxy, so use it
     * only where that path is trusted (as the proxy itself is).
     *
     * @param username the user name at the proxy
     * @param password the password
     * @return a copy with these credentials
     * @throws IllegalArgumentException if either is empty or holds control characters, an HTTP user name holds
     *                                  {@code :}, or a SOCKS5 user name or password is longer than 255 bytes in UTF-8
     */
    public ProxySettings withCredentials(String username, String password) {
        Objects.requireNonNull(password, "password");
        if (password.isEmpty()) {
            throw new IllegalArgumentException("proxy password must not be empty");
        }
        if (password.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("proxy password must not contain control characters");
        }
        if (type == Type.SOCKS5 && password.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKS_FIELD) {
            throw new IllegalArgumentException("a SOCKS5 proxy password is at most 255 bytes (RFC 1929)");
        }
        return new ProxySettings(type, host, port, checkUser(type, username), password);
    }

    /**
     * The kind of proxy.
     *
     * @return SOCKS5 or HTTP
     */
    public Type type() {
        return type;
    }

    /**
     * The proxy's host name or address (an IPv6 address without brackets).
     *
     * @return the host
     */
    public String host() {
        return host;
    }

    /**
     * The proxy's port.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * The user name at the proxy, when it asks for a login.
     *
     * @return the user name, or empty without a login
     */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /**
     * The password at the proxy, sent when the proxy is connected. Never log it.
     *
     * @return the password, or empty when none was given (no login, or a user name still waiting for it)
     */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /**
     * The proxy as {@code host:port}, an IPv6 address in brackets: how messages name it.
     *
     * @return the address of the proxy
     */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * The proxy as a URI, with its user name but never its password: {@code http://me@proxy:3128}.
     *
     * @return the URI form
     */
    @Override
    public String toString() {
        return type.scheme() + "://" + (username == null ? "" : username + "@") + address();
    }

    private static String checkHost(String host) {
        Objects.requireNonNull(host, "host");
        if (host.isBlank() || host.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))
                || host.contains("/") || host.contains("@")) {
            throw new IllegalArgumentException("proxy host '" + host + "' must be a host name or address");
        }
        if (host.indexOf(':') < 0) {
            try {
                IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("proxy host '" + host + "' is not a valid host name");
            }
        }
        return host;
    }

    private static int checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("proxy port must be 1 to 65535, was " + port);
        }
        return port;
    }

    private static String checkUser(Type type, String username) {
        Objects.requireNonNull(username, "username");
        if (username.isEmpty() || username.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("proxy user name must be non-empty, without control characters");
        }
        if (type == Type.HTTP && username.indexOf(':') >= 0) {
            throw new IllegalArgumentException("an HTTP proxy user name cannot contain ':' (RFC 7617)");
        }
        if (type == Type.SOCKS5 && username.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKS_FIELD) {
            throw new IllegalArgumentException("a SOCKS5 proxy user name is at most 255 bytes (RFC 1929)");
        }
        return username;
    }

    /** {@code %40} and the like in a user name ({@code me%40corp@proxy}). */
    private static String percentDecode(String s, String uri) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        try {
            return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("proxy '" + uri + "': bad %-escape in the user name");
        }
    }
}
