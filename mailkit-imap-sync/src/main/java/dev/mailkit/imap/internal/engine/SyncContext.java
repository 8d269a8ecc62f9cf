package dev.mailkit.imap.internal.engine;

import dev.mailkit.core.MailSession;
import dev.mailkit.core.internal.Closing;
import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.imap.FolderFilter;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.imap.spi.SyncStateStore;
import dev.mailkit.imap.internal.maildir.MaildirNames;
import jakarta.mail.MessagingException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.angus.mail.iap.BadCommandException;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.ConnectionException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the pieces of one account's sync share: its session, stores, options and listener, the local
 * folders it keeps open between syncs, and what one sync leaves for the next.
 */
final class SyncContext {

    private static final Logger LOG = LoggerFactory.getLogger(SyncContext.class);

    final MailSession imap;
    final ProviderSettings provider;
    final MessageStore local;
    final SyncStateStore state;
    final FolderFilter filter;
    final SyncListener listener;
    final SyncOptions options;

    /** Local folders kept open between syncs (their index is built once). */
    final Map<String, MessageStore.StoredFolder> openFolders = new ConcurrentHashMap<>();
    /** Folders a sync's local scan looked at through their current open instance. */
    final Set<String> scanned = ConcurrentHashMap.newKeySet();
    /** Folders whose last push left something for a later sync (uploads, adoptions, conflicts, refusals). */
    final Set<String> rescanNext = ConcurrentHashMap.newKeySet();
    /** Server folder name to its hierarchy separator, as last listed. */
    final Map<String, Character> separators = new ConcurrentHashMap<>();
    /** Folder to deletions seen on the server that the current sync refused to apply locally. */
    final Map<String, Integer> refusedOnServer = new ConcurrentHashMap<>();

    SyncContext(MailSession imap, ProviderSettings provider, MessageStore local, SyncStateStore state,
                FolderFilter filter, SyncListener listener, SyncOptions options) {
        this.imap = imap;
        this.provider = provider;
        this.local = local;
        this.state = state;
        this.filter = filter;
        this.listener = listener;
        this.options = options;
    }

    /** What the server offers on a connection, after ENABLE. */
    record Capabilities(boolean qresync, boolean condstore) {
    }

    /** Enables what the engine uses on a fresh connection: QRESYNC, UTF8=ACCEPT, and IMAP ID where the provider needs it. */
    Capabilities prepare(IMAPProtocol p) throws ProtocolException {
        boolean qresync = p.hasCapability("QRESYNC");
        if (qresync && !p.isEnabled("QRESYNC")) {
            p.enable("QRESYNC");
        }
        if (p.hasCapability("UTF8=ACCEPT") && !p.isEnabled("UTF8=ACCEPT")) {
            p.enable("UTF8=ACCEPT"); // folder names then travel as UTF-8 instead of modified UTF-7
        }
        if (provider != null && provider.imapIdRequired() && p.hasCapability("ID")) {
            p.id(Map.of("name", "mailkit", "vendor", "mailkit"));
        }
        return new Capabilities(qresync, qresync || p.hasCapability("CONDSTORE"));
    }

    /**
     * The engine's open instance of a local folder, also used by the local-change API so a folder's index
     * is built once, not per call.
     */
    MessageStore.StoredFolder folder(String name, char separator) {
        MessageStore.StoredFolder open = openFolders.get(name);
        if (open != null && open.changedSinceMark()) {
            // Another program changed the folder: read it again for the caller, and have the next sync still
            // look for what that program did (the fresh instance's mark would otherwise hide it).
            rescanNext.add(name);
            openFolders.remove(name, open);
        }
        return openFolders.computeIfAbsent(name, n -> {
            scanned.remove(n); // opened for the API: the next sync still looks for what changed before
            return local.folder(n, separator);
        });
    }

    /** The sync's open instance of a mirrored folder's local folder. */
    MessageStore.StoredFolder localFolder(String name) {
        return openFolders.computeIfAbsent(name, n -> local.folder(n, separators.getOrDefault(n, '/')));
    }

    /** Closes a connection; its own failure (LOGOUT on a broken connection) is logged, never thrown over another. */
    static void close(IMAPStore store) {
        if (store != null) {
            Closing.quietly(store::close, LOG, "the IMAP connection");
        }
    }

    /** The server's words when a command was refused (tagged NO or BAD), or null for any other failure. */
    static String refusal(MessagingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CommandFailedException || t instanceof BadCommandException) {
                String m = t.getMessage();
                return m == null ? "no reason given" : printable(m.length() > 200 ? m.substring(0, 200) + "…" : m);
            }
            if (t instanceof ConnectionException) {
                return null;
            }
        }
        return null;
    }

    /** A server-supplied name for a log line: quoted, control characters escaped. */
    static String quoted(String name) {
        return "'" + printable(name) + "'";
    }

    /** Server-supplied text with control characters escaped, for notes and logs. */
    static String printable(String text) {
        return MaildirNames.printable(text); // C0, DEL and C1 (U+009B is a CSI on some terminals)
    }
}
