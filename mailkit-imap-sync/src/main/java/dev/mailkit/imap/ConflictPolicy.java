package dev.mailkit.imap;

/**
 * Who wins when the same message changed on both sides since the last sync in ways that cannot both
 * hold. Flags never need it: they merge flag by flag against the last synced state (a flag changed on
 * one side takes that side's value; changed on both sides it has the same value on both), so a message
 * marked read on one device and flagged on another ends read and flagged. The policy decides:
 *
 * <ul>
 *   <li>deleted locally, flags changed on the server: {@link #SERVER_WINS} downloads it again with the
 *       server's flags; {@link #LOCAL_WINS} deletes it on the server;</li>
 * </ul>
 *
 * The other cases have one outcome whatever the policy, chosen so that no content is lost without a
 * user's delete: see the conflict table in the README.
 */
public enum ConflictPolicy {
    /** The server's version wins (the default: nothing is ever deleted on the server because of a conflict). */
    SERVER_WINS,
    /** The local version wins. */
    LOCAL_WINS
}
