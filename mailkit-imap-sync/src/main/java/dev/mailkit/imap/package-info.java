/**
 * mailkit IMAP sync: two-way synchronisation of IMAP mailboxes with a local store. Connections are
 * opened through {@link dev.mailkit.core.MailSession}, which supplies the safe defaults.
 *
 * <p>Everything here is for applications:
 * <ul>
 *   <li>{@link dev.mailkit.imap.ImapSynchronizer} and its builder, the entry point;
 *       {@link dev.mailkit.imap.MaildirStore}, the default store; {@link dev.mailkit.imap.FolderFilter}
 *       and {@link dev.mailkit.imap.ConflictPolicy}, settings.</li>
 *   <li>What a sync reports: {@link dev.mailkit.imap.SyncReport}, {@link dev.mailkit.imap.FolderReport},
 *       {@link dev.mailkit.imap.SyncListener}, {@link dev.mailkit.imap.SyncWatch}, and the exceptions
 *       {@link dev.mailkit.imap.MassDeletionException} and {@link dev.mailkit.imap.SyncStateException}.</li>
 *   <li>What the mirror holds, to read: {@link dev.mailkit.imap.MirrorState} (from
 *       {@code state()}), {@link dev.mailkit.imap.FolderState}, {@link dev.mailkit.imap.MessageRecord},
 *       {@link dev.mailkit.imap.MessageFlags}.</li>
 *   <li>What the mirror lets you change locally, pushed by the next sync:
 *       {@link dev.mailkit.imap.MirroredFolders} (from {@code local()}: create, rename, delete folders) and
 *       {@link dev.mailkit.imap.MirroredFolder} (one folder's messages: flags, moves, copies, appends).</li>
 * </ul>
 *
 * <p>To keep mail or the state somewhere other than a Maildir and a SQLite file, implement the
 * interfaces of {@link dev.mailkit.imap.spi}. Nothing under {@code dev.mailkit.imap.internal} is API.
 */
package dev.mailkit.imap;
