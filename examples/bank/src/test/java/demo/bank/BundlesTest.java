package demo.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.iris.cli.LocalBundles;
import dev.iris.runtime.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example end to end: exported as node bundles, each node a separate JVM on loopback TCP
 * started from its bin/iris-node, and the same client as in {@link MainTest} on a client node
 * here. The output must be the same. The nodes run their processes on their event loops
 * ({@code IRIS_PROCESSES_ON_EVENT_LOOP=true}; the other examples' bundles use the shared carriers).
 */
class BundlesTest {
    @Test
    @Timeout(240)
    void theSameAsExportedNodeJvms(@TempDir Path out) throws Exception {
        try (LocalBundles cluster = LocalBundles.start(Path.of("."), null, out,
                // Java 24 or newer carries processes on the loop (the build's JDK here)
                Runtime.version().feature() >= 24 ? Map.of("IRIS_PROCESSES_ON_EVENT_LOOP", "true") : Map.of())) {
            Node client = cluster.client("client", BankSystem.codecs(), BankSystem.memory(BankSystem.LOCAL));
            assertEquals(MainTest.EXPECTED, Main.session(List.of(client, client, client)));
        }
    }
}
