package dev.mailkit.core.discovery;

import dev.mailkit.core.ServerEndpoint;
import dev.mailkit.core.registry.ProviderSettings;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ProviderDiscovery} found for an address.
 *
 * @param settings          the provider settings to use; plaintext endpoints are never among them
 * @param method            which discovery step found them
 * @param plaintextEndpoints endpoints the step offered without TLS; left out of {@code settings}, listed here so a
 *                          caller can warn or, knowingly, opt in
 */
public record DiscoveryResult(ProviderSettings settings, Method method, List<ServerEndpoint> plaintextEndpoints) {

    /** The discovery steps, in the order they are tried. */
    public enum Method {
        /** The domain is listed in the registry. */
        REGISTRY_DOMAIN,
        /** The domain's own autoconfig server published a clientConfig document. */
        AUTOCONFIG,
        /** The domain's MX hosts match a registry provider's MX pattern (custom domain hosted by a known provider). */
        MX,
        /** RFC 6186 / RFC 8314 SRV records name the servers. */
        SRV
    }

    /**
     * Validates and copies.
     *
     * @throws NullPointerException if a component is null
     */
    public DiscoveryResult {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(method, "method");
        plaintextEndpoints = List.copyOf(plaintextEndpoints);
    }
}
