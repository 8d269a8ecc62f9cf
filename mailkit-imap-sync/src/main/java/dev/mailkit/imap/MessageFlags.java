package dev.mailkit.imap;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The flags of one message: the five system flags mirrored in Maildir file names, and other keywords
 * (kept in the sync state).
 *
 * @param seen     {@code \Seen} (Maildir S)
 * @param answered {@code \Answered} (Maildir R)
 * @param flagged  {@code \Flagged} (Maildir F)
 * @param draft    {@code \Draft} (Maildir D)
 * @param deleted  {@code \Deleted} (Maildir T)
 * @param keywords other keywords, such as {@code $Forwarded} or {@code $Junk}, sorted
 */
public record MessageFlags(boolean seen, boolean answered, boolean flagged, boolean draft, boolean deleted,
                           Set<String> keywords) {

    /** No flag set. */
    public static final MessageFlags NONE = new MessageFlags(false, false, false, false, false, Set.of());

    /**
     * Copies the keywords into a sorted, unmodifiable set.
     *
     * @param seen     {@code \Seen} (Maildir S)
     * @param answered {@code \Answered} (Maildir R)
     * @param flagged  {@code \Flagged} (Maildir F)
     * @param draft    {@code \Draft} (Maildir D)
     * @param deleted  {@code \Deleted} (Maildir T)
     * @param keywords other keywords, such as {@code $Forwarded} or {@code $Junk}, sorted
     * @throws NullPointerException if keywords is null
     */
    public MessageFlags {
        keywords = java.util.Collections.unmodifiableSet(new TreeSet<>(Objects.requireNonNull(keywords, "keywords")));
    }

    /**
     * A copy with {@code \Seen} set or cleared.
     *
     * @param value true to set {@code \Seen}, false to clear it
     * @return the copy
     */
    public MessageFlags withSeen(boolean value) {
        return new MessageFlags(value, answered, flagged, draft, deleted, keywords);
    }

    /**
     * A copy with {@code \Flagged} set or cleared.
     *
     * @param value true to set {@code \Flagged}, false to clear it
     * @return the copy
     */
    public MessageFlags withFlagged(boolean value) {
        return new MessageFlags(seen, answered, value, draft, deleted, keywords);
    }

    /**
     * A copy with other keywords.
     *
     * @param newKeywords the copy's keywords
     * @return the copy
     */
    public MessageFlags withKeywords(Set<String> newKeywords) {
        return new MessageFlags(seen, answered, flagged, draft, deleted, newKeywords);
    }

    /**
     * The flags as IMAP names ({@code \Seen}, {@code $Forwarded}, ...).
     *
     * @return the IMAP flag names
     */
    public Set<String> imapNames() {
        Set<String> out = new TreeSet<>(keywords);
        if (seen) {
            out.add("\\Seen");
        }
        if (answered) {
            out.add("\\Answered");
        }
        if (flagged) {
            out.add("\\Flagged");
        }
        if (draft) {
            out.add("\\Draft");
        }
        if (deleted) {
            out.add("\\Deleted");
        }
        return java.util.Collections.unmodifiableSet(out);
    }

    /**
     * Merges flag by flag against the last synced state: a flag changed on one side takes that side's
     * value; a flag changed on both sides has the same value on both. Never conflicts.
     *
     * @param base   the flags at the last sync
     * @param local  the flags wanted locally
     * @param server the flags on the server now
     * @return the merged flags
     */
    public static MessageFlags merge(MessageFlags base, MessageFlags local, MessageFlags server) {
        Set<String> names = new TreeSet<>(base.imapNames());
        names.addAll(local.imapNames());
        names.addAll(server.imapNames());
        Set<String> out = new TreeSet<>();
        for (String n : names) {
            boolean inLocal = local.imapNames().contains(n);
            boolean wanted = inLocal != base.imapNames().contains(n) ? inLocal : server.imapNames().contains(n);
            if (wanted) {
                out.add(n);
            }
        }
        return fromImapNames(out);
    }

    /**
     * Reads IMAP flag names.
     *
     * @param names system flags ({@code \Seen} ...) and keywords
     * @return the flags
     */
    public static MessageFlags fromImapNames(Set<String> names) {
        Set<String> keywords = new TreeSet<>();
        boolean s = false;
        boolean a = false;
        boolean f = false;
        boolean d = false;
        boolean t = false;
        for (String n : names) {
            switch (n.toLowerCase(java.util.Locale.ROOT)) {
                case "\\seen" -> s = true;
                case "\\answered" -> a = true;
                case "\\flagged" -> f = true;
                case "\\draft" -> d = true;
                case "\\deleted" -> t = true;
                case "\\recent" -> { }
                default -> keywords.add(n);
            }
        }
        return new MessageFlags(s, a, f, d, t, keywords);
    }

    /**
     * The Maildir info letters for the system flags, in ASCII order (for example {@code "FS"}).
     *
     * @return the Maildir info letters, possibly empty
     */
    public String maildirLetters() {
        StringBuilder b = new StringBuilder(5);
        if (draft) {
            b.append('D');
        }
        if (flagged) {
            b.append('F');
        }
        if (answered) {
            b.append('R');
        }
        if (seen) {
            b.append('S');
        }
        if (deleted) {
            b.append('T');
        }
        return b.toString();
    }

    /**
     * Reads Maildir info letters; unknown letters are ignored; keywords come from elsewhere.
     *
     * @param letters for example {@code "FS"}
     * @param keywords the keywords to keep
     * @return the flags
     */
    public static MessageFlags fromMaildir(String letters, Set<String> keywords) {
        return new MessageFlags(letters.indexOf('S') >= 0, letters.indexOf('R') >= 0, letters.indexOf('F') >= 0,
                letters.indexOf('D') >= 0, letters.indexOf('T') >= 0, keywords);
    }

    /**
     * A stable text form, for example {@code "\Seen \Flagged $Forwarded"}.
     *
     * @return the flags as one space-separated string
     */
    public String toImapString() {
        StringBuilder b = new StringBuilder();
        if (seen) {
            b.append("\\Seen ");
        }
        if (answered) {
            b.append("\\Answered ");
        }
        if (flagged) {
            b.append("\\Flagged ");
        }
        if (draft) {
            b.append("\\Draft ");
        }
        if (deleted) {
            b.append("\\Deleted ");
        }
        keywords.forEach(k -> b.append(k).append(' '));
        return b.toString().strip();
    }

    /**
     * Parses {@link #toImapString()} output or an IMAP flag list; {@code \Recent} is ignored.
     *
     * @param text space-separated flags
     * @return the flags
     */
    public static MessageFlags parse(String text) {
        boolean seen = false;
        boolean answered = false;
        boolean flagged = false;
        boolean draft = false;
        boolean deleted = false;
        Set<String> keywords = new TreeSet<>();
        for (String f : text.strip().split("\\s+")) {
            switch (f.toLowerCase(java.util.Locale.ROOT)) {
                case "" , "\\recent" -> { }
                case "\\seen" -> seen = true;
                case "\\answered" -> answered = true;
                case "\\flagged" -> flagged = true;
                case "\\draft" -> draft = true;
                case "\\deleted" -> deleted = true;
                default -> keywords.add(f);
            }
        }
        return new MessageFlags(seen, answered, flagged, draft, deleted, keywords);
    }
}
