package dev.iris.runtime.internal.dsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.EmbeddedCluster;
import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.HeapObject;
import dev.iris.runtime.dsm.HeapType;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryConfig.Region;
import dev.iris.runtime.dsm.SharedHeap;
import dev.iris.runtime.dsm.SharedHeap.Collection;
import dev.iris.runtime.dsm.SharedMemory;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a process does on another node while the collector marks, each case the one thing the
 * remark must catch (removing what catches it makes the case fail).
 */
@Timeout(60)
class CollectorTest {
    private static final int PAGE = 256;
    private static final HeapType CELL = HeapType.of("Cell", "heap", 16, 8);

    private static final class Cell extends HeapObject {
        Cell(SharedMemory memory, long address) {
            super(memory, CELL, address);
        }
    }

    private static EmbeddedCluster start() {
        return EmbeddedCluster.start("collector", List.of("a", "b"), Codecs.of(), MemoryConfig.of(List.of(
                new Region("roots", 16, Consistency.SEQUENTIAL, null).withReferences(List.of(0L, 8L)),
                Region.heap("heap", PAGE * 65L, Consistency.SEQUENTIAL))).withPageSize(PAGE)
                .withHeapTypes(List.of(CELL)));
    }

    /** root 0 -> a -> x, root 1 -> y (the marking reads y first); returns {a, x, y}. */
    private static long[] graph(SharedMemory m) {
        SharedHeap h = m.heap();
        long roots = m.region("roots").base();
        long a = h.allocate(CELL);
        long x = h.allocate(CELL);
        long y = h.allocate(CELL);
        h.setReference(h.field(a, CELL, 8), x);
        h.setReference(roots, a);
        h.setReference(roots + 8, y);
        return new long[] {a, x, y};
    }

    /** Collects from {@code collecting}, running {@code between} once the marking has read {@code object}. */
    private static Collection collectWith(SharedMemory collecting, long object, Runnable between) {
        Collector collector = ((Dsm) collecting).heap.collector;
        boolean[] ran = new boolean[1];
        collector.scanned = read -> {
            if (read == object && !ran[0]) {
                ran[0] = true;
                between.run();
            }
        };
        try {
            return collecting.heap().collect();
        } finally {
            collector.scanned = read -> { };
        }
    }

    @Test
    void aReferenceMovedIntoAnObjectAlreadyMarkedIsFoundByTheRemark() {
        try (EmbeddedCluster c = start()) {
            SharedMemory m1 = c.node(0).memory();
            SharedMemory m2 = c.node(1).memory();
            long[] g = graph(m1);
            long garbage = m1.heap().allocate(CELL);
            Collection done = collectWith(m1, g[2], () -> { // x moves from a, not read yet, to y, read already
                SharedHeap h = m2.heap();
                h.setReference(h.field(g[0], CELL, 8), 0);
                h.setReference(h.field(g[2], CELL, 8), g[1]);
            });
            assertTrue(m1.heap().isA(g[1], CELL), "x, now under y, is live");
            assertEquals(1, done.freed(), "only the garbage is freed");
            assertFalse(m1.heap().isA(garbage, CELL));
        }
    }

    @Test
    void anObjectAllocatedDuringTheMarkingLivesThroughTheCollection() {
        try (EmbeddedCluster c = start()) {
            SharedMemory m1 = c.node(0).memory();
            SharedMemory m2 = c.node(1).memory();
            long[] g = graph(m1);
            long[] made = new long[1];
            // a bare address, as a process holds one between the allocation and its handle or its first link
            Collection done = collectWith(m1, g[2], () -> made[0] = m2.heap().allocate(CELL));
            assertTrue(m1.heap().isA(made[0], CELL));
            assertEquals(0, done.freed());
            assertEquals(1, m1.heap().collect().freed(), "the next collection frees it: nothing links it");
        }
    }

    @Test
    void anObjectOnlyAHandleReachesIsLive() {
        try (EmbeddedCluster c = start()) {
            SharedMemory m1 = c.node(0).memory();
            SharedMemory m2 = c.node(1).memory();
            long[] g = graph(m1);
            AtomicReference<Cell> held = new AtomicReference<>();
            Collection done = collectWith(m1, g[2], () -> { // x is taken from a, not read yet; a handle holds it
                SharedHeap h = m2.heap();
                held.set(h.getReference(h.field(g[0], CELL, 8), a -> new Cell(m2, a)));
                h.setReference(h.field(g[0], CELL, 8), 0);
            });
            assertEquals(g[1], held.get().address());
            assertTrue(m1.heap().isA(g[1], CELL), "the handle kept x");
            assertEquals(0, done.freed());
        }
    }
}
