package demo.jacobi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Three workers on release-consistent shared memory compute exactly what one thread does. */
class MainTest {
    /** What the session reports: exact agreement with one thread. */
    static String expected() {
        double[] reference = Heat.reference(Main.ITERATIONS);
        return String.format(java.util.Locale.ROOT, """
                3 workers, 40 steps on a 64 x 64 grid
                largest difference from one thread: 0.0
                temperature one row below the hot edge, middle: %.4f""", reference[Heat.N + Heat.N / 2]);
    }

    @Test
    void theDistributedGridEqualsTheSingleNodeOne() throws Exception {
        assertEquals(expected(), Main.run());
    }
}
