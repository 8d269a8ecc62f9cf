package dev.mailkit.examples;

import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Prints the settings the built-in registry has for an address. Usage: {@code LookupProvider EMAIL}. */
public final class LookupProvider {

    private LookupProvider() {
    }

    public static void main(String[] args) {
        run(args[0], new PrintWriter(System.out, true, StandardCharsets.UTF_8));
    }

    static ProviderSettings run(String email, PrintWriter out) {
        ProviderSettings p = ProviderRegistry.defaults().lookup(email);   // ProviderNotFoundException if unknown
        out.println(p.displayName());
        out.println("  send with:    " + p.smtp().get(0));
        out.println("  receive with: " + p.imap().get(0));
        out.println("  log in with:  " + p.authMethods());
        p.note().ifPresent(n -> out.println("  note:         " + n));
        return p;
    }
}
