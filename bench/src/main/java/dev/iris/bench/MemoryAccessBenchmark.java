package dev.iris.bench;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.EmbeddedCluster;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.SharedMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The shared memory's local paths against plain memory: reading a long of a page this node holds
 * (the fast path: no lock, no allocation, no map look-up), and writing one it owns, compared with
 * a volatile read and write of a {@code long[]} element. The ratio is what the issue asks for.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MemoryAccessBenchmark {
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    private EmbeddedCluster cluster;
    private SharedMemory memory;
    private long address;
    private final long[] plain = new long[512];
    private long counter;

    @Setup
    public void start() {
        cluster = EmbeddedCluster.start("bench", List.of("n1", "n2"), Codecs.of(),
                MemoryConfig.of(List.of(new MemoryConfig.Region("data", 4096,
                        dev.iris.runtime.dsm.Consistency.SEQUENTIAL, "n1"))));
        memory = cluster.node("n1").memory();
        address = memory.region("data").base() + 64;
        memory.setLong(address, 42); // n1 owns the page: reads and writes are local
    }

    @TearDown
    public void stop() {
        cluster.close();
    }

    @Benchmark
    public long sharedRead() {
        return memory.getLong(address);
    }

    @Benchmark
    public long plainVolatileRead() {
        return (long) WORDS.getVolatile(plain, 8);
    }

    @Benchmark
    public void sharedWrite() {
        memory.setLong(address, ++counter);
    }

    @Benchmark
    public void plainVolatileWrite() {
        WORDS.setVolatile(plain, 8, ++counter);
    }
}
