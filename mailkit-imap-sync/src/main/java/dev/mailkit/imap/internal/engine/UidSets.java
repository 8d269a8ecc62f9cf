package dev.mailkit.imap.internal.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * IMAP sequence-set text for UIDs: {@code 1:5,9,12:14}. A set a server sends is kept as ranges, never
 * expanded: {@code 1:4294967295} is one range of 16 bytes, not four billion numbers.
 */
final class UidSets {

    /** The largest UID (RFC 3501: a 32-bit unsigned number). */
    static final long MAX_UID = 0xFFFFFFFFL;
    /** Ranges a server's set may have, at most (each costs 16 bytes; a set this long is a hostile one). */
    static final int MAX_RANGES = 1 << 20;

    private UidSets() {
    }

    static String format(Collection<Long> uids) {
        StringBuilder b = new StringBuilder();
        Iterator<Long> it = new TreeSet<>(uids).iterator();
        long start = -1;
        long prev = -1;
        while (it.hasNext()) {
            long u = it.next();
            if (start < 0) {
                start = prev = u;
            } else if (u == prev + 1) {
                prev = u;
            } else {
                append(b, start, prev);
                start = prev = u;
            }
        }
        if (start >= 0) {
            append(b, start, prev);
        }
        return b.toString();
    }

    private static void append(StringBuilder b, long from, long to) {
        if (b.length() > 0) {
            b.append(',');
        }
        b.append(from);
        if (to != from) {
            b.append(':').append(to);
        }
    }

    /** A set of UIDs as ranges, in the order the server gave them. */
    static final class Ranges {
        private final long[] from;
        private final long[] to;

        private Ranges(long[] from, long[] to) {
            this.from = from;
            this.to = to;
        }

        /** Whether the set holds this UID. */
        boolean contains(long uid) {
            for (int i = 0; i < from.length; i++) {
                if (uid >= from[i] && uid <= to[i]) {
                    return true;
                }
            }
            return false;
        }

        /** How many UIDs the set names (up to 2^32 per range). */
        long count() {
            long n = 0;
            for (int i = 0; i < from.length; i++) {
                n += to[i] - from[i] + 1;
            }
            return n;
        }

        /**
         * The UIDs in order, as the server listed them (COPYUID pairs source and target sets by position).
         *
         * @throws IllegalArgumentException when the set names more than {@code limit} UIDs
         */
        List<Long> expand(long limit) {
            if (count() > limit) {
                throw new IllegalArgumentException("a set of " + count() + " UIDs where at most " + limit + " were possible");
            }
            List<Long> out = new ArrayList<>((int) count());
            for (int i = 0; i < from.length; i++) {
                for (long u = from[i]; u <= to[i]; u++) {
                    out.add(u);
                }
            }
            return out;
        }
    }

    /**
     * Parses a UID set a server sent ({@code *} is not allowed in a response).
     *
     * @throws IllegalArgumentException for anything but numbers from 1 to 4294967295, {@code :} and {@code ,}
     */
    static Ranges parse(String set) {
        String s = set.trim();
        if (s.isEmpty()) {
            return new Ranges(new long[0], new long[0]);
        }
        List<long[]> ranges = new ArrayList<>();
        for (String part : s.split(",", -1)) {
            if (ranges.size() >= MAX_RANGES) {
                throw new IllegalArgumentException("a UID set of more than " + MAX_RANGES + " ranges");
            }
            int colon = part.indexOf(':');
            long a = number(colon < 0 ? part : part.substring(0, colon));
            long b = colon < 0 ? a : number(part.substring(colon + 1));
            ranges.add(new long[] {Math.min(a, b), Math.max(a, b)});
        }
        long[] from = new long[ranges.size()];
        long[] to = new long[ranges.size()];
        for (int i = 0; i < from.length; i++) {
            from[i] = ranges.get(i)[0];
            to[i] = ranges.get(i)[1];
        }
        return new Ranges(from, to);
    }

    private static long number(String text) {
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not a UID: '" + (text.length() > 20 ? text.substring(0, 20) + "…" : text) + "'");
        }
        long n = Long.parseLong(text);
        if (n < 1 || n > MAX_UID) {
            throw new IllegalArgumentException("not a UID: " + n);
        }
        return n;
    }
}
