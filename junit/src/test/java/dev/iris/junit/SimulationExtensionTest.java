package dev.iris.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.SimulatedCluster;
import dev.iris.runtime.SimulatedCluster.Fault;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.launch.ClusterSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** {@link SimulationTest}: a test method runs once per seed, in the simulation, and a failing seed says how to run it alone. */
class SimulationExtensionTest {
    /** What the probe saw: per seed, the seed of its parameter, of the session's environment, and of the cluster it opened. */
    static final List<String> SEEN = new ArrayList<>();

    /** Opens a cluster of three nodes the way a generated system's {@code open} does. */
    static ClusterSession open() throws InterruptedException {
        return ClusterSession.open("probe", List.of("n1", "n2", "n3"), Codecs.of(), MemoryConfig.of(List.of()),
                node -> { }, ClusterSession.environment());
    }

    static class Probe {
        @SimulationTest(seed = 3, runs = 4)
        void probe(SimulationRun run) throws Exception {
            try (ClusterSession s = open()) {
                SimulatedCluster c = s.simulated();
                SEEN.add(run.seed() + " " + ClusterSession.environment().get(ClusterSession.SIMULATE_ENV) + " "
                        + (c == null ? "embedded" : c.seed() + " on " + c.nodes().size() + " nodes"));
            }
        }
    }

    static class Planted {
        /** Planted: fails on seed 2, and only there. */
        @SimulationTest(runs = 3, faults = Fault.KILL)
        void planted(SimulationRun run) throws Exception {
            try (ClusterSession s = open()) {
                s.simulated().run(java.time.Duration.ofSeconds(1));
                if (run.seed() == 2) {
                    throw new IllegalStateException("planted: seed " + run.seed() + " with " + run.faults());
                }
            }
        }
    }

    @Test
    void eachSeedRunsTheMethodInItsOwnSimulation() {
        SEEN.clear();
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Probe.class))
                .execute();
        results.testEvents().assertStatistics(stats -> stats.started(4).succeeded(4));
        assertEquals(List.of("seed 3", "seed 4", "seed 5", "seed 6"), results.testEvents().started().stream()
                .map(e -> e.getTestDescriptor().getDisplayName()).toList());
        assertEquals(List.of("3 3 3 on 3 nodes", "4 4 4 on 3 nodes", "5 5 5 on 3 nodes", "6 6 6 on 3 nodes"), SEEN);
    }

    @Test
    void aFailingSeedSaysHowToRunItAlone() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Planted.class))
                .execute();
        results.testEvents().assertStatistics(stats -> stats.started(3).succeeded(2).failed(1));
        Event failed = results.testEvents().failed().list().get(0);
        assertEquals("seed 2", failed.getTestDescriptor().getDisplayName());
        Throwable failure = failed.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow();
        assertEquals("planted: seed 2 with " + Set.of(Fault.KILL), failure.getMessage());
        assertNotNull(failure.getSuppressed());
        assertTrue(Arrays.stream(failure.getSuppressed()).anyMatch(s -> s.getMessage().equals("seed 2 failed; run it "
                + "alone with @SimulationTest(seed = 2, runs = 1, faults = {Fault.KILL}) on planted: the same seed runs "
                + "the same history")), () -> Arrays.toString(failure.getSuppressed()));
    }
}
