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

    static void print(PrintWriter out, ProviderSettings p) {
        out.println(p.id() + " — " + p.displayName());
        out.println("  domains:  " + String.join(", ", p.domains()));
        if (!p.aliases().isEmpty()) {
            out.println("  aliases:  " + String.join(", ", p.aliases()));
        }
        p.smtp().forEach(e -> out.println("  SMTP:     " + e));
        p.imap().forEach(e -> out.println("  IMAP:     " + e));
        out.println("  login:    " + p.authMethods());
        out.println("  user:     " + userForm(p.usernameTemplate()));
        p.oauth2().ifPresent(o -> {
            out.println("  OAuth2:   authorize " + o.authorizationEndpoint());
            out.println("            token " + o.tokenEndpoint());
            out.println("            scopes " + String.join(" ", o.scopes()));
        });
        String limits = limits(p.limits());
        if (!limits.isEmpty()) {
            out.println("  limits:   " + limits);
        }
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
        l.maxMessageBytes().ifPresent(n -> parts.add(n / (1024 * 1024) + " MiB a message"));
        return String.join(", ", parts);
    }

    private static String cut(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "…";
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists every built-in provider.")
    static final class ListProviders implements Runnable {
        @ParentCommand
        ProvidersCommand parent;

        @Override
        public void run() {
            for (ProviderSettings p : ProviderRegistry.defaults().all()) {
                // compact: long names cut to their column, the first domains and how many more
                java.util.List<String> d = p.domains();
                String domains = String.join(", ", d.subList(0, Math.min(3, d.size())))
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

        @Override
        public void run() {
            print(parent.root.out, ProviderRegistry.defaults().byId(id).orElseThrow(() ->
                    new IllegalArgumentException("no provider '" + id + "'; see 'mailkit providers list'")));
        }
    }

    @Command(name = "lookup", mixinStandardHelpOptions = true, description = "Finds the provider of an e-mail address in the built-in registry.")
    static final class Lookup implements Runnable {
        @ParentCommand
        ProvidersCommand parent;

        @Parameters(paramLabel = "EMAIL", description = "The address.")
        String email;

        @Override
        public void run() {
            // one @, something before it, a domain with a dot after it: "x@@gmail.com", "@gmail.com" and
            // "noatsign" are not addresses (the registry's own lookup also takes ids and bare domains)
            if (!email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s.][^@\\s]*")) {
                throw new IllegalArgumentException("'" + Printable.of(email) + "' is not an e-mail address"
                        + " (user@domain); for a provider id or domain use 'mailkit providers show'");
            }
            print(parent.root.out, ProviderRegistry.defaults().lookup(email));
        }
    }
}
