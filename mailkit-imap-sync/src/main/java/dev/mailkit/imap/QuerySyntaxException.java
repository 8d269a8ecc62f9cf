package dev.mailkit.imap;

import dev.mailkit.core.MailkitException;

/**
 * A search query {@link LocalMailbox#search} cannot read: an unknown field, an unclosed quote, a date that is
 * not one, a query too long. The message names the problem and where it is; {@link #problem()} and
 * {@link #position()} give them apart.
 */
public class QuerySyntaxException extends MailkitException {

    private static final long serialVersionUID = 1L;

    /** The query as given. */
    private final String query;
    /** The character offset of the problem. */
    private final int position;
    /** What is wrong. */
    private final String problem;

    /**
     * Creates an exception.
     *
     * @param query    the query as given
     * @param position the character offset the problem is at (0-based)
     * @param problem  what is wrong, and the fix where one is known
     */
    public QuerySyntaxException(String query, int position, String problem) {
        super("search query: " + problem + (query.isEmpty() ? "" : " (at character " + (position + 1) + ")"), null);
        this.query = query;
        this.position = position;
        this.problem = problem;
    }

    /**
     * The query as given.
     *
     * @return the query
     */
    public String query() {
        return query;
    }

    /**
     * Where the problem is.
     *
     * @return the character offset, from 0
     */
    public int position() {
        return position;
    }

    /**
     * What is wrong, without the position.
     *
     * @return the problem
     */
    public String problem() {
        return problem;
    }
}
