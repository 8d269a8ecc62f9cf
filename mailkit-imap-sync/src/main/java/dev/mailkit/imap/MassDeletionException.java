package dev.mailkit.imap;

import dev.mailkit.core.MailkitException;

import java.util.Map;

/**
 * Refuses to push deletions when the local side looks lost rather than edited: a local folder missing,
 * emptied, or missing more than the allowed share of its messages. Nothing was changed on the server.
 * If the deletions are wanted, sync once with {@link ImapSynchronizer.Builder#allowMassDeletion()}.
 */
public class MassDeletionException extends MailkitException {

    private static final long serialVersionUID = 1L;

    /** Folder name to the number of messages that would have been deleted on the server. */
    private final transient Map<String, Integer> deletions;

    /**
     * Creates the exception.
     *
     * @param message   what was refused
     * @param deletions folder name to messages that would have been deleted
     */
    public MassDeletionException(String message, Map<String, Integer> deletions) {
        super(message, null);
        this.deletions = Map.copyOf(deletions);
    }

    /** Folder name to the number of messages that would have been deleted on the server. */
    public Map<String, Integer> deletions() {
        return deletions;
    }
}
