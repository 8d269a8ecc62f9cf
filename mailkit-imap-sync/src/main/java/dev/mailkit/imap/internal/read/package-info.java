/**
 * {@link dev.mailkit.imap.LocalMailbox}: reading the envelope index on a connection of its own, opening and
 * parsing message files, streaming their parts, threading a folder. Not API.
 */
package dev.mailkit.imap.internal.read;
