package demo.jacobi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Three workers on release-consistent shared memory compute exactly what one thread does. */
class MainTest {
    @Test
    void theDistributedGridEqualsTheSingleNodeOne() throws Exception {
        double[] reference = Heat.reference(Main.ITERATIONS);
        assertEquals(String.format(java.util.Locale.ROOT, """
                3 workers, 40 steps on a 64 x 64 grid
                largest difference from one thread: 0.0
                temperature one row below the hot edge, middle: %.4f""", reference[Heat.N + Heat.N / 2]), Main.run());
    }
}
