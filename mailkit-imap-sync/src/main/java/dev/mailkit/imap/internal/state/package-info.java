/**
 * The sync state: the SQLite {@link dev.mailkit.imap.spi.SyncStateStore}, its durable wrapper, and the
 * read-only view applications get ({@link dev.mailkit.imap.internal.state.StateView}). Not API.
 */
package dev.mailkit.imap.internal.state;
