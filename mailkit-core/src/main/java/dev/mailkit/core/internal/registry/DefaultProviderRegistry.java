package dev.mailkit.core.internal.registry;

import dev.mailkit.core.ProviderDataException;
import dev.mailkit.core.ProviderNotFoundException;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.core.registry.ProviderSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** The registry: immutable indexes by id/alias and domain, built from providers applied in order. */
public final class DefaultProviderRegistry implements ProviderRegistry {

    /** Class-path resource holding the built-in providers. */
    public static final String BUILT_IN_RESOURCE = "/dev/mailkit/core/providers.xml";

    private static final class BuiltIns {
        static final List<ProviderSettings> LIST = loadBuiltIns();
    }

    private static volatile ProviderRegistry defaults;

    private final List<ProviderSettings> all;
    private final Map<String, ProviderSettings> byName;
    private final Map<String, ProviderSettings> byDomain;

    private DefaultProviderRegistry(List<ProviderSettings> all, List<ProviderSettings> applicationOrder) {
        this.all = List.copyOf(all);
        Map<String, ProviderSettings> names = new HashMap<>();
        Map<String, ProviderSettings> domains = new HashMap<>();
        // Later providers claim aliases and domains over earlier ones; ids always win over aliases.
        for (ProviderSettings p : applicationOrder) {
            p.aliases().forEach(a -> names.put(a, p));
            if (!p.isSendingService()) { // a relay sends for many domains and hosts none of them
                p.domains().forEach(d -> domains.put(d, p));
            }
        }
        for (ProviderSettings p : this.all) {
            names.put(p.id(), p);
        }
        this.byName = Map.copyOf(names);
        this.byDomain = Map.copyOf(domains);
    }

    /** The shared default registry. */
    public static ProviderRegistry defaults() {
        ProviderRegistry r = defaults;
        if (r == null) {
            synchronized (DefaultProviderRegistry.class) {
                r = defaults;
                if (r == null) {
                    // A failing ProviderSource throws ProviderDataException here and is retried on the next call.
                    r = ProviderRegistry.builder().addBuiltIns()
                            .addServiceLoaderSources(DefaultProviderRegistry.class.getClassLoader()).build();
                    defaults = r;
                }
            }
        }
        return r;
    }

    /** The built-in providers, parsed once. */
    public static List<ProviderSettings> builtIns() {
        return BuiltIns.LIST;
    }

    private static List<ProviderSettings> loadBuiltIns() {
        try (InputStream in = DefaultProviderRegistry.class.getResourceAsStream(BUILT_IN_RESOURCE)) {
            if (in == null) {
                throw new ProviderDataException(BUILT_IN_RESOURCE, null, null, "resource missing from the class path", null);
            }
            return ProviderXmlReader.read(in, "built-in " + BUILT_IN_RESOURCE);
        } catch (IOException e) {
            throw new ProviderDataException(BUILT_IN_RESOURCE, null, null, "cannot read: " + e, e);
        }
    }

    /** Providers from every {@link ProviderSource} the service loader finds, in class-path order. */
    public static List<ProviderSettings> fromServiceLoader(ClassLoader loader) {
        List<ProviderSettings> out = new ArrayList<>();
        try {
            for (ProviderSource source : ServiceLoader.load(ProviderSource.class, loader)) {
                String name = source.getClass().getName();
                Collection<ProviderSettings> provided;
                try {
                    provided = source.providers();
                } catch (RuntimeException e) {
                    throw new ProviderDataException(name, null, null, "ProviderSource failed: " + e, e);
                }
                if (provided == null) {
                    throw new ProviderDataException(name, null, null, "ProviderSource returned null", null);
                }
                for (ProviderSettings p : provided) {
                    out.add(p.source().equals(ProviderSettings.PROGRAMMATIC) ? p.toBuilder().source(name).build() : p);
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new ProviderDataException("META-INF/services/" + ProviderSource.class.getName(), null, null,
                    "cannot load a ProviderSource: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public Optional<ProviderSettings> byId(String idOrAlias) {
        return Optional.ofNullable(byName.get(idOrAlias.strip().toLowerCase(Locale.ROOT)));
    }

    @Override
    public Optional<ProviderSettings> forEmail(String emailAddress) {
        return forDomain(Lookups.domainOf(emailAddress));
    }

    @Override
    public Optional<ProviderSettings> forDomain(String domain) {
        String d;
        try {
            d = Lookups.normaliseDomain(domain);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(byDomain.get(d));
    }

    @Override
    public Optional<ProviderSettings> forMxHost(String mxHost) {
        ProviderSettings best = null;
        int bestLength = -1;
        for (ProviderSettings p : all) {
            if (p.isSendingService()) {
                continue;
            }
            int len = Lookups.mxMatchLength(p, mxHost);
            if (len > bestLength) {
                best = p;
                bestLength = len;
            }
        }
        return Optional.ofNullable(best);
    }

    @Override
    public ProviderSettings lookup(String query) {
        String q = query.strip();
        Optional<ProviderSettings> found;
        try {
            found = q.contains("@") ? forEmail(q) : byId(q).or(() -> forDomain(q));
        } catch (IllegalArgumentException e) {
            found = Optional.empty();
        }
        return found.orElseThrow(() -> new ProviderNotFoundException(q));
    }

    @Override
    public List<ProviderSettings> all() {
        return all;
    }

    @Override
    public Builder toBuilder() {
        Builder b = ProviderRegistry.builder();
        all.forEach(b::add);
        return b;
    }

    @Override
    public String toString() {
        return "ProviderRegistry[" + all.size() + " providers]";
    }

    /**
     * Accumulates providers in order; a later one with the same id replaces the earlier in place, and
     * claims aliases and domains as of the moment it was applied.
     */
    public static final class Collector {
        private final LinkedHashMap<String, ProviderSettings> byId = new LinkedHashMap<>();
        private final LinkedHashMap<String, ProviderSettings> applied = new LinkedHashMap<>();

        /** Adds or replaces one provider. */
        public void add(ProviderSettings p) {
            byId.put(p.id(), p);
            applied.remove(p.id());
            applied.put(p.id(), p);
        }

        /** Adds or replaces several providers, in order. */
        public void addAll(Collection<ProviderSettings> providers) {
            providers.forEach(this::add);
        }

        /** A registry of what was collected so far. */
        public ProviderRegistry build() {
            return new DefaultProviderRegistry(new ArrayList<>(byId.values()), new ArrayList<>(applied.values()));
        }
    }
}
