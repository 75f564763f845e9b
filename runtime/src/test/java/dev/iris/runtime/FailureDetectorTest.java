package dev.iris.runtime;

import static dev.iris.runtime.Clusters.call;
import static dev.iris.runtime.Clusters.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Clusters.TestCluster;
import dev.iris.runtime.Clusters.Transport;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameDecoder;
import dev.iris.runtime.transport.FrameEncoder;
import dev.iris.runtime.transport.Handshake;
import dev.iris.runtime.transport.HandshakeHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FailureDetectorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @org.junit.jupiter.api.AfterEach
    void stopFakePeers() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * A fake peer on loopback: it completes the handshake as node {@code name} of cluster "fd" and
     * sends its (empty) group state, then a new {@code behaviour} per connection decides what it
     * does (nothing Iris would do).
     */
    private Channel fakePeer(String name, java.util.function.Supplier<ChannelInboundHandlerAdapter> behaviour)
            throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new FrameDecoder(Frame.DEFAULT_MAX_FRAME_BYTES),
                                new FrameEncoder(Frame.DEFAULT_MAX_FRAME_BYTES),
                                new HandshakeHandler(new Handshake("fd", Handshake.PROTOCOL, name), 5_000),
                                new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                                        // like a node: its (empty) group memberships first
                                        ctx.writeAndFlush(new Frame(dev.iris.runtime.transport.FrameKind.GROUP_UPDATE,
                                                0, dev.iris.runtime.transport.GroupWire.update(ctx.alloc(),
                                                        new dev.iris.runtime.transport.GroupWire.Update(
                                                                dev.iris.runtime.transport.GroupWire.Op.STATE, 0,
                                                                List.of()))));
                                        ctx.fireUserEventTriggered(event);
                                    }
                                }, behaviour.get());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /**
     * A peer that completes the handshake and then falls silent with its connections open (a hung
     * JVM, or a partition): only the heartbeat timeout can find it out.
     */
    @Test
    void aSilentPeerIsDeclaredDeadAfterTheFailureTimeout() throws Exception {
        Channel ghost = fakePeer("ghost", () -> new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg); // hears everything, says nothing
            }
        });
        NodeConfig config = NodeConfig.of("watcher", "fd", new InetSocketAddress("127.0.0.1", 0),
                List.of(ghost.localAddress())).withFailureDetection(Duration.ofMillis(100), Duration.ofMillis(600));
        try (Node node = Node.start(config, Codecs.of())) {
            assertTrue(node.awaitMembers(2, TIMEOUT), () -> "watcher sees " + node.members());
            long live = System.nanoTime();
            ProcessId onGhost = ProcessId.process(NodeId.of("ghost").number(), 1);
            NodeUnreachableException e = assertThrows(NodeUnreachableException.class,
                    () -> call(node, k -> k.send(onGhost, "hello?", Duration.ofMinutes(1))));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - live);
            assertTrue(e.getMessage().contains("nothing heard for 600 ms"), e.getMessage());
            assertTrue(millis >= 500 && millis < 3_000, "declared dead after " + millis + " ms");
            // (the ghost is also a seed: the watcher dials it again, so it comes and goes; not asserted)
        }
    }

    /**
     * A peer that heartbeats but never reads what it is sent: this node stops queueing for it once
     * its limit is reached, and declares it dead when it has not read for five failure timeouts.
     */
    @Test
    void aPeerThatDoesNotReadCannotFillThisNodesMemory() throws Exception {
        Channel ghost = fakePeer("sink", () -> new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                ctx.channel().config().setAutoRead(false); // reads nothing more
                ctx.executor().scheduleAtFixedRate(() -> ctx.writeAndFlush(new Frame(
                        dev.iris.runtime.transport.FrameKind.HEARTBEAT, 0,
                        ctx.alloc().buffer(0))), 0, 50, TimeUnit.MILLISECONDS);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
            }
        });
        NodeConfig config = NodeConfig.of("writer", "fd", new InetSocketAddress("127.0.0.1", 0),
                List.of(ghost.localAddress())).withFailureDetection(Duration.ofMillis(100), Duration.ofMillis(400))
                .withLimits(64 * 1024, 4 << 20);
        try (Node node = Node.start(config, Codecs.of())) {
            assertTrue(node.awaitMembers(2, TIMEOUT), () -> "writer sees " + node.members());
            ProcessId onSink = ProcessId.process(NodeId.of("sink").number(), 1);
            byte[] chunk = new byte[1 << 20];
            NodeUnreachableException e = assertThrows(NodeUnreachableException.class, () -> call(node, k -> {
                for (int i = 0; i < 500; i++) {
                    try {
                        k.send(onSink, chunk, Duration.ofMillis(20));
                    } catch (IpcTimeoutException expected) {
                        // nobody answers; the bytes pile up
                    }
                }
                return null;
            }));
            assertTrue(e.getMessage().contains("is not reading") || e.getMessage().contains("has not read"),
                    e.getMessage());
        }
    }

    /**
     * A node closed on purpose says so before its connections end: its peers fail what waits on it
     * with "left the cluster", and log its leaving, not a death (no WARNING).
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aNodeClosedOnPurposeLeavesAndIsNotDeclaredDead(Transport transport) throws Exception {
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        CountDownLatch logged = new CountDownLatch(1);
        Logger log = Logger.getLogger(Membership.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                } else if (record.getMessage().contains("left the cluster")) {
                    logged.countDown();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(handler);
        try (TestCluster c = transport.start(2, Codecs.of())) {
            CountDownLatch received = new CountDownLatch(1);
            ProcessId silent = c.node(1).spawn("silent", k -> {
                k.receive();
                received.countDown();
                k.receive(); // never replies
            });
            CompletableFuture<Object> pending = new CompletableFuture<>();
            c.node(0).spawn("client", k -> k.sendAsync(silent, "hello?", TIMEOUT).whenComplete((r, e) -> {
                if (e != null) {
                    pending.completeExceptionally(e);
                } else {
                    pending.complete(r);
                }
            }));
            assertTrue(received.await(10, TimeUnit.SECONDS));
            c.node(1).close();
            ExecutionException failed = assertThrows(ExecutionException.class, () -> pending.get(10, TimeUnit.SECONDS));
            assertTrue(failed.getCause() instanceof NodeUnreachableException
                    && failed.getCause().getMessage().contains("'node2' left the cluster (its node was closed)"),
                    failed.getCause().toString());
            assertTrue(logged.await(10, TimeUnit.SECONDS), "node1 logged node2's leaving: " + warnings);
            assertEquals(List.of(), warnings.stream().map(LogRecord::getMessage).toList());
        } finally {
            log.removeHandler(handler);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aRestartedNodeRejoins(Transport transport) throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of())) {
            c.node(2).close();
            assertTrue(c.node(0).awaitMembers(2, TIMEOUT));
            assertTrue(c.node(1).awaitMembers(2, TIMEOUT));
            Node again = c.join("node3");
            for (Node n : List.of(c.node(0), c.node(1), again)) {
                assertTrue(n.awaitMembers(3, TIMEOUT), () -> n.id() + " sees " + n.members());
            }
            ProcessId echo = server(again, m -> "back: " + m);
            assertEquals("back: hi", call(c.node(1), k -> k.send(echo, "hi", TIMEOUT)));
        }
    }

    /**
     * A member heard of whose first dial fails (node2 closes node3's first connection before any
     * handshake, as a refused or lost connection would end) is dialed again each heartbeat until it
     * answers. node3 hears of node2 once, from node1, and node2 hears of node3 only from node3: before,
     * the two never met.
     */
    @Test
    void aMemberWhoseFirstDialFailedIsDialedAgain() throws Exception {
        AtomicBoolean armed = new AtomicBoolean();
        UnaryOperator<NodeConfig> refuseOnce = config -> !config.node().equals("node2") ? config
                : config.withConnectionHandler(() -> new ChannelInboundHandlerAdapter() {
                    @Override
                    public void handlerAdded(ChannelHandlerContext ctx) {
                        if (ctx.channel().parent() != null && armed.compareAndSet(true, false)) {
                            ctx.close(); // accepted, and closed before it is active: no handshake either way
                        }
                    }
                });
        try (TestCluster c = Transport.TCP.start(2, Codecs.of(), MemoryConfig.NONE, refuseOnce)) {
            armed.set(true);
            Node node3 = c.join("node3");
            assertTrue(node3.awaitMembers(3, TIMEOUT), () -> "node3 sees " + node3.members());
            assertTrue(c.node(1).awaitMembers(3, TIMEOUT), () -> "node2 sees " + c.node(1).members());
            assertTrue(!armed.get(), "node2 closed node3's first connection");
        }
    }
}
