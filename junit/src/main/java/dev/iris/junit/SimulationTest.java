package dev.iris.junit;

import dev.iris.runtime.SimulatedCluster;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test method that runs once per seed in Iris's deterministic simulation, as {@code iris test
 * PROGRAM --simulate} runs a main class: while it runs, a generated system's {@code open} (a
 * {@link dev.iris.runtime.launch.ClusterSession}) starts its cluster in a {@link SimulatedCluster}
 * on that seed, with the faults asked for, on the test's thread. Each seed is one test, named
 * {@code seed N}; a seed that fails says how to run it alone. A method may take a
 * {@link SimulationRun} parameter, for a test that starts a {@link SimulatedCluster} itself.
 *
 * <pre>{@code
 * @SimulationTest(runs = 100, faults = {Fault.KILL, Fault.RESTART})
 * void moneyIsConserved() throws Exception {
 *     try (ClusterSession s = BankSystem.open(BankSystem.LOCAL, new BankSystem.Handlers(Teller::new))) {
 *         assertEquals(EXPECTED, Main.session(s.nodes()));
 *     }
 * }
 * }</pre>
 *
 * The simulation needs Java 24 or newer and {@code --add-opens java.base/java.lang=ALL-UNNAMED}
 * (the test JVM's options); without them each seed is aborted with that reason.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(SimulationExtension.class)
public @interface SimulationTest {
    /** The first seed. */
    long seed() default 1;

    /** How many seeds, from the first on. */
    int runs() default 10;

    /** The faults the simulation injects by itself, drawn from each seed (none by default). */
    SimulatedCluster.Fault[] faults() default {};
}
