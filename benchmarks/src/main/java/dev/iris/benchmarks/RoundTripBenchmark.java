package dev.iris.benchmarks;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeConfig;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.Request;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A request/response round trip between two endpoints on loopback TCP, side by side in one run:
 * Iris's V Send/Reply between processes of two nodes; JGroups 5 (its default TCP stack, a
 * synchronous {@code MessageDispatcher} request between two channels), the classic group
 * communication toolkit on the JVM; and raw Netty (a length-prefixed echo over the same NIO
 * transport, no protocol above it) as the floor. Each invocation does 1,000 sequential round trips
 * of a 64-byte message; the ratios of the scores compare the stacks.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "-Djava.net.preferIPv4Stack=true"})
public class RoundTripBenchmark {
    private static final int ROUNDS = 1_000;
    private final byte[] message = new byte[64];

    private Node server;
    private Node client;
    private ProcessId echo;

    private org.jgroups.JChannel jgroupsServer;
    private org.jgroups.JChannel jgroupsClient;
    private org.jgroups.blocks.MessageDispatcher jgroupsRequests;

    private EventLoopGroup netty;
    private Channel nettyServer;
    private Channel nettyClient;
    private final AtomicReference<CompletableFuture<ByteBuf>> answer = new AtomicReference<>();

    @Setup
    public void start() throws Exception {
        server = Node.start(NodeConfig.of("server", "bench", new InetSocketAddress("127.0.0.1", 0), List.of()),
                Codecs.of());
        client = Node.start(NodeConfig.of("client", "bench", new InetSocketAddress("127.0.0.1", 0),
                List.of(new InetSocketAddress("127.0.0.1", Integer.parseInt(server.address().split(":")[1])))),
                Codecs.of());
        client.awaitMembers(2, Duration.ofSeconds(10));
        echo = server.spawn("echo", k -> {
            while (true) {
                Request r = k.receive();
                k.reply(r, r.message());
            }
        });

        System.setProperty("jgroups.bind_addr", "127.0.0.1");
        System.setProperty("jgroups.tcpping.initial_hosts", "127.0.0.1[7800]");
        jgroupsServer = new org.jgroups.JChannel("tcp.xml").name("server");
        new org.jgroups.blocks.MessageDispatcher(jgroupsServer, org.jgroups.Message::getArray);
        jgroupsServer.connect("iris-bench");
        jgroupsClient = new org.jgroups.JChannel("tcp.xml").name("client");
        jgroupsRequests = new org.jgroups.blocks.MessageDispatcher(jgroupsClient);
        jgroupsClient.connect("iris-bench");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (jgroupsClient.getView().size() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        netty = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        nettyServer = new ServerBootstrap().group(netty).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(lengthPrefixed((ctx, in) -> ctx.writeAndFlush(in.retain())))
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        nettyClient = new Bootstrap().group(netty).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(lengthPrefixed((ctx, in) -> answer.get().complete(in.retain())))
                .connect(nettyServer.localAddress()).sync().channel();
    }

    /** A pipeline of 4-byte length-prefixed frames, each handed to {@code onFrame}. */
    private static ChannelInitializer<Channel> lengthPrefixed(
            java.util.function.BiConsumer<ChannelHandlerContext, ByteBuf> onFrame) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4), new LengthFieldPrepender(4),
                        new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf in) {
                                onFrame.accept(ctx, in);
                            }
                        });
            }
        };
    }

    @TearDown
    public void stop() {
        client.close();
        server.close();
        nettyClient.close();
        nettyServer.close();
        netty.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        jgroupsClient.close();
        jgroupsServer.close();
    }

    /** 1,000 synchronous JGroups requests from one channel to the other. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public int jgroupsRequest() throws Exception {
        org.jgroups.Address server = jgroupsServer.getAddress();
        int bytes = 0;
        for (int i = 0; i < ROUNDS; i++) {
            byte[] reply = jgroupsRequests.sendMessage(new org.jgroups.BytesMessage(server, message),
                    org.jgroups.blocks.RequestOptions.SYNC().timeout(10_000));
            bytes += reply.length;
        }
        return bytes;
    }

    /** 1,000 V Send/Reply round trips from a process on one node to a process on the other. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public int irisSendReply() throws Exception {
        return client.call("bench", Duration.ofMinutes(1), k -> {
            int bytes = 0;
            for (int i = 0; i < ROUNDS; i++) {
                bytes += ((byte[]) k.send(echo, message, Duration.ofSeconds(10))).length;
            }
            return bytes;
        });
    }

    /** 1,000 request/response round trips of raw length-prefixed Netty frames. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public int nettyEcho() throws Exception {
        int bytes = 0;
        for (int i = 0; i < ROUNDS; i++) {
            CompletableFuture<ByteBuf> reply = new CompletableFuture<>();
            answer.set(reply);
            nettyClient.writeAndFlush(nettyClient.alloc().buffer(message.length).writeBytes(message));
            ByteBuf in = reply.get(10, TimeUnit.SECONDS);
            bytes += in.readableBytes();
            in.release();
        }
        return bytes;
    }
}
