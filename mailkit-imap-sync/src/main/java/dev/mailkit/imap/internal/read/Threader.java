package dev.mailkit.imap.internal.read;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JWZ threading (https://www.jwz.org/doc/threading.html) of a folder's messages, from what the index keeps of
 * each: Message-ID, References, In-Reply-To, subject, date. Messages are linked to the messages their headers
 * name (a parent the folder lacks stays as an empty node while it has two replies or more); then a reply that
 * lost those headers (its subject starts with {@code Re:} and it names no message) joins the conversation of the
 * same subject. Messages that merely share a subject are not joined: two unrelated "Weekly report" mails stay apart.
 */
final class Threader {

    /** The deepest a reply is placed in a conversation; a deeper one starts a conversation of its own. */
    static final int MAX_DEPTH = 256;

    /** What threading needs of one message. */
    record Item(long uid, String messageId, List<String> references, String subjectKey, boolean reply, long date) {
    }

    /** A node of the tree: a message, or an empty node standing for a message the folder lacks. */
    static final class Node {
        Item item;
        Node parent;
        final List<Node> children = new ArrayList<>();
        long earliest = Long.MAX_VALUE;
        long latest = Long.MIN_VALUE;
        int size;
        boolean pruned;

        /**
         * Whether this node is above {@code other}, or {@code other} is deeper than {@link #MAX_DEPTH} (then it is
         * not linked deeper still, so a hostile chain of replies costs a bounded walk per message).
         */
        boolean isAncestorOf(Node other) {
            int depth = 0;
            for (Node n = other; n != null; n = n.parent) {
                if (n == this || ++depth > MAX_DEPTH) {
                    return true;
                }
            }
            return false;
        }

        void add(Node child) {
            if (child.parent != null) {
                child.parent.children.remove(child);
            }
            child.parent = this;
            children.add(child);
        }
    }

    private Threader() {
    }

    /**
     * Threads messages.
     *
     * @param items the folder's messages
     * @return the roots, the conversation with the newest message first; children oldest first
     */
    static List<Node> thread(List<Item> items) {
        Map<String, Node> byId = new HashMap<>();
        List<Node> all = new ArrayList<>(items.size());
        for (Item it : items) {
            Node node = null;
            if (!it.messageId().isEmpty()) {
                node = byId.get(it.messageId());
                if (node != null && node.item != null) {
                    node = null; // a second message with the same Message-ID: a node of its own
                }
            }
            if (node == null) {
                node = new Node();
                if (!it.messageId().isEmpty() && !byId.containsKey(it.messageId())) {
                    byId.put(it.messageId(), node);
                }
            }
            node.item = it;
            all.add(node);
            Node previous = null;
            for (String ref : it.references()) {
                Node r = byId.computeIfAbsent(ref, k -> new Node());
                if (previous != null && r.parent == null && r != previous && !r.isAncestorOf(previous)) {
                    previous.add(r);
                }
                previous = r;
            }
            // the message's parent is the last reference: References are trusted over an earlier guess
            if (previous != null && previous != node && !node.isAncestorOf(previous)) {
                previous.add(node);
            } else if (previous == null && node.parent != null) {
                node.parent.children.remove(node);
                node.parent = null;
            }
        }
        Set<Node> seen = new HashSet<>();
        List<Node> roots = new ArrayList<>();
        for (Node n : byId.values()) {
            Node root = n;
            while (root.parent != null) {
                root = root.parent;
            }
            if (seen.add(root)) {
                roots.add(root);
            }
        }
        for (Node n : all) {
            if (n.parent == null && seen.add(n)) {
                roots.add(n);
            }
        }
        List<Node> pruned = new ArrayList<>();
        for (Node r : roots) {
            prune(r, pruned);
        }
        for (Node r : pruned) {
            measure(r);
        }
        List<Node> grouped = groupReplies(pruned);
        for (Node r : grouped) {
            measure(r);
        }
        grouped.sort(Comparator.comparingLong((Node n) -> n.latest).reversed()
                .thenComparingLong(n -> first(n) == null ? 0L : -first(n).uid()));
        return grouped;
    }

    /** The nodes of a tree, parents before children (no recursion: a chain of replies may be very deep). */
    static List<Node> preOrder(Node root) {
        List<Node> out = new ArrayList<>();
        java.util.ArrayDeque<Node> stack = new java.util.ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            out.add(n);
            for (int i = n.children.size() - 1; i >= 0; i--) {
                stack.push(n.children.get(i));
            }
        }
        return out;
    }

    /**
     * Removes empty nodes without children, and promotes the children of an empty node into its place, unless
     * it is a root with several children (the common parent of replies whose original is missing). Adds what
     * remains of the tree to {@code roots}.
     */
    private static void prune(Node root, List<Node> roots) {
        List<Node> order = preOrder(root);
        for (int i = order.size() - 1; i >= 0; i--) {
            Node node = order.get(i);
            if (node.item != null) {
                continue;
            }
            Node parent = node.parent;
            if (node.children.isEmpty()) {
                if (parent != null) {
                    parent.children.remove(node);
                }
                node.pruned = true;
            } else if (parent != null) {
                int at = parent.children.indexOf(node);
                parent.children.remove(at);
                for (Node k : node.children) {
                    k.parent = parent;
                }
                parent.children.addAll(at, node.children);
                node.children.clear();
                node.pruned = true;
            } else if (node.children.size() == 1) {
                Node only = node.children.get(0);
                only.parent = null;
                node.children.clear();
                node.pruned = true;
                roots.add(only);
            }
        }
        if (!root.pruned) {
            roots.add(root);
        }
    }

    /** Sorts every node's children oldest first and sets each node's earliest and latest date and size. */
    private static void measure(Node root) {
        List<Node> order = preOrder(root);
        for (int i = order.size() - 1; i >= 0; i--) {
            Node n = order.get(i);
            long earliest = n.item == null ? Long.MAX_VALUE : n.item.date();
            long latest = n.item == null ? Long.MIN_VALUE : n.item.date();
            int size = n.item == null ? 0 : 1;
            for (Node c : n.children) {
                earliest = Math.min(earliest, c.earliest);
                latest = Math.max(latest, c.latest);
                size += c.size;
            }
            n.earliest = earliest;
            n.latest = latest;
            n.size = size;
            n.children.sort(Comparator.comparingLong((Node c) -> c.earliest)
                    .thenComparingLong(c -> c.item == null ? 0 : c.item.uid()));
        }
    }

    /** Joins each root that is a reply without References or In-Reply-To to the conversation of its subject. */
    private static List<Node> groupReplies(List<Node> roots) {
        Map<String, Node> bySubject = new LinkedHashMap<>();
        List<Node> sorted = new ArrayList<>(roots);
        sorted.sort(Comparator.comparingLong(n -> n.earliest));
        for (Node r : sorted) {
            Item it = first(r);
            if (it != null && !it.subjectKey().isEmpty() && !headerlessReply(r)) {
                bySubject.putIfAbsent(it.subjectKey(), r);
            }
        }
        List<Node> out = new ArrayList<>();
        for (Node r : sorted) {
            if (headerlessReply(r) && !r.item.subjectKey().isEmpty()) {
                Node home = bySubject.get(r.item.subjectKey());
                if (home == null) {
                    bySubject.put(r.item.subjectKey(), r); // the earliest reply of a lost original holds the others
                } else if (home != r) {
                    home.add(r);
                    continue;
                }
            }
            out.add(r);
        }
        return out;
    }

    /** A message that says it is a reply but names no message it replies to. */
    private static boolean headerlessReply(Node n) {
        return n.item != null && n.item.reply() && n.item.references().isEmpty();
    }

    /** The first message of a tree (the root's, or an empty root's first child's). */
    static Item first(Node n) {
        if (n.item != null) {
            return n.item;
        }
        for (Node c : n.children) {
            Item it = first(c);
            if (it != null) {
                return it;
            }
        }
        return null;
    }

}
