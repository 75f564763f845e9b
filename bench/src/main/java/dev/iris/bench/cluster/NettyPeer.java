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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Raw Netty, the floors: no protocol above length-prefixed frames, the same transport Iris uses
 * (epoll where available, else NIO) with the same flush consolidation, and the same two event loops
 * per JVM as an Iris node: a member accepts on one and serves its connection on the other, the
 * client's connections all run on one loop (an Iris node's connections to its peers share one loop
 * too), so the client's other loop idles as Iris's inbound loop does. A request is
 * {@code [length:4][id:8][payload]} written to every member; a member answers each with
 * {@code [length:4][id:8][payload or replyBytes zeros]}.
 *
 * <p>{@link Client}, "netty": the member answers from its event loop, the client counts replies and
 * issues the next request on its event loop, so nothing but the network and the loops is measured.
 * {@link Blocking}, "netty-blocking": the member answers from a worker thread and the client's
 * requesting thread blocks on a future that its event loop completes, the thread hand-offs of a
 * blocking request/response without any protocol above it.
 */
final class NettyPeer {
    private static final int MAX_FRAME = 1 << 20;
    private static final int LOOPS = 2;

    private NettyPeer() {
    }

    /**
     * Member: {@code netty <port, 0: any> <replyBytes, 0 = echo>}; its READY line says the port it
     * bound. With {@code worker}, one worker thread answers instead of the event loop.
     */
    static Member.Commands member(String[] args, boolean worker) throws Exception {
        int replyBytes = Integer.parseInt(args[1]);
        EventLoopGroup loops = group();
        Executor answers = worker ? Executors.newSingleThreadExecutor(Thread.ofPlatform().name("worker").factory())
                : Runnable::run;
        Channel server = new ServerBootstrap().group(loops.next(), loops.next()).channel(serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(frames((ctx, in) -> {
                    ByteBuf request = in.retain();
                    answers.execute(() -> {
                        ByteBuf out;
                        if (replyBytes == 0) {
                            out = ctx.alloc().buffer(4 + request.readableBytes()).writeInt(request.readableBytes())
                                    .writeBytes(request);
                        } else {
                            out = ctx.alloc().buffer(12 + replyBytes).writeInt(8 + replyBytes)
                                    .writeLong(request.readLong()).writeZero(replyBytes);
                        }
                        request.release();
                        ctx.writeAndFlush(out);
                    });
                }))
                .bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]))).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        return new Member.Commands() {
            @Override
            public String run(String[] command) {
                return Driver.none(command);
            }

            @Override
            public String ready() {
                return String.valueOf(port);
            }
        };
    }

    /** Client JVM: {@code netty-client <member ports>} or, {@code blocking}, {@code netty-blocking-client <member ports>}. */
    static Member.Commands client(String[] args, boolean blocking) throws Exception {
        List<Integer> ports = JGroupsPeer.ports(args[0]);
        Driver.Group group;
        if (blocking) {
            Blocking client = new Blocking(ports);
            group = new Driver.Group() {
                @Override
                public Histogram latency(int payload, boolean all, Measure.Durations d, Wakeups wakeups)
                        throws Exception {
                    return Measure.latency(client.request(payload, all ? ports.size() : 1), d, wakeups);
                }

                @Override
                public Measure.Load load(int payload, boolean all) {
                    return Measure.threads("netty-blocking", client.request(payload, all ? ports.size() : 1));
                }
            };
        } else {
            Client client = new Client(ports);
            group = new Driver.Group() {
                @Override
                public Histogram latency(int payload, boolean all, Measure.Durations d, Wakeups wakeups)
                        throws Exception {
                    return client.use(payload, all ? ports.size() : 1).latency(d, wakeups);
                }

                @Override
                public Measure.Load load(int payload, boolean all) {
                    return client.use(payload, all ? ports.size() : 1);
                }
            };
        }
        return Driver.commands(group, "", Driver::none);
    }

    static EventLoopGroup group() {
        return new MultiThreadIoEventLoopGroup(LOOPS, Epoll.isAvailable() ? EpollIoHandler.newFactory()
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

    /** Connects to every member on one loop of a group of {@link #LOOPS}; each frame read goes to {@code onReply}. */
    private static List<Channel> connect(EventLoop loop, List<Integer> ports, Consumer<ByteBuf> onReply)
            throws InterruptedException {
        List<Channel> channels = new ArrayList<>();
        for (int port : ports) {
            channels.add(new Bootstrap().group(loop).channel(channel()).option(ChannelOption.TCP_NODELAY, true)
                    .handler(frames((ctx, in) -> onReply.accept(in)))
                    .connect(new InetSocketAddress("127.0.0.1", port)).sync().channel());
        }
        return channels;
    }

    /** Writes one request frame to every channel; runs on their loop. */
    private static void write(List<Channel> channels, long id, int payloadBytes) {
        ByteBuf frame = channels.get(0).alloc().buffer(12 + payloadBytes)
                .writeInt(8 + payloadBytes).writeLong(id).writeZero(payloadBytes);
        for (Channel ch : channels) {
            ch.writeAndFlush(frame.retainedDuplicate());
        }
        frame.release();
    }

    /** The client: fan-out requests to every member, completed by {@code required} replies. */
    static final class Client implements Measure.Load {
        private final EventLoopGroup group = group();
        private final EventLoop loop = group.next();
        private final List<Channel> channels;
        // set before start, which hands them to the loop
        private int payloadBytes;
        private int required;
        // touched only on the event loop
        private final Map<Long, long[]> pending = new HashMap<>();
        private long nextId;
        private boolean running;
        private LongAdder done;
        private Measure.Recording recording;

        Client(List<Integer> ports) throws InterruptedException {
            channels = connect(loop, ports, in -> reply(in.readLong()));
        }

        /** This client, its next requests of {@code payloadBytes} completed by {@code required} replies. */
        Client use(int payloadBytes, int required) {
            this.payloadBytes = payloadBytes;
            this.required = required;
            return this;
        }

        private void issue() {
            long id = nextId++;
            pending.put(id, new long[] {required, System.nanoTime()});
            write(channels, id, payloadBytes);
        }

        private void reply(long id) {
            long[] p = pending.get(id);
            if (p == null || --p[0] > 0) {
                return;
            }
            pending.remove(id);
            if (recording != null) {
                recording.record(System.nanoTime() - p[1]);
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
            Measure.Recording r = new Measure.Recording();
            loop.submit(() -> recording = r).sync();
            wakeups.start();
            r.await(d);
            loop.submit(() -> recording = null).sync();
            wakeups.stop();
            stop();
            return r.histogram;
        }
    }

    /**
     * The blocking client: the requesting thread hands its request to the event loop and blocks on a
     * future, which the loop completes with the {@code required}th reply.
     */
    static final class Blocking {
        private final EventLoop loop = group().next();
        private final List<Channel> channels;
        private final AtomicLong nextId = new AtomicLong();
        private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

        /** A request's future and the replies it still needs (counted on the loop). */
        private static final class Pending {
            final CompletableFuture<Void> replied = new CompletableFuture<>();
            int missing;

            Pending(int missing) {
                this.missing = missing;
            }
        }

        Blocking(List<Integer> ports) throws InterruptedException {
            channels = connect(loop, ports, in -> {
                long id = in.readLong();
                Pending p = pending.get(id);
                if (p != null && --p.missing == 0) {
                    pending.remove(id);
                    p.replied.complete(null);
                }
            });
        }

        /** One request of {@code payloadBytes} to every member; returns after {@code required} replies. */
        Measure.Op request(int payloadBytes, int required) {
            return () -> {
                long id = nextId.getAndIncrement();
                Pending p = new Pending(required);
                pending.put(id, p);
                loop.execute(() -> write(channels, id, payloadBytes));
                p.replied.get(10, TimeUnit.SECONDS);
            };
        }
    }
}
