package dev.iris.bench;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameDecoder;
import dev.iris.runtime.transport.FrameEncoder;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.IpcWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
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
 * A SEND frame with a byte-array message through the transport's codecs, as a node's pipeline
 * runs them: encode (IPC payload + frame header) and decode (length prefix, header, IPC header).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameBenchmark {
    @Param({"64", "1024"})
    public int payloadBytes;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private EmbeddedChannel encoder;
    private EmbeddedChannel decoder;
    private byte[] message;
    private ByteBuf wire;

    @Setup
    public void setUp() {
        encoder = new EmbeddedChannel(new FrameEncoder(Frame.DEFAULT_MAX_FRAME_BYTES));
        decoder = new EmbeddedChannel(new FrameDecoder(Frame.DEFAULT_MAX_FRAME_BYTES));
        message = new byte[payloadBytes];
        wire = alloc.buffer();
        encoder.writeOutbound(frame());
        for (ByteBuf part; (part = encoder.readOutbound()) != null; ) {
            wire.writeBytes(part);
            part.release();
        }
    }

    @TearDown
    public void tearDown() {
        wire.release();
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
    }

    private Frame frame() {
        return new Frame(FrameKind.SEND, 0, IpcWire.send(alloc, 3, 7, 1L << 32 | 5, 2L << 32 | 9, null, null,
                Codecs.BYTES.id(), message, message.length + 4, Codecs.BYTES::encode));
    }

    @Benchmark
    public int encode() {
        encoder.writeOutbound(frame());
        int bytes = 0;
        for (ByteBuf part; (part = encoder.readOutbound()) != null; ) {
            bytes += part.readableBytes();
            part.release();
        }
        return bytes;
    }

    @Benchmark
    public byte[] decode() {
        decoder.writeInbound(wire.retainedDuplicate());
        Frame frame = decoder.readInbound();
        try {
            IpcWire.readSend(frame.payload(), frame.flags());
            return Codecs.BYTES.decode(frame.payload());
        } finally {
            frame.release();
        }
    }
}
