package dev.mailkit.imap.internal.maildir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.imap.MessageFlags;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the Maildir name codecs: any server folder name either is refused or maps to one
 * directory directly inside the store that maps back to the same name; file names keep UID and flags.
 * Names whose directory would exceed 255 bytes (long, deeply nested, CJK or emoji) get a shortened
 * directory that fits, is stable, is shared with no other name, and leaves every name that fits as it was.
 */
class MaildirNamesPropertiesTest {

    /**
     * The directory name as it was made before long names were shortened (a copy of that code): every
     * name this fits in 255 bytes must keep it, so existing mirrors need no migration.
     */
    static String unshortened(String serverName, char separator) {
        if (serverName.equalsIgnoreCase("INBOX")) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        if (separator == 0) {
            parts.add(serverName);
        } else {
            parts.addAll(List.of(serverName.split(java.util.regex.Pattern.quote(String.valueOf(separator)), -1)));
        }
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            b.append('.').append(BASE64MailboxEncoder.encode(p).replace(".", "&AC4-").replace("/", "&AC8-"));
        }
        return b.toString();
    }

    @Provide
    Arbitrary<String> longNames() {
        Arbitrary<String> ascii = Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(40);
        Arbitrary<String> cjk = Arbitraries.strings().withCharRange('\u4e00', '\u9fff').ofMinLength(1).ofMaxLength(120);
        Arbitrary<String> emoji = Arbitraries.integers().between(0x1F300, 0x1FAFF).list().ofMinSize(1).ofMaxSize(40)
                .map(cps -> new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()));
        Arbitrary<String> any = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(60);
        // The shortening marker itself, '~' (what it decodes to), modified UTF-7's escape, dots, NUL
        Arbitrary<String> tricky = Arbitraries.of("&AH4-", "~", "&", "&-", ".", "..", "\u0000", "A".repeat(250));
        return Arbitraries.oneOf(ascii, cjk, emoji, any, tricky).list().ofMinSize(1).ofMaxSize(30)
                .map(parts -> String.join("/", parts));
    }

    @Property(tries = 2000)
    void everyName_getsADirectoryThatFits_insideTheStore(@ForAll("longNames") String name, @ForAll("separators") char sep) {
        if (!MaildirNames.storable(name, sep)) {
            return;
        }
        String dir = MaildirNames.folderDirectory(name, sep);
        assertThat(dir.getBytes(StandardCharsets.UTF_8).length).as("bytes of %s", dir).isLessThanOrEqualTo(255);
        if (name.equalsIgnoreCase("INBOX")) {
            return;
        }
        Path root = Path.of("/store");
        assertThat(root.resolve(dir).normalize().getParent()).isEqualTo(root);
        assertThat(dir).startsWith(".").isNotEqualTo(".").isNotEqualTo("..").doesNotContain("/").doesNotContain("\u0000");
        assertThat(MaildirNames.folderDirectory(name, sep)).as("the same every time").isEqualTo(dir);
        String whole = unshortened(name, sep);
        Statistics.label("shortened").collect(whole.length() > 255);
        Statistics.label("shortened").coverage(c -> c.check(true).percentage(p -> p >= 20));
        Statistics.label("shortened").coverage(c -> c.check(false).percentage(p -> p >= 5));
        assertThat(whole).as("no whole name holds the marker").doesNotContain(MaildirNames.SHORTENED);
        if (whole.length() <= 255) {
            assertThat(dir).as("a name that fits is unchanged").isEqualTo(whole);
            assertThat(MaildirNames.isShortened(dir)).isFalse();
            assertThat(MaildirNames.serverName(dir, sep)).isEqualTo(name);
        } else {
            assertThat(MaildirNames.isShortened(dir)).isTrue();
            // What other Maildir clients show: the start of the name (valid modified UTF-7), '~', the hash.
            String start = dir.substring(0, dir.indexOf(MaildirNames.SHORTENED));
            String shown = MaildirNames.serverName(dir, sep);
            assertThat(shown).endsWith("~" + dir.substring(dir.indexOf(MaildirNames.SHORTENED) + 5));
            assertThat(MaildirNames.serverName(whole, sep)).startsWith(MaildirNames.serverName(start, sep));
        }
    }

    @Property(tries = 1000)
    void directories_areSharedByNoTwoNames(@ForAll("longNames") String a, @ForAll("longNames") String suffix,
                                           @ForAll("separators") char sep) {
        // Names that share a long start are the hard case for a shortened directory.
        List<String> names = List.of(a, a + suffix, suffix + a, a + "x", a + "y", a.substring(0, a.length() - 1) + "~");
        Map<String, String> byDirectory = new HashMap<>();
        for (String n : names) {
            if (!MaildirNames.storable(n, sep) || n.equalsIgnoreCase("INBOX")) {
                continue;
            }
            String other = byDirectory.putIfAbsent(MaildirNames.folderDirectory(n, sep), n);
            assertThat(other == null || other.equals(n)).as("%s and %s share a directory", n, other).isTrue();
        }
    }

    @Test
    void directories_areTheSameOnEveryMachine() {
        // Fixed: a mirror made on one machine is found under the same names on another, and after an upgrade.
        assertThat(MaildirNames.folderDirectory("Archive", '/')).isEqualTo(".Archive");
        assertThat(MaildirNames.folderDirectory("[Gmail]/Sent Mail", '/')).isEqualTo(".[Gmail].Sent Mail");
        assertThat(MaildirNames.folderDirectory("\u041e\u0442\u043f\u0440\u0430\u0432\u043b\u0435\u043d\u043d\u044b\u0435", '/'))
                .isEqualTo(".&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-");
        assertThat(MaildirNames.folderDirectory("a.b/c", '/')).isEqualTo(".a&AC4-b.c");
        assertThat(MaildirNames.folderDirectory("A".repeat(300), '/'))
                .isEqualTo("." + "A".repeat(217) + "&AH4-1f751c04f56324de2e7a812ccc06ae24");
        StringBuilder cjk = new StringBuilder();
        for (int i = 0; i < 96; i++) {
            cjk.append((char) (0x4E00 + i * 37));
        }
        String dir = MaildirNames.folderDirectory(cjk.toString(), '/');
        assertThat(dir).hasSize(248).startsWith(".&TgBOJU5KTm9OlE65").endsWith("-&AH4-7e147daec28e03d2ca77f73f210bfdb9");
    }

    @Provide
    Arbitrary<String> folderNames() {
        // Unicode, the separators, dots, slashes, NUL and other controls, '&' (modified UTF-7's escape)
        Arbitrary<String> hostile = Arbitraries.of("..", ".", "/", "&", "&-", "\u0000", "\\", "~", "INBOX", " ");
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(12);
        return Arbitraries.oneOf(any, hostile).list().ofMinSize(1).ofMaxSize(5).map(parts -> String.join("", parts));
    }

    @Provide
    Arbitrary<Character> separators() {
        return Arbitraries.of('/', '.', '\\', (char) 0);
    }

    @Property(tries = 2000)
    void folderNames_stayInsideTheStore_andRoundTrip(@ForAll("folderNames") String name, @ForAll("separators") char sep) {
        if (!MaildirNames.storable(name, sep)) {
            assertThatThrownBy(() -> MaildirNames.folderDirectory(name, sep)).isInstanceOf(IllegalArgumentException.class);
            return;
        }
        String dir = MaildirNames.folderDirectory(name, sep);
        if (name.equalsIgnoreCase("INBOX")) {
            assertThat(dir).isEmpty();
            return;
        }
        Path root = Path.of("/store");
        Path resolved = root.resolve(dir).normalize();
        assertThat(resolved.getParent()).as("directory %s of %s", dir, name).isEqualTo(root);
        assertThat(dir).startsWith(".").isNotEqualTo(".").isNotEqualTo("..").doesNotContain("/").doesNotContain("\u0000");
        assertThat(MaildirNames.serverName(dir, sep)).isEqualTo(name);
    }

    @Property(tries = 1000)
    void fileNames_keepTheirUid_andFlags(@ForAll @LongRange(min = 1, max = 4_294_967_295L) long uid,
                                          @ForAll boolean seen, @ForAll boolean flagged, @ForAll boolean answered,
                                          @ForAll boolean draft, @ForAll boolean deleted) {
        String base = MaildirNames.newBaseName(uid);
        assertThat(MaildirNames.uidOf(base)).isEqualTo(uid);
        assertThat(MaildirNames.isOwnTemporary(base)).isTrue();
        MessageFlags flags = MessageFlags.NONE.withSeen(seen).withFlagged(flagged);
        flags = MessageFlags.fromMaildir(flags.maildirLetters()
                + (answered ? "R" : "") + (draft ? "D" : "") + (deleted ? "T" : ""), Set.of());
        String file = base + ":2," + flags.maildirLetters();
        assertThat(MaildirNames.baseName(file)).isEqualTo(base);
        assertThat(MessageFlags.fromMaildir(MaildirNames.letters(file), Set.of())).isEqualTo(flags);
        String relabelled = MaildirNames.withUid(base, uid + 1);
        assertThat(MaildirNames.uidOf(relabelled)).isEqualTo(uid + 1);
        assertThat(MaildirNames.uidOf(MaildirNames.withUid(base, 0))).isEqualTo(-1);
    }
}
