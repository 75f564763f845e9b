package dev.iris.bench;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.EmbeddedCluster;
import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.HeapType;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.SharedHeap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Allocation on a shared heap against a plain {@code new} of the same size: a 16-byte object (24
 * bytes with its header) against a {@code long[3]}. Each iteration starts a fresh cluster of
 * {@code nodes} and allocates a batch on one node, arenas taken in the background as they fill (one
 * every 2,730 objects, more at once when allocation outruns them), so no collection runs; and,
 * apart from arenas, an allocation and a free of the block it reuses. With one node every arena's
 * pages are the node's own: the allocation from a local arena, whose goal is at most twice a plain
 * {@code new}. With two, half of each arena's pages are managed by the other node and cost a write
 * fault each when the arena is taken: the cost when arenas must be fetched.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, batchSize = HeapAllocationBenchmark.BATCH)
@Measurement(iterations = 8, batchSize = HeapAllocationBenchmark.BATCH)
@Fork(1)
public class HeapAllocationBenchmark {
    static final int BATCH = 200_000;
    private static final HeapType CELL = HeapType.of("Cell", "heap", 16, 8);

    @Param({"1", "2"})
    public int nodes;

    private EmbeddedCluster cluster;
    private SharedHeap heap;

    @Setup(Level.Iteration)
    public void start() {
        cluster = EmbeddedCluster.start("bench", nodes == 1 ? List.of("n1") : List.of("n1", "n2"), Codecs.of(),
                MemoryConfig.of(List.of(MemoryConfig.Region.heap("heap", 32L << 20, Consistency.SEQUENTIAL)))
                        .withHeapTypes(List.of(CELL)));
        heap = cluster.node("n1").memory().heap();
    }

    @TearDown(Level.Iteration)
    public void stop() {
        cluster.close();
    }

    @Benchmark
    public long heapAllocate() {
        return heap.allocate(CELL);
    }

    /** An allocation that reuses the block just freed: the allocation path without taking arenas. */
    @Benchmark
    public long heapAllocateAndFree() {
        long cell = heap.allocate(CELL);
        heap.free(cell, CELL);
        return cell;
    }

    @Benchmark
    public long[] plainNew() {
        return new long[3];
    }
}
