package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Objects allocated at run time on a shared heap, the references between them, and freeing. */
@Timeout(60)
class SharedHeapTest {
    private static final int PAGE = 256;
    private static final int ARENA = PAGE * MemoryConfig.HEAP_ARENA_PAGES;
    /** A list cell: {@code long value; Cell next}. */
    private static final HeapType CELL = HeapType.of("Cell", "heap", 16, 8);
    /** {@code long count; long[] values}. */
    private static final HeapType LONGS = HeapType.of("Longs", "heap", 8).withElements(8);
    /** An array of references to cells. */
    private static final HeapType CELLS = HeapType.of("Cells", "heap", 0).withReferenceElements();
    private static final HeapType ALONE = HeapType.of("Alone", "heap", 8).withOwnPages();

    private static MemoryConfig memory(PageManagement management, Consistency consistency, int arenas) {
        return MemoryConfig.of(List.of(Region.of("root", 8).withReferences(List.of(0L)), Region.heap("heap", (long) PAGE + arenas * ARENA,
                consistency))).withPageSize(PAGE).withManagement(management)
                .withHeapTypes(List.of(CELL, LONGS, CELLS, ALONE));
    }

    @ParameterizedTest
    @MethodSource("dev.iris.runtime.Clusters#transportsAndManagers")
    void aListBuiltOnOneNodeIsWalkedOnTheOthers(Transport transport, PageManagement management) throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of(), memory(management, Consistency.SEQUENTIAL, 8))) {
            SharedMemory m1 = c.node(0).memory();
            SharedHeap h1 = m1.heap();
            long root = m1.region("root").base();
            long head = 0;
            for (int i = 1; i <= 100; i++) {
                long cell = h1.allocate(CELL);
                m1.setLong(h1.field(cell, CELL, 0), i);
                m1.setLong(h1.field(cell, CELL, 8), head);
                head = cell;
            }
            m1.setLong(root, head);
            for (int n = 1; n < 3; n++) {
                SharedMemory m = c.node(n).memory();
                long sum = 0;
                int count = 0;
                for (long cell = m.getLong(root); cell != 0; cell = m.getLong(m.heap().field(cell, CELL, 8))) {
                    sum += m.getLong(m.heap().field(cell, CELL, 0));
                    count++;
                }
                assertEquals(100, count);
                assertEquals(5050, sum);
            }
            // the node that allocated them owns their pages: its own reads and writes are local
            long cell = m1.getLong(root);
            long page = cell / PAGE;
            PageInfo info = m1.snapshot().stream().filter(p -> p.page() == page).findFirst().orElseThrow();
            assertTrue(info.writeFaults() + info.readFaults() <= 1, info.toString());

            // an array of references, allocated on another node, pointing at the first node's cells
            SharedMemory m2 = c.node(1).memory();
            long cells = m2.heap().allocate(CELLS, 100);
            int i = 0;
            for (long at = m2.getLong(root); at != 0; at = m2.getLong(m2.heap().field(at, CELL, 8))) {
                m2.setLong(m2.heap().element(cells, CELLS, i++), at);
            }
            SharedMemory m3 = c.node(2).memory();
            assertEquals(100, m3.heap().length(cells, CELLS));
            assertEquals(1, m3.getLong(m3.heap().field(m3.getLong(m3.heap().element(cells, CELLS, 99)), CELL, 0)));
        }
    }

    @Test
    void badReferencesFailNamingTheAddressAndTheTypeAndChangeNothing() throws Exception {
        try (TestCluster c = Transport.TCP.start(2, Codecs.of(), memory(PageManagement.FIXED, Consistency.SEQUENTIAL, 4))) {
            SharedMemory m = c.node(0).memory();
            SharedHeap h = m.heap();
            long cell = h.allocate(CELL);
            long longs = h.allocate(LONGS, 3);

            assertEquals("a null reference to a 'Cell'",
                    assertThrows(NullPointerException.class, () -> h.field(0, CELL, 0)).getMessage());
            assertEquals("0x" + Long.toHexString(longs) + " holds a 'Longs', not a 'Cell'",
                    assertThrows(IllegalArgumentException.class, () -> h.field(longs, CELL, 0)).getMessage());
            String never = assertThrows(IllegalArgumentException.class, () -> h.field(cell + 8, CELL, 0)).getMessage();
            assertTrue(never.contains("no object at 0x" + Long.toHexString(cell + 8)) && never.contains("'Cell'"), never);
            assertEquals("index 3 is outside the 3 elements of the 'Longs' at 0x" + Long.toHexString(longs),
                    assertThrows(IndexOutOfBoundsException.class, () -> h.element(longs, LONGS, 3)).getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> h.element(longs, LONGS, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> h.field(cell, CELL, 16));
            String root = assertThrows(IllegalArgumentException.class,
                    () -> h.field(m.region("root").base(), CELL, 0)).getMessage();
            assertTrue(root.contains("is not an object of heap 'heap'"), root);
            assertThrows(IllegalArgumentException.class, () -> h.allocate(CELL, 2), "a cell has no elements");
            assertThrows(IllegalArgumentException.class, () -> h.allocate(LONGS, -1));
            assertThrows(IllegalArgumentException.class, () -> h.allocate(LONGS), "its length must be given");
            assertThrows(IllegalArgumentException.class, () -> h.allocate(LONGS, 1 << 20), "larger than the heap");
            String elsewhere = assertThrows(IllegalArgumentException.class,
                    () -> h.allocate(HeapType.of("Lost", "nowhere", 8))).getMessage();
            assertTrue(elsewhere.contains("heap 'nowhere'") && elsewhere.contains("[heap]"), elsewhere);
            String unlisted = assertThrows(IllegalArgumentException.class,
                    () -> h.allocate(HeapType.of("Unlisted", "heap", 8))).getMessage();
            assertTrue(unlisted.contains("'Unlisted' is not a heap type of this memory"), unlisted);

            m.setLong(h.field(cell, CELL, 0), 7);
            assertThrows(IllegalArgumentException.class, () -> h.free(cell, LONGS), "freeing as another type");
            assertTrue(h.isA(cell, CELL), "the failed free left it live");
            assertEquals(7, m.getLong(h.field(cell, CELL, 0)));

            SharedHeap other = c.node(1).memory().heap();
            other.free(cell, CELL);
            assertFalse(h.isA(cell, CELL));
            assertEquals("the 'Cell' at 0x" + Long.toHexString(cell) + " was freed",
                    assertThrows(IllegalArgumentException.class, () -> h.field(cell, CELL, 0)).getMessage());
            assertThrows(IllegalArgumentException.class, () -> other.free(cell, CELL), "freeing twice");
            assertEquals(3, h.length(longs, LONGS), "the other object is intact");
        }
    }

    /**
     * With 48 arenas a node that allocates faster than it takes arenas takes up to 3 at once (a 16th
     * of the heap), and the last taking gets what is left: still every arena is used to the end.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 48})
    void freedBlocksAreReusedZeroedAndAFullHeapCollectsBeforeItSaysSo(int arenas) throws Exception {
        try (TestCluster c = Transport.IN_JVM.start(2, Codecs.of(), memory(PageManagement.FIXED, Consistency.SEQUENTIAL,
                arenas))) {
            SharedMemory m = c.node(0).memory();
            SharedHeap h = m.heap();
            long root = m.region("root").base();
            List<Long> all = new ArrayList<>();
            MemoryException full = null;
            while (full == null) { // a list from the root: every cell stays reachable
                try {
                    long cell = h.allocate(CELL);
                    m.setLong(h.field(cell, CELL, 0), all.size() + 1);
                    h.setReference(h.field(cell, CELL, 8), m.getLong(root));
                    h.setReference(root, cell);
                    all.add(cell);
                } catch (MemoryException e) {
                    full = e;
                }
            }
            assertEquals("heap 'heap' is full: all its " + arenas + " arenas of " + ARENA + " bytes are taken",
                    full.getMessage());
            assertEquals(0, full.getSuppressed().length, "the collection it ran first freed nothing, and failed in nothing");
            assertEquals(arenas * (ARENA / 24), all.size(), "every arena was used to the end");
            // the other node cannot allocate either, and nothing it did changed the objects
            assertThrows(MemoryException.class, () -> c.node(1).memory().heap().allocate(CELL));
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i + 1, m.getLong(h.field(all.get(i), CELL, 0)));
            }
            long freed = all.get(all.size() - 1); // the head, taken off the list first
            h.setReference(root, all.get(all.size() - 2));
            h.free(freed, CELL);
            long again = h.allocate(CELL);
            assertEquals(freed, again, "the freed block is allocated again");
            assertEquals(0, m.getLong(h.field(again, CELL, 0)), "zeroed");
            h.setReference(h.field(again, CELL, 8), m.getLong(root));
            h.setReference(root, again);
            assertThrows(MemoryException.class, () -> h.allocate(CELL));

            h.setReference(root, 0); // the whole list is garbage now: the next allocation collects it first
            long after = c.node(1).memory().heap().allocate(CELL);
            assertTrue(all.contains(after), "a collected block");
            assertEquals(1, all.stream().filter(cell -> h.isA(cell, CELL)).count(), "the others were collected");
        }
    }

    @Test
    void nodesAllocatingAtOnceGetDisjointBlocksOnTheirOwnPages() throws Exception {
        try (TestCluster c = Transport.TCP.start(3, Codecs.of(), memory(PageManagement.DYNAMIC, Consistency.SEQUENTIAL, 256));
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<long[]>>> work = new ArrayList<>();
            for (int n = 0; n < 3; n++) {
                SharedMemory m = c.node(n).memory();
                for (int t = 0; t < 2; t++) {
                    int thread = n * 2 + t;
                    work.add(pool.submit((Callable<List<long[]>>) () -> {
                        List<long[]> mine = new ArrayList<>();
                        for (int i = 0; i < 300; i++) {
                            int length = i % 40;
                            long a = m.heap().allocate(LONGS, length);
                            m.setLong(m.heap().field(a, LONGS, 0), thread * 1000 + i);
                            mine.add(new long[] {a, LONGS.size(length), thread * 1000 + i});
                        }
                        return mine;
                    }));
                }
            }
            TreeMap<Long, long[]> blocks = new TreeMap<>();
            Map<Long, Integer> pageNode = new TreeMap<>();
            for (int w = 0; w < work.size(); w++) {
                for (long[] b : work.get(w).get()) {
                    blocks.put(b[0], b);
                    for (long p = b[0] / PAGE; p <= (b[0] + b[1] - 1) / PAGE; p++) {
                        Integer before = pageNode.put(p, w / 2);
                        assertTrue(before == null || before == w / 2, "page " + p + " has objects of two nodes");
                    }
                }
            }
            assertEquals(6 * 300, blocks.size());
            long end = 0;
            for (long[] b : blocks.values()) {
                assertTrue(b[0] >= end, "blocks overlap at 0x" + Long.toHexString(b[0]));
                end = b[0] + b[1];
            }
            SharedMemory reader = c.node(2).memory();
            for (long[] b : blocks.values()) {
                assertEquals(b[2], reader.getLong(reader.heap().field(b[0], LONGS, 0)));
            }
            // each node's objects are on pages it owned when it wrote them: no write faults beyond taking them
            for (int n = 0; n < 3; n++) {
                int node = n;
                long faultsOnOwnPages = c.node(n).memory().snapshot().stream()
                        .filter(p -> node == pageNode.getOrDefault(p.page(), -1)).mapToLong(PageInfo::writeFaults)
                        .filter(f -> f > 1).count();
                assertEquals(0, faultsOnOwnPages, "node " + n + " faulted again on a page of its own arena");
            }
        }
    }

    @Test
    void largeObjectsAndObjectsWithPagesOfTheirOwn() throws Exception {
        try (TestCluster c = Transport.IN_JVM.start(2, Codecs.of(), memory(PageManagement.FIXED, Consistency.SEQUENTIAL, 8))) {
            SharedMemory m = c.node(0).memory();
            SharedHeap h = m.heap();
            int length = ARENA / 8 * 2; // spans three arenas
            long big = h.allocate(LONGS, length);
            m.setLong(h.element(big, LONGS, length - 1), 99);
            SharedMemory other = c.node(1).memory();
            assertEquals(99, other.getLong(other.heap().element(big, LONGS, length - 1)));
            assertEquals(0, other.getLong(other.heap().element(big, LONGS, length / 2)));

            long a = h.allocate(ALONE);
            long b = h.allocate(ALONE);
            long cell = h.allocate(CELL);
            assertEquals(0, a % PAGE);
            assertEquals(0, b % PAGE);
            assertNotEquals(a / PAGE, b / PAGE);
            assertNotEquals(b / PAGE, cell / PAGE, "nothing shares a page with an object that has its own");

            // a freed block of a page's size that does not start a page is not reused for an object
            // with pages of its own (it would share its pages), but is for another of its size
            long array = h.allocate(LONGS, (PAGE - 16) / 8); // a header, a long, and 30 elements: 256 bytes
            assertNotEquals(0, array % PAGE, "after the cell, the array does not start a page");
            h.free(array, LONGS);
            long alone = h.allocate(ALONE);
            assertEquals(0, alone % PAGE, "an object with its own page is never put in a block that shares pages");
            assertEquals(array, h.allocate(LONGS, (PAGE - 16) / 8), "the block goes to an object without its own pages");
        }
    }

    @Test
    void releaseAndTransactionalHeaps() throws Exception {
        HeapType tcell = HeapType.of("Cell", "theap", 16, 8);
        try (TestCluster c = Transport.TCP.start(2, Codecs.of(), MemoryConfig.of(List.of(
                new Region("root", 8, Consistency.RELEASE, null), Region.heap("heap", PAGE + 4L * ARENA, Consistency.RELEASE),
                new Region("troot", 8, Consistency.TRANSACTIONAL, null),
                Region.heap("theap", PAGE + 4L * ARENA, Consistency.TRANSACTIONAL))).withPageSize(PAGE)
                .withHeapTypes(List.of(CELL, tcell)))) {
            SharedMemory m1 = c.node(0).memory();
            SharedMemory m2 = c.node(1).memory();
            DistributedLock lock1 = m1.lock("list");
            lock1.lock();
            long cell = m1.heap().allocate(CELL);
            m1.setLong(m1.heap().field(cell, CELL, 0), 42);
            m1.setLong(m1.region("root").base(), cell);
            lock1.unlock();
            DistributedLock lock2 = m2.lock("list");
            lock2.lock();
            try {
                long seen = m2.getLong(m2.region("root").base());
                assertEquals(cell, seen);
                assertEquals(42, m2.getLong(m2.heap().field(seen, CELL, 0)));
                long second = m2.heap().allocate(CELL);
                assertNotEquals(cell / ARENA, second / ARENA, "the nodes took different arenas under the heap's lock");
            } finally {
                lock2.unlock();
            }

            long troot = m1.region("troot").base();
            for (int i = 0; i < 10; i++) {
                int value = i;
                SharedMemory m = i % 2 == 0 ? m1 : m2;
                m.transaction(() -> {
                    long at = m.heap().allocate(tcell);
                    m.setLong(m.heap().field(at, tcell, 0), value);
                    m.setLong(m.heap().field(at, tcell, 8), m.getLong(troot));
                    m.setLong(troot, at);
                });
            }
            int count = 0;
            for (long at = m2.getLong(troot); at != 0; at = m2.getLong(m2.heap().field(at, tcell, 8))) {
                assertEquals(9 - count, m2.getLong(m2.heap().field(at, tcell, 0)));
                count++;
            }
            assertEquals(10, count);

            // a named root of a release-consistent heap is claimed under the heap's lock
            assertEquals(m1.heap().root("heap", "first"), m2.heap().root("heap", "first"));
        }
    }

    /** A root named inside a transaction that aborts is named for good: the collector marks from it. */
    @Test
    void aRootNamedInATransactionThatAbortsIsNamedForGood() throws Exception {
        HeapType tcell = HeapType.of("Cell", "theap", 16, 8);
        try (TestCluster c = Transport.IN_JVM.start(2, Codecs.of(), MemoryConfig.of(List.of(
                Region.heap("theap", PAGE + 4L * ARENA, Consistency.TRANSACTIONAL))).withPageSize(PAGE)
                .withHeapTypes(List.of(tcell)))) {
            SharedMemory m1 = c.node(0).memory();
            assertThrows(IllegalStateException.class, () -> m1.transaction(() -> {
                m1.heap().root("theap", "kept");
                throw new IllegalStateException("aborted");
            }));
            long kept = m1.heap().root("theap", "kept");
            long object = m1.heap().allocate(tcell);
            m1.heap().setReference(kept, object);
            c.node(1).memory().heap().collect();
            assertTrue(m1.heap().isA(object, tcell), "the root named in the aborted transaction keeps its object");
            assertEquals(kept, c.node(1).memory().heap().root("theap", "kept"));
        }
    }

    /**
     * An object allocated on a named node comes from that node's arena: the node owns its page, so
     * its own writes there fault no more, and the asking node reads it like any other. Bad names and
     * refusals fail with what and where.
     */
    @ParameterizedTest
    @MethodSource("dev.iris.runtime.Clusters#transportsAndManagers")
    void anObjectAllocatedOnANamedNodeStartsOnItsPages(Transport transport, PageManagement management)
            throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of(), memory(management, Consistency.SEQUENTIAL, 3))) {
            SharedMemory m1 = c.node(0).memory();
            SharedMemory m3 = c.node(2).memory();
            long placed = m1.heap().allocate(LONGS, 5, "node3");
            assertEquals(PageInfo.State.WRITE, page(m3, placed).state(), "node3 owns the page of the object it placed");
            long faults = page(m3, placed).writeFaults();
            for (int i = 0; i < 5; i++) {
                m3.setLong(m3.heap().element(placed, LONGS, i), 10 + i);
            }
            assertEquals(faults, page(m3, placed).writeFaults(), "node3's writes of its object are local");
            assertEquals(5, m1.heap().length(placed, LONGS));
            assertEquals(14, m1.getLong(m1.heap().element(placed, LONGS, 4)));
            assertTrue(m1.snapshot().stream().noneMatch(p -> p.page() == placed / PAGE && p.writeFaults() > 0),
                    "node1 never wrote the page");

            long mine = m1.heap().allocate(CELL, 0, "node1", a -> a); // its own name: a local allocation
            assertEquals(PageInfo.State.WRITE, page(m1, mine).state());
            assertTrue(m1.heap().isA(mine, CELL));

            MemoryException unknown = assertThrows(MemoryException.class, () -> m1.heap().allocate(CELL, 0, "node9"));
            assertEquals("no live node is named 'node9' (the live nodes: node1, node2, node3)", unknown.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m1.heap().allocate(CELL, 3, "node3"),
                    "checked before anything is sent");

            // node2 fills the heap with a list from the root; then a placement there is refused, saying why
            SharedMemory m2 = c.node(1).memory();
            long root = m2.region("root").base();
            while (true) {
                try {
                    long cell = m2.heap().allocate(CELL, 0, "node2");
                    m2.heap().setReference(m2.heap().field(cell, CELL, 8), m2.getLong(root));
                    m2.heap().setReference(root, cell);
                } catch (MemoryException full) {
                    break;
                }
            }
            MemoryException refused = assertThrows(MemoryException.class, () -> m1.heap().allocate(CELL, 0, "node2"));
            assertTrue(refused.getMessage().startsWith("the allocation of a 'Cell' on node 'node2' was refused there: "
                    + "heap 'heap' is full"), refused.getMessage());
        }
    }

    private static PageInfo page(SharedMemory m, long address) {
        return m.snapshot().stream().filter(p -> p.page() == address / PAGE).findFirst().orElseThrow();
    }
}
