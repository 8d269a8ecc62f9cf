package dev.mailkit.core.diagnostics;

import dev.mailkit.core.InvalidConfigurationException;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a server setting against what the provider registry and the standard ports say, without any
 * network access: the mix-ups that make mail "not work" — the IMAP host typed where the SMTP host
 * belongs (or the reverse), port 465 with STARTTLS or 587 with implicit TLS, plaintext to a provider
 * that offers TLS. The builders of {@code SmtpSender} and {@code ImapSynchronizer} fail fast on the
 * errors found here.
 */
public final class SettingsCheck {

    private SettingsCheck() {
    }

    /**
     * Checks a server setting.
     *
     * @param registry the providers to compare with
     * @param protocol what the setting is used for
     * @param endpoint the setting
     * @return the findings, errors first; empty when nothing is known about the server
     */
    public static List<Finding> check(ProviderRegistry registry, Protocol protocol, ServerEndpoint endpoint) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(endpoint, "endpoint");
        List<Finding> out = new ArrayList<>();
        String host = endpoint.host().toLowerCase(Locale.ROOT);
        Protocol other = protocol == Protocol.SMTP ? Protocol.IMAP : Protocol.SMTP;
        String what = protocol == Protocol.SMTP ? "smtp" : "imap";
        if (isLoopback(host)) {
            // A provider reached through a local bridge (Proton Mail Bridge on 127.0.0.1:1025) does not make
            // every server on this machine that provider: a test server on another port is something else.
            standardPorts(protocol, endpoint, what).ifPresent(out::add);
            return out;
        }
        List<ProviderSettings> listing = new ArrayList<>();
        for (ProviderSettings p : registry.all()) {
            if (endpoints(p, protocol).stream().anyMatch(e -> e.host().equalsIgnoreCase(host))) {
                listing.add(p);
            }
        }
        if (listing.isEmpty()) {
            for (ProviderSettings p : registry.all()) {
                if (endpoints(p, other).stream().anyMatch(e -> e.host().equalsIgnoreCase(host))) {
                    List<ServerEndpoint> same = endpoints(p, protocol);
                    ServerEndpoint right = same.isEmpty() ? null : same.get(0);
                    out.add(new Finding(protocol, Severity.ERROR, what + " host", host + " is " + p.displayName() + "'s " + other
                            + " server (" + role(other) + "), not its " + protocol + " server (" + role(protocol) + ")",
                            right == null ? p.displayName() + " has no " + protocol + " server in mailkit's data"
                                    : "use " + describe(right) + " for " + protocol));
                    return out;
                }
            }
        } else {
            for (ProviderSettings p : listing) {
                if (endpoints(p, protocol).stream().anyMatch(e -> e.host().equalsIgnoreCase(host)
                        && e.port() == endpoint.port() && e.security() == endpoint.security())) {
                    return out; // exactly as the registry lists it
                }
            }
            ProviderSettings p = listing.get(0);
            List<ServerEndpoint> here = endpoints(p, protocol).stream().filter(e -> e.host().equalsIgnoreCase(host)).toList();
            ServerEndpoint samePort = here.stream().filter(e -> e.port() == endpoint.port()).findFirst().orElse(null);
            if (samePort != null && endpoint.security() == Security.PLAIN) {
                out.add(new Finding(protocol, Severity.WARNING, what + " security", describe(endpoint) + " sends in plaintext, but "
                        + p.displayName() + " offers " + samePort.security() + " there", "use " + describe(samePort)));
            } else if (samePort != null) {
                out.add(new Finding(protocol, Severity.ERROR, what + " security", p.displayName() + " speaks "
                        + samePort.security() + " on port " + endpoint.port() + ", not " + endpoint.security(),
                        "use " + describe(samePort)));
            } else {
                standardPorts(protocol, endpoint, what).ifPresent(out::add);
                out.add(new Finding(protocol, Severity.WARNING, what + " port", p.displayName() + " lists " + describeAll(here, host)
                        + ", not port " + endpoint.port(), "use " + describe(here.get(0))));
            }
            return out;
        }
        standardPorts(protocol, endpoint, what).ifPresent(out::add);
        return out;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    /** RFC 8314 conventions: 465 and 993 are implicit TLS, 587 and 143 plaintext upgraded with STARTTLS. */
    private static Optional<Finding> standardPorts(Protocol protocol, ServerEndpoint e, String what) {
        int port = e.port();
        Security s = e.security();
        boolean implicit = protocol == Protocol.SMTP ? port == 465 : port == 993;
        boolean upgrade = protocol == Protocol.SMTP ? port == 587 || port == 25 : port == 143;
        if (implicit && s == Security.STARTTLS) {
            return Optional.of(new Finding(protocol, Severity.ERROR, what + " security", "port " + port
                    + " is implicit TLS: the server starts TLS at once and never offers STARTTLS (Jakarta Mail reports"
                    + " a bad greeting or a timeout)", "use Security.SSL_TLS on port " + port + ", or STARTTLS on port "
                    + (protocol == Protocol.SMTP ? 587 : 143)));
        }
        if (upgrade && s == Security.SSL_TLS) {
            return Optional.of(new Finding(protocol, Severity.ERROR, what + " security", "port " + port
                    + " speaks plaintext first and upgrades with STARTTLS: a TLS handshake there fails", "use Security.STARTTLS on port "
                    + port + ", or SSL_TLS on port " + (protocol == Protocol.SMTP ? 465 : 993)));
        }
        return Optional.empty();
    }

    /**
     * The first error among the findings, as the exception a builder throws.
     *
     * @param findings  findings of {@link #check}
     * @param component the builder's product, for the message
     * @throws InvalidConfigurationException when there is an error
     */
    public static void failOnError(List<Finding> findings, String component) {
        for (Finding f : findings) {
            if (f.severity() == Severity.ERROR) {
                throw new InvalidConfigurationException(component + ": " + f.message(), null);
            }
        }
    }

    private static List<ServerEndpoint> endpoints(ProviderSettings p, Protocol protocol) {
        return protocol == Protocol.SMTP ? p.smtp() : p.imap();
    }

    private static String role(Protocol protocol) {
        return protocol == Protocol.SMTP ? "sending" : "receiving";
    }

    private static String describe(ServerEndpoint e) {
        return e.host() + ":" + e.port() + " " + e.security();
    }

    private static String describeAll(List<ServerEndpoint> all, String host) {
        List<String> out = new ArrayList<>();
        for (ServerEndpoint e : all) {
            if (e.host().equalsIgnoreCase(host)) {
                out.add(describe(e));
            }
        }
        return String.join(" and ", out);
    }
}
