/** The {@link dev.mailkit.smtp.SmtpSender} implementation: pooled sends, batches, retries, rate limits, Sent copies. Not API. */
package dev.mailkit.smtp.internal.send;
