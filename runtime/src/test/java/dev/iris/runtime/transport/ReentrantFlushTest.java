package dev.iris.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An answer to an answer between two in-JVM channels on one event loop: A sends "ping", B answers
 * "pong", and A, reading "pong" while its own flush of "ping" is still under way, sends "ack".
 * Netty drops the flush of "ack" (nested in A's flush); {@link ReentrantFlush} runs it again.
 */
class ReentrantFlushTest {
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aFlushDuringAFlushOfTheSameChannelIsNotLost(boolean withHandler) throws Exception {
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        List<Object> readByB = new CopyOnWriteArrayList<>();
        CountDownLatch pong = new CountDownLatch(1);
        LocalAddress address = new LocalAddress("reentrant-flush-" + withHandler);
        try {
            Channel server = new ServerBootstrap().group(loop).channel(LocalServerChannel.class)
                    .childHandler(new ChannelInitializer<LocalChannel>() {
                        @Override
                        protected void initChannel(LocalChannel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    readByB.add(msg);
                                    if ("ping".equals(msg)) {
                                        ctx.writeAndFlush("pong");
                                    }
                                }
                            });
                        }
                    }).bind(address).sync().channel();
            Channel a = new Bootstrap().group(loop).channel(LocalChannel.class)
                    .handler(new ChannelInitializer<LocalChannel>() {
                        @Override
                        protected void initChannel(LocalChannel ch) {
                            if (withHandler) {
                                ch.pipeline().addLast(new ReentrantFlush());
                            }
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    if ("pong".equals(msg)) {
                                        ctx.channel().writeAndFlush("ack");
                                        pong.countDown();
                                    }
                                }
                            });
                        }
                    }).connect(address).sync().channel();
            a.writeAndFlush("ping");
            assertTrue(pong.await(10, TimeUnit.SECONDS), "B answered");
            // the flush a ReentrantFlush defers is queued before this task: it has run when this has
            loop.submit(() -> { }).sync();
            assertEquals(withHandler ? List.of("ping", "ack") : List.of("ping"), readByB,
                    "without the handler Netty loses the nested flush; if it no longer does, ReentrantFlush can go");
            a.close().sync();
            server.close().sync();
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
