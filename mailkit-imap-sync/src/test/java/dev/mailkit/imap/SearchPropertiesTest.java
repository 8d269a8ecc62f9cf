package dev.mailkit.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.imap.internal.index.SearchText;
import dev.mailkit.imap.internal.read.DefaultLocalMailbox;
import dev.mailkit.imap.testing.LocalMirror;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The index's answer to random queries over random messages equals a brute-force scan of the same messages:
 * each message's fields tokenized by a Java model of the tokenizer, each term checked by a plain loop (a phrase
 * is its tokens in a row within one field; {@code to:} is To and Cc; a single Chinese or Japanese character is a
 * prefix). Vocabulary: ASCII words, accented words, Chinese and Japanese words, emoji, addresses.
 */
class SearchPropertiesTest {

    static final List<String> WORDS = List.of("alpha", "beta", "gamma", "report", "q3", "lunch", "résumé", "café",
            "Naïve", "会议", "会议室", "预订", "東京", "タワー", "報告", "🎉", "🍣", "x-ray", "2026");
    static final List<String> NAMES = List.of("Alice", "Bob Smith", "山田太郎", "王小明", "Zoë");
    static final List<String> ADDRESSES = List.of("alice@example.com", "bob@example.org", "yamada@example.jp",
            "wang@example.cn", "zoe@example.net");
    static final List<String> FILES = List.of("report.pdf", "議事録.pdf", "photo 2026.jpg", "café-menu.txt");
    static final LocalDate FIRST_DAY = LocalDate.of(2026, 1, 1);

    /** One generated message and what the scan compares. */
    record Msg(String folder, List<String> subject, int from, List<Integer> to, List<Integer> cc, List<String> body,
               List<String> files, int day, boolean seen, boolean flagged) {

        String raw(int n) {
            StringBuilder b = new StringBuilder();
            b.append("From: ").append(addr(from)).append("\r\n");
            b.append("To: ").append(to.stream().map(Msg::addr).collect(Collectors.joining(", "))).append("\r\n");
            if (!cc.isEmpty()) {
                b.append("Cc: ").append(cc.stream().map(Msg::addr).collect(Collectors.joining(", "))).append("\r\n");
            }
            b.append("Subject: =?UTF-8?B?").append(Base64.getEncoder().encodeToString(String.join(" ", subject)
                    .getBytes(StandardCharsets.UTF_8))).append("?=\r\n");
            b.append("Date: ").append(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    FIRST_DAY.plusDays(day).atTime(day % 2 == 0 ? 0 : 12, 0).atOffset(ZoneOffset.UTC))).append("\r\n");
            b.append("Message-ID: <p").append(n).append("@x>\r\nMIME-Version: 1.0\r\n");
            b.append("Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
            b.append(String.join(" ", body)).append("\r\n");
            for (String f : files) {
                b.append("--zz\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=utf-8''")
                        .append(java.net.URLEncoder.encode(f, StandardCharsets.UTF_8).replace("+", "%20")).append("\r\n\r\nx\r\n");
            }
            return b.append("--zz--\r\n").toString();
        }

        static String addr(int i) {
            return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(NAMES.get(i).getBytes(StandardCharsets.UTF_8)) + "?= <"
                    + ADDRESSES.get(i) + ">";
        }

        static String people(List<Integer> list) {
            return list.stream().map(i -> NAMES.get(i) + " " + ADDRESSES.get(i)).collect(Collectors.joining("\n"));
        }

        /** The text of a field, as the index columns hold it. */
        String field(String name) {
            return switch (name) {
                case "subject" -> String.join(" ", subject);
                case "from" -> people(List.of(from));
                case "to" -> people(to) + "\n" + people(cc);
                case "body" -> String.join(" ", body);
                case "filename" -> String.join("\n", files);
                default -> throw new IllegalArgumentException(name);
            };
        }
    }

    /** One generated term: its query text and the scan's test of a message. */
    record Term(String text, java.util.function.Predicate<Msg> matches) {
    }

    @Provide
    Arbitrary<Msg> messages() {
        Arbitrary<List<String>> words = Arbitraries.of(WORDS).list().ofMinSize(0).ofMaxSize(8);
        Arbitrary<Integer> person = Arbitraries.integers().between(0, NAMES.size() - 1);
        return Combinators.combine(Arbitraries.of("INBOX", "Archive"), Arbitraries.of(WORDS).list().ofMinSize(1).ofMaxSize(4),
                person, person.list().ofMinSize(1).ofMaxSize(2), person.list().ofMaxSize(2), words,
                Arbitraries.of(FILES).list().ofMaxSize(2), Arbitraries.integers().between(0, 60))
                .as((folder, subject, from, to, cc, body, files, day) -> new Msg(folder, subject, from, to, cc, body, files, day,
                        (day + from) % 2 == 0, day % 3 == 0));
    }

    @Provide
    Arbitrary<Term> terms() {
        Arbitrary<String> field = Arbitraries.of("", "subject:", "from:", "to:", "body:", "filename:");
        Arbitrary<String> word = Arbitraries.oneOf(Arbitraries.of(WORDS), Arbitraries.of(NAMES),
                Arbitraries.of(ADDRESSES), Arbitraries.of("会", "议", "室", "京", "タ", "ー", "rep", "caf", "东京", "議事録", "pdf",
                        "smith", "example", "photo 2026", "report lunch", "alpha beta"));
        Arbitrary<Term> text = Combinators.combine(field, word, Arbitraries.of(false, true)).as((f, w, prefix) -> {
            boolean star = prefix && w.matches("[a-z0-9]+");
            String value = w.contains(" ") ? "\"" + w + "\"" : w + (star ? "*" : "");
            String fieldName = f.isEmpty() ? null : f.substring(0, f.length() - 1);
            return new Term(f + value, m -> (fieldName == null ? Stream.of("subject", "from", "to", "body", "filename")
                    : Stream.of(fieldName)).anyMatch(n -> contains(m.field(n), w, star)));
        });
        Arbitrary<Term> flags = Arbitraries.of(new Term("is:unread", m -> !m.seen()), new Term("is:read", Msg::seen),
                new Term("is:flagged", Msg::flagged), new Term("has:attachment", m -> !m.files().isEmpty()),
                new Term("folder:INBOX", m -> m.folder().equals("INBOX")), new Term("folder:Archive", m -> m.folder().equals("Archive")));
        Arbitrary<Term> dates = Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, 62))
                .as((after, day) -> new Term((after ? "after:" : "before:") + FIRST_DAY.plusDays(day),
                        m -> after ? m.day() >= day : m.day() < day));
        Arbitrary<Term> any = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, text), net.jqwik.api.Tuple.of(2, flags),
                net.jqwik.api.Tuple.of(2, dates));
        return Combinators.combine(any, Arbitraries.of(false, false, true)).as((t, not) -> not
                ? new Term("-" + t.text(), t.matches().negate()) : t);
    }

    /** The brute-force test of one word or phrase against a field's text. */
    static boolean contains(String fieldText, String query, boolean prefix) {
        List<String> doc = SearchText.tokens(SearchText.forIndex(fieldText));
        List<String> q = SearchText.tokens(SearchText.forQuery(query));
        boolean oneCjk = q.size() == 1 && q.get(0).codePointCount(0, q.get(0).length()) == 1
                && SearchText.isCjk(q.get(0).codePointAt(0));
        boolean lastIsPrefix = prefix || oneCjk;
        for (int i = 0; i + q.size() <= doc.size(); i++) {
            boolean all = true;
            for (int k = 0; k < q.size() && all; k++) {
                String d = doc.get(i + k);
                all = k == q.size() - 1 && lastIsPrefix ? d.startsWith(q.get(k)) : d.equals(q.get(k));
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    @Property(tries = 60)
    void theIndexAnswers_asABruteForceScanDoes(@ForAll("mailboxes") List<Msg> messages,
                                                @ForAll("queries") List<List<Term>> queries)
            throws IOException {
        Path dir = Files.createTempDirectory("mailkit-search-property");
        try {
            List<String> ids = new ArrayList<>();
            try (LocalMirror mirror = LocalMirror.in(dir)) {
                int n = 0;
                for (Msg m : messages) {
                    long uid = mirror.add(m.folder(), MessageFlags.NONE.withSeen(m.seen()).withFlagged(m.flagged()),
                            m.raw(n++).getBytes(StandardCharsets.UTF_8)).get(0);
                    ids.add(m.folder() + ":" + uid);
                }
            }
            try (LocalMailbox box = LocalMailbox.open(dir, ZoneOffset.UTC)) {
                for (List<Term> terms : queries) {
                    String query = terms.stream().map(Term::text).collect(Collectors.joining(" "));
                    Set<String> expected = new TreeSet<>();
                    for (int i = 0; i < messages.size(); i++) {
                        Msg m = messages.get(i);
                        if (terms.stream().allMatch(t -> t.matches().test(m))) {
                            expected.add(ids.get(i));
                        }
                    }
                    // both plans: read from the full-text matches (few), and from the date index (many)
                    for (int few : new int[] {1_000, 0}) {
                        ((DefaultLocalMailbox) box).fewMatchesUpTo(few);
                        List<Envelope> found = box.search(query, 0, 1000);
                        Set<String> got = found.stream().map(Envelope::id).collect(Collectors.toCollection(TreeSet::new));
                        assertThat(got).as("query %s (plan %d)", query, few).isEqualTo(expected);
                        assertThat(found).as("newest first: %s", query).isSortedAccordingTo(
                                Comparator.comparing(Envelope::date).reversed());
                        assertThat(box.searchCount(query)).as("count of %s (plan %d)", query, few).isEqualTo(expected.size());
                    }
                }
            }
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Provide
    Arbitrary<List<List<Term>>> queries() {
        return terms().list().ofMinSize(1).ofMaxSize(4).list().ofSize(15);
    }

    @Provide
    Arbitrary<List<Msg>> mailboxes() {
        return messages().list().ofMinSize(1).ofMaxSize(25);
    }

    /** The model tokenizer agrees with SQLite's on the vocabulary (else the scan above would test the model). */
    @Property(tries = 1)
    void theVocabulary_isTokenizedAlike() {
        for (String w : Stream.of(WORDS, NAMES, ADDRESSES, FILES).flatMap(List::stream).toList()) {
            assertThat(SearchText.tokens(SearchText.forIndex(w))).as(w).isNotEmpty()
                    .allMatch(t -> t.equals(t.toLowerCase(Locale.ROOT)));
        }
        assertThat(SearchText.tokens(SearchText.forIndex("会议室 Résumé x-ray 🎉"))).containsExactly("会议", "议室", "室",
                "resume", "x", "ray", "🎉");
    }
}
