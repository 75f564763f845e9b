package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Clusters.TestCluster;
import dev.iris.runtime.Clusters.Transport;
import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryConfig.Region;
import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.dsm.PageManagement;
import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.internal.store.PageLog;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameKind;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A persistent shared memory with backup copies: a write returns once it is on its backup's disk
 * and its owner's, so the cluster comes back whole after every node stopped, also with one node's
 * data directory wiped, keeps every page when a node dies after a restart (the backups' copies are
 * set up again as it opens), and takes a single node that stopped back while it runs.
 */
@Timeout(120)
class PersistentBackupTest {
    private static final int PAGE = 256;
    private static final int PAGES = 9;
    private static final int WORDS = PAGE / 8;
    private static final int TOTAL = PAGES * WORDS;
    /** A node's page log in its data directory. */
    private static final String LOG = "pages.log";

    @TempDir
    Path data;

    private static MemoryConfig memory() {
        return MemoryConfig.of(List.of(Region.of("cells", (long) PAGES * PAGE))).withPageSize(PAGE)
                .withManagement(PageManagement.FIXED).withBackup(true).withPersistent(true);
    }

    private UnaryOperator<NodeConfig> directories() {
        return c -> c.withDataDirectory(data.resolve(c.node()));
    }

    /** What {@code round} wrote into word {@code w} of the region. */
    private static long value(int round, int w) {
        return round * 1_000_000L + w * 7L + 1;
    }

    private static long base(Node node) {
        return node.memory().region("cells").base();
    }

    /** Node {@code writer(w)} of {@code nodes} writes round {@code round}'s value into every word w. */
    private static void writeAll(List<Node> nodes, int round) {
        for (int w = 0; w < TOTAL; w++) {
            Node n = nodes.get(w % nodes.size());
            n.memory().setLong(base(n) + 8L * w, value(round, w));
        }
    }

    private static long owned(Node node) {
        return node.memory().snapshot().stream().filter(p -> p.owner() && p.region().equals("cells")).count();
    }

    private static void assertAll(Node reader, int round, String when) {
        SharedMemory m = reader.memory();
        for (int w = 0; w < TOTAL; w++) {
            assertEquals(value(round, w), m.getLong(base(reader) + 8L * w), "word " + w + " read on " + reader.id()
                    + " " + when);
        }
    }

    /**
     * Every write comes back after the whole cluster stopped, and as the memory opens again every
     * page gets its backup copy back (from the backup's own log, or sent by the owner): a node that
     * dies then loses nothing either. The node that died starts again with a log older than the
     * others' and the cluster comes back with the newest writes.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void everyWriteComesBackAndAPageStillSurvivesADeathAfterTheRestart(Transport transport) throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of(), memory(), directories())) {
            writeAll(List.of(c.node(0), c.node(1), c.node(2)), 1);
        }
        try (TestCluster c = transport.start(3, Codecs.of(), memory(), directories())) {
            List<Node> nodes = List.of(c.node(0), c.node(1), c.node(2));
            assertAll(nodes.get(0), 1, "after the restart");
            Node owner = nodes.stream().max(Comparator.comparingLong(n -> owned(n))).orElseThrow();
            assertTrue(owned(owner) >= PAGES / 3, owner.id() + " owns " + owned(owner) + " pages");
            List<Node> left = nodes.stream().filter(n -> n != owner).toList();
            owner.close();
            for (Node n : left) {
                assertTrue(n.awaitMembers(2, Duration.ofSeconds(10)));
            }
            assertAll(left.get(0), 1, "after " + owner.id() + ", which owned most pages, died");
            writeAll(left, 2);
        }
        try (TestCluster c = transport.start(3, Codecs.of(), memory(), directories())) {
            assertAll(c.node(2), 2, "after the second restart, one node's log older than the others'");
        }
    }

    /**
     * A node whose data directory was wiped starts with a new log: every write that returned is in
     * another node's log too, so the memory opens with all of them, and the node takes part again.
     */
    @Test
    void aWipedDataDirectoryLosesNothing() throws Exception {
        try (TestCluster c = Transport.IN_JVM.start(3, Codecs.of(), memory(), directories())) {
            writeAll(List.of(c.node(0), c.node(1), c.node(2)), 1);
            writeAll(List.of(c.node(2)), 2); // node3 writes last, owning every page
        }
        Files.delete(data.resolve("node3").resolve(LOG));
        try (TestCluster c = Transport.IN_JVM.start(3, Codecs.of(), memory(), directories())) {
            assertAll(c.node(0), 2, "with node3's log wiped");
            writeAll(List.of(c.node(2)), 3);
            assertAll(c.node(1), 3, "after node3 wrote again");
        }
        try (TestCluster c = Transport.IN_JVM.start(3, Codecs.of(), memory(), directories())) {
            assertAll(c.node(0), 3, "after the next restart");
        }
    }

    /** Two wiped data directories among three are more than backup copies cover: the memory stays closed, saying why. */
    @Test
    void twoWipedDataDirectoriesKeepTheMemoryClosed() throws Exception {
        MemoryConfig config = memory().withFaultTimeout(Duration.ofSeconds(5));
        try (TestCluster c = Transport.IN_JVM.start(3, Codecs.of(), config, directories())) {
            writeAll(List.of(c.node(0), c.node(1), c.node(2)), 1);
        }
        Files.delete(data.resolve("node2").resolve(LOG));
        Files.delete(data.resolve("node3").resolve(LOG));
        try (TestCluster c = Transport.IN_JVM.start(3, Codecs.of(), config, directories())) {
            MemoryException e = assertThrows(MemoryException.class, () -> c.node(0).memory().getLong(base(c.node(0))));
            assertTrue(e.getMessage().contains("nodes [node2, node3] start with a new page log while [node1] have logs "
                    + "from an earlier run") && e.getMessage().contains("which covers one lost log, not 2"),
                    e.getMessage());
        }
    }

    /**
     * A release-consistent region has no backup copies: a wiped log of its home loses its newest
     * writes, so the memory stays closed and names the region.
     */
    @Test
    void aWipedHomeOfAReleaseConsistentRegionKeepsTheMemoryClosed() throws Exception {
        MemoryConfig config = MemoryConfig.of(List.of(Region.of("cells", (long) PAGES * PAGE),
                new Region("board", PAGE, Consistency.RELEASE, "node3"))).withPageSize(PAGE)
                .withManagement(PageManagement.FIXED).withBackup(true).withPersistent(true)
                .withFaultTimeout(Duration.ofSeconds(5));
        try (TestCluster c = Transport.IN_JVM.start(3, Codecs.of(), config, directories())) {
            writeAll(List.of(c.node(0), c.node(1), c.node(2)), 1);
        }
        Files.delete(data.resolve("node3").resolve(LOG));
        try (TestCluster c = Transport.IN_JVM.start(3, Codecs.of(), config, directories())) {
            MemoryException e = assertThrows(MemoryException.class, () -> c.node(1).memory().getLong(base(c.node(1))));
            assertTrue(e.getMessage().contains("it is the home of the release-consistent region [board]"),
                    e.getMessage());
        }
    }

    /**
     * A node that stopped starts again into the running cluster: it owns nothing from its old log,
     * reads what the others wrote meanwhile, writes, and a later restart of the whole cluster has
     * its writes.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aNodeStartsAgainIntoTheRunningCluster(Transport transport) throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of(), memory(), directories())) {
            writeAll(List.of(c.node(0), c.node(1), c.node(2)), 1);
            c.node(2).close();
            assertTrue(c.node(0).awaitMembers(2, Duration.ofSeconds(10)));
            assertTrue(c.node(1).awaitMembers(2, Duration.ofSeconds(10)));
            writeAll(List.of(c.node(0), c.node(1)), 2);
            Node again = c.join("node3");
            assertTrue(again.awaitMembers(3, Duration.ofSeconds(10)));
            assertAll(again, 2, "as it starts into the running cluster");
            writeAll(List.of(again), 3);
            assertAll(c.node(0), 3, "after the node that came back wrote");
            again.close();
            assertTrue(c.node(0).awaitMembers(2, Duration.ofSeconds(10)));
            assertAll(c.node(1), 3, "after it died again");
        }
        try (TestCluster c = transport.start(3, Codecs.of(), memory(), directories())) {
            assertAll(c.node(2), 3, "after the whole cluster restarted");
        }
    }

    /**
     * A node that dies after some nodes opened the memory, counting its log, and before the others
     * did leaves them unable to agree on its pages: the census of a node that opened does not take
     * them over from what a node that has not opened reports (it has loaded nothing), and that node
     * closes its memory for good, saying why.
     */
    @Test
    void aNodeThatDiesWhileTheMemoryOpensClosesItWhereItHadNotOpened() throws Exception {
        MemoryConfig config = memory().withFaultTimeout(Duration.ofSeconds(4));
        UnaryOperator<NodeConfig> node2HearsNoLog = c -> {
            NodeConfig d = c.withDataDirectory(data.resolve(c.node())).withFailureDetection(Duration.ofMillis(200),
                    Duration.ofMillis(600));
            return !c.node().equals("node2") ? d : d.withConnectionHandler(() -> new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof Frame frame && frame.kind() == FrameKind.LOGGED) {
                        frame.release();
                        return;
                    }
                    ctx.fireChannelRead(msg);
                }
            });
        };
        try (TestCluster c = Transport.IN_JVM.start(3, Codecs.of(), config, node2HearsNoLog)) {
            long base = base(c.node(0));
            long ofNode3 = (base / PAGE + 3 - (base / PAGE) % 3 + 2) * PAGE; // node3 manages and owns it
            c.node(0).memory().getLong(ofNode3); // node1 has opened
            c.node(2).close();
            MemoryException refused = assertThrows(MemoryException.class, () -> c.node(1).memory().getLong(base));
            assertTrue(refused.getMessage().contains("node 'node3' died while the persistent memory was opening: "
                    + "node 'node1' had opened"), refused.getMessage());
            MemoryException waits = assertThrows(MemoryException.class, () -> c.node(0).memory().getLong(ofNode3));
            assertTrue(waits.getMessage().contains("was still being found after a death"), waits.getMessage());
        }
    }

    /** Starts node1..node3 on loopback TCP, node2's page log on {@code disk}; node1 and node3 on the real one. */
    private List<Node> startWithNode2On(PageLog.Disk disk, MemoryConfig config) throws InterruptedException {
        List<Node> nodes = new ArrayList<>();
        for (String name : List.of("node1", "node2", "node3")) {
            List<SocketAddress> seeds = nodes.isEmpty() ? List.of() : List.of(Node.parse(nodes.get(0).address()));
            NodeEnvironment env = NodeEnvironment.jvm();
            nodes.add(Node.start(NodeConfig.of(name, "test", new InetSocketAddress("127.0.0.1", 0), seeds)
                    .withMemory(config).withDataDirectory(data.resolve(name)), Codecs.of(),
                    name.equals("node2") ? env.withDisk(disk) : env));
        }
        for (Node n : nodes) {
            assertTrue(n.awaitMembers(3, Duration.ofSeconds(10)));
        }
        return nodes;
    }

    /** The address of a page that node1 manages and owns at a first start: its backup is node2. */
    private static long pageOfNode1(Node node1) {
        return (base(node1) / PAGE + 2) / 3 * 3 * PAGE;
    }

    /**
     * A backup acknowledges a copy only once it is on its disk: while the backup's force is held,
     * the owner's write does not return (and returns once it is let go).
     */
    @Test
    void aWriteWaitsForItsBackupsDisk() throws Exception {
        AtomicBoolean armed = new AtomicBoolean();
        CountDownLatch forcing = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        PageLog.Disk held = (channel, file) -> {
            if (armed.get()) {
                forcing.countDown();
                try {
                    letGo.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            channel.force(false);
        };
        List<Node> nodes = startWithNode2On(held, memory().withManagers(List.of("node1", "node2", "node3")));
        try {
            long address = pageOfNode1(nodes.get(0));
            armed.set(true);
            CompletableFuture<Void> write = CompletableFuture.runAsync(() -> nodes.get(0).memory().setLong(address, 42));
            assertTrue(forcing.await(10, TimeUnit.SECONDS), "node2 forced its log");
            assertThrows(TimeoutException.class, () -> write.get(500, TimeUnit.MILLISECONDS),
                    "the write returned before its backup's copy was on the backup's disk");
            letGo.countDown();
            write.get(10, TimeUnit.SECONDS);
            assertEquals(42, nodes.get(2).memory().getLong(address));
        } finally {
            letGo.countDown();
            nodes.forEach(Node::close);
        }
    }

    /**
     * A backup whose page log fails refuses the copy: the owner's write fails at once, naming it,
     * does not take effect, and leaves the page free for others (it would otherwise stay busy,
     * waiting for an acknowledgement that never comes).
     */
    @Test
    void aBackupWhoseLogFailsRefusesTheCopyAndTheWriteFails() throws Exception {
        AtomicBoolean broken = new AtomicBoolean();
        PageLog.Disk failing = (channel, file) -> {
            if (broken.get()) {
                throw new IOException("the disk is gone");
            }
            channel.force(false);
        };
        List<Node> nodes = startWithNode2On(failing, memory().withManagers(List.of("node1", "node2", "node3"))
                .withFaultTimeout(Duration.ofSeconds(3)));
        try {
            long address = pageOfNode1(nodes.get(0));
            nodes.get(0).memory().setLong(address, 1);
            broken.set(true);
            MemoryException e = assertThrows(MemoryException.class, () -> nodes.get(0).memory().setLong(address, 2));
            assertTrue(e.getMessage().contains("its backup, node 'node2', could not make the copy durable"),
                    e.getMessage());
            assertEquals(1, nodes.get(2).memory().getLong(address), "node3 reads the page as it was");
        } finally {
            nodes.forEach(Node::close);
        }
    }
}
