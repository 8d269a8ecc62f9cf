/**
 * The sending-domain checks behind {@link dev.mailkit.core.diagnostics.MailDiagnostics#checkSendingDomain}: SPF
 * (RFC 7208: syntax, the look-up limits, evaluation for an address), DKIM key records (RFC 6376, RFC 8301,
 * RFC 8463), DMARC records (RFC 7489), MX and forward-confirmed reverse DNS, all through a
 * {@link dev.mailkit.core.DnsResolver} bounded in time and in the number of look-ups.
 */
package dev.mailkit.core.internal.deliverability;
