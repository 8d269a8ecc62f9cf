package dev.mailkit.core.internal.deliverability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A DKIM or DMARC tag-list ({@code v=DKIM1; k=rsa; p=…}, RFC 6376 §3.2, RFC 7489 §6.4): tag names and values
 * in order, spaces around them dropped, and what is wrong with it.
 */
final class TagList {

    private final Map<String, String> tags;
    private final List<String> errors;

    private TagList(Map<String, String> tags, List<String> errors) {
        this.tags = tags;
        this.errors = List.copyOf(errors);
    }

    /**
     * Parses a tag-list.
     *
     * @param text the record's text
     * @return the tags (names as written), with errors for empty parts, bad names and repeated tags
     */
    static TagList parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        String[] parts = text.split(";", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].strip();
            if (part.isEmpty()) {
                if (i < parts.length - 1) {
                    errors.add("an empty tag between two semicolons");
                }
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                errors.add("'" + part + "' is not tag=value");
                continue;
            }
            String name = part.substring(0, eq).strip();
            String value = part.substring(eq + 1).strip();
            if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) {
                errors.add("'" + name + "' is not a tag name");
                continue;
            }
            if (tags.containsKey(name)) {
                errors.add("the tag " + name + "= appears twice");
                continue;
            }
            tags.put(name, value);
        }
        return new TagList(tags, errors);
    }

    /** The value of a tag, or null. */
    String get(String name) {
        return tags.get(name);
    }

    /** The first tag's name, or null when there is none. */
    String first() {
        return tags.isEmpty() ? null : tags.keySet().iterator().next();
    }

    /** Every tag, in order. */
    Map<String, String> tags() {
        return tags;
    }

    /** What is wrong with the list itself. */
    List<String> errors() {
        return errors;
    }
}
