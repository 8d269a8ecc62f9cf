/**
 * mailkit core: what every connection needs — server endpoints ({@link dev.mailkit.core.ServerEndpoint},
 * {@link dev.mailkit.core.Security}, {@link dev.mailkit.core.Protocol}), credentials ({@link
 * dev.mailkit.core.Credentials}, {@link dev.mailkit.core.TokenProvider}), connection and TLS options,
 * safe Jakarta Mail sessions ({@link dev.mailkit.core.MailSession}), the DNS seam, and the typed exception
 * hierarchy rooted at {@link dev.mailkit.core.MailkitException}.
 *
 * <p>The provider registry is in {@code dev.mailkit.core.registry}, discovery for unknown domains in
 * {@code dev.mailkit.core.discovery}, and settings checks and connection diagnostics in
 * {@code dev.mailkit.core.diagnostics}. Types under {@code dev.mailkit.core.internal} are implementation
 * details and may change in any release.
 */
package dev.mailkit.core;
