package dev.iris.runtime.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The time this JVM ran: {@link System#nanoTime()} less the stretches in which the whole JVM stood
 * still, as when a debugger suspends it whole (suspend policy "VM") or a pause of the collector
 * lasts seconds. A daemon thread ticks every {@value #TICK_MILLIS} ms; a tick that comes more than
 * {@value #STILL_MILLIS} ms after the one before found the JVM still meanwhile, and that stretch,
 * beyond its first {@value #STILL_MILLIS} ms, does not count. Until that tick, a reading stands
 * there: a time-out that a thread checks first thing after the JVM resumes does not see the
 * stretch either. The time never goes back.
 *
 * <p>A thread of the JVM starved of the processor as long would stop this time the same way; its
 * time-outs then come that much later, never sooner.
 *
 * <p>Thread-safe; a reading is one volatile read and one {@link System#nanoTime()}.
 */
public final class JvmStills {
    /** How often the ticker looks at the clock. */
    static final long TICK_MILLIS = 100;
    /** A gap between ticks longer than this is a stretch in which the JVM stood still. */
    static final long STILL_MILLIS = 1_000;
    private static final long STILL = TimeUnit.MILLISECONDS.toNanos(STILL_MILLIS);

    /** The JVM's own, ticked by a daemon thread from its first use. */
    static final JvmStills JVM = new JvmStills(System::nanoTime);

    static {
        Thread ticker = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(TICK_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                JVM.tick();
            }
        }, "iris-jvm-stills");
        ticker.setDaemon(true);
        ticker.start();
    }

    /** The last tick, by the clock, and the still stretches before it. */
    private record Mark(long tick, long still) {
    }

    private final LongSupplier clock;
    private volatile Mark mark;

    /** @param clock what {@link System#nanoTime()} is to this instance (tests pass their own) */
    JvmStills(LongSupplier clock) {
        this.clock = clock;
        this.mark = new Mark(clock.getAsLong(), 0);
    }

    /** Looks at the clock: a gap since the last tick longer than {@value #STILL_MILLIS} ms was still. */
    synchronized void tick() {
        long now = clock.getAsLong();
        Mark m = mark;
        long gap = now - m.tick;
        mark = new Mark(now, m.still + Math.max(0, gap - STILL));
    }

    /** The clock less the stretches the JVM stood still; it stands from {@value #STILL_MILLIS} ms after a tick until the next. */
    public long nanos() {
        Mark m = mark; // before the clock: a tick between the two reads never makes the time go back
        long now = clock.getAsLong();
        return Math.min(now, m.tick + STILL) - m.still;
    }
}
