package dev.iris.runtime.internal.simulation;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Delays each frame one end of a connection reads by a time drawn from the simulation's network
 * source, keeping their order (as TCP does): a frame is read no earlier than the one before it. The
 * end of the connection is read after its last frame.
 */
final class Latency extends ChannelInboundHandlerAdapter {
    private final SplittableRandom random;
    private final long min;
    private final long spread;
    /** When the last frame is read, on the clock. */
    private long last;

    Latency(SplittableRandom random, long minNanos, long maxNanos) {
        if (minNanos < 0 || maxNanos < minNanos) {
            throw new IllegalArgumentException("latency from " + minNanos + " to " + maxNanos + " ns");
        }
        this.random = random;
        this.min = minNanos;
        this.spread = maxNanos - minNanos + 1;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long now = ctx.executor().ticker().nanoTime();
        last = Math.max(last, now + min + random.nextLong(spread));
        ctx.executor().schedule(() -> ctx.fireChannelRead(msg), last - now, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        long now = ctx.executor().ticker().nanoTime();
        ctx.executor().schedule(ctx::fireChannelInactive, Math.max(0, last - now), TimeUnit.NANOSECONDS);
    }
}
