package dev.mailkit.core.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scheduler Angus Mail is given for every connection's write timeout (otherwise it starts one thread per
 * connection): one thread times every write in the JVM. When a timeout fires, the action — closing a socket whose
 * peer stopped reading — runs on a thread of its own, because closing a TLS socket can block while the stalled
 * write holds its lock: one stuck close must not stop the timeouts of every other connection.
 */
public final class WriteTimeoutScheduler extends ScheduledThreadPoolExecutor {

    /** The one instance. */
    public static final WriteTimeoutScheduler INSTANCE = new WriteTimeoutScheduler();

    private final ExecutorService firing;

    private WriteTimeoutScheduler() {
        super(1, r -> {
            Thread t = new Thread(r, "mailkit-write-timeouts");
            t.setDaemon(true);
            return t;
        });
        setRemoveOnCancelPolicy(true); // a write that finished in time leaves nothing queued
        AtomicInteger n = new AtomicInteger();
        firing = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mailkit-write-timeout-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> task, long delay, TimeUnit unit) {
        CompletableFuture<V> result = new CompletableFuture<>();
        ScheduledFuture<?> timer = super.schedule(() -> firing.execute(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }), delay, unit);
        return new Timed<>(timer, result);
    }

    @Override
    public void shutdown() {
        // shared by every connection of the JVM: nobody shuts it down
    }

    @Override
    public java.util.List<Runnable> shutdownNow() {
        return java.util.List.of();
    }

    /** A timeout: cancelled while its timer has not fired; once fired, its result is the action's. */
    private record Timed<V>(ScheduledFuture<?> timer, CompletableFuture<V> result) implements ScheduledFuture<V> {
        @Override
        public long getDelay(TimeUnit unit) {
            return timer.getDelay(unit);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = timer.cancel(false);
            if (cancelled) {
                result.cancel(false);
            }
            return cancelled;
        }

        @Override
        public boolean isCancelled() {
            return timer.isCancelled();
        }

        @Override
        public boolean isDone() {
            return timer.isCancelled() || result.isDone();
        }

        @Override
        public V get() throws InterruptedException, ExecutionException {
            return result.get();
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            return result.get(timeout, unit);
        }
    }
}
