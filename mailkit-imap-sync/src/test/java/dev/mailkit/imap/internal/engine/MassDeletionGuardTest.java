package dev.mailkit.imap.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.imap.FolderFilter;
import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.spi.LocalChange;
import dev.mailkit.imap.MassDeletionException;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.imap.spi.SyncStateStore;
import dev.mailkit.imap.internal.maildir.Maildir;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mass-deletion rule and the refusal of a local store that looks lost, without a server. */
class MassDeletionGuardTest {

    @TempDir
    Path dir;

    private static MassDeletionGuard guard(SyncStateStore state, Maildir local, SyncOptions options) {
        return new MassDeletionGuard(new SyncContext(null, null, local, state, FolderFilter.all(), new SyncListener() {
        }, options));
    }

    @Property(tries = 300)
    void theRule_isMonotone_andNeverTripsOnFewDeletionsOfALargerFolder(@ForAll @IntRange(min = 1, max = 500) int known,
                                                                         @ForAll @IntRange(max = 500) int deleted) {
        if (deleted >= known) {
            return;
        }
        MassDeletionGuard g = guard(null, null, SyncOptions.builder().massDeletionShare(0.5).build());
        if (g.massDeletion(deleted, known)) {
            // deleting more of the same folder never looks less like a lost mailbox
            assertThat(g.massDeletion(deleted + 1, known)).isTrue();
        }
        if (deleted < MassDeletionGuard.MINIMUM) {
            assertThat(g.massDeletion(deleted, known)).as("fewer than the minimum, not all of the folder").isFalse();
        }
        if (deleted * 2 <= known) {
            assertThat(g.massDeletion(deleted, known)).as("at most the allowed share").isFalse();
        }
    }

    @Test
    void aFewDeletions_neverTripIt_butAllOfAFolderOfTwoOrMoreDoes() {
        MassDeletionGuard g = guard(null, null, SyncOptions.defaults());
        assertThat(g.massDeletion(1, 1)).isFalse();
        assertThat(g.massDeletion(4, 6)).isFalse();
        assertThat(g.massDeletion(2, 2)).isTrue();
        assertThat(g.massDeletion(6, 10)).isTrue();
        assertThat(g.massDeletion(5, 10)).isFalse();
    }

    @Test
    void aMissingFolderWithMessages_isRefused_orQueuedAsDeletionsWhenAllowed() {
        try (SyncStateStore state = SyncStateStore.sqlite(dir.resolve("state.db"))) {
            state.saveFolder(new FolderState("Archive", '/', 1, 4, 0, ""));
            List<MessageRecord> records = new ArrayList<>();
            for (long uid = 1; uid <= 3; uid++) {
                records.add(new MessageRecord("Archive", uid, "f" + uid + ",U=" + uid, MessageFlags.NONE, "<" + uid + "@x>",
                        10, Instant.EPOCH, false));
            }
            state.update("Archive", records, List.of());
            LocalScan.FolderFiles missing = new LocalScan.FolderFiles();
            missing.missing = true;
            missing.known = 3;
            Maildir local = new Maildir(dir.resolve("mail"));
            assertThatThrownBy(() -> guard(state, local, SyncOptions.defaults()).refuseLostLocalStore(Map.of("Archive", missing)))
                    .isInstanceOf(MassDeletionException.class)
                    .hasMessageContaining("local folder 'Archive' is missing (3 messages)");
            assertThat(state.localChanges("Archive")).isEmpty();

            guard(state, local, SyncOptions.builder().allowMassDeletion(true).build())
                    .refuseLostLocalStore(Map.of("Archive", missing));
            assertThat(state.localChanges("Archive")).extracting(LocalChange::kind)
                    .containsOnly(LocalChange.Kind.DELETED).hasSize(3);
            local.close();
        }
    }

    @Test
    void mostOfAFolderDeletedHere_isRefused_withItsFigures() {
        LocalScan.FolderFiles f = new LocalScan.FolderFiles();
        f.known = 10;
        f.deleted = 7;
        assertThatThrownBy(() -> guard(null, null, SyncOptions.defaults()).refuseLostLocalStore(Map.of("INBOX", f)))
                .isInstanceOf(MassDeletionException.class)
                .hasMessageContaining("'INBOX' would lose 7 of 10 messages");
        f.deleted = 4;
        guard(null, null, SyncOptions.defaults()).refuseLostLocalStore(Map.of("INBOX", f)); // below the minimum
    }
}
