/** The copy of each sent message appended to the Sent folder over IMAP. Not API. */
package dev.mailkit.smtp.internal.sent;
