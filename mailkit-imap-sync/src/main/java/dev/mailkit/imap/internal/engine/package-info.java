/** The synchronisation engine: IMAP commands, per-folder algorithm. Not API. */
package dev.mailkit.imap.internal.engine;
