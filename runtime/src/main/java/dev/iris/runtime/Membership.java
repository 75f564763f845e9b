package dev.iris.runtime;

import dev.iris.runtime.internal.Log;
import dev.iris.runtime.internal.LoopDeadline;
import dev.iris.runtime.internal.NodeTime;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameEncoder;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.Handshake;
import dev.iris.runtime.transport.MembershipWire;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Who is in the cluster, as one node sees it: seeds, the full mesh of connections, heartbeats and
 * failure detection. See {@code doc/design/membership.md}.
 *
 * <p>Wire (payloads in {@link MembershipWire}): a node dials its seeds and every member it learns
 * of, one outbound connection per peer. After the handshake it sends MEMBERS (every member it
 * knows, so the peer dials them) on its new connection, then HEARTBEAT frames every heartbeat
 * interval. A peer is live once this node's connection to it completed the handshake; it is
 * declared dead when either connection closes, when nothing was heard from it for the failure
 * timeout, or when it has not read what this node sent for five failure timeouts.
 *
 * <p>Threading: handshakes, closes and frames arrive on event loops; {@link #tick} runs on the
 * node's protocol loop. The peer tables are concurrent maps read without a lock; changes to them,
 * and the memory frames held for a peer that is joining, are guarded by the membership lock.
 */
final class Membership implements Peers {
    /**
     * A peer that has not read what this node sent for this many failure timeouts is declared dead
     * (and a segment's piece it has not read has its connection closed): alive, but what is queued
     * for it would only grow.
     */
    static final int UNREAD_TIMEOUTS = 5;

    private static final System.Logger LOG = Log.of(Membership.class);
    static final AttributeKey<String> PEER_NAME = AttributeKey.valueOf("iris.peer");
    /** Memory frames held at most for a peer whose connection from this node is not yet up. */
    private static final int MAX_EARLY_FRAMES = 10_000;

    /** What membership tells the protocols above it. */
    interface Listener {
        /**
         * A peer is being admitted: runs {@code register} (which makes it live and queues what the
         * peer must get first on {@code ch}) so that no change of the group table falls in between.
         */
        void admitting(Channel ch, Runnable register);

        /** The peer is live (after its admission). */
        void joined(Peer peer);

        /** Under the membership lock: the peer is no longer live; what waits on it fails. */
        void left(Peer peer, String why);

        /** Outside the lock, after {@link #left}: the shared memory takes over what the peer held. */
        void died(Peer peer);

        /**
         * Every heartbeat: when the longest-running inline handler started (0: none runs); while one
         * holds the loop that reads the peers, their silence proves nothing.
         */
        long stalledSince();
    }

    private final NodeId self;
    private final NodeConfig config;
    private final Wiring wiring;
    private final Supplier<String> address;
    /** Failure detection runs on it: while it stands (debug time), no peer is found dead for silence. */
    private final NodeTime time;
    private Listener listener;
    private final Map<String, Peer> peersByName = new ConcurrentHashMap<>();
    /** The live peers by number: read on every send without a lock or a boxed key, replaced whole under the lock. */
    private volatile IntObjectMap<Peer> livePeers = new IntObjectHashMap<>();
    private final Set<String> dialing = ConcurrentHashMap.newKeySet();
    /**
     * Addresses dialed again for a while, with since when: peers declared dead (they may come back)
     * and members heard of that this node has not reached yet (a first dial may fail).
     */
    private final Map<String, Long> lostPeers = new ConcurrentHashMap<>();
    /** Names of peers that left on purpose and have not joined again: the latest {@link #LEFT_KEPT}, oldest first. */
    private final Set<String> leftPeers = new LinkedHashSet<>(); // guarded by itself
    private static final int LEFT_KEPT = 256;
    private final Object lock = new Object();
    /** Peers declared dead whose death the shared memory is still processing (guarded by lock). */
    private int deathsInProgress;
    private volatile boolean closed;
    /** The whole cluster is being stopped on purpose: peers that go are not a failure worth a warning. */
    private volatile boolean stopping;

    Membership(NodeId self, NodeConfig config, Wiring wiring, NodeTime time, Supplier<String> address) {
        this.self = self;
        this.config = config;
        this.wiring = wiring;
        this.time = time;
        this.address = address;
    }

    /** Notes that something arrived from {@code peer} (it is alive), by this node's time. */
    void heard(Peer peer) {
        peer.lastHeardNanos = time.nanos();
    }

    void listener(Listener listener) {
        this.listener = listener;
    }

    boolean stopping() {
        return stopping || closed;
    }

    /** Tells this node that its cluster is being stopped (see {@link EmbeddedCluster#close()}). */
    void clusterStopping() {
        stopping = true;
    }

    // ------------------------------------------------------------------ what the node shows

    List<NodeId> members() {
        List<NodeId> members = new ArrayList<>();
        members.add(self);
        for (Peer peer : livePeers.values()) {
            members.add(peer.id);
        }
        members.sort(Comparator.comparing(NodeId::name));
        return members;
    }

    /** The names of the nodes that left the cluster on purpose and have not joined again, sorted. */
    List<String> left() {
        synchronized (leftPeers) {
            return leftPeers.stream().sorted().toList();
        }
    }

    boolean awaitMembers(int count, Duration timeout) throws InterruptedException {
        long deadline = time.nanos() + timeout.toNanos(); // the node's time: simulated in a simulation
        synchronized (lock) {
            while (livePeers.size() + 1 != count || deathsInProgress > 0
                    || !livePeers.values().stream().allMatch(p -> p.groupsKnown)) {
                if (time.timedWait(lock, deadline)) {
                    return false;
                }
            }
            return true;
        }
    }

    // ------------------------------------------------------------------ Peers

    @Override
    public Peer live(int node) {
        return livePeers.get(node);
    }

    @Override
    public Collection<Peer> live() {
        return livePeers.values();
    }

    @Override
    public Peer of(Channel ch) {
        String name = ch.attr(PEER_NAME).get();
        return name == null ? null : peersByName.get(name);
    }

    @Override
    public Channel channelTo(int node) {
        Peer peer = livePeers.get(node);
        if (peer != null) {
            return peer.out;
        }
        for (Peer p : peersByName.values()) {
            if (p.id.number() == node && p.in != null && p.in.isActive()) {
                return p.in;
            }
        }
        return null;
    }

    @Override
    public String nameOf(int node) {
        if (node == self.number()) {
            return self.name();
        }
        Peer peer = livePeers.get(node);
        return peer != null ? peer.id.name() : "node #" + node;
    }

    /** Whether {@code node} is live or has connected to this node while this node's connection to it is under way. */
    boolean liveOrJoining(int node) {
        return livePeers.containsKey(node) || joining(node) != null;
    }

    /** The peer {@code node} if it connected to this node and this node's connection to it is under way. */
    private Peer joining(int node) {
        for (Peer peer : peersByName.values()) {
            if (peer.id.number() == node && peer.out == null && peer.in != null && peer.in.isActive()) {
                return peer;
            }
        }
        return null;
    }

    /**
     * Sends a memory frame to {@code node}: on this node's connection to it, or, while that is under
     * way, held and sent first once it is up (at most {@value #MAX_EARLY_FRAMES}).
     *
     * @return false (payload released) if the node is neither live nor joining
     */
    boolean send(int node, FrameKind kind, ByteBuf payload) {
        return send(node, kind, payload, null);
    }

    /**
     * As {@link #send(int, FrameKind, ByteBuf)}; the task that writes the frame on the connection's
     * event loop also arms {@code deadline} there (if not null; a frame held for a joining peer arms
     * nothing, and its waiter's park is timed).
     */
    boolean send(int node, FrameKind kind, ByteBuf payload, LoopDeadline deadline) {
        Peer peer = livePeers.get(node);
        if (peer == null) {
            synchronized (lock) {
                peer = livePeers.get(node);
                if (peer == null) {
                    Peer joining = joining(node);
                    if (joining == null || joining.early.size() >= MAX_EARLY_FRAMES) {
                        payload.release();
                        return false;
                    }
                    joining.early.add(new Frame(kind, 0, payload));
                    return true;
                }
            }
        }
        Frame frame = new Frame(kind, 0, payload);
        if (deadline == null) {
            peer.out.writeAndFlush(frame);
            return true;
        }
        Channel out = peer.out;
        EventLoop loop = out.eventLoop();
        deadline.deadlineOn(loop);
        Runnable write = () -> {
            deadline.armDeadline();
            FrameEncoder.write(out, frame, true);
        };
        if (loop.inEventLoop()) {
            write.run();
        } else {
            try {
                loop.execute(write);
            } catch (RejectedExecutionException e) {
                frame.release();
                return false; // the loop is shutting down: the node is closing
            }
        }
        return true;
    }

    /**
     * Sends a frame whose order does not matter ({@link dev.iris.runtime.internal.PeerLink#sendUnordered}):
     * on the calling event loop's connection to {@code node}, else as {@link #send}.
     */
    boolean sendUnordered(int node, FrameKind kind, ByteBuf payload) {
        Peer peer = livePeers.get(node);
        if (peer != null && !peer.out.eventLoop().inEventLoop()) {
            Channel in = peer.in;
            if (in != null && in.isActive() && in.eventLoop().inEventLoop()) {
                in.writeAndFlush(new Frame(kind, 0, payload));
                return true;
            }
        }
        return send(node, kind, payload);
    }

    // ------------------------------------------------------------------ connections

    void dial(String peerAddress) {
        if (closed || peerAddress.equals(address.get()) || !dialing.add(peerAddress)) {
            return;
        }
        for (Peer peer : livePeers.values()) {
            if (peer.address.equals(peerAddress)) {
                dialing.remove(peerAddress);
                return;
            }
        }
        wiring.connect(Wiring.parse(peerAddress)).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                dialing.remove(peerAddress);
                LOG.log(Level.DEBUG, "Node ''{0}'' cannot reach {1}: {2}", self, peerAddress, f.cause().getMessage());
            } else {
                f.channel().closeFuture().addListener(c -> dialing.remove(peerAddress));
            }
        });
    }

    /** Every heartbeat interval: heartbeats out, silent peers declared dead, seeds not yet reached dialed again. */
    void tick() {
        try {
            heartbeatAndCheck();
        } catch (RuntimeException e) {
            // never let one bad round cancel the periodic task
            LOG.log(Level.WARNING, "Node ''" + self + "'': heartbeat round failed", e);
        }
    }

    private void heartbeatAndCheck() {
        if (closed) {
            return;
        }
        long now = time.nanos();
        long timeout = config.failureTimeout().toNanos();
        long stalledSince = listener.stalledSince();
        boolean reading = stalledSince == 0 || now - stalledSince > 5 * timeout;
        for (Peer peer : livePeers.values()) {
            if (peer.out.isWritable()) {
                peer.unwritableSinceNanos = 0;
            } else if (peer.unwritableSinceNanos == 0) {
                peer.unwritableSinceNanos = now;
            }
            if (reading && now - peer.lastHeardNanos > timeout) {
                declareDead(peer, "nothing heard for " + config.failureTimeout().toMillis() + " ms");
            } else if (peer.unwritableSinceNanos != 0
                    && now - peer.unwritableSinceNanos > UNREAD_TIMEOUTS * timeout) {
                // alive, but not reading: what is queued for it would only grow
                declareDead(peer, "it has not read what this node sent for "
                        + TimeUnit.NANOSECONDS.toMillis(now - peer.unwritableSinceNanos) + " ms ("
                        + Ipc.queued(peer.out) + " bytes queued)");
            } else {
                peer.out.writeAndFlush(new Frame(FrameKind.HEARTBEAT, 0, peer.out.alloc().buffer(0)));
            }
        }
        for (SocketAddress seed : config.seeds()) {
            dial(Wiring.format(seed));
        }
        long forget = config.failureTimeout().toNanos() * 10;
        for (Map.Entry<String, Long> lost : lostPeers.entrySet()) {
            if (now - lost.getValue() > forget) {
                lostPeers.remove(lost.getKey(), lost.getValue());
            } else {
                dial(lost.getKey());
            }
        }
    }

    /** This node's connection to a peer completed its handshake: the peer is live. */
    void outboundEstablished(Channel ch, Handshake peerHandshake) {
        NodeId peerId = NodeId.of(peerHandshake.node());
        if (refused(ch, peerId)) {
            return;
        }
        String peerAddress = Wiring.format(ch.remoteAddress());
        ch.attr(PEER_NAME).set(peerId.name());
        Peer peer = new Peer(peerId, peerAddress);
        heard(peer);
        listener.admitting(ch, () -> {
            synchronized (lock) {
                Peer old = peersByName.get(peerId.name());
                if (old != null && old.in != null && old.in.isActive()) {
                    peer.in = old.in;
                    peer.groupsKnown = old.groupsKnown;
                }
                if (old != null && old.out != null && old.out != ch) {
                    old.out.close(); // a second connection to the same peer replaces the first
                }
                peer.out = ch;
                peersByName.put(peerId.name(), peer);
                synchronized (leftPeers) {
                    leftPeers.remove(peerId.name());
                }
                IntObjectHashMap<Peer> live = new IntObjectHashMap<>(livePeers.size() + 1);
                live.putAll(livePeers);
                live.put(peerId.number(), peer);
                livePeers = live;
                lostPeers.remove(peerAddress);
                if (old != null) {
                    // on ch's event loop: these go out before any frame another thread sends from now on
                    old.early.forEach(ch::write);
                    old.early.clear();
                }
                lock.notifyAll();
            }
            ch.write(new Frame(FrameKind.MEMBERS, 0, MembershipWire.members(ch.alloc(), memberList())));
        });
        ch.flush();
        listener.joined(peer);
        LOG.log(Level.INFO, "Node ''{0}'': ''{1}'' at {2} joined", self, peerId, peerAddress);
    }

    /** A peer's connection to this node completed its handshake. */
    void inboundEstablished(Channel ch, Handshake peerHandshake) {
        NodeId peerId = NodeId.of(peerHandshake.node());
        if (refused(ch, peerId)) {
            return;
        }
        synchronized (lock) {
            Peer peer = peersByName.get(peerId.name());
            if (peer != null && peer.in != null && peer.in != ch && peer.in.isActive()) {
                LOG.log(Level.WARNING, "Node ''{0}'': refusing a second connection from ''{1}'' at {2} while the "
                        + "first is open (a restarted node is let in once the old connection is gone)", self, peerId,
                        ch.remoteAddress());
                ch.close();
                return;
            }
            ch.attr(PEER_NAME).set(peerId.name());
            if (peer != null) {
                peer.in = ch;
                heard(peer);
            } else {
                Peer pendingPeer = new Peer(peerId, "");
                heard(pendingPeer);
                pendingPeer.in = ch;
                peersByName.put(peerId.name(), pendingPeer);
            }
        }
    }

    /**
     * A connection with a peer ended, as its pipeline tells (on its event loop, after the handshake's
     * registration): the peer it belongs to is dead. A connection handler of the tests may hide the
     * end, as a cut network would; then only the failure detector finds the peer dead.
     */
    void closed(Channel ch, boolean outbound) {
        String name = ch.attr(PEER_NAME).get();
        Peer peer = name == null ? null : peersByName.get(name);
        if (peer != null && (outbound ? peer.out : peer.in) == ch) {
            declareDead(peer, outbound ? "connection to it closed" : "its connection to this node closed");
        }
    }

    /** Closes {@code ch} if its peer may not join (see {@link #refusal}); returns whether it did. */
    private boolean refused(Channel ch, NodeId peerId) {
        String refusal = refusal(peerId);
        if (refusal != null) {
            LOG.log(Level.WARNING, "Node ''{0}'': {1}", self, refusal);
            ch.close();
        }
        return refusal != null;
    }

    private String refusal(NodeId peerId) {
        if (peerId.name().equals(self.name())) {
            return "refusing a peer with this node's own name '" + self + "'";
        }
        if (peerId.number() == self.number()) {
            return "node names '" + peerId + "' and '" + self + "' hash to the same node number; rename one";
        }
        Peer same = livePeers.get(peerId.number());
        if (same != null && !same.id.name().equals(peerId.name())) {
            return "node names '" + peerId + "' and '" + same.id + "' hash to the same node number; rename one";
        }
        return null;
    }

    private List<MembershipWire.Member> memberList() {
        List<MembershipWire.Member> members = new ArrayList<>();
        members.add(new MembershipWire.Member(self.name(), address.get()));
        for (Peer peer : livePeers.values()) {
            members.add(new MembershipWire.Member(peer.id.name(), peer.address));
        }
        return members;
    }

    /** MEMBERS: dials the members this node does not know yet, and again each heartbeat until they answer. */
    void onMembers(ByteBuf payload) {
        for (MembershipWire.Member member : MembershipWire.readMembers(payload)) {
            if (!member.name().equals(self.name()) && !isLive(member.name())) {
                try {
                    Wiring.parse(member.address());
                } catch (IllegalArgumentException e) {
                    LOG.log(Level.WARNING, "Node ''{0}'': ignoring member ''{1}'' with a bad address: {2}", self,
                            member.name(), e.getMessage());
                    continue;
                }
                lostPeers.putIfAbsent(member.address(), time.nanos());
                dial(member.address());
            }
        }
    }

    private boolean isLive(String name) {
        Peer peer = peersByName.get(name);
        return peer != null && peer.out != null;
    }

    /** A peer's group memberships arrived: group sends from here address its members from now on. */
    void groupsKnown(Peer from) {
        synchronized (lock) {
            // the current entry: this node's own connection may just have replaced the one 'from' was
            Peer current = peersByName.get(from.id.name());
            if (current != null) {
                current.groupsKnown = true;
            }
            from.groupsKnown = true;
            lock.notifyAll();
        }
    }

    /** The peer of {@code ch} said that its node is being closed. */
    void onLeave(Channel ch) {
        Peer peer = of(ch);
        if (peer != null) {
            peer.leaving = true;
        }
    }

    /**
     * Takes {@code peer} out of the view: it died ({@code why}), or it left, having said so
     * ({@link #onLeave}), whatever ended its connections.
     */
    private void declareDead(Peer peer, String why) {
        if (peer.leaving) {
            why = "its node was closed";
        }
        synchronized (lock) {
            if (peersByName.get(peer.id.name()) != peer) {
                return;
            }
            peersByName.remove(peer.id.name());
            if (livePeers.get(peer.id.number()) == peer) {
                IntObjectHashMap<Peer> live = new IntObjectHashMap<>(livePeers.size());
                live.putAll(livePeers);
                live.remove(peer.id.number());
                livePeers = live;
            }
            peer.early.forEach(Frame::release);
            peer.early.clear();
            // under the lock: a new incarnation of the node cannot register in between and lose its state
            listener.left(peer, why);
            deathsInProgress++;
        }
        closeQuietly(peer.out);
        closeQuietly(peer.in);
        try {
            // outside the lock (the memory takes page locks, which send under them); first, for the
            // memory's sake: a page access between the peer's removal and this fails at once
            listener.died(peer);
        } finally {
            synchronized (lock) {
                deathsInProgress--;
                lock.notifyAll(); // awaitMembers sees the death once all of it is done
            }
        }
        if (!closed) {
            if (peer.leaving) {
                synchronized (leftPeers) {
                    leftPeers.remove(peer.id.name());
                    leftPeers.add(peer.id.name());
                    if (leftPeers.size() > LEFT_KEPT) {
                        leftPeers.remove(leftPeers.iterator().next());
                    }
                }
                LOG.log(Level.INFO, "Node ''{0}'': ''{1}'' left the cluster (its node was closed)", self, peer.id);
            } else {
                LOG.log(stopping ? Level.INFO : Level.WARNING, "Node ''{0}'': ''{1}'' is dead ({2})", self, peer.id, why);
            }
            if (!peer.address.isEmpty()) {
                lostPeers.put(peer.address, time.nanos()); // a transient failure heals by itself
            }
        }
    }

    /**
     * Says LEAVE on every connection, stops dialing and closes them; waits (up to 2 s each) until
     * they are closed.
     */
    void close() {
        closed = true;
        List<ChannelFuture> closing = new ArrayList<>();
        for (Peer peer : peersByName.values()) {
            for (Channel ch : new Channel[] {peer.out, peer.in}) {
                if (ch != null) {
                    // before the close, on each connection: whichever end the peer sees first, it sees a leave
                    if (ch.isActive()) {
                        ch.writeAndFlush(new Frame(FrameKind.LEAVE, 0, ch.alloc().buffer(0)));
                    }
                    closing.add(ch.close());
                }
            }
        }
        for (ChannelFuture f : closing) {
            wiring.await(f, 2_000); // before the event loops may stop
        }
    }

    boolean closed() {
        return closed;
    }

    private static void closeQuietly(Channel ch) {
        if (ch != null) {
            ch.close();
        }
    }
}
