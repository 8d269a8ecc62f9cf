/** Provider discovery implementation: the discovery chain, the HTTPS autoconfig client, the JNDI DNS resolver. Not API. */
package dev.mailkit.core.internal.discovery;
