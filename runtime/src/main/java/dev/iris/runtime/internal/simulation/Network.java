package dev.iris.runtime.internal.simulation;

import dev.iris.runtime.transport.Handshake;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The network of a simulation, between the nodes' in-JVM connections and their protocols: each
 * frame a connection reads takes a time drawn from the seed, in order (as TCP keeps it: a frame is
 * read no earlier than the one before it), and frames between nodes that are {@linkplain #cut cut
 * off} from each other are lost: a frame is looked at when it would be read, so one in flight when the
 * cut comes is lost too. A cut connection's end goes unnoticed, so only the failure detector finds a
 * cut (as with a network that drops everything, or a machine that lost its power).
 *
 * <p>Only the simulation's thread uses it.
 */
public final class Network {
    private final SplittableRandom random;
    private final long min;
    private final long spread;
    /** Directed cuts: "receiver sender". */
    private final Set<String> cuts = new HashSet<>();
    /** Until when frames are slowed down ({@link #slow}), on the clock, and by up to how much more. */
    private long slowUntil;
    private long slowBy;
    /** The frames on their way (released if the simulation ends before they arrive). */
    private final Set<Object> inFlight = Collections.newSetFromMap(new IdentityHashMap<>());

    Network(SplittableRandom random, long minNanos, long maxNanos) {
        if (minNanos < 0 || maxNanos < minNanos) {
            throw new IllegalArgumentException("latency from " + minNanos + " to " + maxNanos + " ns");
        }
        this.random = random;
        this.min = minNanos;
        this.spread = maxNanos - minNanos + 1;
    }

    /** The handler of one connection of node {@code self} ({@code NodeConfig.withConnectionHandler}). */
    public ChannelHandler connection(String self) {
        return new Connection(self);
    }

    /** From now on {@code receiver} reads nothing {@code sender} sent, also what is on its way. */
    public void cut(String receiver, String sender) {
        cuts.add(receiver + " " + sender);
    }

    /** The cut that made {@code receiver} read nothing {@code sender} sent ends. */
    public void uncut(String receiver, String sender) {
        cuts.remove(receiver + " " + sender);
    }

    /**
     * Until {@code untilNanos} on the clock, every frame read takes up to {@code byNanos} longer
     * (drawn from the seed; still in order).
     */
    public void slow(long untilNanos, long byNanos) {
        slowUntil = untilNanos;
        slowBy = byNanos;
    }

    /** Every cut to or from {@code node} ends (it starts again). */
    public void reconnect(String node) {
        cuts.removeIf(c -> c.startsWith(node + " ") || c.endsWith(" " + node));
    }

    /** Every cut ends: what is sent from now on arrives. */
    public void heal() {
        cuts.clear();
    }

    /** Releases the frames still on their way; the simulation is over. */
    public void close() {
        inFlight.forEach(ReferenceCountUtil::release);
        inFlight.clear();
    }

    private boolean isCut(String receiver, String sender) {
        return sender != null && cuts.contains(receiver + " " + sender);
    }

    /** One end of a connection of node {@code self}; its peer is known from the handshake. */
    private final class Connection extends ChannelInboundHandlerAdapter {
        private final String self;
        private String peer;
        /** When the last frame is read, on the clock. */
        private long last;

        Connection(String self) {
            this.self = self;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof Handshake hs) {
                peer = hs.node();
                if (isCut(self, peer)) {
                    ctx.close(); // as if the connection could not be made
                    return;
                }
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (isCut(self, peer)) {
                ReferenceCountUtil.release(msg); // sent into a cut: lost, even if the cut heals before it would arrive
                return;
            }
            long now = ctx.executor().ticker().nanoTime();
            long slower = now < slowUntil ? random.nextLong(slowBy + 1) : 0; // no draw unless slowed: seeds keep their runs
            last = Math.max(last, now + min + random.nextLong(spread) + slower);
            inFlight.add(msg);
            ctx.executor().schedule(() -> {
                if (!inFlight.remove(msg)) {
                    return; // released by close
                }
                if (isCut(self, peer)) {
                    ReferenceCountUtil.release(msg);
                } else {
                    ctx.fireChannelRead(msg);
                }
            }, last - now, TimeUnit.NANOSECONDS);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            long now = ctx.executor().ticker().nanoTime();
            ctx.executor().schedule(() -> {
                if (!isCut(self, peer)) {
                    ctx.fireChannelInactive();
                }
            }, Math.max(0, last - now), TimeUnit.NANOSECONDS);
        }
    }
}
