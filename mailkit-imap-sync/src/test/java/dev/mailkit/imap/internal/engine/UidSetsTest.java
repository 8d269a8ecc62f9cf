package dev.mailkit.imap.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** UID sets from a server stay ranges: any size costs the same few bytes, and anything malformed is refused. */
class UidSetsTest {

    @Property(tries = 500)
    void formatThenParse_holdsExactlyTheUids(@ForAll @Size(max = 200) Set<@LongRange(min = 1, max = 4294967295L) Long> uids,
                                             @ForAll @LongRange(min = 1, max = 4294967295L) long probe) {
        UidSets.Ranges r = UidSets.parse(UidSets.format(uids));
        assertThat(r.count()).isEqualTo(uids.size());
        assertThat(r.contains(probe)).isEqualTo(uids.contains(probe));
        uids.forEach(u -> assertThat(r.contains(u)).isTrue());
        assertThat(new TreeSet<>(r.expand(uids.size()))).isEqualTo(new TreeSet<>(uids));
    }

    @Test
    void theWholeUidSpace_isOneRange_neverExpanded() {
        UidSets.Ranges all = UidSets.parse("1:4294967295");
        assertThat(all.count()).isEqualTo(4294967295L);
        assertThat(all.contains(4294967295L)).isTrue();
        assertThat(all.contains(4294967296L)).isFalse();
        assertThatThrownBy(() -> all.expand(1000)).isInstanceOf(IllegalArgumentException.class);
        assertThat(UidSets.parse("9:7,3").expand(10)).isEqualTo(List.of(7L, 8L, 9L, 3L));
    }

    @Test
    void malformedSets_areRefused() {
        for (String bad : List.of("0", "1:0", "4294967296", "99999999999999999999", "1:*", "a", "1,,2", "-3", "1:2:3", ":5")) {
            assertThatThrownBy(() -> UidSets.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(UidSets.parse("").count()).isZero();
    }
}
