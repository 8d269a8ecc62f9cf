package dev.mailkit.imap.internal.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/** IMAP sequence-set text for UIDs: {@code 1:5,9,12:14}. */
final class UidSets {

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

    static List<Long> parse(String set) {
        List<Long> out = new ArrayList<>();
        for (String part : set.trim().split(",")) {
            if (part.isEmpty()) {
                continue;
            }
            int colon = part.indexOf(':');
            if (colon < 0) {
                out.add(Long.parseLong(part.trim()));
            } else {
                long a = Long.parseLong(part.substring(0, colon).trim());
                long b = Long.parseLong(part.substring(colon + 1).trim());
                for (long u = Math.min(a, b); u <= Math.max(a, b); u++) {
                    out.add(u);
                }
            }
        }
        return out;
    }
}
