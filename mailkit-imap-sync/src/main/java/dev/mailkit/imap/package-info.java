/**
 * mailkit IMAP sync: two-way synchronisation of IMAP mailboxes with a local store. Connections are
 * opened through {@link dev.mailkit.core.MailSession}, which supplies the safe defaults.
 */
package dev.mailkit.imap;
