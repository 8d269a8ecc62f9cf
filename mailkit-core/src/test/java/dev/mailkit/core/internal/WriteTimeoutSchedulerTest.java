package dev.mailkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shared write-timeout scheduler behaves as Angus Mail expects of its own, and a stuck action stops no other. */
class WriteTimeoutSchedulerTest {

    private final WriteTimeoutScheduler scheduler = WriteTimeoutScheduler.INSTANCE;

    @Test
    void aFiredTimeout_givesItsActionsResult() throws Exception {
        ScheduledFuture<String> f = scheduler.schedule(() -> "closed", 20, TimeUnit.MILLISECONDS);
        assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("closed");
        assertThat(f.isDone()).isTrue();
        assertThat(f.cancel(true)).as("too late to cancel").isFalse();
    }

    @Test
    void aWriteDoneInTime_cancelsItsTimeout_andNothingRuns() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        int queued = scheduler.getQueue().size();
        ScheduledFuture<String> f = scheduler.schedule(() -> {
            ran.countDown();
            return "closed";
        }, 200, TimeUnit.MILLISECONDS);
        assertThat(f.getDelay(TimeUnit.MILLISECONDS)).isBetween(1L, 200L);
        assertThat(scheduler.getQueue()).hasSize(queued + 1);
        assertThat(f.cancel(true)).isTrue();
        assertThat(f.isCancelled()).isTrue();
        assertThatThrownBy(f::get).isInstanceOf(CancellationException.class);
        assertThat(ran.await(400, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(scheduler.getQueue()).as("a cancelled timeout leaves the queue").hasSize(queued);
    }

    @Test
    void anActionThatBlocks_doesNotHoldUpTheOthers_andNobodyShutsTheSchedulerDown() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScheduledFuture<String> stuck = scheduler.schedule(() -> {
            release.await(); // a TLS socket's close waiting for the stalled writer's lock
            return "closed late";
        }, 10, TimeUnit.MILLISECONDS);
        Thread.sleep(100);
        ScheduledFuture<String> other = scheduler.schedule(() -> "closed", 10, TimeUnit.MILLISECONDS);
        assertThat(other.get(5, TimeUnit.SECONDS)).isEqualTo("closed");
        assertThat(stuck.isDone()).isFalse();
        release.countDown();
        assertThat(stuck.get(5, TimeUnit.SECONDS)).isEqualTo("closed late");
        scheduler.shutdown();
        scheduler.shutdownNow();
        assertThat(scheduler.isShutdown()).isFalse();
        assertThat(scheduler.schedule(() -> "still here", 1, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS))
                .isEqualTo("still here");
    }
}
