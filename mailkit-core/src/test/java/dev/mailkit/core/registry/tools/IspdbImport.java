package dev.mailkit.core.registry.tools;

import dev.mailkit.core.AuthMethod;
import dev.mailkit.core.ProviderDataException;
import dev.mailkit.core.Protocol;
import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.registry.ClientConfigs;
import dev.mailkit.core.registry.DataSource;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Maintainer tool, not shipped: compares a directory of Thunderbird clientConfig files (the ISPDB's
 * {@code ispdb/} folder) with a provider registry. It proposes {@code <provider>} entries in the format of
 * {@code providers.xml} for ISPDB providers the registry lacks, {@code <domain>} lines for domains of known
 * providers the registry lacks, and reports where the registry's servers or user-name form disagree with
 * the ISPDB, which registry entries cite ISPDB files that are gone, and which ISPDB files it cannot import
 * (plaintext only, no SMTP). Nothing is written into {@code providers.xml}: the output is for review.
 *
 * <p>Run it with {@code mvn -B -pl mailkit-core test -Dtest=IspdbImportTool -Dmailkit.ispdb=PATH/TO/ispdb}
 * (see CONTRIBUTING.md), or call {@link #main(String[])} with the ISPDB folder and an output folder.
 */
public final class IspdbImport {

    /** What one run found. */
    public record Result(String proposals, String report, int files, int newProviders, int newDomains,
                         int disagreements, int skipped) {
    }

    private final ProviderRegistry registry;
    private final LocalDate checked;
    private final StringBuilder proposals = new StringBuilder();
    private final Map<String, List<String>> domainAdditions = new TreeMap<>();
    private final List<String> disagreements = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final List<String> mxNames = new ArrayList<>();
    private final Set<String> skippedFiles = new HashSet<>();
    private final Set<String> usedIds = new HashSet<>();
    private int newProviders;
    private int newDomains;

    private IspdbImport(ProviderRegistry registry, LocalDate checked) {
        this.registry = registry;
        this.checked = checked;
        for (ProviderSettings p : registry.all()) {
            usedIds.add(p.id());
            usedIds.addAll(p.aliases());
        }
    }

    /**
     * Compares an ISPDB folder with a registry.
     *
     * @param ispdb    the folder of {@code *.xml} clientConfig files
     * @param registry the registry to compare with, usually the built-in data
     * @param checked  the date to write into proposed {@code <source checked>} attributes
     * @return the proposals (XML) and the report (Markdown)
     * @throws IOException if the folder cannot be read
     */
    public static Result run(Path ispdb, ProviderRegistry registry, LocalDate checked) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(ispdb)) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".xml")).sorted().toList();
        }
        IspdbImport run = new IspdbImport(registry, checked);
        Set<String> names = new HashSet<>();
        for (Path f : files) {
            String name = f.getFileName().toString().replaceFirst("\\.xml$", "");
            names.add(name);
            run.file(f, name);
        }
        List<String> gone = new ArrayList<>();
        for (ProviderSettings p : registry.all()) {
            for (DataSource s : p.dataSources()) {
                if (s.isIspdb() && !names.contains(s.reference().substring(DataSource.ISPDB.length()))) {
                    gone.add("- `" + p.id() + "` cites `" + s.reference() + "`, which is no longer in the ISPDB");
                }
            }
        }
        return run.result(files.size(), gone);
    }

    private static final Pattern DOMAIN_HOST = Pattern.compile("(?i)%EMAILDOMAIN%(?=[^<]*</hostname>)");
    private static final Pattern DOMAIN = Pattern.compile("<domain>\\s*([^<\\s]+)\\s*</domain>");

    private void file(Path f, String name) {
        List<ProviderSettings> parsed = new ArrayList<>();
        try {
            String xml = Files.readString(f, StandardCharsets.UTF_8);
            if (DOMAIN_HOST.matcher(xml).find()) {
                // hosts such as mail.%EMAILDOMAIN%: one provider per domain, the host filled in
                Matcher m = DOMAIN.matcher(xml);
                while (m.find()) {
                    String d = m.group(1).toLowerCase(java.util.Locale.ROOT);
                    for (ProviderSettings p : ClientConfigs.parse(DOMAIN_HOST.matcher(xml).replaceAll(d), name)) {
                        parsed.add(withOnlyDomain(p, d));
                    }
                }
            } else {
                parsed.addAll(ClientConfigs.read(f));
            }
        } catch (ProviderDataException | IOException | IllegalArgumentException e) {
            skipped.add("- `" + name + "`: unreadable: " + e.getMessage());
            return;
        }
        for (ProviderSettings isp : parsed) {
            provider(isp, name);
        }
    }

    private static ProviderSettings withOnlyDomain(ProviderSettings p, String domain) {
        ProviderSettings.Builder b = ProviderSettings.builder(domain.replace('.', '-'))
                .displayName(p.displayName().replaceAll("(?i)%EMAILDOMAIN%", domain))
                .domain(domain).usernameTemplate(p.usernameTemplate()).source(p.source())
                .usernameTemplate(Protocol.SMTP, p.usernameTemplate(Protocol.SMTP));
        p.imap().forEach(b::imap);
        p.smtp().forEach(b::smtp);
        p.authMethods().forEach(b::auth);
        p.oauth2().ifPresent(b::oauth2);
        p.documentation().ifPresent(b::documentation);
        p.enableInWebSettings().ifPresent(b::enableInWebSettings);
        return b.build();
    }

    private void provider(ProviderSettings isp, String file) {
        List<ServerEndpoint> imap = secure(isp.imap(), Protocol.IMAP);
        List<ServerEndpoint> smtp = secure(isp.smtp(), Protocol.SMTP);
        List<ServerEndpoint> plaintext = Stream.concat(isp.imap().stream(), isp.smtp().stream())
                .filter(ServerEndpoint::isPlaintext).toList();
        String label = "`" + file + "`" + (isp.domains().size() == 1 && !file.equals(isp.domains().get(0))
                ? " (" + isp.domains().get(0) + ")" : "");
        Map<ProviderSettings, List<String>> owners = new LinkedHashMap<>();
        List<String> unclaimed = new ArrayList<>();
        List<String> mxNames = new ArrayList<>();
        for (String d : isp.domains()) {
            Optional<ProviderSettings> owner = registry.forDomain(d);
            if (owner.isPresent()) {
                owners.computeIfAbsent(owner.get(), k -> new ArrayList<>()).add(d);
            } else if (registry.forMxHost(d).isPresent()) {
                mxNames.add(d); // an MX host name the ISPDB lists for its MX look-up, not an e-mail domain
            } else {
                unclaimed.add(d);
            }
        }
        if (!mxNames.isEmpty()) {
            this.mxNames.add("- `" + file + "`: " + String.join(", ", mxNames));
        }
        if (owners.isEmpty()) {
            // same servers as a registry entry (a custom domain of a hosted service): a domain list to review
            registry.all().stream().filter(p -> !imap.isEmpty() && !p.imap().isEmpty()
                            && p.imap().get(0).host().equals(imap.get(0).host())
                            && !smtp.isEmpty() && !p.smtp().isEmpty() && p.smtp().get(0).host().equals(smtp.get(0).host()))
                    .findFirst().ifPresent(p -> owners.put(p, new ArrayList<>()));
        }
        registry.all().stream().filter(p -> p.dataSources().stream()
                        .anyMatch(s -> s.reference().equals(DataSource.ISPDB + file)))
                .forEach(p -> owners.putIfAbsent(p, new ArrayList<>()));
        if (owners.isEmpty()) {
            if (smtp.isEmpty()) {
                if (!skippedFiles.add(file)) {
                    return; // one line per file
                }
                skipped.add("- " + label + ": " + (plaintext.isEmpty() ? "no SMTP server"
                        : "plaintext only (" + describe(plaintext) + ")") + "; " + isp.domains().size() + " domains");
                return;
            }
            propose(isp, file, imap, smtp, plaintext);
            return;
        }
        ProviderSettings main = owners.entrySet().stream()
                .max(Comparator.comparingInt(e -> e.getValue().size())).orElseThrow().getKey();
        if (!unclaimed.isEmpty()) {
            domainAdditions.computeIfAbsent(main.id(), k -> new ArrayList<>()).addAll(unclaimed);
            newDomains += unclaimed.size();
        }
        for (ProviderSettings p : owners.keySet()) {
            compare(p, isp, file, imap, smtp);
        }
    }

    private void compare(ProviderSettings p, ProviderSettings isp, String file, List<ServerEndpoint> imap,
                         List<ServerEndpoint> smtp) {
        List<String> diffs = new ArrayList<>();
        diff("IMAP", p.imap(), imap, diffs);
        diff("SMTP", p.smtp(), smtp, diffs);
        for (Protocol protocol : Protocol.values()) {
            String ours = p.usernameTemplate(protocol);
            String theirs = isp.usernameTemplate(protocol);
            if (!ours.equals(theirs) && !(protocol == Protocol.IMAP ? imap : smtp).isEmpty()) {
                diffs.add(protocol + " user name: registry " + ours + ", ISPDB " + theirs);
            }
        }
        if (!diffs.isEmpty()) {
            disagreements.add("- `" + p.id() + "` vs `" + file + "`: " + String.join("; ", diffs));
        }
    }

    private static void diff(String what, List<ServerEndpoint> ours, List<ServerEndpoint> theirs, List<String> out) {
        Set<ServerEndpoint> onlyIspdb = new LinkedHashSet<>(theirs);
        ours.forEach(onlyIspdb::remove);
        Set<ServerEndpoint> onlyOurs = new LinkedHashSet<>(ours);
        theirs.forEach(onlyOurs::remove);
        if (!onlyIspdb.isEmpty()) {
            out.add(what + " only in ISPDB: " + describe(onlyIspdb));
        }
        if (!onlyOurs.isEmpty() && !theirs.isEmpty()) {
            out.add(what + " only in the registry: " + describe(onlyOurs));
        }
    }

    private static String describe(java.util.Collection<ServerEndpoint> endpoints) {
        return endpoints.stream().map(ServerEndpoint::toString).collect(Collectors.joining(", "));
    }

    /** Secure endpoints, implicit TLS first; SMTP on port 25 only when there is no other. */
    private static List<ServerEndpoint> secure(List<ServerEndpoint> all, Protocol protocol) {
        List<ServerEndpoint> out = new ArrayList<>(all.stream().filter(e -> !e.isPlaintext()).distinct().toList());
        if (protocol == Protocol.SMTP && out.stream().anyMatch(e -> e.port() != 25)) {
            out.removeIf(e -> e.port() == 25);
        }
        out.sort(Comparator.comparingInt(e -> e.security() == Security.SSL_TLS ? 0 : 1));
        return out;
    }

    private void propose(ProviderSettings isp, String file, List<ServerEndpoint> imap, List<ServerEndpoint> smtp,
                         List<ServerEndpoint> plaintext) {
        String id = idFor(isp.domains().size() == 1 ? isp.domains().get(0) : file);
        usedIds.add(id);
        newProviders++;
        newDomains += isp.domains().size();
        StringBuilder b = proposals;
        b.append("  <provider id=\"").append(id).append("\" name=\"").append(xml(isp.displayName())).append("\">\n");
        isp.domains().stream().distinct().forEach(d -> b.append("    <domain>").append(d).append("</domain>\n"));
        imap.forEach(e -> b.append("    ").append(endpoint("imap", e)).append('\n'));
        smtp.forEach(e -> b.append("    ").append(endpoint("smtp", e)).append('\n'));
        String user = form(isp.usernameTemplate(imap.isEmpty() ? Protocol.SMTP : Protocol.IMAP));
        String smtpUser = form(isp.usernameTemplate(Protocol.SMTP));
        b.append("    <username").append(!imap.isEmpty() && !smtpUser.equals(user) ? " smtp=\"" + xml(smtpUser) + "\"" : "")
                .append('>').append(xml(user)).append("</username>\n");
        List<AuthMethod> auth = isp.authMethods().stream()
                .filter(m -> m != AuthMethod.OAUTH2 || isp.oauth2().isPresent()).toList();
        (auth.isEmpty() ? List.of(AuthMethod.PASSWORD) : auth)
                .forEach(m -> b.append("    <auth>").append(m).append("</auth>\n"));
        isp.oauth2().filter(o -> auth.contains(AuthMethod.OAUTH2)).ifPresent(o -> b.append("    <oauth2 issuer=\"")
                .append(xml(o.issuer())).append("\" authorization=\"").append(xml(o.authorizationEndpoint().toString()))
                .append("\" token=\"").append(xml(o.tokenEndpoint().toString())).append("\" scopes=\"")
                .append(xml(String.join(" ", o.scopes()))).append("\"/>\n"));
        isp.enableInWebSettings().ifPresent(u -> b.append("    <enable-in-web-settings url=\"").append(xml(u.toString()))
                .append("\"/>\n"));
        isp.documentation().ifPresent(u -> b.append("    <docs>").append(xml(u.toString())).append("</docs>\n"));
        if (imap.isEmpty()) {
            b.append("    <note>The ISPDB lists no IMAP server (POP3 only): mailkit can send, not sync.</note>\n");
        }
        if (!plaintext.isEmpty()) {
            b.append("    <!-- left out, plaintext: ").append(describe(plaintext)).append(" -->\n");
        }
        b.append("    <source checked=\"").append(checked).append("\">").append(DataSource.ISPDB).append(xml(file))
                .append("</source>\n");
        b.append("  </provider>\n");
    }

    private String idFor(String domain) {
        String[] labels = domain.split("\\.");
        int keep = labels.length - 1;
        if (keep > 1 && Set.of("co", "com", "ne", "or", "ac", "net", "org", "gv").contains(labels[keep - 1])) {
            keep--;
        }
        String id = String.join("-", java.util.Arrays.copyOf(labels, Math.max(1, keep)));
        if (usedIds.contains(id)) {
            id = domain.replace('.', '-');
        }
        for (int i = 2; usedIds.contains(id); i++) {
            id = domain.replace('.', '-') + "-" + i;
        }
        return id;
    }

    private static String form(String template) {
        return switch (template) {
            case ProviderSettings.EMAIL_ADDRESS -> "EMAIL";
            case ProviderSettings.EMAIL_LOCAL_PART -> "LOCAL_PART";
            default -> template;
        };
    }

    private static String endpoint(String tag, ServerEndpoint e) {
        return "<" + tag + " host=\"" + e.host() + "\" port=\"" + e.port() + "\" security=\"" + e.security() + "\"/>";
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private Result result(int files, List<String> gone) {
        StringBuilder r = new StringBuilder();
        r.append("# ISPDB import report (").append(checked).append(")\n\n");
        r.append(files).append(" ISPDB files; ").append(newProviders).append(" new providers proposed; ")
                .append(newDomains).append(" domains new to the registry; ").append(disagreements.size())
                .append(" disagreements; ").append(skipped.size()).append(" not importable.\n\n");
        r.append("## New domains for existing providers\n\n");
        if (domainAdditions.isEmpty()) {
            r.append("None.\n");
        }
        domainAdditions.forEach((id, ds) -> r.append("- `").append(id).append("`: ").append(String.join(", ", ds))
                .append('\n'));
        r.append("\n## Disagreements with the registry\n\n");
        r.append(disagreements.isEmpty() ? "None.\n" : String.join("\n", disagreements) + "\n");
        r.append("\n## MX host names listed as domains (left out: the registry's MX patterns cover them)\n\n");
        r.append(mxNames.isEmpty() ? "None.\n" : String.join("\n", mxNames) + "\n");
        r.append("\n## Registry entries citing ISPDB files that are gone\n\n");
        r.append(gone.isEmpty() ? "None.\n" : String.join("\n", gone) + "\n");
        r.append("\n## Not importable\n\n");
        r.append(skipped.isEmpty() ? "None.\n" : String.join("\n", skipped) + "\n");
        String xml = "<!-- Proposed by IspdbImport on " + checked + ": review each entry (name, id, help page, notes)"
                + " before moving it into providers.xml. -->\n<providers version=\"1\">\n" + proposals + "</providers>\n";
        return new Result(xml, r.toString(), files, newProviders, newDomains, disagreements.size(), skipped.size());
    }

    /**
     * Command line: {@code IspdbImport ISPDB_DIR OUT_DIR [CHECKED_DATE]}; writes {@code proposals.xml} and
     * {@code report.md} into OUT_DIR, comparing with the built-in registry.
     *
     * @param args the ISPDB folder, the output folder and optionally the date for {@code checked}
     * @throws IOException if reading or writing fails
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: IspdbImport ISPDB_DIR OUT_DIR [YYYY-MM-DD]");
            System.exit(2);
        }
        LocalDate day = args.length > 2 ? LocalDate.parse(args[2]) : LocalDate.now();
        Result r = run(Path.of(args[0]), ProviderRegistry.builder().addBuiltIns().build(), day);
        Path out = Files.createDirectories(Path.of(args[1]));
        Files.writeString(out.resolve("proposals.xml"), r.proposals(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("report.md"), r.report(), StandardCharsets.UTF_8);
        System.out.println(r.files() + " ISPDB files: " + r.newProviders() + " new providers, " + r.newDomains()
                + " new domains, " + r.disagreements() + " disagreements, " + r.skipped() + " not importable; see "
                + out.toAbsolutePath());
    }
}
