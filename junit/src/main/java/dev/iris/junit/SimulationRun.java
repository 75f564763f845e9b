package dev.iris.junit;

import dev.iris.runtime.SimulatedCluster;
import java.util.Set;

/**
 * The seed a {@link SimulationTest} runs under now, and the faults it injects; a test method may
 * take it as a parameter.
 *
 * @param seed   the seed
 * @param faults the faults (empty for none)
 */
public record SimulationRun(long seed, Set<SimulatedCluster.Fault> faults) {
    public SimulationRun {
        faults = Set.copyOf(faults);
    }
}
