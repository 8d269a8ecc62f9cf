package dev.mailkit.imap.internal.mime;

import java.util.Locale;
import java.util.Map;

/**
 * The text of an HTML body, for the index and previews: tags removed (block elements end a line),
 * {@code <script>}, {@code <style>}, {@code <head>} and comments dropped, character references decoded.
 * Not a renderer and not a sanitiser: what it returns is plain text, never shown as HTML.
 */
public final class HtmlText {

    private static final Map<String, String> ENTITIES = Map.ofEntries(Map.entry("amp", "&"), Map.entry("lt", "<"),
            Map.entry("gt", ">"), Map.entry("quot", "\""), Map.entry("apos", "'"), Map.entry("nbsp", " "),
            Map.entry("copy", "©"), Map.entry("reg", "®"), Map.entry("hellip", "…"), Map.entry("mdash", "—"),
            Map.entry("ndash", "–"), Map.entry("laquo", "«"), Map.entry("raquo", "»"), Map.entry("euro", "€"),
            Map.entry("rsquo", "’"), Map.entry("lsquo", "‘"), Map.entry("rdquo", "”"), Map.entry("ldquo", "“"),
            Map.entry("bull", "•"), Map.entry("middot", "·"), Map.entry("zwnj", ""), Map.entry("zwj", ""));

    private HtmlText() {
    }

    /**
     * The text of an HTML document or fragment.
     *
     * @param html the HTML
     * @param max  at most this many characters are returned
     * @return the text
     */
    public static String of(String html, int max) {
        StringBuilder out = new StringBuilder(Math.min(html.length(), max));
        int i = 0;
        int n = html.length();
        while (i < n && out.length() < max) {
            char c = html.charAt(i);
            if (c == '<') {
                if (html.startsWith("<!--", i)) {
                    int end = html.indexOf("-->", i + 4);
                    i = end < 0 ? n : end + 3;
                    continue;
                }
                int end = html.indexOf('>', i + 1);
                if (end < 0) {
                    break;
                }
                String tag = tagName(html, i + 1, end);
                if (tag.equals("script") || tag.equals("style") || tag.equals("head") || tag.equals("title")) {
                    int close = indexOfIgnoreCase(html, "</" + tag, end + 1);
                    int closeEnd = close < 0 ? -1 : html.indexOf('>', close);
                    i = closeEnd < 0 ? n : closeEnd + 1;
                    continue;
                }
                if (isBlock(tag)) {
                    out.append('\n');
                } else {
                    out.append(' ');
                }
                i = end + 1;
            } else if (c == '&') {
                int semi = html.indexOf(';', i + 1);
                if (semi > i + 1 && semi - i <= 10) {
                    String ref = html.substring(i + 1, semi);
                    String decoded = reference(ref);
                    if (decoded != null) {
                        out.append(decoded);
                        i = semi + 1;
                        continue;
                    }
                }
                out.append(c);
                i++;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.length() > max ? out.substring(0, max) : out.toString();
    }

    private static String tagName(String html, int from, int end) {
        int i = from;
        if (i < end && html.charAt(i) == '/') {
            i++;
        }
        int start = i;
        while (i < end && Character.isLetterOrDigit(html.charAt(i))) {
            i++;
        }
        return html.substring(start, i).toLowerCase(Locale.ROOT);
    }

    private static boolean isBlock(String tag) {
        return switch (tag) {
            case "br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre",
                    "ul", "ol", "hr", "section", "article", "header", "footer" -> true;
            default -> false;
        };
    }

    private static int indexOfIgnoreCase(String s, String what, int from) {
        int max = s.length() - what.length();
        for (int i = from; i <= max; i++) {
            if (s.regionMatches(true, i, what, 0, what.length())) {
                return i;
            }
        }
        return -1;
    }

    private static String reference(String ref) {
        if (ref.startsWith("#")) {
            try {
                int cp = ref.length() > 1 && (ref.charAt(1) == 'x' || ref.charAt(1) == 'X')
                        ? Integer.parseInt(ref.substring(2), 16) : Integer.parseInt(ref.substring(1));
                return Character.isValidCodePoint(cp) && cp >= 0x20 ? new String(Character.toChars(cp)) : " ";
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return ENTITIES.get(ref.toLowerCase(Locale.ROOT));
    }
}
