/**
 * What {@link dev.mailkit.imap.ImapSynchronizer.Builder#build()} makes: the synchronizer that wires the
 * session, the stores and the engine ({@link dev.mailkit.imap.internal.synchronizer.DefaultImapSynchronizer}),
 * the local handle on a mirrored folder ({@link dev.mailkit.imap.internal.synchronizer.DefaultMirroredFolder})
 * and the background watch ({@link dev.mailkit.imap.internal.synchronizer.Watcher}). Not API.
 */
package dev.mailkit.imap.internal.synchronizer;
