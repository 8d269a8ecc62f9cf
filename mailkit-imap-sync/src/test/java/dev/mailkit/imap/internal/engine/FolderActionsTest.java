package dev.mailkit.imap.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.imap.spi.FolderAction;
import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.spi.SyncStateStore;
import dev.mailkit.imap.internal.maildir.Maildir;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API's folder actions: checked, applied locally at once, queued, and safe to apply again after a crash. */
class FolderActionsTest {

    @TempDir
    Path dir;

    private SyncStateStore state;
    private Maildir local;

    @BeforeEach
    void open() {
        state = SyncStateStore.sqlite(dir.resolve("state.db"));
        local = new Maildir(dir.resolve("mail"));
        state.saveFolder(new FolderState("INBOX", '/', 7, 1, 0, ""));
        state.saveFolder(new FolderState("Lists", '/', 8, 1, 0, ""));
        local.folder("INBOX", '/');
        local.folder("Lists", '/');
    }

    @AfterEach
    void close() {
        local.close();
        state.close();
    }

    @Test
    void create_makesAProvisionalFolderAtOnce_andQueuesIt() {
        FolderActions.create(state, local, "Archive/2026");
        assertThat(local.exists("Archive/2026", '/')).isTrue();
        assertThat(state.folder("Archive/2026")).get().extracting(FolderState::uidValidity).isEqualTo(0L);
        assertThat(state.folderActions()).extracting(FolderAction::kind, FolderAction::name)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(FolderAction.Kind.CREATE, "Archive/2026"));
        assertThatThrownBy(() -> FolderActions.create(state, local, "Archive/2026"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exists already");
    }

    @Test
    void rename_movesStateAndDirectory_andRefusesTheInboxAndTakenNames() {
        FolderActions.rename(state, local, "Lists", "Newsletters");
        assertThat(state.folder("Lists")).isEmpty();
        assertThat(state.folder("Newsletters")).get().extracting(FolderState::uidValidity).isEqualTo(8L);
        assertThat(local.exists("Lists", '/')).isFalse();
        assertThat(local.exists("Newsletters", '/')).isTrue();
        assertThatThrownBy(() -> FolderActions.rename(state, local, "INBOX", "Old"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FolderActions.rename(state, local, "Newsletters", "INBOX"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FolderActions.rename(state, local, "NoSuch", "Other"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a mirrored folder");
    }

    @Test
    void delete_removesTheLocalFolder_andTheInboxIsRefused() {
        FolderActions.delete(state, local, "Lists");
        assertThat(local.exists("Lists", '/')).isFalse();
        assertThat(state.folderActions()).extracting(FolderAction::kind).containsExactly(FolderAction.Kind.DELETE);
        assertThatThrownBy(() -> FolderActions.delete(state, local, "INBOX")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void completingAnActionAgain_changesNothing() {
        FolderActions.rename(state, local, "Lists", "Newsletters");
        FolderAction queued = state.folderActions().get(0);
        FolderActions.completeLocally(state, local, queued); // as the sync does before pushing it
        assertThat(state.folder("Newsletters")).isPresent();
        assertThat(state.folder("Lists")).isEmpty();
        assertThat(local.exists("Newsletters", '/')).isTrue();
        assertThat(state.folders()).extracting(FolderState::name).containsExactlyInAnyOrder("INBOX", "Newsletters");
        assertThat(List.copyOf(state.folderActions())).hasSize(1);
    }

    @Test
    void theSeparator_isTheStatesOrSlashBeforeTheFirstSync() {
        assertThat(FolderActions.separator(state)).isEqualTo('/');
        try (SyncStateStore empty = SyncStateStore.sqlite(dir.resolve("empty.db"))) {
            assertThat(FolderActions.separator(empty)).isEqualTo('/');
            empty.saveFolder(new FolderState("INBOX", '.', 1, 1, 0, ""));
            assertThat(FolderActions.separator(empty)).isEqualTo('.');
        }
    }
}
