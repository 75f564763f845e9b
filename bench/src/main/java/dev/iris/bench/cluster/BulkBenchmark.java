package dev.iris.bench.cluster;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeConfig;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.Request;
import dev.iris.runtime.Segment;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * 1 GiB from one node to another over loopback TCP in this JVM, three ways: read by the receiver
 * through a segment of the sender's memory (V's MoveFrom, in 4 MiB parts), sent as 64 messages of
 * 16 MiB (fragmented frames), and, as the floor, a raw Netty stream of the same bytes in 4 MiB
 * writes whose receiver copies them into a 4 MiB buffer, as the segment's reader does. Time per
 * GiB; the ratio of the segment's time to the stream's is the goal.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class BulkBenchmark {
    /** How the bytes travel. */
    public enum Way { SEGMENT, MESSAGES, NETTY_STREAM }

    private static final int BYTES = 1 << 30;
    private static final int PART = 4 << 20;
    private static final int MESSAGE = 16 << 20;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @Param({"SEGMENT", "MESSAGES", "NETTY_STREAM"})
    public Way way;

    private final ByteBuffer data = ByteBuffer.allocateDirect(BYTES);
    private final byte[] message = new byte[MESSAGE];
    private Node a;
    private Node b;
    private ProcessId reader;
    private EventLoopGroup loops;
    private Channel stream;
    private volatile CompletableFuture<Void> received;

    @Setup
    public void start() throws Exception {
        if (way == Way.NETTY_STREAM) {
            startNetty();
            return;
        }
        a = Node.start(NodeConfig.of("a", "bulk", new InetSocketAddress("127.0.0.1", 0), List.of()), Codecs.of());
        b = Node.start(NodeConfig.of("b", "bulk", new InetSocketAddress("127.0.0.1", 0),
                List.of(new InetSocketAddress("127.0.0.1", port(a.address())))), Codecs.of());
        if (!a.awaitMembers(2, TIMEOUT) || !b.awaitMembers(2, TIMEOUT)) {
            throw new IllegalStateException("the two nodes did not meet");
        }
        CountDownLatch serving = new CountDownLatch(1);
        reader = b.spawn("reader", k -> {
            ByteBuffer part = ByteBuffer.allocateDirect(PART);
            serving.countDown();
            while (true) {
                Request r = k.receive();
                long length = r.segment().map(Segment.Grant::length).orElse(0L);
                for (long at = 0; at < length; at += PART) {
                    k.moveFrom(r, at, part.clear());
                }
                k.reply(r, "moved");
            }
        });
        serving.await(10, TimeUnit.SECONDS);
    }

    private void startNetty() throws InterruptedException {
        loops = NettyPeer.group(); // as many loops as a node has, epoll where there is
        Channel server = new ServerBootstrap().group(loops).channel(NettyPeer.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            /** Where the bytes go, as the segment's reader moves them into a part of its own. */
                            private final ByteBuffer sink = ByteBuffer.allocateDirect(PART);
                            private long bytes;

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf in = (ByteBuf) msg;
                                bytes += in.readableBytes();
                                while (in.isReadable()) {
                                    if (!sink.hasRemaining()) {
                                        sink.clear();
                                    }
                                    int n = Math.min(sink.remaining(), in.readableBytes());
                                    in.readBytes(sink.slice(sink.position(), n));
                                    sink.position(sink.position() + n);
                                }
                                in.release();
                                if (bytes >= BYTES) {
                                    bytes -= BYTES;
                                    ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
                                }
                            }
                        });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        stream = new Bootstrap().group(loops).channel(NettyPeer.channel()).option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ((ByteBuf) msg).release();
                        received.complete(null);
                    }
                }).connect(server.localAddress()).sync().channel();
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    @TearDown
    public void stop() {
        if (a != null) {
            a.close();
            b.close();
        }
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Benchmark
    public Object move() throws Exception {
        return switch (way) {
            case SEGMENT -> a.call("client", TIMEOUT, k -> k.send(reader, "read it",
                    Segment.of(data.duplicate(), Segment.Access.READ), TIMEOUT));
            case MESSAGES -> a.call("client", TIMEOUT, k -> {
                Object last = null;
                for (int sent = 0; sent < BYTES; sent += MESSAGE) {
                    last = k.send(reader, message, TIMEOUT);
                }
                return last;
            });
            case NETTY_STREAM -> {
                received = new CompletableFuture<>();
                ByteBuf all = Unpooled.wrappedBuffer(data.duplicate().clear());
                stream.eventLoop().execute(() -> {
                    for (int at = 0; at < BYTES; at += PART) {
                        stream.write(all.retainedSlice(at, PART));
                    }
                    stream.flush();
                    all.release();
                });
                received.get(2, TimeUnit.MINUTES);
                yield "moved";
            }
        };
    }
}
