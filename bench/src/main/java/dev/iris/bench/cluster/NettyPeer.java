package dev.iris.bench.cluster;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.HdrHistogram.Histogram;

/**
 * Raw Netty, the floor: no protocol above length-prefixed frames, the same transport Iris uses
 * (epoll where available, else NIO) with the same flush consolidation, one event-loop thread per
 * JVM (an Iris member also answers from one loop; a second loop in the client would add a hand-off
 * to its bookkeeping, not remove one). A request is
 * {@code [length:4][id:8][payload]} written to every member; a member answers each with
 * {@code [length:4][id:8][payload or replyBytes zeros]} from its event loop. The client issues
 * the next request from the event loop when the previous one completes (all replies, or the
 * first), so nothing but the network and the loops is measured.
 */
final class NettyPeer {
    private static final int MAX_FRAME = 1 << 20;

    private NettyPeer() {
    }

    /** Member: {@code netty <port, 0: any> <replyBytes, 0 = echo>}; its READY line says the port it bound. */
    static Member.Commands member(String[] args) throws Exception {
        int replyBytes = Integer.parseInt(args[1]);
        EventLoopGroup loop = group();
        Channel server = new ServerBootstrap().group(loop).channel(serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(frames((ctx, in) -> {
                    ByteBuf out;
                    if (replyBytes == 0) {
                        out = ctx.alloc().buffer(4 + in.readableBytes()).writeInt(in.readableBytes()).writeBytes(in);
                    } else {
                        out = ctx.alloc().buffer(12 + replyBytes).writeInt(8 + replyBytes).writeLong(in.readLong())
                                .writeZero(replyBytes);
                    }
                    ctx.writeAndFlush(out);
                }))
                .bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]))).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        return new Member.Commands() {
            @Override
            public String run(String[] command) {
                throw new IllegalArgumentException("no commands");
            }

            @Override
            public String ready() {
                return String.valueOf(port);
            }
        };
    }

    static EventLoopGroup group() {
        return new MultiThreadIoEventLoopGroup(1, Epoll.isAvailable() ? EpollIoHandler.newFactory()
                : NioIoHandler.newFactory());
    }

    static Class<? extends ServerSocketChannel> serverChannel() {
        return Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static Class<? extends SocketChannel> channel() {
        return Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    static ChannelInitializer<Channel> frames(BiConsumer<ChannelHandlerContext, ByteBuf> onFrame) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                // flushes consolidated within a read loop, as Iris's pipeline does (without it a flush per
                // write costs raw Netty most of its throughput with many requests in flight)
                ch.pipeline().addLast(new FlushConsolidationHandler(256, true),
                        new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 4),
                        new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf in) {
                                onFrame.accept(ctx, in);
                            }
                        });
            }
        };
    }

    /** The client: fan-out requests to every member, completed by {@code required} replies. */
    static final class Client implements Measure.Load, AutoCloseable {
        private final EventLoopGroup group = group();
        private final EventLoop loop = group.next();
        private final List<Channel> channels = new ArrayList<>();
        private final int payloadBytes;
        private final int required;
        // touched only on the event loop
        private final Map<Long, long[]> pending = new HashMap<>();
        private long nextId;
        private boolean running;
        private LongAdder done;
        private Histogram histogram;

        Client(List<Integer> ports, int payloadBytes, int required) throws InterruptedException {
            this.payloadBytes = payloadBytes;
            this.required = required;
            for (int port : ports) {
                channels.add(new Bootstrap().group(loop).channel(channel()).option(ChannelOption.TCP_NODELAY, true)
                        .handler(frames((ctx, in) -> reply(in.readLong())))
                        .connect(new InetSocketAddress("127.0.0.1", port)).sync().channel());
            }
        }

        private void issue() {
            long id = nextId++;
            pending.put(id, new long[] {required, System.nanoTime()});
            ByteBuf frame = channels.get(0).alloc().buffer(12 + payloadBytes)
                    .writeInt(8 + payloadBytes).writeLong(id).writeZero(payloadBytes);
            for (Channel ch : channels) {
                ch.writeAndFlush(frame.retainedDuplicate());
            }
            frame.release();
        }

        private void reply(long id) {
            long[] p = pending.get(id);
            if (p == null || --p[0] > 0) {
                return;
            }
            pending.remove(id);
            if (histogram != null) {
                histogram.recordValue(Math.max(1_000, System.nanoTime() - p[1]));
            }
            done.increment();
            if (running) {
                issue();
            }
        }

        @Override
        public void start(int inFlight, LongAdder done) throws Exception {
            loop.submit(() -> {
                this.done = done;
                running = true;
                for (int i = 0; i < inFlight; i++) {
                    issue();
                }
            }).sync();
        }

        @Override
        public void stop() throws Exception {
            loop.submit(() -> running = false).sync();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (loop.submit(pending::size).get() > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("raw Netty: requests without replies after 10 s");
                }
                TimeUnit.MILLISECONDS.sleep(1);
            }
        }

        /** Latency with one request in flight. */
        Histogram latency(Measure.Durations d, Wakeups wakeups) throws Exception {
            start(1, new LongAdder());
            TimeUnit.MILLISECONDS.sleep(d.warmupMillis());
            Histogram h = Measure.histogram();
            loop.submit(() -> histogram = h).sync();
            wakeups.start();
            TimeUnit.MILLISECONDS.sleep(d.latencyMillis());
            loop.submit(() -> histogram = null).sync();
            wakeups.stop();
            stop();
            return h;
        }

        @Override
        public void close() {
            channels.forEach(Channel::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
