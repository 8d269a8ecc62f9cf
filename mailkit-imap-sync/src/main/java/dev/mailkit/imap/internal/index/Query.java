package dev.mailkit.imap.internal.index;

import java.util.List;

/**
 * A parsed search query: terms combined with AND, each possibly negated.
 *
 * @param text  the query as given
 * @param terms its terms, in order
 */
public record Query(String text, List<Term> terms) {

    /** One term. */
    public sealed interface Term permits Words, Flag, HasAttachment, Folder, Date {
        /** @return whether the term is negated ({@code -term}) */
        boolean negated();
    }

    /** Where a word or phrase is looked for. */
    public enum Field {
        /** Any of the columns. */
        ANY(null),
        /** The subject. */
        SUBJECT("subject"),
        /** From: names and addresses. */
        FROM("sender"),
        /** To and Cc: names and addresses. */
        TO("recipients"),
        /** The text. */
        BODY("body"),
        /** Attachment names. */
        FILENAME("attachments");

        private final String column;

        Field(String column) {
            this.column = column;
        }

        /** @return the column of the {@code search} table, or null for all of them */
        public String column() {
            return column;
        }
    }

    /**
     * A word or a phrase.
     *
     * @param field   where it is looked for
     * @param text    the word or phrase as given (without quotes or a trailing {@code *})
     * @param prefix  whether it ends in {@code *}: any word starting so
     * @param negated whether it is negated
     */
    public record Words(Field field, String text, boolean prefix, boolean negated) implements Term {
    }

    /** A flag {@code is:} asks about. */
    public enum FlagName {
        /** \Seen. */
        SEEN,
        /** \Flagged. */
        FLAGGED,
        /** \Answered. */
        ANSWERED,
        /** \Draft. */
        DRAFT
    }

    /**
     * {@code is:}: a flag set or not set.
     *
     * @param flag    the flag
     * @param set     whether it must be set ({@code is:unread} is \Seen not set)
     * @param negated whether the term is negated
     */
    public record Flag(FlagName flag, boolean set, boolean negated) implements Term {
    }

    /**
     * {@code has:attachment}.
     *
     * @param negated whether the term is negated
     */
    public record HasAttachment(boolean negated) implements Term {
    }

    /**
     * {@code folder:NAME}.
     *
     * @param name    the server folder name
     * @param negated whether the term is negated
     */
    public record Folder(String name, boolean negated) implements Term {
    }

    /**
     * {@code after:DAY} (on or after the start of the day) or {@code before:DAY} (before its start).
     *
     * @param after   true for after:, false for before:
     * @param epochMillis the start of the day in the mailbox's time zone
     * @param negated whether the term is negated
     */
    public record Date(boolean after, long epochMillis, boolean negated) implements Term {
    }
}
