package dev.mailkit.core.registry;

import dev.mailkit.core.ProviderDataException;
import dev.mailkit.core.ProviderNotFoundException;
import dev.mailkit.core.internal.registry.DefaultProviderRegistry;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Looks up {@link ProviderSettings} by id or alias, e-mail address, domain, or MX host. Sending services
 * ({@link ProviderKind#SENDING_SERVICE}: Amazon SES, SendGrid, ...) are found by id or alias only.
 * Immutable and thread-safe.
 *
 * <p>Build one from sources applied in order; a later provider with the same id replaces the earlier
 * one (keeping its position in {@link #all()}), and a later provider's aliases and domains take
 * precedence over an earlier provider's. {@link #defaults()} is the built-in data followed by every
 * {@link ProviderSource} found by {@link java.util.ServiceLoader}.
 *
 * <pre>{@code
 * ProviderSettings outlook = ProviderRegistry.defaults().forEmail("me@hotmail.com").orElseThrow();
 * ServerEndpoint smtp = outlook.smtp().get(0);   // smtp-mail.outlook.com:587 STARTTLS
 * }</pre>
 */
public interface ProviderRegistry {

    /**
     * The built-in providers plus those of every {@link ProviderSource} on the class path; built once and shared.
     *
     * @return the shared default registry
     */
    static ProviderRegistry defaults() {
        return DefaultProviderRegistry.defaults();
    }

    /**
     * A new, empty builder.
     *
     * @return a new, empty builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Finds a provider by id or alias, case-insensitively.
     *
     * @param idOrAlias for example {@code outlook} or {@code hotmail}
     * @return the provider, if any
     */
    Optional<ProviderSettings> byId(String idOrAlias);

    /**
     * Finds the provider hosting an e-mail address's domain (no network access); never a
     * {@linkplain ProviderKind#SENDING_SERVICE sending service}, which hosts no domains.
     *
     * @param emailAddress for example {@code me@hotmail.com}
     * @return the provider, if the domain is known
     * @throws IllegalArgumentException if the argument is not an e-mail address
     */
    Optional<ProviderSettings> forEmail(String emailAddress);

    /**
     * Finds the provider hosting a domain (no network access); never a sending service.
     *
     * @param domain for example {@code hotmail.com}
     * @return the provider, if the domain is known
     */
    Optional<ProviderSettings> forDomain(String domain);

    /**
     * Finds the provider whose MX pattern matches a mail-exchanger host; the most specific pattern wins. Never a
     * sending service.
     *
     * @param mxHost for example {@code example-com.mail.protection.outlook.com}
     * @return the provider, if a pattern matches
     */
    Optional<ProviderSettings> forMxHost(String mxHost);

    /**
     * Finds a provider by id, alias, e-mail address or domain, or fails.
     *
     * @param query an id, alias, address or domain
     * @return the provider
     * @throws ProviderNotFoundException if nothing matches
     */
    ProviderSettings lookup(String query);

    /**
     * Every provider, in registration order.
     *
     * @return every provider, in registration order
     */
    List<ProviderSettings> all();

    /**
     * A builder pre-filled with this registry's providers, to add or override some.
     *
     * @return a new builder with this registry's providers
     */
    Builder toBuilder();

    /** Mutable, not thread-safe builder; {@link #build()} leaves it untouched. */
    final class Builder {
        private final DefaultProviderRegistry.Collector collector = new DefaultProviderRegistry.Collector();

        Builder() {
        }

        /**
         * Adds the built-in providers (the data shipped in mailkit-core).
         *
         * @return this builder
         */
        public Builder addBuiltIns() {
            collector.addAll(DefaultProviderRegistry.builtIns());
            return this;
        }

        /**
         * Adds the providers of every {@link ProviderSource} that {@link java.util.ServiceLoader} finds.
         *
         * @param classLoader where to look
         * @return this builder
         * @throws ProviderDataException if a source fails
         */
        public Builder addServiceLoaderSources(ClassLoader classLoader) {
            collector.addAll(DefaultProviderRegistry.fromServiceLoader(classLoader));
            return this;
        }

        /**
         * Adds the providers of a source.
         *
         * @param source the source
         * @return this builder
         */
        public Builder add(ProviderSource source) {
            collector.addAll(source.providers());
            return this;
        }

        /**
         * Adds or overrides one provider.
         *
         * @param settings the provider
         * @return this builder
         */
        public Builder add(ProviderSettings settings) {
            collector.add(settings);
            return this;
        }

        /**
         * Adds the providers of a file in mailkit's own provider XML format (the format of the built-in
         * {@code providers.xml}): self-hosted servers, custom authorization servers. A provider with the id of
         * one added before replaces it.
         *
         * @param file the XML file
         * @return this builder
         * @throws ProviderDataException if the file cannot be read or is malformed (the message names the file and field)
         */
        public Builder addProvidersXml(Path file) {
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
                collector.addAll(dev.mailkit.core.internal.registry.ProviderXmlReader.read(in, file.toString()));
            } catch (java.io.IOException e) {
                throw new ProviderDataException(file.toString(), null, null, "cannot read: " + e, e);
            }
            return this;
        }

        /**
         * Adds the providers of a Thunderbird {@code clientConfig} (autoconfig / ISPDB) XML file.
         *
         * @param file the XML file
         * @return this builder
         * @throws ProviderDataException if the file cannot be read or is malformed (the message names the file and field)
         */
        public Builder addClientConfig(Path file) {
            collector.addAll(ClientConfigs.read(file));
            return this;
        }

        /**
         * Builds the registry.
         *
         * @return the registry
         */
        public ProviderRegistry build() {
            return collector.build();
        }
    }
}
