/**
 * The provider settings registry: what mailkit knows about each provider ({@link
 * dev.mailkit.core.registry.ProviderSettings}: servers, login methods, OAuth2 endpoints, special folders,
 * sending limits, quirks), looked up by id, address, domain or MX host through {@link
 * dev.mailkit.core.registry.ProviderRegistry}, and extended programmatically, through the {@link
 * dev.mailkit.core.registry.ProviderSource} service-provider interface, or from Thunderbird
 * {@code clientConfig} files ({@link dev.mailkit.core.registry.ClientConfigs}). No network access.
 */
package dev.mailkit.core.registry;
