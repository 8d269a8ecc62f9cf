/**
 * mailkit core: server endpoints, credentials, safe Jakarta Mail sessions, the typed exception
 * hierarchy, and the provider settings registry with discovery.
 *
 * <p>Everything in this package is public API. Types under {@code dev.mailkit.core.internal} are
 * implementation details and may change in any release.
 */
package dev.mailkit.core;
