package dev.iris.runtime.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A node's time for its time-outs and its failure detection: the time its JVM ran
 * ({@link JvmStills}: {@link System#nanoTime()} but for stretches the whole JVM stood still, as a
 * debugger that suspends the JVM makes it), except that it stands still while it is paused, as the
 * IDE pauses every node of a launch while a debugger holds one of them at a breakpoint (debug time). A deadline is a reading of this clock plus a
 * time-out; nothing expires while the clock stands, and what waits for a deadline waits again when
 * it wakes before it ({@link #left}).
 *
 * <p>Thread-safe; reading it is one volatile read.
 */
public final class NodeTime {
    /** How long a waiter sleeps at a time while the clock stands. */
    private static final long PAUSED_WAIT = TimeUnit.MILLISECONDS.toNanos(50);

    /** Nanoseconds of pause so far, and since when the clock stands ({@code paused}). */
    private record State(long pausedTotal, boolean paused, long pausedAt) {
    }

    private volatile State state = new State(0, false, 0);
    private final JvmStills jvm;

    /** The time of a node of this JVM. */
    public NodeTime() {
        this(JvmStills.JVM);
    }

    NodeTime(JvmStills jvm) {
        this.jvm = jvm;
    }

    /** The clock: the JVM's running time less every pause so far; it stands while paused. */
    public long nanos() {
        State s = state;
        return (s.paused ? s.pausedAt : jvm.nanos()) - s.pausedTotal;
    }

    /** Stops the clock (nothing if it stands already). */
    public synchronized void pause() {
        if (!state.paused) {
            state = new State(state.pausedTotal, true, jvm.nanos());
        }
    }

    /** Starts the clock again where it stood (nothing if it runs). */
    public synchronized void resume() {
        State s = state;
        if (s.paused) {
            state = new State(s.pausedTotal + jvm.nanos() - s.pausedAt, false, 0);
        }
    }

    /** Whether the clock stands. */
    public boolean paused() {
        return state.paused;
    }

    /**
     * How long to wait, in real nanoseconds, for {@code deadline} (a reading of this clock): at
     * most 0 once it has passed; while the clock stands, never that, but a while before looking again.
     */
    public long left(long deadline) {
        State s = state;
        if (s.paused) {
            return Math.max(deadline - (s.pausedAt - s.pausedTotal), PAUSED_WAIT);
        }
        return deadline - (jvm.nanos() - s.pausedTotal);
    }

    /** Waits on {@code monitor} (held) until notified or {@code deadline}; whether the deadline has passed. */
    public boolean timedWait(Object monitor, long deadline) throws InterruptedException {
        long left = left(deadline);
        if (left <= 0) {
            return true;
        }
        TimeUnit.NANOSECONDS.timedWait(monitor, left);
        return false;
    }

    /** {@code future}'s value, waiting until {@code deadline} on this clock. */
    public <T> T get(CompletableFuture<T> future, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        while (true) {
            long left = left(deadline);
            if (left <= 0) {
                if (future.isDone()) {
                    return future.get();
                }
                throw new TimeoutException();
            }
            try {
                return future.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // look at the clock again: it may have stood meanwhile
            }
        }
    }
}
