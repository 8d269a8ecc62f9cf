/**
 * mailkit SMTP: sending mail through a provider's submission server. Connections are opened
 * through {@link dev.mailkit.core.MailSession}, which supplies the safe defaults.
 */
package dev.mailkit.smtp;
