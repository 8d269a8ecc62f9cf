/**
 * Reading mirrored messages with Apache James mime4j: charsets that real mail names (and misnames), header
 * values (raw 8-bit bytes and RFC 2047 encoded words), addresses and dates, the walk over a message's
 * parts that the envelope index and {@link dev.mailkit.imap.LocalMailbox} share, HTML to text, and safe
 * file names for attachments. Not API.
 */
package dev.mailkit.imap.internal.mime;
