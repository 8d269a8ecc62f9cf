/**
 * Why mail does not work, and the fix: {@link dev.mailkit.core.diagnostics.SettingsCheck} compares a server
 * setting with the registry without network access; {@link dev.mailkit.core.diagnostics.MailDiagnostics}
 * also resolves, connects, shakes hands, reads the capabilities and tries the login, and checks a sending
 * domain's DNS records (SPF, DKIM, DMARC, MX, reverse DNS) with
 * {@link dev.mailkit.core.diagnostics.MailDiagnostics#checkSendingDomain}.
 */
package dev.mailkit.core.diagnostics;
