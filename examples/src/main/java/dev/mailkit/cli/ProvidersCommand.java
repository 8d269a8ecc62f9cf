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

    @Override
    public void run() {
        root.out.println("usage: mailkit providers (list | show ID | lookup EMAIL)");
    }

    static void print(PrintWriter out, ProviderSettings p) {
        out.println(p.id() + " — " + p.displayName());
        out.println("  domains:  " + String.join(", ", p.domains()));
        p.smtp().forEach(e -> out.println("  SMTP:     " + e));
        p.imap().forEach(e -> out.println("  IMAP:     " + e));
        out.println("  login:    " + p.authMethods());
        if (!p.specialFolders().isEmpty()) {
            out.println("  folders:  " + p.specialFolders());
        }
        p.note().ifPresent(n -> out.println("  note:     " + n));
        p.enableInWebSettings().ifPresent(u -> out.println("  enable IMAP/SMTP first: " + u));
        p.documentation().ifPresent(u -> out.println("  docs:     " + u));
    }

    @Command(name = "list", description = "Lists every built-in provider.")
    static final class ListProviders implements Runnable {
        @ParentCommand
        ProvidersCommand parent;

        @Override
        public void run() {
            for (ProviderSettings p : ProviderRegistry.defaults().all()) {
                parent.root.out.printf("%-22s %-34s %s%n", p.id(), p.displayName(), String.join(", ", p.domains()));
            }
        }
    }

    @Command(name = "show", description = "Shows one provider's settings.")
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

    @Command(name = "lookup", description = "Finds the provider of an e-mail address in the built-in registry.")
    static final class Lookup implements Runnable {
        @ParentCommand
        ProvidersCommand parent;

        @Parameters(paramLabel = "EMAIL", description = "The address.")
        String email;

        @Override
        public void run() {
            print(parent.root.out, ProviderRegistry.defaults().lookup(email));
        }
    }
}
