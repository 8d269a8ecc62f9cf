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
 * @param foundBy           how the step found them, in words, for example
 *                          {@code the MX of example.com: aspmx.l.google.com → Google Workspace}
 */
public record DiscoveryResult(ProviderSettings settings, Method method, List<ServerEndpoint> plaintextEndpoints,
                              String foundBy) {

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
     * @param settings           the provider settings to use; plaintext endpoints are never among them
     * @param method             which discovery step found them
     * @param plaintextEndpoints endpoints the step offered without TLS; left out of {@code settings}, listed here so a
     *                           caller can warn or, knowingly, opt in
     * @param foundBy            how the step found them, in words
     * @throws NullPointerException if a component is null
     */
    public DiscoveryResult {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(foundBy, "foundBy");
        plaintextEndpoints = List.copyOf(plaintextEndpoints);
    }

    /**
     * A result whose {@link #foundBy()} names only the step.
     *
     * @param settings           the provider settings to use
     * @param method             which discovery step found them
     * @param plaintextEndpoints endpoints the step offered without TLS
     * @throws NullPointerException if a component is null
     */
    public DiscoveryResult(ProviderSettings settings, Method method, List<ServerEndpoint> plaintextEndpoints) {
        this(settings, method, plaintextEndpoints, method.name());
    }
}
