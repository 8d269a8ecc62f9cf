package dev.mailkit.core;

import java.util.Locale;
import java.util.Objects;

/**
 * A mail server address: host name, TCP port and how the connection is protected.
 *
 * @param host     the server's host name or IP literal, without brackets for IPv6
 * @param port     the TCP port, 1 to 65535
 * @param security how the connection is protected
 */
public record ServerEndpoint(String host, int port, Security security) {

    /**
     * Validates and normalises (lower-cases) the host.
     *
     * @param host     the server's host name or IP literal, without brackets for IPv6
     * @param port     the TCP port, 1 to 65535
     * @param security how the connection is protected
     * @throws NullPointerException     if host or security is null
     * @throws IllegalArgumentException if the host is blank or malformed, or the port is out of range
     */
    public ServerEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(security, "security");
        host = host.trim().toLowerCase(Locale.ROOT);
        if (host.endsWith(".") && host.indexOf(':') < 0) {
            host = host.substring(0, host.length() - 1); // the root label of a fully qualified name
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (!validHost(host)) {
            throw new IllegalArgumentException("host '" + host
                    + "' is not a valid host name or IP address (letters, digits, '-', '.', or an IP literal)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " for host '" + host + "' is out of range 1..65535");
        }
    }

    /**
     * Creates an endpoint.
     *
     * @param host     host name or IP literal
     * @param port     TCP port, 1 to 65535
     * @param security how the connection is protected
     * @return the endpoint
     */
    public static ServerEndpoint of(String host, int port, Security security) {
        return new ServerEndpoint(host, port, security);
    }

    /**
     * Whether this endpoint sends data unencrypted.
     *
     * @return true for {@link Security#PLAIN}
     */
    public boolean isPlaintext() {
        return security == Security.PLAIN;
    }

    private static boolean validHost(String host) {
        if (host.indexOf(':') >= 0) { // IPv6 literal
            return host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%');
        }
        if (host.length() > 253 || host.startsWith(".") || host.endsWith("..")) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty()) {
                return false;
            }
            if (label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Returns {@code host:port SECURITY}, for example {@code smtp-mail.outlook.com:587 STARTTLS}. */
    @Override
    public String toString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return h + ":" + port + " " + security;
    }
}
