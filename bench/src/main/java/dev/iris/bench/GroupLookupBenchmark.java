package dev.iris.bench;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.EmbeddedCluster;
import dev.iris.runtime.Kernel;
import dev.iris.runtime.ProcessId;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
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
 * Group membership look-up, what every group send does first: the members of a group of 8
 * processes on 4 nodes as one node knows them ({@link Kernel#members}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GroupLookupBenchmark {
    private static final ProcessId GROUP = ProcessId.wellKnownGroup(1);

    private EmbeddedCluster cluster;
    private Kernel kernel;

    @Setup
    public void start() throws Exception {
        List<String> nodes = List.of("n1", "n2", "n3", "n4");
        cluster = EmbeddedCluster.start("bench", nodes, Codecs.of());
        CountDownLatch joined = new CountDownLatch(8);
        for (int i = 0; i < 8; i++) {
            cluster.node(nodes.get(i % 4)).spawn("member", k -> {
                k.join(GROUP);
                joined.countDown();
                k.receive();
            });
        }
        joined.await(30, TimeUnit.SECONDS);
        // a kernel of a process on n1; members() only reads the node's group table
        kernel = cluster.node("n1").call("lookup", Duration.ofSeconds(10), k -> k);
        if (kernel.members(GROUP).size() != 8) {
            throw new IllegalStateException("expected 8 members, found " + kernel.members(GROUP));
        }
    }

    @TearDown
    public void stop() {
        cluster.close();
    }

    @Benchmark
    public Set<ProcessId> members() {
        return kernel.members(GROUP);
    }
}
