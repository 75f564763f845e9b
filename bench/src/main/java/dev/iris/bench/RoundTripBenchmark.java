package dev.iris.bench;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.Dispatch;
import dev.iris.runtime.Kernel;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeConfig;
import dev.iris.runtime.ProcessId;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
 * A Send/Reply of 64 bytes between two nodes over loopback TCP in this JVM, the server answering
 * on the event loop or on its process's thread. Its point is the allocation per round trip, both
 * nodes' together (run with {@code -prof gc}: {@code gc.alloc.rate.norm}); its time is the
 * cluster harness's business, not this one's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RoundTripBenchmark {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Param({"EVENT_LOOP", "PROCESS_THREAD"})
    public Dispatch dispatch;

    private Node a;
    private Node b;
    private Kernel kernel;
    private ProcessId server;
    private final byte[] payload = new byte[64];

    @Setup
    public void start() throws Exception {
        a = Node.start(NodeConfig.of("a", "roundtrip", new InetSocketAddress("127.0.0.1", 0), List.of()), Codecs.of());
        b = Node.start(NodeConfig.of("b", "roundtrip", new InetSocketAddress("127.0.0.1", 0),
                List.of(new InetSocketAddress("127.0.0.1", port(a)))), Codecs.of());
        if (!a.awaitMembers(2, TIMEOUT) || !b.awaitMembers(2, TIMEOUT)) {
            throw new IllegalStateException("the two nodes did not meet");
        }
        CountDownLatch serving = new CountDownLatch(1);
        server = b.spawn("echo", k -> {
            serving.countDown();
            k.serve(r -> k.reply(r, r.message()), dispatch);
        });
        serving.await(10, TimeUnit.SECONDS);
        // the kernel of a process on a: a send only needs the sender's id and node
        kernel = a.call("client", TIMEOUT, k -> k);
    }

    private static int port(Node node) {
        return Integer.parseInt(node.address().substring(node.address().lastIndexOf(':') + 1));
    }

    @TearDown
    public void stop() {
        a.close();
        b.close();
    }

    @Benchmark
    public Object sendReply() {
        return kernel.send(server, payload, TIMEOUT);
    }
}
