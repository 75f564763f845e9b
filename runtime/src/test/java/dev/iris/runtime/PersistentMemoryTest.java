package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Clusters.TestCluster;
import dev.iris.runtime.Clusters.Transport;
import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.DistributedLock;
import dev.iris.runtime.dsm.HeapType;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryConfig.Region;
import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.dsm.PageInfo;
import dev.iris.runtime.dsm.PageManagement;
import dev.iris.runtime.dsm.SharedHeap;
import dev.iris.runtime.dsm.SharedMemory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A persistent shared memory: each node logs the pages it owns in its data directory before a
 * write returns, and a cluster whose nodes all stopped comes back from the same directories with
 * every write, whichever node wrote it last, and every object of its heaps, under both managers and
 * over both transports.
 */
@Timeout(120)
class PersistentMemoryTest {
    private static final int PAGE = 256;
    private static final int PAGES = 8;
    private static final int WORDS = PAGE / 8;

    @TempDir
    Path data;

    private static MemoryConfig memory(PageManagement management) {
        return MemoryConfig.of(List.of(Region.of("cells", (long) PAGES * PAGE))).withPageSize(PAGE)
                .withManagement(management).withPersistent(true);
    }

    private UnaryOperator<NodeConfig> directories() {
        return c -> c.withDataDirectory(data.resolve(c.node()));
    }

    /** What {@code round} wrote into word {@code w} of the region, written by node {@code w % 3}. */
    private static long value(int round, int w) {
        return round * 1_000_000L + w * 7L + 1;
    }

    @ParameterizedTest
    @MethodSource("dev.iris.runtime.Clusters#transportsAndManagers")
    void everyWriteComesBackWhenTheWholeClusterStartsAgain(Transport transport, PageManagement management)
            throws Exception {
        int total = PAGES * WORDS;
        for (int round = 1; round <= 3; round++) {
            try (TestCluster c = transport.start(3, Codecs.of(), memory(management), directories())) {
                long base = c.node(0).memory().region("cells").base();
                for (int w = 0; w < total; w++) {
                    SharedMemory m = c.node(0).memory();
                    long expected = round == 1 ? 0 : value(round - 1, w);
                    assertEquals(expected, m.getLong(base + 8L * w), "word " + w + " after restart " + (round - 1));
                }
                // every node writes a third of the words: pages move between owners as they do
                for (int w = 0; w < total; w++) {
                    c.node(w % 3).memory().setLong(base + 8L * w, value(round, w));
                }
                for (int n = 0; n < 3; n++) {
                    for (int w = 0; w < total; w += 5) {
                        assertEquals(value(round, w), c.node(n).memory().getLong(base + 8L * w));
                    }
                }
            }
        }
        for (int n = 1; n <= 3; n++) {
            assertTrue(Files.size(data.resolve("node" + n).resolve("pages.log")) > 16, "node" + n + " logged pages");
        }
    }

    /** Writes from many threads on several nodes at once are all durable: they share forces, none is lost. */
    @Test
    void concurrentWritersOnEveryNodeLoseNothing() throws Exception {
        int writers = 12;
        int writes = 20;
        try (TestCluster c = Transport.TCP.start(3, Codecs.of(), memory(PageManagement.DYNAMIC), directories())) {
            long base = c.node(0).memory().region("cells").base();
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < writers; t++) {
                    int writer = t;
                    done.add(pool.submit(() -> {
                        SharedMemory m = c.node(writer % 3).memory();
                        long word = base + 8L * (writer * WORDS / 2); // two writers per page, on different nodes
                        for (int i = 1; i <= writes; i++) {
                            m.setLong(word, i);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
        try (TestCluster c = Transport.TCP.start(3, Codecs.of(), memory(PageManagement.DYNAMIC), directories())) {
            long base = c.node(1).memory().region("cells").base();
            for (int t = 0; t < writers; t++) {
                assertEquals(writes, c.node(2).memory().getLong(base + 8L * (t * WORDS / 2)), "writer " + t);
            }
            // every node has given every page its owner once its own access to each page got through
            // (a node opens on its own, page by page, once it heard every manager's log)
            for (int n = 0; n < 3; n++) {
                for (int page = 0; page < PAGES; page++) {
                    c.node(n).memory().getLong(base + (long) page * PAGE);
                }
            }
            long owned = c.node(0).memory().snapshot().stream().filter(PageInfo::owner).count()
                    + c.node(1).memory().snapshot().stream().filter(PageInfo::owner).count()
                    + c.node(2).memory().snapshot().stream().filter(PageInfo::owner).count();
            assertEquals(PAGES, owned, "every page has exactly one owner after the restart");
        }
    }

    /** A transaction's pages are durable together: after restarts, the transfers between two pages add up. */
    @ParameterizedTest
    @MethodSource("dev.iris.runtime.Clusters#transportsAndManagers")
    void transactionsComeBackWhole(Transport transport, PageManagement management) throws Exception {
        MemoryConfig config = MemoryConfig.of(List.of(new Region("vault", 2L * PAGE, Consistency.TRANSACTIONAL, null)))
                .withPageSize(PAGE).withManagement(management).withPersistent(true);
        long[] expected = new long[2 * WORDS];
        for (int round = 1; round <= 3; round++) {
            try (TestCluster c = transport.start(3, Codecs.of(), config, directories())) {
                long base = c.node(0).memory().region("vault").base();
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], c.node(i % 3).memory().getLong(base + 8L * i), "word " + i);
                }
                for (int t = 0; t < 12; t++) {
                    int from = (t * 5) % WORDS; // on the first page
                    int to = WORDS + (t * 7) % WORDS; // on the second
                    long cents = t + round;
                    SharedMemory m = c.node(t % 3).memory();
                    m.transaction(() -> {
                        m.setLong(base + 8L * from, m.getLong(base + 8L * from) - cents);
                        m.setLong(base + 8L * to, m.getLong(base + 8L * to) + cents);
                    });
                    expected[from] -= cents;
                    expected[to] += cents;
                }
            }
        }
    }

    /**
     * A handler on the event loop may not wait for the disk: its write is refused before it is under
     * way, and the handler runs again on its process's thread, so each request adds one, not two.
     */
    @Test
    void aWriteFromAHandlerOnTheEventLoopTakesEffectOnce() throws Exception {
        try (TestCluster c = Transport.TCP.start(2, Codecs.of(), memory(PageManagement.FIXED), directories())) {
            long counter = c.node(1).memory().region("cells").base();
            c.node(1).memory().setLong(counter, 0); // node2 owns it: its writes wait only for its log
            CountDownLatch serving = new CountDownLatch(1);
            ProcessId server = c.node(1).spawn("counter", k -> {
                serving.countDown();
                k.serve(r -> k.reply(r, String.valueOf(k.memory().getAndAdd(counter, 1))), Dispatch.EVENT_LOOP);
            });
            assertTrue(serving.await(10, TimeUnit.SECONDS));
            for (long i = 0; i < 20; i++) {
                Object before = Clusters.call(c.node(0), k -> k.send(server, "add", Duration.ofSeconds(10)));
                assertEquals(String.valueOf(i), before);
            }
            assertEquals(20, c.node(0).memory().getLong(counter));
        }
    }

    /**
     * A heap comes back with its objects and references: a list pushed onto from three nodes is
     * whole after each restart, what is allocated after a restart lands beside what was (never on
     * it), and a collection after a restart frees the garbage from before it and lists for reuse
     * the blocks freed before it, whose lists died with their nodes.
     */
    @ParameterizedTest
    @MethodSource("dev.iris.runtime.Clusters#transportsAndManagers")
    void aHeapComesBackWithItsObjectsAndReferences(Transport transport, PageManagement management) throws Exception {
        HeapType cell = HeapType.of("Cell", "heap", 16, 8); // long value; Cell next
        MemoryConfig memory = MemoryConfig.of(List.of(new Region("list", 8, Consistency.SEQUENTIAL, null)
                .withReferences(List.of(0L)), Region.heap("heap", PAGE + 16L * PAGE * MemoryConfig.HEAP_ARENA_PAGES,
                Consistency.SEQUENTIAL))).withPageSize(PAGE).withHeapTypes(List.of(cell)).withManagement(management)
                .withPersistent(true);
        List<Long> pushed = new ArrayList<>(); // values, the newest first
        List<Long> addresses = new ArrayList<>();
        Set<Long> dead = new HashSet<>(); // blocks that are garbage or freed when the cluster stops
        for (int round = 1; round <= 3; round++) {
            try (TestCluster c = transport.start(3, Codecs.of(), memory, directories())) {
                SharedMemory reader = c.node(round % 3).memory();
                long list = reader.region("list").base();
                List<Long> values = new ArrayList<>();
                List<Long> cells = new ArrayList<>();
                for (long at = reader.getLong(list); at != 0; at = reader.getLong(reader.heap().field(at, cell, 8))) {
                    values.add(reader.getLong(reader.heap().field(at, cell, 0)));
                    cells.add(at);
                }
                assertEquals(pushed, values, "the list after restart " + (round - 1));
                assertEquals(addresses, cells);
                long newest = reader.heap().root("heap", "newest"); // a named root comes back as well
                assertEquals(addresses.isEmpty() ? 0 : addresses.get(0), reader.getLong(newest));
                List<SharedMemory> pushers = new ArrayList<>();
                if (round == 2) {
                    SharedHeap.Collection collection = reader.heap().collect();
                    assertEquals(3, collection.freed(), "the garbage of the first round: " + collection);
                    assertEquals(pushed.size(), collection.live(), collection.toString());
                    for (int i = 0; i < dead.size(); i++) {
                        pushers.add(reader); // the collecting node reuses what was freed before the restart
                    }
                }
                for (int i = 0; i < 12; i++) {
                    pushers.add(c.node(i % 3).memory());
                }
                for (int i = 0; i < pushers.size(); i++) {
                    SharedMemory m = pushers.get(i);
                    long at = m.heap().allocate(cell); // linked before any collection: a bare address will do
                    long value = round * 100L + i;
                    m.setLong(m.heap().field(at, cell, 0), value);
                    m.heap().setReference(m.heap().field(at, cell, 8), m.getLong(list));
                    m.heap().setReference(list, at);
                    assertTrue(!addresses.contains(at), "a new cell at " + at + " lands on a cell from before");
                    if (round == 2 && i < dead.size()) {
                        assertTrue(dead.contains(at), "cell " + i + " after the collection reuses a block from before "
                                + "the restart " + dead + ", not " + at);
                    }
                    pushed.add(0, value);
                    addresses.add(0, at);
                }
                reader.heap().setReference(newest, addresses.get(0));
                if (round == 1) {
                    for (int n = 0; n < 3; n++) {
                        SharedHeap heap = c.node(n).memory().heap();
                        dead.add(heap.allocate(cell)); // garbage, for the collection after the restart
                        long freed = heap.allocate(cell);
                        heap.free(freed, cell); // listed for reuse on this node, which forgets it at the stop
                        dead.add(freed);
                    }
                }
            }
        }
    }

    /**
     * Release-consistent pages are durable at the release that publishes their writes: counts
     * kept under a lock on two pages with different homes, raised by threads on three nodes at
     * once, are all there after each restart.
     */
    @ParameterizedTest
    @MethodSource("dev.iris.runtime.Clusters#transportsAndManagers")
    void releasedWritesComeBack(Transport transport, PageManagement management) throws Exception {
        MemoryConfig memory = MemoryConfig.of(List.of(new Region("tally", 2L * PAGE, Consistency.RELEASE, null)))
                .withPageSize(PAGE).withManagement(management).withPersistent(true);
        int raises = 10;
        for (int round = 1; round <= 3; round++) {
            try (TestCluster c = transport.start(3, Codecs.of(), memory, directories())) {
                long[] counts = counts(c.node(round % 3).memory());
                assertEquals((round - 1) * 3L * raises, counts[0], "the first page's count after restart " + (round - 1));
                assertEquals((round - 1) * 3L * raises * 2, counts[1], "the second page's");
                ExecutorService pool = Executors.newFixedThreadPool(3);
                try {
                    List<Future<?>> done = new ArrayList<>();
                    for (int n = 0; n < 3; n++) {
                        SharedMemory m = c.node(n).memory();
                        long base = m.region("tally").base();
                        done.add(pool.submit(() -> {
                            for (int i = 0; i < raises; i++) {
                                DistributedLock lock = m.lock("tally");
                                lock.lock();
                                try {
                                    m.setLong(base, m.getLong(base) + 1);
                                    m.setLong(base + PAGE, m.getLong(base + PAGE) + 2);
                                } finally {
                                    lock.unlock(); // returns once the homes have logged the new masters
                                }
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : done) {
                        f.get();
                    }
                } finally {
                    pool.shutdownNow();
                }
                assertEquals(round * 3L * raises, counts(c.node((round + 1) % 3).memory())[0]);
            }
        }
    }

    /** The counts of the tally's two pages, read under its lock. */
    private static long[] counts(SharedMemory m) {
        long base = m.region("tally").base();
        DistributedLock lock = m.lock("tally");
        lock.lock();
        try {
            return new long[] {m.getLong(base), m.getLong(base + PAGE)};
        } finally {
            lock.unlock();
        }
    }

    /** A node that starts again into a running persistent cluster is refused, with a message that says why. */
    @Test
    void aNodeStartingIntoARunningClusterIsRefused() throws Exception {
        try (TestCluster c = Transport.IN_JVM.start(3, Codecs.of(), memory(PageManagement.FIXED), directories())) {
            long base = c.node(0).memory().region("cells").base();
            for (int w = 0; w < PAGES * WORDS; w += WORDS) {
                c.node(2).memory().setLong(base + 8L * w, 9);
            }
            c.node(2).close();
            assertTrue(c.node(0).awaitMembers(2, Duration.ofSeconds(10)));
            Node again = c.join("node3");
            assertTrue(again.awaitMembers(3, Duration.ofSeconds(10)));
            MemoryException e = assertThrows(MemoryException.class, () -> again.memory().getLong(base));
            assertTrue(e.getMessage().contains("cannot start into a running persistent cluster"), e.getMessage());
        }
    }

    /**
     * A node whose data directory was wiped starts with a new log among logs of an earlier run: the
     * pages whose newest copy only it held cannot be known, so no node opens its memory, and every
     * access says why (a silent restart would hand out older versions of its pages).
     */
    @Test
    void aWipedDataDirectoryKeepsTheMemoryClosedAndSaysWhy() throws Exception {
        MemoryConfig config = memory(PageManagement.FIXED).withFaultTimeout(Duration.ofSeconds(5));
        try (TestCluster c = Transport.IN_JVM.start(3, Codecs.of(), config, directories())) {
            long base = c.node(0).memory().region("cells").base();
            c.node(1).memory().setLong(base, 1);
            c.node(2).memory().setLong(base, 2); // the newest copy is node3's only
        }
        Files.delete(data.resolve("node3").resolve("pages.log"));
        try (TestCluster c = Transport.IN_JVM.start(3, Codecs.of(), config, directories())) {
            long base = c.node(0).memory().region("cells").base();
            for (int n = 0; n < 3; n++) {
                SharedMemory m = c.node(n).memory();
                MemoryException e = assertThrows(MemoryException.class, () -> m.getLong(base));
                assertTrue(e.getMessage().contains("node [node3] starts with a new page log while [node1, node2] have "
                        + "logs from an earlier run"), e.getMessage());
            }
        }
    }

    /** The memory opens only once every manager said what its log holds; until then an access waits, then says who is missing. */
    @Test
    void theMemoryWaitsForEveryManager() throws Exception {
        MemoryConfig config = memory(PageManagement.FIXED).withManagers(List.of("node1", "node2"))
                .withFaultTimeout(Duration.ofMillis(300));
        try (Node alone = Node.start(NodeConfig.of("node1", "test", new InetSocketAddress("127.0.0.1", 0), List.of())
                .withMemory(config).withDataDirectory(data.resolve("node1")), Codecs.of())) {
            long base = alone.memory().region("cells").base();
            MemoryException e = assertThrows(MemoryException.class, () -> alone.memory().getLong(base));
            assertTrue(e.getMessage().contains("has not opened") && e.getMessage().contains("[node2]"), e.getMessage());
        }
    }

    @Test
    void configurationsThatCannotBePersistentAreRefused() throws IOException {
        NodeConfig noDirectory = NodeConfig.of("node1", "test", new InetSocketAddress("127.0.0.1", 0), List.of())
                .withMemory(memory(PageManagement.FIXED).withManagers(List.of("node1")));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Node.start(noDirectory, Codecs.of()));
        assertTrue(missing.getMessage().contains("has no data directory"), missing.getMessage());
        NodeConfig notManager = NodeConfig.of("node3", "test", new InetSocketAddress("127.0.0.1", 0), List.of())
                .withMemory(memory(PageManagement.FIXED).withManagers(List.of("node1", "node2")))
                .withDataDirectory(data.resolve("node3"));
        IllegalArgumentException manager = assertThrows(IllegalArgumentException.class,
                () -> Node.start(notManager, Codecs.of()));
        assertTrue(manager.getMessage().contains("is not a manager"), manager.getMessage());
        Path notALog = Files.createDirectories(data.resolve("node1"));
        Files.writeString(notALog.resolve("pages.log"), "not a page log, but long enough to have a header");
        MemoryException foreign = assertThrows(MemoryException.class, () -> Node.start(NodeConfig.of("node1", "test",
                new InetSocketAddress("127.0.0.1", 0), List.of()).withMemory(memory(PageManagement.FIXED)
                .withManagers(List.of("node1"))).withDataDirectory(notALog), Codecs.of()));
        assertTrue(foreign.getMessage().contains("pages.log"), foreign.getMessage());
        MemoryConfig two = memory(PageManagement.FIXED).withManagers(List.of("node1", "node2"));
        Path shared = data.resolve("shared");
        try (Node first = Node.start(NodeConfig.of("node1", "test", new InetSocketAddress("127.0.0.1", 0), List.of())
                .withMemory(two).withDataDirectory(shared), Codecs.of())) {
            MemoryException inUse = assertThrows(MemoryException.class, () -> Node.start(NodeConfig.of("node2", "test",
                    new InetSocketAddress("127.0.0.1", 0), List.of()).withMemory(two).withDataDirectory(shared),
                    Codecs.of()));
            assertTrue(inUse.getMessage().contains("is in use"), inUse.getMessage());
        }
    }
}
