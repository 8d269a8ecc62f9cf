package dev.mailkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A failing close never hides the failure before it, and never stops the closes after it. */
class ClosingTest {

    @Test
    void everyStepRuns_andTheFirstFailureIsThrown_withTheLaterOnesSuppressed() {
        List<String> ran = new ArrayList<>();
        IllegalStateException first = new IllegalStateException("state file: disk full");
        OutOfMemoryError second = new OutOfMemoryError("while closing");
        Throwable thrown = catchThrowable(() -> Closing.all(
                () -> ran.add("watch"),
                () -> {
                    ran.add("state");
                    throw first;
                },
                () -> {
                    ran.add("store");
                    throw second;
                },
                () -> ran.add("lock")));
        assertThat(ran).containsExactly("watch", "state", "store", "lock");
        assertThat(thrown).isSameAs(first);
        assertThat(thrown.getSuppressed()).containsExactly(second);
        Throwable error = catchThrowable(() -> Closing.all(() -> {
            throw second;
        }));
        assertThat(error).isSameAs(second);
        assertThat(catchThrowable(() -> Closing.all(() -> ran.add("fine")))).isNull();
    }

    @Test
    void quietly_logsWhateverTheCloseThrows_evenAnError() {
        var log = LoggerFactory.getLogger(ClosingTest.class);
        assertThat(catchThrowable(() -> Closing.quietly(() -> {
            throw new OutOfMemoryError("LOGOUT on a broken connection");
        }, log, "the IMAP connection"))).isNull();
        assertThat(catchThrowable(() -> Closing.quietly(() -> {
            throw new IllegalStateException("not connected");
        }, log, "the IMAP connection"))).isNull();
    }
}
