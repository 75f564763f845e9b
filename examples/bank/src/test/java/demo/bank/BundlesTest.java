package demo.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.iris.cli.LocalBundles;
import dev.iris.runtime.Node;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example end to end: exported as node bundles, each node a separate JVM on loopback TCP
 * started from its bin/iris-node, and the same client as in {@link MainTest} on a client node
 * here. The output must be the same.
 */
class BundlesTest {
    @Test
    @Timeout(240)
    void theSameAsExportedNodeJvms(@TempDir Path out) throws Exception {
        try (LocalBundles cluster = LocalBundles.start(Path.of("."), null, out)) {
            Node client = cluster.client("client", BankSystem.codecs(), BankSystem.memory(BankSystem.LOCAL));
            assertEquals(MainTest.EXPECTED, Main.session(java.util.List.of(client, client, client)));
        }
    }
}
