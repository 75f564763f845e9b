package dev.iris.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.EmbeddedCluster;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeConfig;
import dev.iris.runtime.NodeId;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.Request;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.internal.LoopCarriers;
import dev.iris.runtime.security.ClusterAuthority;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A main class's session: embedded without {@code IRIS_CLIENT}; with it, a client node that joins
 * nodes running over TCP with the credentials beside its configuration, and reaches their processes.
 */
@Timeout(60)
class ClusterSessionTest {
    private static final ClusterAuthority AUTHORITY = ClusterAuthority.create("lab");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final List<Node> nodes = new ArrayList<>();
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        nodes.forEach(Node::close);
    }

    private Node node(String name) {
        List<InetSocketAddress> seeds = nodes.stream().map(n -> NodeMain.address(n.address())).toList();
        Node node = Node.start(NodeConfig.of(name, "lab", new InetSocketAddress("127.0.0.1", 0), seeds)
                .withCredentials(AUTHORITY.issue(name)).withMemory(MemoryConfig.of(List.of())), Codecs.of());
        nodes.add(node);
        return node;
    }

    /** A client configuration for {@code cluster} seeded with the running nodes, its credentials beside it. */
    private Path clientConf(String cluster) throws IOException {
        AUTHORITY.issue("driver").write(dir.resolve("credentials"));
        String seeds = String.join(",", nodes.stream().map(Node::address).toList());
        return Files.writeString(dir.resolve("client.properties"),
                "iris.cluster=" + cluster + "\niris.node=driver\niris.seeds=" + seeds + "\niris.monitor=127.0.0.1:0\n");
    }

    @Test
    void withoutAClientConfigurationTheClusterRunsEmbeddedWithItsProcesses() throws Exception {
        AtomicInteger started = new AtomicInteger();
        try (ClusterSession session = ClusterSession.open("lab", List.of("n1", "n2"), Codecs.of(),
                MemoryConfig.of(List.of()), node -> started.incrementAndGet(), Map.of())) {
            assertFalse(session.joined());
            assertEquals(List.of("n1", "n2"), session.nodes().stream().map(n -> n.id().name()).toList());
            assertEquals(2, started.get(), "the program's processes were started once on each node");
            assertEquals(session.embedded().nodes(), session.nodes());
        }
    }

    @Test
    void aClientConfigurationJoinsTheRunningNodesOverTcp() throws Exception {
        Node n1 = node("n1");
        node("n2");
        ProcessId echo = n1.spawn("echo", k -> {
            while (true) {
                Request r = k.receive();
                k.reply(r, "echo: " + r.message());
            }
        });
        Path conf = clientConf("lab");
        try (ClusterSession session = ClusterSession.open("lab", List.of("n1", "n2"), Codecs.of(),
                MemoryConfig.of(List.of()), node -> {
                    throw new AssertionError("a joining session starts no embedded cluster");
                }, Map.of(ClusterSession.CLIENT_ENV, conf.toString()))) {
            assertTrue(session.joined());
            Node client = session.nodes().get(0);
            assertEquals(1, session.nodes().size());
            assertEquals("driver", client.id().name());
            assertEquals(List.of("driver", "n1", "n2"),
                    client.members().stream().map(NodeId::name).sorted().toList());
            assertEquals("echo: hello", client.call("driver", TIMEOUT, k -> k.send(echo, "hello", TIMEOUT)));
            assertThrows(IllegalStateException.class, session::embedded);
        }
        assertTrue(n1.awaitMembers(2, TIMEOUT), "the client left; the nodes run on");
    }

    @Test
    void aClientConfigurationOfAnotherClusterIsRefusedByName() throws Exception {
        node("n1");
        Path conf = clientConf("production");
        LaunchException e = assertThrows(LaunchException.class, () -> ClusterSession.open("lab", List.of("n1"),
                Codecs.of(), MemoryConfig.of(List.of()), node -> { },
                Map.of(ClusterSession.CLIENT_ENV, conf.toString())));
        assertTrue(e.getMessage().contains("'production'") && e.getMessage().contains("'lab'")
                && e.getMessage().contains(conf.toString()), e.getMessage());
    }

    @Test
    void theEnvironmentPutsTheProcessesOfAnEmbeddedClusterOnItsEventLoops() throws Exception {
        assumeTrue(LoopCarriers.unavailable() == null, "this JVM cannot carry processes on an event loop");
        Map<String, String> env = Map.of("IRIS_PROCESSES_ON_EVENT_LOOP", "true");
        try (ClusterSession session = ClusterSession.open("lab", List.of("n1", "n2"), Codecs.of(),
                MemoryConfig.of(List.of()), node -> { }, env)) {
            Node n1 = session.nodes().get(0);
            assertTrue(session.nodes().stream().allMatch(n -> n.config().processesOnEventLoop()));
            ProcessId echo = session.nodes().get(1).spawn("echo", k -> k.reply(k.receive(), "pong"));
            assertEquals("pong", n1.call("client", TIMEOUT, k -> k.send(echo, "ping", TIMEOUT)));
        }
        try (ClusterSession session = ClusterSession.open("lab", List.of("n1"), Codecs.of(),
                MemoryConfig.of(List.of()), node -> { }, Map.of())) {
            assertFalse(session.nodes().get(0).config().processesOnEventLoop(), "off by default");
        }
    }

    /** An embedded persistent cluster keeps its pages under IRIS_DATA_DIR, a directory per node, from run to run. */
    @Test
    void anEmbeddedPersistentClusterKeepsItsMemoryInTheDataDirectory(@TempDir Path data) throws Exception {
        MemoryConfig memory = MemoryConfig.of(List.of(MemoryConfig.Region.of("cells", 64))).withPageSize(64)
                .withPersistent(true);
        Map<String, String> env = Map.of("IRIS_DATA_DIR", data.toString());
        for (long run = 0; run < 2; run++) {
            try (ClusterSession session = ClusterSession.open("lab", List.of("n1", "n2"), Codecs.of(), memory,
                    node -> { }, env)) {
                SharedMemory m = session.nodes().get(1).memory();
                assertEquals(run, m.getAndAdd(m.region("cells").base(), 1), "what the runs before added");
            }
        }
        assertTrue(Files.isRegularFile(data.resolve("n1").resolve("pages.log")));
        assertTrue(Files.isRegularFile(data.resolve("n2").resolve("pages.log")));
    }

    @Test
    void aValueOtherThanTrueOrFalseIsRefusedBeforeANodeStarts() {
        LaunchException e = assertThrows(LaunchException.class, () -> ClusterSession.open("lab", List.of("n1"),
                Codecs.of(), MemoryConfig.of(List.of()), node -> {
                    throw new AssertionError("no cluster starts");
                }, Map.of("IRIS_PROCESSES_ON_EVENT_LOOP", "yes")));
        assertEquals("IRIS_PROCESSES_ON_EVENT_LOOP must be true or false, not 'yes'", e.getMessage());
    }

    /** With a seed in IRIS_SIMULATE (set by a launcher for this thread), the cluster runs in a simulation. */
    @Test
    void aSeedRunsTheClusterInASimulation() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.iris.runtime.internal.VirtualThreads.unavailable() == null);
        List<String> started = new java.util.ArrayList<>();
        String answer = ClusterSession.withEnvironment(Map.of(ClusterSession.SIMULATE_ENV, "5"), () -> {
            try (ClusterSession session = ClusterSession.open("lab", List.of("n1", "n2"), Codecs.of(),
                    MemoryConfig.of(List.of()), node -> started.add(node.id().name()), ClusterSession.environment())) {
                assertTrue(session.simulated() != null && !session.joined());
                ProcessId echo = session.nodes().get(1).spawn("echo", k -> k.reply(k.receive(), "pong"));
                String pong = (String) session.nodes().get(0).call("client", TIMEOUT, k -> k.send(echo, "ping", TIMEOUT));
                return pong + " after " + session.simulated().elapsed().toMillis() + " simulated ms";
            }
        });
        assertEquals(List.of("n1", "n2"), started);
        assertTrue(answer.startsWith("pong after "), answer);
        assertEquals(null, ClusterSession.environment().get(ClusterSession.SIMULATE_ENV), "set for the launch only");
        LaunchException e = assertThrows(LaunchException.class, () -> ClusterSession.open("lab", List.of("n1"),
                Codecs.of(), MemoryConfig.of(List.of()), node -> { }, Map.of(ClusterSession.SIMULATE_ENV, "x")));
        assertEquals("IRIS_SIMULATE must be a seed (a whole number), not 'x'", e.getMessage());
    }
}
