package dev.mailkit.cli;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON the commands print with {@code --json}: an object of names in the order they were put, whose
 * values are strings, numbers, booleans, null, collections and nested objects.
 */
final class Json {

    private final Map<String, Object> members = new LinkedHashMap<>();

    /** An object that starts with {@code status} and {@code exitCode}, as every command's document does. */
    static Json result(String status, int exitCode) {
        return new Json().put("status", status).put("exitCode", exitCode);
    }

    Json put(String name, Object value) {
        members.put(name, value);
        return this;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        write(b, this);
        return b.toString();
    }

    private static void write(StringBuilder b, Object value) {
        if (value == null) {
            b.append("null");
        } else if (value instanceof Json j) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : j.members.entrySet()) {
                b.append(first ? "" : ",").append(quote(e.getKey())).append(':');
                write(b, e.getValue());
                first = false;
            }
            b.append('}');
        } else if (value instanceof Collection<?> c) {
            b.append('[');
            boolean first = true;
            for (Object o : c) {
                b.append(first ? "" : ",");
                write(b, o);
                first = false;
            }
            b.append(']');
        } else if (value instanceof Number || value instanceof Boolean) {
            b.append(value);
        } else {
            b.append(quote(String.valueOf(value)));
        }
    }

    /** A JSON string (RFC 8259 escaping; C1 controls and bidirectional overrides escaped as well, for terminals). */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Printable.escaped(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
