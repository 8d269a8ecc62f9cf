/**
 * Provider discovery for any address: the registry's domains, then the domain's autoconfig document, its MX
 * hosts and its SRV records, each step behind an injectable seam ({@link
 * dev.mailkit.core.discovery.AutoconfigSource}, {@link dev.mailkit.core.DnsResolver}) so tests never touch
 * the network.
 */
package dev.mailkit.core.discovery;
