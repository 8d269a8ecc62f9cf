package dev.mailkit.core.registry;

import java.util.Collection;

/**
 * Service-provider interface: a source of provider settings found with {@link java.util.ServiceLoader}.
 * List the implementation class in {@code META-INF/services/dev.mailkit.core.registry.ProviderSource}; it
 * needs a public no-argument constructor. {@link ProviderRegistry#defaults()} applies such sources
 * after the built-in data, so they may add providers or override built-in ones by id.
 */
public interface ProviderSource {

    /**
     * The providers this source contributes.
     *
     * @return the providers, in the order they should be applied
     */
    Collection<ProviderSettings> providers();
}
