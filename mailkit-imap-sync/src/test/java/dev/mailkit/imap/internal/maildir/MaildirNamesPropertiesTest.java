package dev.mailkit.imap.internal.maildir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.imap.MessageFlags;
import java.nio.file.Path;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * Property tests of the Maildir name codecs: any server folder name either is refused or maps to one
 * directory directly inside the store that maps back to the same name; file names keep UID and flags.
 */
class MaildirNamesPropertiesTest {

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
