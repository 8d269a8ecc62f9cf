package dev.mailkit.imap;

import dev.mailkit.core.MailkitException;

/** The sync state (SQLite) or the local store cannot be read or written; the mirror is left as it was. */
public class SyncStateException extends MailkitException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what failed, naming the file
     * @param cause   the underlying failure, or null
     */
    public SyncStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
