package demo.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.iris.runtime.Node;
import dev.iris.runtime.SimulatedCluster;
import dev.iris.junit.SimulationRun;
import dev.iris.junit.SimulationTest;
import dev.iris.runtime.internal.VirtualThreads;
import dev.iris.runtime.launch.ClusterSession;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bank, with its own tellers and clients, on the nodes of cluster {@code local} in the
 * deterministic simulation: under every seed the money is conserved, and a seed replays its run.
 */
class BankSimulationTest {
    private static final List<String> NODES = BankSystem.LOCAL.nodes().stream().map(BankSystem.NodeSpec::name).toList();

    /** One run of the bank under {@code seed}: its report, and the simulated time it took. */
    private static String run(long seed) throws Exception {
        try (SimulatedCluster c = SimulatedCluster.start("local", NODES, BankSystem.codecs(), seed,
                Duration.ofNanos(50_000), Duration.ofMillis(2), config -> config.withMemory(
                        BankSystem.memory(BankSystem.LOCAL)))) {
            for (Node node : c.nodes()) {
                BankSystem.start(node, BankSystem.LOCAL, new BankSystem.Handlers(Teller::new));
            }
            String report = Main.session(c.nodes());
            assertEquals(MainTest.EXPECTED, report, "seed " + seed);
            return report + "\n" + c.elapsed().toNanos() + " ns, " + c.steps() + " steps";
        }
    }

    /**
     * The program's own session, opened as its main opens it: {@code @SimulationTest} runs it once
     * per seed in the simulation (ten tests, "seed 1" to "seed 10").
     */
    @SimulationTest(runs = 10)
    void moneyIsConservedUnderEverySeed(SimulationRun run) throws Exception {
        try (ClusterSession s = BankSystem.open(BankSystem.LOCAL, new BankSystem.Handlers(Teller::new))) {
            assertEquals(run.seed(), s.simulated().seed());
            assertEquals(MainTest.EXPECTED, Main.session(s.nodes()));
        }
    }

    @Test
    void aSeedReplaysItsRun() throws Exception {
        assumeTrue(VirtualThreads.unavailable() == null, VirtualThreads::unavailable);
        assertEquals(run(7), run(7));
    }
}
