/** Maildir++ local store. Not API. */
package dev.mailkit.imap.internal.maildir;
