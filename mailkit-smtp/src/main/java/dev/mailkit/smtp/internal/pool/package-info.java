/** The pool of SMTP connections an {@link dev.mailkit.smtp.SmtpSender} shares among its sends. Not API. */
package dev.mailkit.smtp.internal.pool;
