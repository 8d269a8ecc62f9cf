package dev.mailkit.cli;

import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;

/** {@code mailkit providers list|show|lookup}. */
@Command(name = "providers", description = "The built-in provider registry.", mixinStandardHelpOptions = true,
        subcommands = {ProvidersCommand.ListProviders.class, ProvidersCommand.Show.class, ProvidersCommand.Lookup.class})
final class ProvidersCommand implements Runnable {

    @ParentCommand
    Mailkit root;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is needed: list, show ID or lookup EMAIL");
    }

    static void show(PrintWriter out, boolean json, ProviderSettings p) {
        if (json) {
            out.println(Json.result("ok", ExitCodes.OK).put("provider", toJson(p)));
        } else {
            print(out, p);
        }
    }

    static void print(PrintWriter out, ProviderSettings p) {
        out.println(p.id() + " — " + p.displayName());
        if (p.isSendingService()) {
            out.println("  kind:     sending service (SMTP relay; found by id or alias, not by address)");
        } else {
            out.println("  domains:  " + String.join(", ", p.domains()));
        }
        if (!p.aliases().isEmpty()) {
            out.println("  aliases:  " + String.join(", ", p.aliases()));
        }
        p.smtp().forEach(e -> out.println("  SMTP:     " + e));
        p.imap().forEach(e -> out.println("  IMAP:     " + e));
        out.println("  login:    " + p.authMethods());
        if (p.credentialForm().isPresent()) {
            out.println("  user:     " + p.credentialForm().get().user());
            out.println("  password: " + p.credentialForm().get().password());
        } else {
            out.println("  user:     " + userForm(p.usernameTemplate()));
        }
        p.oauth2().ifPresent(o -> {
            out.println("  OAuth2:   authorize " + o.authorizationEndpoint());
            out.println("            token " + o.tokenEndpoint());
            out.println("            scopes " + String.join(" ", o.scopes()));
        });
        String limits = limits(p.limits());
        if (!limits.isEmpty()) {
            out.println("  limits:   " + limits);
        }
        p.sandboxLimits().ifPresent(s -> out.println("  sandbox:  " + limits(s) + " (send --sandbox)"));
        p.spfInclude().ifPresent(d -> out.println("  SPF:      include:" + d));
        if (!p.specialFolders().isEmpty()) {
            out.println("  folders:  " + p.specialFolders());
        }
        java.util.List<String> quirks = new java.util.ArrayList<>();
        if (p.imapIdRequired()) {
            quirks.add("sends the IMAP ID command after login (the server requires it)");
        }
        if (p.idleUnreliable()) {
            quirks.add("IDLE is unreliable: watched folders are polled every 2 minutes");
        }
        if (p.savesSentCopy()) {
            quirks.add("files a copy of sent mail in Sent itself");
        }
        quirks.forEach(q -> out.println("  quirk:    " + q));
        p.note().ifPresent(n -> out.println("  note:     " + n));
        p.enableInWebSettings().ifPresent(u -> out.println("  enable IMAP/SMTP first: " + u));
        p.documentation().ifPresent(u -> out.println("  docs:     " + u));
    }

    /** The user-name template in words: the whole address, or the part before the @. */
    static String userForm(String template) {
        return switch (template) {
            case "%EMAILADDRESS%" -> "the whole e-mail address";
            case "%EMAILLOCALPART%" -> "the part before the @ only";
            default -> template;
        };
    }

    private static String limits(dev.mailkit.core.registry.ProviderLimits l) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        l.messagesPerDay().ifPresent(n -> parts.add(n + " messages a day"));
        l.recipientsPerDay().ifPresent(n -> parts.add(n + " recipients a day"));
        l.recipientsPerMessage().ifPresent(n -> parts.add(n + " recipients a message"));
        l.messagesPerMinute().ifPresent(n -> parts.add(n + " messages a minute"));
        l.messagesPerSecond().ifPresent(n -> parts.add(n + (n == 1 ? " message a second" : " messages a second")));
        l.maxMessageBytes().ifPresent(n -> parts.add(n / (1024 * 1024) + " MiB a message"));
        return String.join(", ", parts);
    }

    /** Every setting of a provider, for {@code --json}. */
    static Json toJson(ProviderSettings p) {
        Json limits = toJson(p.limits());
        Json folders = new Json();
        p.specialFolders().forEach((role, name) -> folders.put(role.name(), name));
        return new Json().put("id", p.id()).put("name", p.displayName()).put("aliases", p.aliases())
                .put("domains", p.domains())
                .put("smtp", p.smtp().stream().map(ProvidersCommand::endpoint).toList())
                .put("imap", p.imap().stream().map(ProvidersCommand::endpoint).toList())
                .put("login", p.authMethods().stream().map(Enum::name).toList())
                .put("username", p.usernameTemplate())
                .put("oauth2", p.oauth2().map(o -> new Json().put("issuer", o.issuer())
                        .put("authorizationEndpoint", String.valueOf(o.authorizationEndpoint()))
                        .put("tokenEndpoint", String.valueOf(o.tokenEndpoint())).put("scopes", o.scopes())).orElse(null))
                .put("limits", limits).put("specialFolders", folders)
                .put("imapIdRequired", p.imapIdRequired()).put("idleUnreliable", p.idleUnreliable())
                .put("savesSentCopy", p.savesSentCopy()).put("note", p.note().orElse(null))
                .put("enableInWebSettings", p.enableInWebSettings().map(String::valueOf).orElse(null))
                .put("documentation", p.documentation().map(String::valueOf).orElse(null))
                .put("kind", p.kind().name())
                .put("credentials", p.credentialForm().map(c -> new Json().put("user", c.user())
                        .put("password", c.password())).orElse(null))
                .put("sandboxLimits", p.sandboxLimits().map(ProvidersCommand::toJson).orElse(null))
                .put("spfInclude", p.spfInclude().orElse(null));
    }

    private static Json toJson(dev.mailkit.core.registry.ProviderLimits l) {
        Json limits = new Json();
        l.messagesPerDay().ifPresent(n -> limits.put("messagesPerDay", n));
        l.recipientsPerDay().ifPresent(n -> limits.put("recipientsPerDay", n));
        l.recipientsPerMessage().ifPresent(n -> limits.put("recipientsPerMessage", n));
        l.messagesPerMinute().ifPresent(n -> limits.put("messagesPerMinute", n));
        l.maxMessageBytes().ifPresent(n -> limits.put("maxMessageBytes", n));
        l.messagesPerSecond().ifPresent(n -> limits.put("messagesPerSecond", n));
        return limits;
    }

    private static Json endpoint(dev.mailkit.core.ServerEndpoint e) {
        return new Json().put("host", e.host()).put("port", e.port()).put("security", e.security().name());
    }

    private static String cut(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "…";
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists every built-in provider: mailbox "
            + "providers with their first domains, sending services (SMTP relays) marked [sending service].")
    static final class ListProviders implements Runnable {
        @ParentCommand
        ProvidersCommand parent;

        @picocli.CommandLine.Option(names = "--json", description = "Print every provider's settings as one JSON "
                + "document: status, exitCode and providers (each with its kind: MAILBOX or SENDING_SERVICE).")
        boolean json;

        @Override
        public void run() {
            if (json) {
                parent.root.out.println(Json.result("ok", ExitCodes.OK).put("providers",
                        ProviderRegistry.defaults().all().stream().map(ProvidersCommand::toJson).toList()));
                return;
            }
            for (ProviderSettings p : ProviderRegistry.defaults().all()) {
                // compact: long names cut to their column, the first domains and how many more
                java.util.List<String> d = p.domains();
                String domains = p.isSendingService() ? "[sending service] " + p.smtp().get(0).host()
                        : String.join(", ", d.subList(0, Math.min(3, d.size())))
                        + (d.size() > 3 ? " (+" + (d.size() - 3) + " more)" : "");
                parent.root.out.printf("%-22s %-34s %s%n", cut(p.id(), 22), cut(p.displayName(), 34), domains);
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows one provider's settings.")
    static final class Show implements Runnable {
        @ParentCommand
        ProvidersCommand parent;

        @Parameters(paramLabel = "ID", description = "Provider id or alias.")
        String id;

        @picocli.CommandLine.Option(names = "--json", description = "Print the settings as one JSON document: "
                + "status, exitCode and provider.")
        boolean json;

        @Override
        public void run() {
            show(parent.root.out, json, ProviderRegistry.defaults().byId(id).orElseThrow(() ->
                    new IllegalArgumentException("no provider '" + Printable.of(id) + "'; see 'mailkit providers list'")));
        }
    }

    /** Test seam: the DNS resolver and autoconfig source {@code lookup} uses; null means the network. */
    static volatile dev.mailkit.core.DnsResolver dnsForTests;
    static volatile dev.mailkit.core.discovery.AutoconfigSource autoconfigForTests;

    @Command(name = "lookup", mixinStandardHelpOptions = true, description = "Finds the provider of an e-mail address: "
            + "the built-in data, then (unless --offline) the domain's autoconfig document, its MX hosts and its SRV records.")
    static final class Lookup implements Runnable {
        @ParentCommand
        ProvidersCommand parent;

        @Parameters(paramLabel = "EMAIL", description = "The address.")
        String email;

        @picocli.CommandLine.Option(names = "--json", description = "Print the settings as one JSON document: "
                + "status, exitCode, foundBy, method and provider.")
        boolean json;

        @picocli.CommandLine.Option(names = "--offline", description = "Look only in the built-in data: no DNS, "
                + "no autoconfig request.")
        boolean offline;

        @Override
        public void run() {
            // one @, something before it, a domain with a dot after it: "x@@gmail.com", "@gmail.com" and
            // "noatsign" are not addresses (the registry's own lookup also takes ids and bare domains)
            if (!email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s.][^@\\s]*")) {
                throw new IllegalArgumentException("'" + Printable.of(email) + "' is not an e-mail address"
                        + " (user@domain); for a provider id or domain use 'mailkit providers show'");
            }
            if (offline) {
                ProviderSettings p = ProviderRegistry.defaults().lookup(email);
                if (!json) {
                    parent.root.out.println("found in the built-in data");
                }
                show(parent.root.out, json, p);
                return;
            }
            java.time.Duration timeout = java.time.Duration.ofSeconds(5);
            dev.mailkit.core.DnsResolver dns = dnsForTests != null ? dnsForTests : dev.mailkit.core.DnsResolver.system(timeout);
            dev.mailkit.core.discovery.AutoconfigSource autoconfig = autoconfigForTests != null ? autoconfigForTests
                    : dev.mailkit.core.discovery.AutoconfigSource.https(timeout);
            dev.mailkit.core.discovery.DiscoveryResult r = dev.mailkit.core.discovery.ProviderDiscovery.builder()
                    .dns(dns).autoconfig(autoconfig).build().discover(email)
                    .orElseThrow(() -> new dev.mailkit.core.ProviderNotFoundException(email));
            if (json) {
                parent.root.out.println(Json.result("ok", ExitCodes.OK).put("foundBy", r.foundBy())
                        .put("method", r.method().name()).put("provider", toJson(r.settings())));
                return;
            }
            parent.root.out.println("found by " + r.foundBy());
            r.plaintextEndpoints().forEach(e -> parent.root.out.println("  not used (no TLS): " + e));
            print(parent.root.out, r.settings());
        }
    }
}
