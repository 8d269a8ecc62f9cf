package dev.mailkit.core.internal.registry;

import dev.mailkit.core.AuthMethod;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.ProviderDataException;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.registry.CredentialForm;
import dev.mailkit.core.registry.DataSource;
import dev.mailkit.core.registry.FolderRole;
import dev.mailkit.core.registry.OAuth2Settings;
import dev.mailkit.core.registry.ProviderKind;
import dev.mailkit.core.registry.ProviderLimits;
import dev.mailkit.core.registry.ProviderSettings;

import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;

/**
 * Reads mailkit's own provider data format (the built-in {@code providers.xml}). Strict: unknown
 * elements or attributes, missing required fields, bad ports or security values, and duplicate ids,
 * aliases or domains are errors naming the file, provider and field.
 */
public final class ProviderXmlReader {

    private static final Set<String> PROVIDER_CHILDREN = Set.of("alias", "domain", "mx", "imap", "smtp", "username",
            "auth", "oauth2", "folders", "limits", "sandbox-limits", "flags", "enable-in-web-settings", "docs", "note", "source",
            "credentials", "spf-include");

    private final String source;
    private String provider;

    private ProviderXmlReader(String source) {
        this.source = source;
    }

    /**
     * Reads every provider of a document.
     *
     * @param in     the XML document
     * @param source the name to use in errors and as {@link ProviderSettings#source()}
     * @return the providers in document order
     * @throws ProviderDataException on any malformed or inconsistent data
     */
    public static List<ProviderSettings> read(InputStream in, String source) {
        return new ProviderXmlReader(source).readAll(SafeXml.parse(in, source).getDocumentElement());
    }

    private List<ProviderSettings> readAll(Element root) {
        if (!root.getTagName().equals("providers")) {
            throw fail("root", "expected <providers>, found <" + root.getTagName() + ">");
        }
        attributes(root, "version");
        if (!"1".equals(root.getAttribute("version"))) {
            throw fail("version", "unsupported data version '" + root.getAttribute("version") + "' (this mailkit reads 1)");
        }
        List<ProviderSettings> out = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<String, String> domains = new HashMap<>();
        for (Element p : SafeXml.children(root)) {
            provider = null;
            if (!p.getTagName().equals("provider")) {
                throw fail(p.getTagName(), "unknown element; expected <provider>");
            }
            ProviderSettings settings = provider(p);
            for (String name : concat(List.of(settings.id()), settings.aliases())) {
                String prev = names.putIfAbsent(name, settings.id());
                if (prev != null) {
                    throw fail("alias", "id or alias '" + name + "' is already used by provider '" + prev + "'");
                }
            }
            for (String d : settings.domains()) {
                String prev = domains.putIfAbsent(d, settings.id());
                if (prev != null) {
                    throw fail("domain", "domain '" + d + "' is already claimed by provider '" + prev + "'");
                }
            }
            out.add(settings);
        }
        return out;
    }

    private ProviderSettings provider(Element p) {
        attributes(p, "id", "name", "kind");
        String id = required(p, "id");
        provider = id;
        ProviderKind kind = p.hasAttribute("kind") ? enumValue(ProviderKind.class, p.getAttribute("kind"), "kind")
                : ProviderKind.MAILBOX;
        ProviderSettings.Builder b;
        try {
            b = ProviderSettings.builder(id).displayName(required(p, "name")).source(source).kind(kind);
        } catch (IllegalArgumentException e) {
            throw fail("id", e.getMessage());
        }
        int usernames = 0;
        int credentials = 0;
        int docs = 0;
        boolean hasOauth = false;
        for (Element c : SafeXml.children(p)) {
            String tag = c.getTagName();
            if (!PROVIDER_CHILDREN.contains(tag)) {
                throw fail(tag, "unknown element; allowed: " + PROVIDER_CHILDREN);
            }
            try {
                switch (tag) {
                    case "alias" -> b.alias(text(c, tag));
                    case "domain" -> b.domain(text(c, tag));
                    case "mx" -> b.mxPattern(text(c, tag));
                    case "imap" -> b.imap(endpoint(c, "imap"));
                    case "smtp" -> b.smtp(endpoint(c, "smtp"));
                    case "username" -> {
                        usernames++;
                        attributes(c, "imap", "smtp");
                        b.usernameTemplate(usernameTemplate(text(c, tag)));
                        if (c.hasAttribute("imap")) {
                            b.usernameTemplate(Protocol.IMAP, usernameTemplate(c.getAttribute("imap")));
                        }
                        if (c.hasAttribute("smtp")) {
                            b.usernameTemplate(Protocol.SMTP, usernameTemplate(c.getAttribute("smtp")));
                        }
                    }
                    case "auth" -> b.auth(enumValue(AuthMethod.class, text(c, tag), "auth"));
                    case "oauth2" -> {
                        hasOauth = true;
                        b.oauth2(oauth2(c));
                    }
                    case "folders" -> folders(c, b);
                    case "limits" -> b.limits(limits(c));
                    case "sandbox-limits" -> b.sandboxLimits(limits(c));
                    case "credentials" -> {
                        credentials++;
                        attributes(c, "user", "password");
                        b.credentialForm(new CredentialForm(required(c, "user"), required(c, "password")));
                    }
                    case "spf-include" -> b.spfInclude(text(c, tag));
                    case "flags" -> flags(c, b);
                    case "enable-in-web-settings" -> {
                        attributes(c, "url");
                        b.enableInWebSettings(uri(required(c, "url"), "enable-in-web-settings.url"));
                    }
                    case "docs" -> {
                        docs++;
                        b.documentation(uri(text(c, tag), "docs"));
                    }
                    case "note" -> b.note(text(c, tag));
                    case "source" -> b.dataSource(dataSource(c));
                    default -> throw new AssertionError(tag);
                }
            } catch (IllegalArgumentException | NullPointerException e) {
                throw fail(tag, e.getMessage());
            }
        }
        ProviderSettings s;
        try {
            s = b.build();
        } catch (IllegalStateException e) {
            throw fail("imap/smtp", e.getMessage());
        }
        if (s.smtp().isEmpty()) {
            throw fail("smtp", "missing: at least one <smtp> endpoint is required");
        }
        if (kind == ProviderKind.SENDING_SERVICE) {
            if (usernames != 0) {
                throw fail("username", "a sending service describes its login with <credentials>, not <username>");
            }
            if (credentials != 1) {
                throw fail("credentials", "a sending service needs exactly one <credentials user=\"...\" password=\"...\"/>,"
                        + " found " + credentials);
            }
        } else {
            if (usernames != 1) {
                throw fail("username", "exactly one <username> is required, found " + usernames);
            }
            if (credentials != 0) {
                throw fail("credentials", "<credentials> is for kind=\"SENDING_SERVICE\"; a mailbox provider uses <username>");
            }
        }
        if (docs > 1) {
            throw fail("docs", "at most one <docs> is allowed, found " + docs);
        }
        if (docs == 0 && s.dataSources().isEmpty()) {
            throw fail("docs", "missing: a <docs> page or at least one <source> is required");
        }
        if (SafeXml.children(p, "auth").isEmpty()) {
            throw fail("auth", "missing: at least one <auth> is required");
        }
        if (s.accepts(AuthMethod.OAUTH2) != hasOauth) {
            throw fail("oauth2", hasOauth ? "<oauth2> given but OAUTH2 is not among <auth>"
                    : "OAUTH2 is among <auth> but <oauth2> is missing");
        }
        return s;
    }

    private ServerEndpoint endpoint(Element e, String field) {
        attributes(e, "host", "port", "security");
        String host = required(e, "host");
        String portText = required(e, "port");
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException ex) {
            throw fail(field + ".port", "'" + portText + "' is not a number");
        }
        Security security = enumValue(Security.class, required(e, "security"), field + ".security");
        try {
            return ServerEndpoint.of(host, port, security);
        } catch (IllegalArgumentException ex) {
            throw fail(field, ex.getMessage());
        }
    }

    private static String usernameTemplate(String value) {
        return switch (value.strip()) {
            case "EMAIL" -> ProviderSettings.EMAIL_ADDRESS;
            case "LOCAL_PART" -> ProviderSettings.EMAIL_LOCAL_PART;
            default -> {
                if (!value.contains("%EMAILLOCALPART%") && !value.contains("%EMAILADDRESS%")) {
                    throw new IllegalArgumentException("'" + value + "' is not EMAIL, LOCAL_PART or a template with "
                            + "%EMAILLOCALPART% or %EMAILADDRESS%");
                }
                yield value.strip();
            }
        };
    }

    private DataSource dataSource(Element e) {
        attributes(e, "checked");
        String checked = required(e, "checked");
        LocalDate day;
        try {
            day = LocalDate.parse(checked);
        } catch (DateTimeParseException ex) {
            throw fail("source.checked", "'" + checked + "' is not a date (YYYY-MM-DD)");
        }
        String reference = text(e, "source");
        if (!reference.startsWith(DataSource.ISPDB)) {
            uri(reference, "source");
        } else if (reference.length() == DataSource.ISPDB.length()) {
            throw fail("source", "'" + reference + "' names no ISPDB file");
        }
        return new DataSource(reference, day);
    }

    private OAuth2Settings oauth2(Element e) {
        attributes(e, "issuer", "authorization", "token", "scopes");
        return new OAuth2Settings(required(e, "issuer"),
                uri(required(e, "authorization"), "oauth2.authorization"),
                uri(required(e, "token"), "oauth2.token"),
                Arrays.asList(required(e, "scopes").split("\\s+")));
    }

    private void folders(Element e, ProviderSettings.Builder b) {
        attributes(e, "sent", "drafts", "trash", "junk", "archive");
        for (FolderRole role : FolderRole.values()) {
            String name = e.getAttribute(role.name().toLowerCase(Locale.ROOT));
            if (!name.isEmpty()) {
                b.specialFolder(role, name);
            }
        }
    }

    private ProviderLimits limits(Element e) {
        attributes(e, "messages-per-day", "recipients-per-day", "recipients-per-message", "messages-per-minute",
                "max-message-bytes", "messages-per-second");
        OptionalLong max = e.hasAttribute("max-message-bytes")
                ? OptionalLong.of(number(e, "max-message-bytes")) : OptionalLong.empty();
        return new ProviderLimits(optInt(e, "messages-per-day"), optInt(e, "recipients-per-day"),
                optInt(e, "recipients-per-message"), optInt(e, "messages-per-minute"), max,
                optInt(e, "messages-per-second"));
    }

    private OptionalInt optInt(Element e, String attr) {
        if (!e.hasAttribute(attr)) {
            return OptionalInt.empty();
        }
        long v = number(e, attr);
        if (v > Integer.MAX_VALUE) {
            throw fail("limits." + attr, v + " is too large");
        }
        return OptionalInt.of((int) v);
    }

    private long number(Element e, String attr) {
        try {
            return Long.parseLong(e.getAttribute(attr));
        } catch (NumberFormatException ex) {
            throw fail("limits." + attr, "'" + e.getAttribute(attr) + "' is not a number");
        }
    }

    private void flags(Element e, ProviderSettings.Builder b) {
        attributes(e, "saves-sent-copy", "imap-id-required", "idle-unreliable");
        b.savesSentCopy(bool(e, "saves-sent-copy"));
        b.imapIdRequired(bool(e, "imap-id-required"));
        b.idleUnreliable(bool(e, "idle-unreliable"));
    }

    private boolean bool(Element e, String attr) {
        String v = e.getAttribute(attr);
        return switch (v) {
            case "", "false" -> false;
            case "true" -> true;
            default -> throw fail("flags." + attr, "'" + v + "' is not true or false");
        };
    }

    private URI uri(String value, String field) {
        try {
            URI u = new URI(value);
            if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme())) {
                throw fail(field, "'" + value + "' is not an http(s) URL");
            }
            return u;
        } catch (URISyntaxException e) {
            throw fail(field, "'" + value + "' is not a URL: " + e.getMessage());
        }
    }

    private <E extends Enum<E>> E enumValue(Class<E> type, String value, String field) {
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw fail(field, "'" + value + "' is not one of " + Arrays.toString(type.getEnumConstants()));
        }
    }

    private void attributes(Element e, String... allowed) {
        NamedNodeMap attrs = e.getAttributes();
        List<String> ok = List.of(allowed);
        for (int i = 0; i < attrs.getLength(); i++) {
            String name = ((Attr) attrs.item(i)).getName();
            if (!ok.contains(name)) {
                throw fail(e.getTagName() + "." + name, "unknown attribute; allowed: " + ok);
            }
        }
    }

    private String required(Element e, String attr) {
        String v = e.getAttribute(attr).strip();
        if (v.isEmpty()) {
            throw fail(e.getTagName() + "." + attr, "missing or empty");
        }
        return v;
    }

    private String text(Element e, String field) {
        String v = SafeXml.text(e);
        if (v.isEmpty()) {
            throw fail(field, "empty");
        }
        return v;
    }

    private ProviderDataException fail(String field, String problem) {
        return new ProviderDataException(source, provider, field, problem, null);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
