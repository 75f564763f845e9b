package dev.iris.bench;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.EmbeddedCluster;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.SharedMemory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * What backup copies cost a write to an owned page: the same write on three in-JVM nodes with
 * {@code MemoryConfig.backup} off (a local store under the page's monitor) and on (a copy of the
 * page to the backup node and its acknowledgement before the write returns), with 4 KiB pages.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BackupWriteBenchmark {
    @Param({"false", "true"})
    public boolean backup;

    private EmbeddedCluster cluster;
    private SharedMemory memory;
    private long address;
    private long counter;

    @Setup
    public void start() {
        cluster = EmbeddedCluster.start("bench", List.of("n1", "n2", "n3"), Codecs.of(),
                MemoryConfig.of(List.of(new MemoryConfig.Region("data", 4096,
                        dev.iris.runtime.dsm.Consistency.SEQUENTIAL, "n1"))).withBackup(backup));
        memory = cluster.node("n1").memory();
        address = memory.region("data").base() + 64;
        memory.setLong(address, 42); // n1 owns the page
    }

    @TearDown
    public void stop() {
        cluster.close();
    }

    @Benchmark
    public void ownedPageWrite() {
        memory.setLong(address, ++counter);
    }
}
