package dev.mailkit.core.internal.registry;

import dev.mailkit.core.AuthMethod;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.ProviderDataException;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.registry.OAuth2Settings;
import dev.mailkit.core.registry.ProviderSettings;

import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.w3c.dom.Element;

/**
 * Reads Thunderbird {@code clientConfig} documents (autoconfig, ISPDB; format version 1.1). Lenient
 * where the format is: unknown elements and server types (pop3, exchange) are ignored. Strict where
 * mailkit must be: a server without host, with a bad port or an unknown socket type is an error naming
 * the source, provider and field.
 */
public final class ClientConfigParser {

    private final String source;
    private String provider;

    private ClientConfigParser(String source) {
        this.source = source;
    }

    /**
     * Parses a document.
     *
     * @param in     the XML
     * @param source the name used in errors and as {@link ProviderSettings#source()}
     * @return one settings object per {@code emailProvider} that has an IMAP or SMTP server
     * @throws ProviderDataException if the document is malformed
     */
    public static List<ProviderSettings> parse(InputStream in, String source) {
        return new ClientConfigParser(source).read(SafeXml.parse(in, source).getDocumentElement());
    }

    private List<ProviderSettings> read(Element root) {
        if (!root.getTagName().equals("clientConfig")) {
            throw fail("clientConfig", "expected root element <clientConfig>, found <" + root.getTagName() + ">");
        }
        List<ProviderSettings> out = new ArrayList<>();
        for (Element ep : SafeXml.children(root, "emailProvider")) {
            ProviderSettings s = provider(ep);
            if (s != null) {
                out.add(s);
            }
        }
        if (out.isEmpty()) {
            throw fail("emailProvider", "no <emailProvider> with an IMAP or SMTP server");
        }
        return out;
    }

    private ProviderSettings provider(Element ep) {
        String rawId = ep.getAttribute("id").strip();
        List<Element> domains = SafeXml.children(ep, "domain");
        if (rawId.isEmpty() && !domains.isEmpty()) {
            rawId = SafeXml.text(domains.get(0));
        }
        if (rawId.isEmpty()) {
            throw fail("emailProvider.id", "missing, and no <domain> to name the provider by");
        }
        provider = rawId;
        ProviderSettings.Builder b;
        try {
            b = ProviderSettings.builder(rawId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-")).source(source);
        } catch (IllegalArgumentException e) {
            throw fail("emailProvider.id", e.getMessage());
        }
        firstText(ep, "displayName").ifPresent(b::displayName);
        for (Element d : domains) {
            String domain = SafeXml.text(d);
            if (domain.isEmpty()) {
                continue;
            }
            try {
                b.domain(domain);
            } catch (IllegalArgumentException e) {
                throw fail("domain", e.getMessage());
            }
        }
        String imapUser = null;
        String smtpUser = null;
        List<AuthMethod> auth = new ArrayList<>();
        int servers = 0;
        for (Element in : SafeXml.children(ep, "incomingServer")) {
            if (!"imap".equalsIgnoreCase(in.getAttribute("type"))) {
                continue; // pop3, exchange, ews, ...: not for mailkit
            }
            b.imap(endpoint(in, "incomingServer"));
            servers++;
            imapUser = imapUser == null ? firstText(in, "username").orElse(null) : imapUser;
            collectAuth(in, auth);
        }
        for (Element out : SafeXml.children(ep, "outgoingServer")) {
            if (!"smtp".equalsIgnoreCase(out.getAttribute("type"))) {
                continue;
            }
            b.smtp(endpoint(out, "outgoingServer"));
            servers++;
            smtpUser = smtpUser == null ? firstText(out, "username").orElse(null) : smtpUser;
            collectAuth(out, auth);
        }
        if (servers == 0) {
            return null;
        }
        String username = imapUser != null ? imapUser : smtpUser;
        if (username != null) {
            b.usernameTemplate(username);
        }
        if (imapUser != null && smtpUser != null && !imapUser.equals(smtpUser)) {
            b.usernameTemplate(Protocol.SMTP, smtpUser); // iCloud: local part for IMAP, full address for SMTP
        }
        auth.forEach(b::auth);
        oauth2(ep).ifPresent(b::oauth2);
        for (Element doc : SafeXml.children(ep, "documentation")) {
            uri(doc.getAttribute("url")).ifPresent(b::documentation);
            break;
        }
        for (Element enable : SafeXml.children(ep, "enable")) {
            uri(enable.getAttribute("visiturl")).ifPresent(b::enableInWebSettings);
            break;
        }
        return b.build();
    }

    private ServerEndpoint endpoint(Element server, String field) {
        String host = firstText(server, "hostname").orElseThrow(() -> fail(field + ".hostname", "missing"));
        String portText = firstText(server, "port").orElseThrow(() -> fail(field + ".port", "missing"));
        String socketType = firstText(server, "socketType").orElseThrow(() -> fail(field + ".socketType", "missing"));
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw fail(field + ".port", "'" + portText + "' is not a number");
        }
        Security security = switch (socketType.toUpperCase(Locale.ROOT)) {
            case "SSL", "TLS" -> Security.SSL_TLS;
            case "STARTTLS" -> Security.STARTTLS;
            case "PLAIN" -> Security.PLAIN;
            default -> throw fail(field + ".socketType", "'" + socketType + "' is not SSL, STARTTLS or plain");
        };
        try {
            return ServerEndpoint.of(host, port, security);
        } catch (IllegalArgumentException e) {
            throw fail(field, e.getMessage());
        }
    }

    private static void collectAuth(Element server, List<AuthMethod> into) {
        for (Element a : SafeXml.children(server, "authentication")) {
            AuthMethod m = switch (SafeXml.text(a).toLowerCase(Locale.ROOT)) {
                case "password-cleartext", "plain", "password-encrypted", "secure" -> AuthMethod.PASSWORD;
                case "oauth2" -> AuthMethod.OAUTH2;
                default -> null; // client-IP-address, TLS-client-cert, GSSAPI, NTLM, none: not offered by mailkit
            };
            if (m != null && !into.contains(m)) {
                into.add(m);
            }
        }
    }

    private Optional<OAuth2Settings> oauth2(Element ep) {
        Element root = ep.getOwnerDocument().getDocumentElement();
        List<Element> blocks = new ArrayList<>(SafeXml.children(root, "oAuth2"));
        blocks.addAll(SafeXml.children(ep, "oAuth2"));
        for (Element o : blocks) {
            String issuer = firstText(o, "issuer").orElseThrow(() -> fail("oAuth2.issuer", "missing"));
            String scope = firstText(o, "scope").orElseThrow(() -> fail("oAuth2.scope", "missing"));
            String auth = firstText(o, "authURL").orElseThrow(() -> fail("oAuth2.authURL", "missing"));
            String token = firstText(o, "tokenURL").orElseThrow(() -> fail("oAuth2.tokenURL", "missing"));
            try {
                return Optional.of(new OAuth2Settings(issuer, URI.create(auth), URI.create(token),
                        Arrays.asList(scope.split("\\s+"))));
            } catch (IllegalArgumentException e) {
                throw fail("oAuth2", e.getMessage());
            }
        }
        return Optional.empty();
    }

    private static Optional<URI> uri(String value) {
        try {
            URI u = new URI(value.strip());
            return "https".equals(u.getScheme()) || "http".equals(u.getScheme())
                    ? Optional.of(u) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> firstText(Element parent, String name) {
        for (Element e : SafeXml.children(parent, name)) {
            String t = SafeXml.text(e);
            if (!t.isEmpty()) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private ProviderDataException fail(String field, String problem) {
        return new ProviderDataException(source, provider, field, problem, null);
    }
}
