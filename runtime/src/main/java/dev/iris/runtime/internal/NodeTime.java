package dev.iris.runtime.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * A node's time for its time-outs and its failure detection: the time its JVM ran
 * ({@link JvmStills}: {@link System#nanoTime()} but for stretches the whole JVM stood still, as a
 * debugger that suspends the JVM makes it), except that it stands still while it is paused, as the
 * IDE pauses every node of a launch while a debugger holds one of them at a breakpoint (debug time). A deadline is a reading of this clock plus a
 * time-out; nothing expires while the clock stands, and what waits for a deadline waits again when
 * it wakes before it ({@link #left}).
 *
 * <p>It runs on a {@link Source}: the JVM's running time, or a simulation's clock, on which the
 * waits for a deadline are timers of the simulation rather than timed parks.
 *
 * <p>Thread-safe; reading it is one volatile read.
 */
public final class NodeTime {
    /** What a node's time runs on, and how a thread waits on it. */
    public interface Source {
        /** The time, in nanoseconds from any origin. */
        long nanos();

        /** Parks the calling thread for at most {@code nanos}; it may return earlier, as {@link LockSupport#parkNanos} may. */
        void park(Object blocker, long nanos);

        /** {@code future}'s value, waiting at most {@code nanos}. */
        <T> T get(CompletableFuture<T> future, long nanos)
                throws InterruptedException, ExecutionException, TimeoutException;

        /** Waits on {@code monitor} (held) until notified or for at most {@code nanos}. */
        void timedWait(Object monitor, long nanos) throws InterruptedException;
    }

    /** The JVM's running time ({@link JvmStills#JVM}), with the JDK's timed waits. */
    private static final class Jvm implements Source {
        private final JvmStills jvm;

        Jvm(JvmStills jvm) {
            this.jvm = jvm;
        }

        @Override
        public long nanos() {
            return jvm.nanos();
        }

        @Override
        public void park(Object blocker, long nanos) {
            LockSupport.parkNanos(blocker, nanos);
        }

        @Override
        public <T> T get(CompletableFuture<T> future, long nanos)
                throws InterruptedException, ExecutionException, TimeoutException {
            return future.get(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void timedWait(Object monitor, long nanos) throws InterruptedException {
            TimeUnit.NANOSECONDS.timedWait(monitor, nanos);
        }
    }

    /** How long a waiter sleeps at a time while the clock stands. */
    private static final long PAUSED_WAIT = TimeUnit.MILLISECONDS.toNanos(50);

    /** Nanoseconds of pause so far, and since when the clock stands ({@code paused}). */
    private record State(long pausedTotal, boolean paused, long pausedAt) {
    }

    private volatile State state = new State(0, false, 0);
    private final Source source;

    /** The time of a node of this JVM. */
    public NodeTime() {
        this(JvmStills.JVM);
    }

    NodeTime(JvmStills jvm) {
        this(new Jvm(jvm));
    }

    /** A time that runs on {@code source} (a simulation's clock). */
    public NodeTime(Source source) {
        this.source = source;
    }

    /** Parks the calling thread until {@code deadline} at the latest; it may return earlier (look at the clock again). */
    public void park(Object blocker, long deadline) {
        long left = left(deadline);
        if (left > 0) {
            source.park(blocker, left);
        }
    }

    /** The clock: the JVM's running time less every pause so far; it stands while paused. */
    public long nanos() {
        State s = state;
        return (s.paused ? s.pausedAt : source.nanos()) - s.pausedTotal;
    }

    /**
     * Stops the clock (nothing if it stands already, or if it is a simulation's: that clock stands
     * while the simulation's thread is stopped, and a pause from outside, at a moment no seed
     * decides, would change the run).
     */
    public synchronized void pause() {
        if (!state.paused && source instanceof Jvm) {
            state = new State(state.pausedTotal, true, source.nanos());
        }
    }

    /** Starts the clock again where it stood (nothing if it runs). */
    public synchronized void resume() {
        State s = state;
        if (s.paused) {
            state = new State(s.pausedTotal + source.nanos() - s.pausedAt, false, 0);
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
        return deadline - (source.nanos() - s.pausedTotal);
    }

    /** Waits on {@code monitor} (held) until notified or {@code deadline}; whether the deadline has passed. */
    public boolean timedWait(Object monitor, long deadline) throws InterruptedException {
        long left = left(deadline);
        if (left <= 0) {
            return true;
        }
        source.timedWait(monitor, left);
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
                return source.get(future, left);
            } catch (TimeoutException e) {
                // look at the clock again: it may have stood meanwhile
            }
        }
    }
}
