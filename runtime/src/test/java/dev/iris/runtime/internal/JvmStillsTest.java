package dev.iris.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A JVM suspended whole (a debugger's suspend policy "VM") does not spend its nodes' time-outs:
 * driven by a clock of the test's own, as a suspended JVM would see its clock jump.
 */
class JvmStillsTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private final AtomicLong clock = new AtomicLong(1_000_000 * MS);
    private final JvmStills jvm = new JvmStills(clock::get);

    /** Runs {@code millis} of ordinary time, the ticker ticking on time. */
    private void run(long millis) {
        for (long t = 0; t < millis; t += JvmStills.TICK_MILLIS) {
            clock.addAndGet(JvmStills.TICK_MILLIS * MS);
            jvm.tick();
        }
    }

    @Test
    void ordinaryTimeCountsAndAStillStretchDoesNotBeyondItsFirstSecond() {
        long start = jvm.nanos();
        run(2_000);
        assertEquals(2_000 * MS, jvm.nanos() - start);

        long beforeStill = jvm.nanos();
        clock.addAndGet(60_000 * MS); // suspended a minute; the JVM resumes, the ticker has not run yet
        long resumed = jvm.nanos();
        assertEquals(JvmStills.STILL_MILLIS * MS, resumed - beforeStill, "it stands after a second, not a minute");
        clock.addAndGet(5 * MS); // a thread that looks first thing after the resume sees no more
        assertEquals(resumed, jvm.nanos());
        jvm.tick();
        assertEquals(resumed, jvm.nanos(), "the tick that ends the stretch keeps the time where it stood");
        run(500);
        assertEquals(500 * MS, jvm.nanos() - resumed, "and it runs on from there");
    }

    @Test
    void aLateTickWithinASecondIsOrdinaryTimeAndTheTimeNeverGoesBack() {
        long last = jvm.nanos();
        for (long step : new long[] {100, 900, 999, 1_000, 1_001, 1_500, 30_000, 100}) {
            clock.addAndGet(step * MS);
            long before = jvm.nanos();
            jvm.tick();
            long after = jvm.nanos();
            assertTrue(before >= last && after == before, step + " ms: " + last + " -> " + before + " -> " + after);
            last = after;
        }
    }

    @Test
    void aDeadlineOfTheNodesTimeDoesNotPassWhileTheJvmStoodStill() {
        NodeTime time = new NodeTime(jvm);
        long deadline = time.nanos() + 10_000 * MS; // a ten-second time-out
        run(4_000);
        clock.addAndGet(120_000 * MS); // held two minutes at a breakpoint that suspends the JVM
        assertTrue(time.left(deadline) > 0, "not passed when the JVM resumes");
        jvm.tick();
        assertEquals(5_000 * MS, time.left(deadline), "4 s ran before, 1 s of the stretch counts");
        run(5_000);
        assertTrue(time.left(deadline) <= 0, "it passes in time that ran");
    }
}
