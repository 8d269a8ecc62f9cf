package dev.mailkit.imap.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.imap.FolderState;
import dev.mailkit.imap.MessageFlags;
import dev.mailkit.imap.MessageRecord;
import dev.mailkit.imap.spi.FolderAction;
import dev.mailkit.imap.spi.LocalChange;
import dev.mailkit.imap.spi.SyncStateStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SyncStateStore} must do, run by each store's test class: extend it and return a new, empty
 * store from {@link #newStore()}.
 */
public abstract class SyncStateStoreContract {

    /** The store under test, new and empty for each test. */
    protected SyncStateStore state;

    /**
     * A new, empty store.
     *
     * @return the store
     * @throws Exception if it cannot be created
     */
    protected abstract SyncStateStore newStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        state = newStore();
    }

    @AfterEach
    void closeStore() {
        state.close();
    }

    private static MessageRecord record(String folder, long uid, String messageId) {
        return new MessageRecord(folder, uid, "f" + uid + ",U=" + uid, MessageFlags.NONE, messageId, 100 + uid,
                Instant.ofEpochMilli(1_700_000_000_123L), false);
    }

    @Test
    void folders_areSavedReplacedAndDeleted_andADeletedFolderTakesItsMessagesAndChanges() {
        state.saveFolder(new FolderState("INBOX", '/', 1, 9, 0, ""));
        state.saveFolder(new FolderState("Sent", '/', 2, 3, 7, "\\Sent"));
        state.saveFolder(new FolderState("INBOX", '/', 1, 12, 44, ""));
        assertThat(state.folders()).containsExactly(new FolderState("INBOX", '/', 1, 12, 44, ""),
                new FolderState("Sent", '/', 2, 3, 7, "\\Sent"));
        assertThat(state.folder("Sent")).contains(new FolderState("Sent", '/', 2, 3, 7, "\\Sent"));
        assertThat(state.folder("Drafts")).isEmpty();
        state.update("Sent", List.of(record("Sent", 1, "<a@b>")), List.of());
        state.saveLocalChange(new LocalChange("Sent", 1, MessageFlags.parse("\\Seen"), LocalChange.Kind.KEPT, null));
        state.markUpload("Sent", "up", true);
        state.deleteFolder("Sent");
        assertThat(state.folders()).extracting(FolderState::name).containsExactly("INBOX");
        assertThat(state.messages("Sent")).isEmpty();
        assertThat(state.localChanges("Sent")).isEmpty();
        assertThat(state.uploadsStarted("Sent")).isEmpty();
    }

    @Test
    void messages_roundTripEveryField_andAreReadByUid() {
        state.saveFolder(new FolderState("INBOX", '/', 1, 9, 0, ""));
        MessageRecord full = new MessageRecord("INBOX", 7, "x,U=7:2,S", MessageFlags.parse("\\Seen \\Flagged $Work"),
                "<m@example.com>", 4321, Instant.ofEpochMilli(1_600_000_000_999L), true);
        state.update("INBOX", List.of(record("INBOX", 9, ""), full, record("INBOX", 3, "<c@b>")), List.of());
        assertThat(state.message("INBOX", 7)).contains(full);
        assertThat(state.message("INBOX", 8)).isEmpty();
        assertThat(state.messages("INBOX")).extracting(MessageRecord::uid).containsExactly(3L, 7L, 9L);
        assertThat(state.messagesFrom("INBOX", 7)).extracting(MessageRecord::uid).containsExactly(7L, 9L);
        assertThat(state.messageCount("INBOX")).isEqualTo(3);
        state.update("INBOX", List.of(full.complete()), List.of(3L));
        assertThat(state.message("INBOX", 7).orElseThrow().headersOnly()).isFalse();
        assertThat(state.messages("INBOX")).extracting(MessageRecord::uid).containsExactly(7L, 9L);
    }

    @Test
    void updatingARecord_keepsItsPendingLocalChange_andItsFlagChangeInFlight() {
        state.saveFolder(new FolderState("INBOX", '/', 1, 9, 0, ""));
        MessageRecord r = record("INBOX", 3, "<a@b>");
        state.update("INBOX", List.of(r), List.of());
        MessageFlags wanted = MessageFlags.parse("\\Seen $Work");
        state.saveLocalChange(new LocalChange("INBOX", 3, wanted, LocalChange.Kind.KEPT, null));
        state.saveFlagsInFlight("INBOX", Map.of(3L, new SyncStateStore.FlagsInFlight(wanted, MessageFlags.NONE, wanted)));
        state.update("INBOX", List.of(r.withFlags(MessageFlags.parse("\\Flagged"))), List.of());
        assertThat(state.message("INBOX", 3)).get().extracting(m -> m.flags().flagged()).isEqualTo(true);
        assertThat(state.localChanges("INBOX")).extracting(LocalChange::flags).containsExactly(wanted);
        assertThat(state.flagsInFlight("INBOX")).containsKey(3L);
        state.update("INBOX", List.of(), List.of(3L)); // a removed message takes its change with it
        assertThat(state.localChanges("INBOX")).isEmpty();
        assertThat(state.flagsInFlight("INBOX")).isEmpty();
    }

    @Test
    void localChanges_areReplacedPerMessage_andCleared() {
        state.saveFolder(new FolderState("INBOX", '/', 1, 9, 0, ""));
        state.update("INBOX", List.of(record("INBOX", 1, ""), record("INBOX", 2, "")), List.of());
        state.saveLocalChange(new LocalChange("INBOX", 2, null, LocalChange.Kind.MOVED, "Archive"));
        state.saveLocalChange(new LocalChange("INBOX", 1, MessageFlags.parse("\\Seen"), LocalChange.Kind.KEPT, null));
        state.saveLocalChange(new LocalChange("INBOX", 1, null, LocalChange.Kind.DELETED, null));
        assertThat(state.localChanges("INBOX")).containsExactly(
                new LocalChange("INBOX", 1, null, LocalChange.Kind.DELETED, null),
                new LocalChange("INBOX", 2, null, LocalChange.Kind.MOVED, "Archive"));
        state.clearLocalChanges("INBOX", List.of(1L));
        assertThat(state.localChanges("INBOX")).extracting(LocalChange::uid).containsExactly(2L);
    }

    @Test
    void flagsInFlight_andUploads_roundTrip_andAreCleared() {
        MessageFlags seen = MessageFlags.parse("\\Seen");
        MessageFlags flagged = MessageFlags.parse("\\Flagged $Work");
        state.saveFolder(new FolderState("INBOX", '/', 1, 9, 0, ""));
        state.update("INBOX", List.of(record("INBOX", 3, "<a@b>"), record("INBOX", 4, "<b@b>")), List.of());
        state.saveFlagsInFlight("INBOX", Map.of(3L, new SyncStateStore.FlagsInFlight(seen, flagged, MessageFlags.NONE),
                4L, new SyncStateStore.FlagsInFlight(flagged, seen, flagged)));
        assertThat(state.flagsInFlight("INBOX")).containsExactly(
                Map.entry(3L, new SyncStateStore.FlagsInFlight(seen, flagged, MessageFlags.NONE)),
                Map.entry(4L, new SyncStateStore.FlagsInFlight(flagged, seen, flagged)));
        state.clearFlagsInFlight("INBOX", List.of(3L));
        assertThat(state.flagsInFlight("INBOX")).containsOnlyKeys(4L);
        state.startUpload("INBOX", "new-file", flagged);
        state.markUpload("INBOX", "other-file", true);
        assertThat(state.uploadsStarted("INBOX")).containsExactlyInAnyOrder("new-file", "other-file");
        assertThat(state.uploadFlags("INBOX", "new-file")).contains(flagged);
        assertThat(state.uploadFlags("INBOX", "other-file")).isEmpty();
        state.markUpload("INBOX", "new-file", false);
        assertThat(state.uploadsStarted("INBOX")).containsExactly("other-file");
    }

    @Test
    void folderActions_queueInOrder_andAreRemovedById() {
        state.addFolderAction(FolderAction.Kind.CREATE, "A", null);
        state.addFolderAction(FolderAction.Kind.RENAME, "A", "B");
        state.addFolderAction(FolderAction.Kind.DELETE, "C", null);
        List<FolderAction> queue = state.folderActions();
        assertThat(queue).extracting(FolderAction::kind).containsExactly(FolderAction.Kind.CREATE,
                FolderAction.Kind.RENAME, FolderAction.Kind.DELETE);
        assertThat(queue.get(1).newName()).isEqualTo("B");
        state.removeFolderAction(queue.get(0).id());
        assertThat(state.folderActions()).extracting(FolderAction::name).containsExactly("A", "C");
    }

    @Test
    void renameFolder_movesItsChildrenMessagesAndChanges_butNotAFolderSharingItsPrefix() {
        for (String f : List.of("Work", "Work/2024", "Workshop")) {
            state.saveFolder(new FolderState(f, '/', 1, 9, 0, ""));
            state.update(f, List.of(record(f, 1, "<" + f.replace('/', '.') + "@b>")), List.of());
            state.saveLocalChange(new LocalChange(f, 1, MessageFlags.parse("\\Seen"), LocalChange.Kind.KEPT, null));
        }
        state.markUpload("Work/2024", "up", true);
        state.update("Workshop", List.of(record("Workshop", 2, "")), List.of());
        state.saveLocalChange(new LocalChange("Workshop", 2, null, LocalChange.Kind.MOVED, "Work/2024"));
        state.renameFolder("Work", "Jobs", '/');
        assertThat(state.folders()).extracting(FolderState::name).containsExactlyInAnyOrder("Jobs", "Jobs/2024", "Workshop");
        assertThat(state.messages("Jobs/2024")).extracting(MessageRecord::folder).containsExactly("Jobs/2024");
        assertThat(state.messages("Work/2024")).isEmpty();
        assertThat(state.localChanges("Jobs")).hasSize(1);
        assertThat(state.uploadsStarted("Jobs/2024")).containsExactly("up");
        assertThat(state.messages("Workshop")).hasSize(2);
        assertThat(state.localChanges("Workshop")).extracting(LocalChange::target).containsExactly(null, "Jobs/2024");
    }

    @Test
    void manyMessageIds_areFoundInBatches_asOneAtATimeWouldFindThem() {
        List<MessageRecord> records = new ArrayList<>();
        for (String folder : List.of("INBOX", "Archive")) {
            state.saveFolder(new FolderState(folder, '/', 1, 1, 0, ""));
            for (int uid = 1; uid <= 1200; uid++) {
                // every third Message-ID in both folders, the rest in one of them, some without one
                boolean here = uid % 3 == 0 || (uid % 2 == 0) == folder.equals("INBOX");
                if (here) {
                    records.add(new MessageRecord(folder, uid, "f" + uid, MessageFlags.NONE,
                            uid % 10 == 0 ? "" : "<m" + uid + "@example.com>", 100 + uid, Instant.EPOCH, false));
                }
            }
            state.update(folder, records.stream().filter(r -> r.folder().equals(folder)).toList(), List.of());
        }
        List<String> asked = new ArrayList<>();
        for (int i = 1; i <= 1300; i++) {
            asked.add("<m" + i + "@example.com>"); // 1201..1300 exist nowhere
        }
        asked.add("<m3@example.com>"); // a repeat
        Map<String, List<MessageRecord>> found = state.findByMessageIds(asked);
        Map<String, List<MessageRecord>> oneByOne = new HashMap<>();
        for (String id : asked) {
            List<MessageRecord> r = state.findByMessageId(id);
            if (!r.isEmpty()) {
                oneByOne.put(id, r);
            }
        }
        assertThat(found).isEqualTo(oneByOne);
        assertThat(found.get("<m3@example.com>")).extracting(MessageRecord::folder).containsExactly("Archive", "INBOX");
        assertThat(found).doesNotContainKey("<m10@example.com>").doesNotContainKey("<m1250@example.com>");
        assertThat(found).hasSize(1200 - 120);
        assertThat(state.findByMessageIds(List.of())).isEmpty();
    }
}
