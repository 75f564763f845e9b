package demo.names;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.NameScope;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeId;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.launch.ClusterSession;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The example, compiled from names.iris by xtext-maven-plugin, run on an in-JVM cluster. */
class MainTest {
    /** What the client reports. */
    static final String EXPECTED = """
                registered with 4 name servers
                printer found: true
                scanner found: false""";

    @Test
    void theNameServiceAnswers() throws Exception {
        assertEquals(EXPECTED, Main.run());
    }

    /** Every node of the cluster finds a name server of its own under the kernel's run-time name. */
    @Test
    void everyNodeFindsANameServerOfItsOwnByItsRunTimeName() throws Exception {
        try (ClusterSession cluster = NamesSystem.open(NamesSystem.LOCAL, new NamesSystem.Handlers(NameServer::new))) {
            for (Node node : cluster.nodes()) {
                Optional<ProcessId> server = node.call("client", Duration.ofSeconds(30),
                        k -> k.lookup(NameServer.ON_THIS_NODE, NameScope.NODE));
                assertTrue(server.isPresent(), node.config().node());
                assertEquals(NodeId.of(node.config().node()).number(), server.get().nodeNumber(), "on the node that asked");
                assertEquals(new Found(false, 0), node.call("client", Duration.ofSeconds(30),
                        k -> k.send(server.get(), new Lookup("scanner"), Duration.ofSeconds(10))));
            }
        }
    }
}
