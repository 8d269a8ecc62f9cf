/**
 * SASL mechanisms that the JDK and Angus Mail lack, registered as a {@link java.security.Provider} so
 * Angus Mail's SASL support (enabled by {@link dev.mailkit.core.MailSession} for OAuth2 credentials) can
 * use them. Not part of the public API.
 */
package dev.mailkit.core.internal.sasl;
