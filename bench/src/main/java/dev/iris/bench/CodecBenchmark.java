package dev.iris.bench;

import dev.iris.bench.generated.Order;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
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
 * The codec the generator writes for a message ({@code Order} in {@code src/main/iris/bench.iris}:
 * a string, a long, a double, an int, a boolean and 64 bytes): encode into a pooled buffer, and
 * decode back into the record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    private final Order order = new Order("IRIS", 42, 101.25, 300, true, new byte[64]);
    private ByteBuf encoded;

    @Setup
    public void setUp() {
        encoded = PooledByteBufAllocator.DEFAULT.buffer();
        Order.CODEC.encode(order, encoded);
    }

    @TearDown
    public void tearDown() {
        encoded.release();
    }

    @Benchmark
    public int encode() {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(Order.CODEC.sizeHint(order));
        try {
            Order.CODEC.encode(order, out);
            return out.readableBytes();
        } finally {
            out.release();
        }
    }

    @Benchmark
    public Order decode() {
        return Order.CODEC.decode(encoded.duplicate());
    }
}
