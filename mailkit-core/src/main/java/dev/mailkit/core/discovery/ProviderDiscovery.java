package dev.mailkit.core.discovery;

import dev.mailkit.core.DnsResolver;
import dev.mailkit.core.internal.discovery.DefaultProviderDiscovery;
import dev.mailkit.core.registry.ProviderRegistry;

import java.util.Objects;
import java.util.Optional;

/**
 * Finds settings for any address: the registry's domains first, then (each step optional) the
 * domain's autoconfig document, its MX hosts matched against the registry's MX patterns, and
 * RFC 6186 / 8314 SRV records. Network steps run only through the {@link DnsResolver} and
 * {@link AutoconfigSource} given, so tests never touch the network. Thread-safe.
 *
 * <pre>{@code
 * ProviderDiscovery discovery = ProviderDiscovery.builder()
 *         .dns(DnsResolver.system(Duration.ofSeconds(5)))
 *         .autoconfig(AutoconfigSource.https(Duration.ofSeconds(5)))
 *         .build();
 * discovery.discover("me@custom-domain.example").ifPresent(r -> System.out.println(r.settings().smtp()));
 * }</pre>
 */
public interface ProviderDiscovery {

    /** A builder with the default registry and no network steps. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Discovers settings for an address; plaintext endpoints are never returned as usable settings.
     *
     * @param emailAddress the address
     * @return the result, or empty when no step found secure settings
     * @throws IllegalArgumentException if the argument is not an e-mail address
     */
    Optional<DiscoveryResult> discover(String emailAddress);

    /** Mutable, not thread-safe builder; {@link #build()} leaves it untouched. */
    final class Builder {
        private ProviderRegistry registry = ProviderRegistry.defaults();
        private DnsResolver dns = DnsResolver.none();
        private AutoconfigSource autoconfig = AutoconfigSource.none();
        private boolean mx = true;
        private boolean srv = true;

        Builder() {
        }

        /**
         * Sets the registry consulted for domains and MX patterns.
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder registry(ProviderRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Sets the DNS resolver for the MX and SRV steps (default: none, so those steps find nothing).
         *
         * @param dns the resolver
         * @return this builder
         */
        public Builder dns(DnsResolver dns) {
            this.dns = Objects.requireNonNull(dns, "dns");
            return this;
        }

        /**
         * Sets the autoconfig source (default: none).
         *
         * @param autoconfig the source
         * @return this builder
         */
        public Builder autoconfig(AutoconfigSource autoconfig) {
            this.autoconfig = Objects.requireNonNull(autoconfig, "autoconfig");
            return this;
        }

        /**
         * Switches the MX step on or off (default on).
         *
         * @param enabled whether to match MX hosts
         * @return this builder
         */
        public Builder mxLookup(boolean enabled) {
            this.mx = enabled;
            return this;
        }

        /**
         * Switches the SRV step on or off (default on).
         *
         * @param enabled whether to look up SRV records
         * @return this builder
         */
        public Builder srvLookup(boolean enabled) {
            this.srv = enabled;
            return this;
        }

        /**
         * Builds the discovery.
         *
         * @return the discovery
         */
        public ProviderDiscovery build() {
            return new DefaultProviderDiscovery(registry, autoconfig, mx ? dns : DnsResolver.none(),
                    srv ? dns : DnsResolver.none());
        }
    }
}
