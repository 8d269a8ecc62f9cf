package dev.mailkit.imap.internal.idle;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.junit.jupiter.api.Test;

/** Which responses on a watching connection start a sync: changes, not keep-alives nor command results. */
class IdleSignalsTest {

    private static boolean change(String line) throws Exception {
        return IdleSignals.isChange(new IMAPResponse(line));
    }

    @Test
    void changes_startASync() throws Exception {
        assertThat(change("* 23 EXISTS")).isTrue();
        assertThat(change("* 4 EXPUNGE")).isTrue();
        assertThat(change("* 7 FETCH (FLAGS (\\Seen) MODSEQ (12))")).isTrue();
        assertThat(change("* VANISHED (EARLIER) 300:310")).isTrue();
        assertThat(change("* STATUS Archive (MESSAGES 3 UIDNEXT 9 UIDVALIDITY 1)")).isTrue();
        assertThat(change("* LIST () \"/\" \"New folder\"")).isTrue();
    }

    @Test
    void keepAlives_andResults_doNot() throws Exception {
        assertThat(change("* OK Still here")).isFalse();
        assertThat(change("+ idling")).isFalse();
        assertThat(change("A12 OK IDLE terminated")).isFalse();
        assertThat(change("* 2 RECENT")).isFalse();
        assertThat(change("* OK [HIGHESTMODSEQ 40] Highest")).isFalse();
    }

    @Test
    void aNotifyOverflow_isTold() throws Exception {
        assertThat(IdleSignals.isOverflow(new IMAPResponse("* OK [NOTIFICATIONOVERFLOW] ...A mighty big bunch of updates"))).isTrue();
        assertThat(IdleSignals.isOverflow(new IMAPResponse("* OK Still here"))).isFalse();
        assertThat(IdleSignals.isOverflow(new IMAPResponse("A3 OK [NOTIFICATIONOVERFLOW] done"))).isFalse();
        assertThat(IdleSignals.isChange(new IMAPResponse("* OK [NOTIFICATIONOVERFLOW] lost some"))).isFalse();
    }
}
