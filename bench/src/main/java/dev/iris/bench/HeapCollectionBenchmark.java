package dev.iris.bench;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.EmbeddedCluster;
import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.HeapType;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryConfig.Region;
import dev.iris.runtime.dsm.SharedHeap;
import dev.iris.runtime.dsm.SharedMemory;
import java.util.ArrayList;
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
 * A collection of a shared heap: each iteration starts a fresh two-node cluster whose node n1
 * builds a list of {@link #LIVE} cells from a root and leaves as many cells of garbage between
 * them, then one collection runs, from n1 (which owns every page) or from n2 (which reads them all
 * over the network). Its time over the objects it visits is the collection's throughput; the pause
 * that processes see (from the remark to the resume) is printed at the end of the run, as the
 * median of all its collections, warm-up included. Run by hand: {@code java -jar bench/target/benchmarks.jar
 * HeapCollectionBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
@Fork(1)
public class HeapCollectionBenchmark {
    static final int LIVE = 50_000;
    private static final HeapType CELL = HeapType.of("Cell", "heap", 16, 8); // long value; Cell next

    @Param({"n1", "n2"})
    public String collector;

    private EmbeddedCluster cluster;
    private final List<Long> pauses = new ArrayList<>();

    @Setup(Level.Iteration)
    public void build() {
        cluster = EmbeddedCluster.start("bench", List.of("n1", "n2"), Codecs.of(),
                MemoryConfig.of(List.of(new Region("root", 8, Consistency.SEQUENTIAL, null).withReferences(List.of(0L)),
                        Region.heap("heap", 16L << 20, Consistency.SEQUENTIAL))).withHeapTypes(List.of(CELL)));
        SharedMemory m = cluster.node("n1").memory();
        SharedHeap heap = m.heap();
        long root = m.region("root").base();
        for (int i = 0; i < LIVE; i++) {
            long cell = heap.allocate(CELL); // linked at once, and no collection runs meanwhile
            m.setLong(heap.field(cell, CELL, 0), i);
            heap.setReference(heap.field(cell, CELL, 8), m.getLong(root));
            heap.setReference(root, cell);
            heap.allocate(CELL); // garbage
        }
    }

    @TearDown(Level.Iteration)
    public void stop() {
        cluster.close();
    }

    @TearDown(Level.Trial)
    public void report() {
        List<Long> sorted = pauses.stream().sorted().toList();
        System.out.printf("%n%s: pause median %.2f ms (%d collections)%n", collector,
                sorted.get(sorted.size() / 2) / 1e6, sorted.size());
    }

    @Benchmark
    public SharedHeap.Collection collect() {
        SharedHeap.Collection done = cluster.node(collector).memory().heap().collect();
        if (done.live() != LIVE || done.freed() != LIVE) {
            throw new IllegalStateException("expected " + LIVE + " live and " + LIVE + " freed: " + done);
        }
        pauses.add(done.pauseNanos());
        return done;
    }
}
