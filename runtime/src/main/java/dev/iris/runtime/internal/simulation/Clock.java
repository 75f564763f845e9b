package dev.iris.runtime.internal.simulation;

import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;

/** The simulated time: the event loop reads it as its ticker; only the {@link Scheduler} moves it. */
final class Clock implements Ticker {
    private volatile long now;

    @Override
    public long initialNanoTime() {
        return 0;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    /** Moves the time on to {@code t}, if that is later. */
    void advanceTo(long t) {
        if (t > now) {
            now = t;
        }
    }

    @Override
    public void sleep(long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("a thread of a simulation cannot sleep on its clock");
    }
}
