package dev.iris.runtime.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's Lamport clock, shared by its IPC and its shared memory so that messages and memory
 * events fall in one causal order: every frame that may matter to a debugger carries the sender's
 * time, and a receiver moves its clock past it. Thread-safe.
 */
public final class LamportClock {
    private final AtomicLong time = new AtomicLong();

    /** Advances the clock for a local step or a send; returns the new time. */
    public long tick() {
        return time.incrementAndGet();
    }

    /** Advances the clock past a received time; returns the new time. */
    public long receive(long remote) {
        return time.accumulateAndGet(remote, (mine, theirs) -> Math.max(mine, theirs) + 1);
    }

    /** The current time, without advancing it. */
    public long now() {
        return time.get();
    }
}
