package dev.mailkit.imap;

import dev.mailkit.core.MailkitException;

import java.util.Map;

/**
 * Refuses deletions that look like a lost mailbox rather than an edited one, on either side.
 *
 * <p>Local side ({@link #side()} {@link Side#LOCAL}): a local folder missing, emptied, or missing more
 * than the allowed share of its messages. Thrown before anything is changed on the server.
 *
 * <p>Server side ({@link Side#SERVER}): a server folder gone from the folder list, shown empty, or
 * missing more than the allowed share of the messages mirrored from it (a broken migration, a
 * misconfigured mailbox). Thrown after the rest of the account was synced ({@link #report()}); nothing of
 * those folders was deleted locally and their sync state was not advanced, so the next sync finds the
 * same deletions again.
 *
 * <p>If the deletions are wanted, sync once with {@link ImapSynchronizer.Builder#allowMassDeletion()}
 * (CLI: {@code mailkit sync --allow-mass-deletion}).
 */
public class MassDeletionException extends MailkitException {

    private static final long serialVersionUID = 1L;

    /** Which side the deletions came from. */
    public enum Side {
        /** Deletions found locally, which would have been pushed to the server. */
        LOCAL,
        /** Deletions seen on the server, which would have been applied to the local mirror. */
        SERVER
    }

    /** Folder name to the number of messages that would have been deleted. */
    private final transient Map<String, Integer> deletions;
    /** Which side the deletions came from. */
    private final Side side;
    private final transient SyncReport report;

    /**
     * Creates the exception.
     *
     * @param message   what was refused
     * @param deletions folder name to messages that would have been deleted
     */
    public MassDeletionException(String message, Map<String, Integer> deletions) {
        this(message, deletions, Side.LOCAL, null);
    }

    /**
     * Creates the exception.
     *
     * @param message   what was refused
     * @param deletions folder name to messages that would have been deleted
     * @param side      where the deletions came from
     * @param report    the report of the rest of the sync, or null when nothing was synced
     */
    public MassDeletionException(String message, Map<String, Integer> deletions, Side side, SyncReport report) {
        super(message, null);
        this.deletions = Map.copyOf(deletions);
        this.side = side;
        this.report = report;
    }

    /**
     * Folder name to the number of messages that would have been deleted (on the server for {@link Side#LOCAL}, locally for {@link Side#SERVER}).
     *
     * @return the number of deletions by folder name
     */
    public Map<String, Integer> deletions() {
        return deletions;
    }

    /**
     * Which side the deletions came from.
     *
     * @return the side the deletions came from
     */
    public Side side() {
        return side;
    }

    /**
     * The report of the sync that refused server-side deletions (everything else was synced); empty for local-side refusals.
     *
     * @return the report, or empty for a local-side refusal
     */
    public java.util.Optional<SyncReport> report() {
        return java.util.Optional.ofNullable(report);
    }
}
