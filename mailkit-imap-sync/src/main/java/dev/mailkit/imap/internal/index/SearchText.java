package dev.mailkit.imap.internal.index;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Text as the full-text index takes it. SQLite's {@code unicode61} tokenizer splits words at spaces and
 * punctuation, which Chinese and Japanese do not use, so a run of such characters would be one long token no
 * query finds. Before the tokenizer sees it, such a run is written as its overlapping character pairs and, last,
 * its final character alone ({@code 会议室} → {@code 会议 议室 室}): a query of two or more characters is then the
 * phrase of its pairs, one of a single character the prefix query of that character (every character of a run
 * starts one of its tokens). Symbols (emoji) are tokens of their own, variation selectors dropped.
 *
 * <p>{@link #tokens} is a Java model of what the tokenizer then makes of the text (the tests' reference).
 */
public final class SearchText {

    /** The tokenizer of the {@code search} table; its categories must match {@link #isTokenChar}. */
    public static final String TOKENIZER = "unicode61 remove_diacritics 2 categories 'L* N* Co M* So'";

    private SearchText() {
    }

    /**
     * Whether a character is written as pairs: Han, Hiragana, Katakana, Hangul, Bopomofo, and the letters of the
     * CJK symbols and kana blocks (the prolonged sound mark ー, the iteration mark 々).
     *
     * @param cp a code point
     * @return true for such a character
     */
    public static boolean isCjk(int cp) {
        if (cp < 0x1100) {
            return false;
        }
        Character.UnicodeScript s = Character.UnicodeScript.of(cp);
        return s == Character.UnicodeScript.HAN || s == Character.UnicodeScript.HIRAGANA
                || s == Character.UnicodeScript.KATAKANA || s == Character.UnicodeScript.HANGUL
                || s == Character.UnicodeScript.BOPOMOFO || cp >= 0x3000 && cp <= 0x30FF && Character.isLetter(cp);
    }

    /**
     * Whether the tokenizer keeps a character inside tokens (the categories of {@link #TOKENIZER}).
     *
     * @param cp a code point
     * @return true for letters, digits and other numbers, marks, private use and other symbols
     */
    public static boolean isTokenChar(int cp) {
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.DECIMAL_DIGIT_NUMBER,
                    Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.PRIVATE_USE, Character.NON_SPACING_MARK,
                    Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK, Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    private static boolean isSymbol(int cp) {
        return Character.getType(cp) == Character.OTHER_SYMBOL;
    }

    private static boolean isVariationSelector(int cp) {
        return cp >= 0xFE00 && cp <= 0xFE0F || cp >= 0xE0100 && cp <= 0xE01EF;
    }

    /**
     * A document's text for the index.
     *
     * @param text the text
     * @return the text with CJK runs as pairs and a final single character, symbols spaced apart
     */
    public static String forIndex(String text) {
        return prepare(text, true);
    }

    /**
     * A query's text: as {@link #forIndex}, but without the final single characters (a query run of two or more
     * characters is the phrase of its pairs; a single character stays itself and is searched as a prefix).
     *
     * @param text one word or phrase of a query
     * @return the text to give the tokenizer
     */
    public static String forQuery(String text) {
        return prepare(text, false);
    }

    private static String prepare(String text, boolean document) {
        boolean ascii = true;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return text; // no CJK, no symbol the tokenizer keeps (ASCII has none), no variation selector
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        int[] run = new int[64];
        int runLength = 0;
        for (int i = 0; i <= text.length(); ) {
            int cp = i < text.length() ? text.codePointAt(i) : -1;
            int next = i < text.length() ? i + Character.charCount(cp) : i + 1;
            if (cp >= 0 && isVariationSelector(cp)) {
                i = next;
                continue;
            }
            if (cp >= 0 && isCjk(cp)) {
                if (runLength == run.length) {
                    run = java.util.Arrays.copyOf(run, run.length * 2);
                }
                run[runLength++] = cp;
                i = next;
                continue;
            }
            if (runLength > 0) {
                appendRun(out, run, runLength, document);
                runLength = 0;
            }
            if (cp >= 0) {
                if (isSymbol(cp)) {
                    out.append(' ').appendCodePoint(cp).append(' ');
                } else {
                    out.appendCodePoint(cp);
                }
            }
            i = next;
        }
        return out.toString();
    }

    private static void appendRun(StringBuilder out, int[] run, int n, boolean document) {
        out.append(' ');
        if (n == 1) {
            out.appendCodePoint(run[0]);
        } else {
            for (int k = 0; k + 1 < n; k++) {
                out.appendCodePoint(run[k]).appendCodePoint(run[k + 1]).append(' ');
            }
            if (document) {
                out.appendCodePoint(run[n - 1]);
            }
        }
        out.append(' ');
    }

    /**
     * A Java model of the tokens SQLite's tokenizer makes of prepared text: maximal runs of token characters,
     * lower case, accents removed.
     *
     * @param prepared text from {@link #forIndex} or {@link #forQuery}
     * @return the tokens in order
     */
    public static List<String> tokens(String prepared) {
        List<String> out = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        for (int i = 0; i <= prepared.length(); ) {
            int cp = i < prepared.length() ? prepared.codePointAt(i) : ' ';
            if (i < prepared.length() && isTokenChar(cp)) {
                token.appendCodePoint(cp);
            } else if (token.length() > 0) {
                String folded = fold(token.toString());
                if (!folded.isEmpty()) {
                    out.add(folded);
                }
                token.setLength(0);
            }
            i += i < prepared.length() ? Character.charCount(cp) : 1;
        }
        return out;
    }

    /** Lower case, decomposed, combining marks removed. */
    static String fold(String token) {
        String d = Normalizer.normalize(token.toLowerCase(java.util.Locale.ROOT), Normalizer.Form.NFD);
        StringBuilder b = new StringBuilder(d.length());
        d.codePoints().filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK).forEach(b::appendCodePoint);
        return b.toString();
    }
}
