/**
 * What a storage or state implementation implements, for applications that keep mirrored mail or the
 * sync state somewhere other than the defaults (a Maildir and a SQLite file). Applications that only
 * synchronize never need this package: they use {@link dev.mailkit.imap.ImapSynchronizer}.
 *
 * <ul>
 *   <li>{@link dev.mailkit.imap.spi.MessageStore}: where message files are kept, folder by folder.</li>
 *   <li>{@link dev.mailkit.imap.spi.SyncStateStore}: what the synchronizer remembers between runs,
 *       including the queues below.</li>
 *   <li>{@link dev.mailkit.imap.spi.LocalChange}: a message changed locally and not yet pushed.</li>
 *   <li>{@link dev.mailkit.imap.spi.FolderAction}: a folder created, renamed or deleted locally and not
 *       yet pushed.</li>
 * </ul>
 */
package dev.mailkit.imap.spi;
