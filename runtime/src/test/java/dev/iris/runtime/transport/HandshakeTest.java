package dev.iris.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HandshakeTest {
    private static final Handshake A = new Handshake("lab", Handshake.PROTOCOL, "a");

    @Test
    void payloadRoundTrip() {
        Handshake hs = new Handshake("clüster", 7, "node-1");
        ByteBuf wire = hs.encode(ByteBufAllocator.DEFAULT);
        assertEquals(hs, Handshake.decode(wire));
        wire.release();
    }

    @Test
    void payloadWithBadMagicOrTrailingBytesIsRefused() {
        ByteBuf bad = Unpooled.buffer().writeInt(0xCAFEBABE).writeShort(1);
        assertTrue(assertThrows(FrameFormatException.class, () -> Handshake.decode(bad)).getMessage().contains("magic"));

        ByteBuf trailing = A.encode(ByteBufAllocator.DEFAULT).writeByte(0);
        assertTrue(assertThrows(FrameFormatException.class, () -> Handshake.decode(trailing)).getMessage()
                .contains("trailing"));
    }

    @Test
    void stringLengthBeyondWhatRemainsIsRefused() {
        ByteBuf lying = Unpooled.buffer().writeInt(Handshake.MAGIC).writeShort(1).writeShort(200).writeBytes(new byte[3]);
        FrameFormatException e = assertThrows(FrameFormatException.class, () -> Handshake.decode(lying));
        assertTrue(e.getMessage().contains("declares 200 bytes but only 3 remain"), e.getMessage());
    }

    @Test
    void matchingPeerCompletesAndHandlerLeavesThePipeline() throws Exception {
        HandshakeHandler handler = new HandshakeHandler(A, 10_000);
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        Frame sent = ch.readOutbound();
        assertEquals(FrameKind.HANDSHAKE, sent.kind());
        assertEquals(A, Handshake.decode(sent.payload()));
        sent.release();

        Handshake peer = new Handshake("lab", Handshake.PROTOCOL, "b");
        ch.writeInbound(new Frame(FrameKind.HANDSHAKE, 0, peer.encode(ch.alloc())));
        assertEquals(peer, handler.result().get(1, TimeUnit.SECONDS));
        assertTrue(ch.isOpen());
        assertEquals(null, ch.pipeline().get(HandshakeHandler.class));
    }

    @Test
    void otherClusterIsRejectedAndClosed() {
        HandshakeHandler handler = new HandshakeHandler(A, 10_000);
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        ((Frame) ch.readOutbound()).release();

        ch.writeInbound(new Frame(FrameKind.HANDSHAKE, 0, new Handshake("prod", Handshake.PROTOCOL, "x").encode(ch.alloc())));
        Frame reject = ch.readOutbound();
        assertEquals(FrameKind.REJECT, reject.kind());
        String reason = Reject.decode(reject.payload()).reason();
        reject.release();
        assertTrue(reason.contains("cluster 'prod'") && reason.contains("'lab'"), reason);
        assertFalse(ch.isOpen());
        assertFailedWith(handler.result(), "cluster 'prod'");
    }

    @Test
    void otherProtocolVersionIsRejected() {
        HandshakeHandler handler = new HandshakeHandler(A, 10_000);
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        ((Frame) ch.readOutbound()).release();
        ch.writeInbound(new Frame(FrameKind.HANDSHAKE, 0, new Handshake("lab", 99, "x").encode(ch.alloc())));
        assertFalse(ch.isOpen());
        assertFailedWith(handler.result(), "protocol 99");
    }

    @Test
    void anyOtherFirstFrameIsRejected() {
        HandshakeHandler handler = new HandshakeHandler(A, 10_000);
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        ((Frame) ch.readOutbound()).release();
        ByteBuf junk = Unpooled.buffer().writeInt(1);
        ch.writeInbound(new Frame(FrameKind.HANDSHAKE, 0, junk));
        assertFalse(ch.isOpen());
        assertEquals(0, junk.refCnt());
        assertFailedWith(handler.result(), "malformed handshake");
    }

    @Test
    void silentPeerTimesOut() {
        HandshakeHandler handler = new HandshakeHandler(A, 50);
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        ((Frame) ch.readOutbound()).release();
        ch.advanceTimeBy(51, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen());
        assertFailedWith(handler.result(), "no handshake");
    }

    private static void assertFailedWith(CompletableFuture<Handshake> result, String text) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(1, TimeUnit.SECONDS));
        assertInstanceOf(HandshakeException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains(text), e.getCause().getMessage());
    }

    /** The same handshake over real TCP on loopback. */
    @Nested
    class OverTcp {
        private EventLoopGroup group;
        private Channel server;
        private final CompletableFuture<HandshakeHandler> serverSide = new CompletableFuture<>();

        @BeforeEach
        void start() throws InterruptedException {
            group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            HandshakeHandler hs = new HandshakeHandler(new Handshake("lab", Handshake.PROTOCOL, "server"),
                                    5_000);
                            ch.pipeline().addLast(new FrameDecoder(Frame.DEFAULT_MAX_FRAME_BYTES),
                                    new FrameEncoder(Frame.DEFAULT_MAX_FRAME_BYTES), hs);
                            serverSide.complete(hs);
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        }

        @AfterEach
        void stop() {
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }

        private HandshakeHandler connect(String cluster) throws InterruptedException {
            HandshakeHandler hs = new HandshakeHandler(new Handshake(cluster, Handshake.PROTOCOL, "client"), 5_000);
            new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new FrameDecoder(Frame.DEFAULT_MAX_FRAME_BYTES),
                            new FrameEncoder(Frame.DEFAULT_MAX_FRAME_BYTES), hs);
                }
            }).connect(server.localAddress()).sync();
            return hs;
        }

        @Test
        void sameClusterConnects() throws Exception {
            HandshakeHandler client = connect("lab");
            assertEquals("server", client.result().get(5, TimeUnit.SECONDS).node());
            assertEquals("client", serverSide.get(5, TimeUnit.SECONDS).result().get(5, TimeUnit.SECONDS).node());
        }

        @Test
        void otherClusterIsRefusedOnBothSides() throws Exception {
            HandshakeHandler client = connect("prod");
            ExecutionException e = assertThrows(ExecutionException.class, () -> client.result().get(5, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("cluster"), e.getCause().getMessage());
            ExecutionException s = assertThrows(ExecutionException.class,
                    () -> serverSide.get(5, TimeUnit.SECONDS).result().get(5, TimeUnit.SECONDS));
            assertTrue(s.getCause().getMessage().contains("cluster 'prod'"), s.getCause().getMessage());
        }
    }
}
