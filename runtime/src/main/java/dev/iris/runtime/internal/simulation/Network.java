package dev.iris.runtime.internal.simulation;

import dev.iris.runtime.transport.Handshake;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The network of a simulation, between the nodes' in-JVM connections and their protocols: each
 * frame a connection reads takes a time drawn from the seed, in order (as TCP keeps it: a frame is
 * read no earlier than the one before it), and frames between nodes that are {@linkplain #cut cut
 * off} from each other wait until the cut ends and then arrive, in order, as TCP's retransmissions
 * would bring them: a frame is looked at when it would be read, so one in flight when the cut comes
 * waits too. A connection that ends meanwhile (its node crashed, or a failure detector gave up on
 * the other side and closed it) loses what it held. A cut connection's end goes unnoticed, so only
 * the failure detector finds a cut that lasts (as with a network that delivers nothing, or a
 * machine that lost its power).
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
    /** The frames on their way, held ones too (released if the simulation ends before they arrive). */
    private final Set<Object> inFlight = Collections.newSetFromMap(new IdentityHashMap<>());
    /** The connections holding frames behind a cut, in the order they began to. */
    private final Set<Connection> holding = new LinkedHashSet<>();

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

    /** From now on {@code receiver} reads nothing {@code sender} sent, also what is on its way, until {@link #uncut}. */
    public void cut(String receiver, String sender) {
        cuts.add(receiver + " " + sender);
    }

    /** The cut that made {@code receiver} read nothing {@code sender} sent ends. */
    public void uncut(String receiver, String sender) {
        cuts.remove(receiver + " " + sender);
        resume();
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
        resume();
    }

    /** Every cut ends: what was held arrives, and what is sent from now on. */
    public void heal() {
        cuts.clear();
        resume();
    }

    /** The connections whose cut ended read what they held, on their loops. */
    private void resume() {
        for (Iterator<Connection> i = holding.iterator(); i.hasNext(); ) {
            Connection c = i.next();
            if (!isCut(c.self, c.peer)) {
                i.remove();
                c.ctx.executor().execute(c::flush);
            }
        }
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
        private ChannelHandlerContext ctx;
        /** When the last frame is read, on the clock. */
        private long last;
        /** Frames behind a cut, in order: first those it caught on their way ({@link #caught}), then those read during it. */
        private final List<Object> held = new ArrayList<>();
        private int caught;
        /** Frames on their way (scheduled to arrive): held frames travel on only once none is. */
        private int travelling;
        /** The connection ended: what reaches a cut from now on is lost. */
        private boolean ended;

        Connection(String self) {
            this.self = self;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
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
            inFlight.add(msg);
            if (isCut(self, peer) || !held.isEmpty()) {
                held.add(msg); // sent into a cut: it arrives once the cut ends
                holding.add(this);
                return;
            }
            travel(msg);
        }

        /** Reads {@code msg} after a time drawn from the seed, behind the frames before it. */
        private void travel(Object msg) {
            long now = ctx.executor().ticker().nanoTime();
            long slower = now < slowUntil ? random.nextLong(slowBy + 1) : 0; // no draw unless slowed: seeds keep their runs
            last = Math.max(last, now + min + random.nextLong(spread) + slower);
            travelling++;
            ctx.executor().schedule(() -> arrive(msg), last - now, TimeUnit.NANOSECONDS);
        }

        private void arrive(Object msg) {
            travelling--;
            if (!inFlight.contains(msg)) {
                return; // released by close
            }
            if ((isCut(self, peer) || caught > 0) && !ended) {
                held.add(caught++, msg); // caught by a cut on its way (or behind one it caught): ahead of those sent into it
                holding.add(this);
            } else if (isCut(self, peer)) {
                inFlight.remove(msg);
                ReferenceCountUtil.release(msg); // the connection ended behind the cut: lost with it
            } else {
                inFlight.remove(msg);
                ctx.fireChannelRead(msg);
            }
            if (travelling == 0 && !held.isEmpty()) {
                flush(); // the cut ended while frames were still on their way
            }
        }

        /**
         * The cut ended: what it held travels on, in order, once nothing is on its way any more
         * (the last to arrive flushes then), unless another cut began meanwhile.
         */
        private void flush() {
            if (isCut(self, peer)) {
                holding.add(this);
                return;
            }
            if (travelling > 0) {
                return;
            }
            List<Object> frames = List.copyOf(held);
            held.clear();
            caught = 0;
            frames.forEach(this::travel);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ended = true;
            for (Object msg : held) { // held behind a cut: lost with the connection (unless the network closed)
                if (inFlight.remove(msg)) {
                    ReferenceCountUtil.release(msg);
                }
            }
            held.clear();
            caught = 0;
            holding.remove(this);
            long now = ctx.executor().ticker().nanoTime();
            ctx.executor().schedule(() -> {
                if (!isCut(self, peer)) {
                    ctx.fireChannelInactive();
                }
            }, Math.max(0, last - now), TimeUnit.NANOSECONDS);
        }
    }
}
