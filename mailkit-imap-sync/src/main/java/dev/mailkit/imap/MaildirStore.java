package dev.mailkit.imap;

import dev.mailkit.imap.internal.maildir.Maildir;
import dev.mailkit.imap.spi.MessageStore;

import java.nio.file.Path;

/**
 * The default local store: a Maildir++ tree readable by mutt, neomutt, notmuch and Dovecot. The inbox
 * is the root ({@code cur/ new/ tmp/}); every other folder is a dot-directory, {@code .Archive.2024},
 * with the server's hierarchy separator turned into '.' and names in IMAP modified UTF-7 (so a '.'
 * inside a name is {@code &AC4-}). Files are written to {@code tmp/} then renamed; their names carry
 * the server UID ({@code ,U=123}) and the Maildir flags ({@code :2,FS}).
 */
public final class MaildirStore {

    private MaildirStore() {
    }

    /**
     * A Maildir store rooted at a directory (created when missing).
     *
     * @param root the directory
     * @return the store
     * @throws SyncStateException if the path exists and is not a writable directory
     */
    public static MessageStore at(Path root) {
        return new Maildir(root);
    }
}
