package dev.iris.runtime;

import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.internal.PeerLink;
import dev.iris.runtime.internal.dsm.Dsm;
import dev.iris.runtime.transport.FragmentAssembler;
import dev.iris.runtime.transport.FragmentEncoder;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameDecoder;
import dev.iris.runtime.transport.FrameEncoder;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.GroupWire;
import dev.iris.runtime.transport.Handshake;
import dev.iris.runtime.transport.HandshakeHandler;
import dev.iris.runtime.transport.IpcWire;
import dev.iris.runtime.transport.IpcWire.FailCode;
import dev.iris.runtime.transport.MembershipWire;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Iris node: a member of a cluster that hosts processes and talks to the other members over
 * Netty, by TCP between JVMs or by the in-JVM transport ({@link LocalAddress}).
 *
 * <p>Membership: a node dials its seeds and every member it learns of (full mesh, one outbound
 * connection per peer; each node sends only on its own outbound connections). A peer is live
 * once this node's connection to it completed the handshake. It is declared dead when either
 * connection closes or nothing was heard from it for {@link NodeConfig#failureTimeout()}; then
 * every send waiting on one of its processes fails with {@link NodeUnreachableException}. A
 * restarted node rejoins by dialing its seeds again. See {@code doc/design/membership.md}.
 *
 * <p>Threading: all public methods are thread-safe. Protocol work runs on Netty event loops and
 * never blocks; each process runs on its own virtual thread.
 */
public final class Node implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Node.class.getName());

    /**
     * The in-process partition layer, for tests: while {@code partition.test(receiver, sender)}
     * holds, node {@code receiver} drops every frame from node {@code sender} (heartbeats too), as if
     * the network between them were cut in that direction: new connections from {@code sender} are
     * closed after the handshake, and the close of an existing one goes unnoticed, so only the
     * failure detector declares {@code sender} dead.
     */
    static volatile java.util.function.BiPredicate<String, String> partition = (receiver, sender) -> false;
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /** Outbound bytes queued for one peer above which its channel counts as unwritable (Netty water marks). */
    private static final int LOW_WATER = 1 << 20;
    private static final int HIGH_WATER = 4 << 20;
    /** Memory frames held at most for a peer whose connection from this node is not yet up. */
    private static final int MAX_EARLY_FRAMES = 10_000;

    private final NodeConfig config;
    private final NodeId id;
    private final Codecs codecs;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final boolean local;
    /** Mutual TLS between nodes, when the configuration has credentials and the transport is TCP. */
    private final dev.iris.runtime.transport.Tls tls;
    private final String transport;
    private final Map<String, Peer> peersByName = new ConcurrentHashMap<>();
    private final Map<Integer, Peer> livePeers = new ConcurrentHashMap<>();
    private final Set<String> dialing = ConcurrentHashMap.newKeySet();
    /** Addresses of peers declared dead, with when: dialed again for a while (they may come back). */
    private final Map<String, Long> lostPeers = new ConcurrentHashMap<>();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    // random start: a late answer to a previous incarnation of this node matches no new request
    private final AtomicLong requestIds = new AtomicLong(
            java.util.concurrent.ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2));
    private final ProcessTable processes;
    private final Object membershipLock = new Object();
    /** Peers declared dead whose death the shared memory is still processing (guarded by membershipLock). */
    private int deathsInProgress;
    // groups: the replicated table, joins/leaves waiting for acknowledgements, and the lock that
    // orders a membership change against a new peer's state transfer (taken before membershipLock)
    private final GroupTable groups = new GroupTable();
    private final Map<Long, AckWait> ackWaits = new ConcurrentHashMap<>();
    private final AtomicLong opIds = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger groupIds = new java.util.concurrent.atomic.AtomicInteger(
            java.util.concurrent.ThreadLocalRandom.current().nextInt(1, 1 << 20));
    private final Object groupLock = new Object();
    private final Dsm memory;
    private final java.util.List<java.util.function.Consumer<MessageEvent>> messageListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean tracing;
    /** The one event loop that runs the memory's deferred work, so it runs in order. */
    private final io.netty.channel.EventLoop protocolLoop;
    private volatile Channel server;
    private volatile String advertisedAddress;
    private volatile boolean closed;
    /** The whole cluster is being stopped on purpose: peers that go are not a failure worth a warning. */
    private volatile boolean stopping;
    private ScheduledFuture<?> ticker;

    /** A peer node: live once {@link #out} completed its handshake. */
    private static final class Peer {
        final NodeId id;
        final String address;
        volatile Channel out;
        volatile Channel in;
        volatile long lastHeardNanos = System.nanoTime();
        /** When {@link #out} stopped being writable (the peer does not read fast enough); 0 while writable. */
        volatile long unwritableSinceNanos;
        /**
         * Memory frames for a peer that connected to this node before this node's connection to it
         * completed; sent first on that connection (guarded by membershipLock).
         */
        final List<Frame> early = new ArrayList<>();
        /** The peer's group memberships arrived (its STATE update): this node addresses its members. */
        volatile boolean groupsKnown;

        Peer(NodeId id, String address) {
            this.id = id;
            this.address = address;
        }
    }

    /** A send waiting for its reply (or a group send collecting replies). */
    private sealed interface Pending permits Unicast, GroupPending {
    }

    private record Unicast(int nodeNumber, ProcessId target, CompletableFuture<Object> reply) implements Pending {
    }

    private record GroupPending(GroupCall call) implements Pending {
    }

    /** A join or leave waiting until every live peer applied it. */
    private static final class AckWait {
        private final Set<Integer> nodes;

        AckWait(Set<Integer> nodes) {
            this.nodes = ConcurrentHashMap.newKeySet();
            this.nodes.addAll(nodes);
        }

        synchronized void done(int nodeNumber) {
            if (nodes.remove(nodeNumber)) {
                notifyAll();
            }
        }

        /** Stops waiting for nodes that are no longer live (died before the wait was registered). */
        synchronized void retainLive(Set<Integer> live) {
            if (nodes.retainAll(live)) {
                notifyAll();
            }
        }

        synchronized boolean await(long timeoutNanos) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutNanos;
            while (!nodes.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }

    private Node(NodeConfig config, Codecs codecs, EventLoopGroup group, boolean ownsGroup, String transport) {
        this.config = config;
        this.transport = transport;
        this.id = NodeId.of(config.node());
        this.codecs = codecs;
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.local = config.bind() instanceof LocalAddress;
        this.tls = config.credentials() == null || local ? null : new dev.iris.runtime.transport.Tls(config.credentials());
        if (!local && tls == null) {
            LOG.log(Level.WARNING, "Node ''{0}'' talks TCP without credentials: any peer that knows the cluster name "
                    + "can join (NodeConfig.withCredentials)", config.node());
        }
        this.processes = new ProcessTable(this);
        this.protocolLoop = group.next();
        this.memory = new Dsm(new Link(), config.memory());
    }

    /**
     * Starts a node: binds its address, then dials its seeds (retrying those not up yet every
     * heartbeat interval). Returns once bound; use {@link #awaitMembers} to wait for peers.
     *
     * @throws IpcException if the address cannot be bound (for example, the port is in use)
     */
    public static Node start(NodeConfig config, Codecs codecs) {
        boolean local = config.bind() instanceof LocalAddress;
        String transport = local ? "local" : EPOLL ? "epoll" : "nio";
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(local ? 1 : 2, switch (transport) {
            case "local" -> LocalIoHandler.newFactory();
            case "epoll" -> io.netty.channel.epoll.EpollIoHandler.newFactory();
            default -> NioIoHandler.newFactory();
        });
        return start(config, codecs, group, true, transport);
    }

    /** Whether Netty's native epoll transport can be used here (Linux with the native library). */
    private static final boolean EPOLL = epollAvailable();

    private static boolean epollAvailable() {
        // look before loading: a missing class would throw inside the JVM's class resolution, where
        // debuggers (Eclipse's "suspend on uncaught exceptions") stop every node JVM at startup
        ClassLoader loader = Node.class.getClassLoader();
        if (loader != null && loader.getResource("io/netty/channel/epoll/Epoll.class") == null) {
            return false;
        }
        try {
            return io.netty.channel.epoll.Epoll.isAvailable();
        } catch (LinkageError e) {
            return false; // the optional epoll classes are not there (e.g. in an OSGi runtime without them)
        }
    }

    /** The transport this node uses: {@code local} (in-JVM), {@code epoll} or {@code nio} (TCP). */
    public String transport() {
        return transport;
    }

    /** Starts a node on a shared event loop group (of the matching transport); see {@link EmbeddedCluster}. */
    static Node start(NodeConfig config, Codecs codecs, EventLoopGroup group, boolean ownsGroup) {
        return start(config, codecs, group, ownsGroup, config.bind() instanceof LocalAddress ? "local" : "nio");
    }

    private static Node start(NodeConfig config, Codecs codecs, EventLoopGroup group, boolean ownsGroup,
            String transport) {
        Node node = new Node(config, codecs, group, ownsGroup, transport);
        try {
            node.bind();
        } catch (RuntimeException e) {
            if (ownsGroup) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
            throw e;
        }
        return node;
    }

    private void bind() {
        ServerBootstrap bootstrap = new ServerBootstrap().group(group)
                .channel(local ? LocalServerChannel.class : serverChannelClass())
                .childHandler(initializer(false));
        bootstrap.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW_WATER, HIGH_WATER));
        if (!local) {
            bootstrap.childOption(ChannelOption.TCP_NODELAY, true);
        }
        ChannelFuture bound = bootstrap.bind(config.bind()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IpcException("node '" + id + "' cannot listen on " + config.bind() + ": "
                    + bound.cause().getMessage());
        }
        server = bound.channel();
        advertisedAddress = format(server.localAddress());
        long tick = config.heartbeatInterval().toNanos();
        ticker = group.next().scheduleAtFixedRate(this::tick, 0, tick, TimeUnit.NANOSECONDS);
        LOG.log(Level.INFO, "Node ''{0}'' of cluster ''{1}'' listening on {2}", id, config.cluster(), advertisedAddress);
        dev.iris.runtime.monitor.Recorder.nodeStarted(this);
        dev.iris.runtime.monitor.MonitorServer.nodeStarted(this);
    }

    private Class<? extends ServerChannel> serverChannelClass() {
        return "epoll".equals(transport()) ? io.netty.channel.epoll.EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
    }

    private Class<? extends Channel> socketChannelClass() {
        if (local) {
            return LocalChannel.class;
        }
        return "epoll".equals(transport()) ? io.netty.channel.epoll.EpollSocketChannel.class : NioSocketChannel.class;
    }

    // ------------------------------------------------------------------ public API

    /** This node's name and number. */
    public NodeId id() {
        return id;
    }

    /** The address this node listens on, as peers see it ({@code host:port} or {@code local:NAME}). */
    public String address() {
        return advertisedAddress;
    }

    /** This node and its live peers, by name. */
    public List<NodeId> members() {
        List<NodeId> members = new ArrayList<>();
        members.add(id);
        for (Peer peer : livePeers.values()) {
            members.add(peer.id);
        }
        members.sort(Comparator.comparing(NodeId::name));
        return members;
    }

    /**
     * Blocks until this node sees {@code count} members (itself included) and knows the group
     * memberships of each, so that a group send from here reaches every member they host.
     *
     * @return whether it did within {@code timeout}
     */
    public boolean awaitMembers(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (membershipLock) {
            while (livePeers.size() + 1 != count || deathsInProgress > 0
                    || !livePeers.values().stream().allMatch(p -> p.groupsKnown)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(membershipLock, left);
            }
            return true;
        }
    }

    /** The configuration this node was started with. */
    public NodeConfig config() {
        return config;
    }

    /** This node's live processes, with the names they were spawned with. */
    public Map<ProcessId, String> processes() {
        return processes.names();
    }

    /**
     * This node's copy of the cluster's group memberships: every group with a member, and its
     * members (on any node).
     */
    public Map<ProcessId, Set<ProcessId>> groups() {
        return groups.all();
    }

    /**
     * Tells {@code listener} every IPC step of this node ({@link MessageEvent}), on the thread that
     * takes it; it must be quick and must not block. Nothing is made while nobody listens.
     */
    public void addMessageListener(java.util.function.Consumer<MessageEvent> listener) {
        messageListeners.add(java.util.Objects.requireNonNull(listener));
        tracing = true;
    }

    public void removeMessageListener(java.util.function.Consumer<MessageEvent> listener) {
        messageListeners.remove(listener);
        tracing = !messageListeners.isEmpty();
    }

    private void traced(MessageEvent.Kind kind, int peerNode, long requestId, ProcessId sender, ProcessId target,
            Object message, long clock) {
        if (!tracing) {
            return;
        }
        MessageEvent e = new MessageEvent(kind, id.name(), nodeName(peerNode), requestId, sender, target,
                message == null ? "?" : message.getClass().getSimpleName(), System.nanoTime(), clock);
        for (java.util.function.Consumer<MessageEvent> listener : messageListeners) {
            try {
                listener.accept(e);
            } catch (RuntimeException failure) {
                LOG.log(Level.WARNING, "a message listener failed on " + e, failure);
            }
        }
    }

    private String nodeName(int number) {
        if (number == id.number()) {
            return id.name();
        }
        Peer peer = livePeers.get(number);
        return peer != null ? peer.id.name() : "node #" + number;
    }

    /** This node's view of the cluster's shared memory ({@link NodeConfig#memory()}). */
    public SharedMemory memory() {
        return memory;
    }

    /**
     * Starts a process on this node. Its body runs on a new virtual thread with its own
     * {@link Kernel}.
     *
     * @param name a name for logs and thread dumps
     * @return the new process's id, valid at once
     */
    public ProcessId spawn(String name, ProcessBody body) {
        if (closed) {
            throw new IllegalStateException("node '" + id + "' is closed");
        }
        return processes.spawn(name, body);
    }

    /**
     * Runs {@code body} as a process on this node and waits for its result: a client or a one-off
     * task in the cluster (a program's driver, a tool, a test). The process exits when {@code body}
     * returns.
     *
     * @throws Exception           what {@code body} threw
     * @throws IpcTimeoutException if it has not returned within {@code timeout} (it keeps running)
     */
    public <T> T call(String name, Duration timeout, ProcessFunction<T> body) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        spawn(name, k -> {
            try {
                result.complete(body.apply(k));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IpcTimeoutException("process '" + name + "' on node '" + id + "' did not finish within "
                    + timeout.toMillis() + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception failure) {
                throw failure;
            }
            throw (Error) e.getCause();
        }
    }

    /**
     * Leaves the cluster: closes every connection (peers see this node die), fails the sends still
     * waiting here, interrupts this node's processes and stops its event loops if it owns them.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        dev.iris.runtime.monitor.Recorder.nodeClosing(this);
        dev.iris.runtime.monitor.MonitorServer.nodeClosing(this);
        closed = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
        if (server != null) {
            server.close().awaitUninterruptibly();
        }
        List<ChannelFuture> closing = new ArrayList<>();
        for (Peer peer : peersByName.values()) {
            for (Channel ch : new Channel[] {peer.out, peer.in}) {
                if (ch != null) {
                    closing.add(ch.close());
                }
            }
        }
        for (ChannelFuture f : closing) {
            f.awaitUninterruptibly(2, TimeUnit.SECONDS); // before the event loops may stop
        }
        failPending(n -> true, () -> new NodeUnreachableException("node '" + id + "' is shutting down"));
        processes.interruptAll();
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        LOG.log(Level.INFO, "Node ''{0}'' closed", id);
    }

    // ------------------------------------------------------------------ membership

    private ChannelInitializer<Channel> initializer(boolean outbound) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (tls != null) {
                    ch.pipeline().addLast(tls.handler(ch, outbound));
                }
                ch.pipeline().addLast(
                        new FlushConsolidationHandler(256, true),
                        new FrameDecoder(config.maxFrameBytes()),
                        new FrameEncoder(config.maxFrameBytes()),
                        new FragmentEncoder(config.maxFrameBytes(), config.maxMessageBytes()),
                        new HandshakeHandler(new Handshake(config.cluster(), Handshake.PROTOCOL, id.name()),
                                HANDSHAKE_TIMEOUT_MILLIS),
                        new FragmentAssembler(config.maxMessageBytes()),
                        new PeerHandler(outbound));
            }
        };
    }

    private void dial(String address) {
        if (closed || address.equals(advertisedAddress) || !dialing.add(address)) {
            return;
        }
        for (Peer peer : livePeers.values()) {
            if (peer.address.equals(address)) {
                dialing.remove(address);
                return;
            }
        }
        Bootstrap bootstrap = new Bootstrap().group(group).channel(socketChannelClass())
                .handler(initializer(true));
        bootstrap.option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW_WATER, HIGH_WATER));
        if (!local) {
            bootstrap.option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000);
        }
        bootstrap.connect(parse(address)).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                dialing.remove(address);
                LOG.log(Level.DEBUG, "Node ''{0}'' cannot reach {1}: {2}", id, address, f.cause().getMessage());
            } else {
                f.channel().closeFuture().addListener(c -> dialing.remove(address));
            }
        });
    }

    /** Every heartbeat interval: heartbeats out, silent peers declared dead, seeds not yet reached dialed again. */
    private void tick() {
        try {
            heartbeatAndCheck();
        } catch (RuntimeException e) {
            // never let one bad round cancel the periodic task
            LOG.log(Level.WARNING, "Node ''" + id + "'': heartbeat round failed", e);
        }
    }

    private void heartbeatAndCheck() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        long timeout = config.failureTimeout().toNanos();
        for (Peer peer : livePeers.values()) {
            if (peer.out.isWritable()) {
                peer.unwritableSinceNanos = 0;
            } else if (peer.unwritableSinceNanos == 0) {
                peer.unwritableSinceNanos = now;
            }
            if (now - peer.lastHeardNanos > timeout) {
                declareDead(peer, "nothing heard for " + config.failureTimeout().toMillis() + " ms");
            } else if (peer.unwritableSinceNanos != 0 && now - peer.unwritableSinceNanos > 5 * timeout) {
                // alive, but not reading: what is queued for it would only grow
                declareDead(peer, "it has not read what this node sent for "
                        + TimeUnit.NANOSECONDS.toMillis(now - peer.unwritableSinceNanos) + " ms ("
                        + queued(peer.out) + " bytes queued)");
            } else {
                peer.out.writeAndFlush(new Frame(FrameKind.HEARTBEAT, 0, peer.out.alloc().buffer(0)));
            }
        }
        for (SocketAddress seed : config.seeds()) {
            dial(format(seed));
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

    private void outboundEstablished(Channel ch, Handshake peerHandshake) {
        NodeId peerId = NodeId.of(peerHandshake.node());
        if (refused(ch, peerId)) {
            return;
        }
        String address = format(ch.remoteAddress());
        ch.attr(PeerHandler.PEER_NAME).set(peerId.name());
        Peer peer = new Peer(peerId, address);
        synchronized (groupLock) {
            synchronized (membershipLock) {
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
                livePeers.put(peerId.number(), peer);
                lostPeers.remove(address);
                if (old != null) {
                    // on ch's event loop: these go out before any frame another thread sends from now on
                    old.early.forEach(ch::write);
                    old.early.clear();
                }
                membershipLock.notifyAll();
            }
            ch.closeFuture().addListener(f -> {
                if (!partition.test(id.name(), peerId.name())) { // a cut hides the close: the detector acts
                    declareDead(peer, "connection to it closed");
                }
            });
            ch.write(new Frame(FrameKind.MEMBERS, 0, MembershipWire.members(ch.alloc(), memberList())));
            List<GroupWire.Entry> mine = new ArrayList<>();
            for (ProcessId[] e : groups.entriesOfNode(id.number())) {
                mine.add(new GroupWire.Entry(e[0].value(), e[1].value()));
            }
            // the first STATE frame replaces the receiver's entries of this node; more frames add to them
            int from = 0;
            do {
                List<GroupWire.Entry> chunk = mine.subList(from, Math.min(mine.size(), from + GroupWire.MAX_ENTRIES));
                ch.write(new Frame(FrameKind.GROUP_UPDATE, 0, GroupWire.update(ch.alloc(), new GroupWire.Update(
                        from == 0 ? GroupWire.Op.STATE : GroupWire.Op.JOIN, 0, List.copyOf(chunk)))));
                from += GroupWire.MAX_ENTRIES;
            } while (from < mine.size());
            ch.flush();
        }
        memory.nodeJoined(peerId.number());
        LOG.log(Level.INFO, "Node ''{0}'': ''{1}'' at {2} joined", id, peerId, address);
    }

    private void inboundEstablished(Channel ch, Handshake peerHandshake) {
        NodeId peerId = NodeId.of(peerHandshake.node());
        if (refused(ch, peerId)) {
            return;
        }
        synchronized (membershipLock) {
            Peer peer = peersByName.get(peerId.name());
            if (peer != null && peer.in != null && peer.in != ch && peer.in.isActive()) {
                LOG.log(Level.WARNING, "Node ''{0}'': refusing a second connection from ''{1}'' at {2} while the "
                        + "first is open (a restarted node is let in once the old connection is gone)", id, peerId,
                        ch.remoteAddress());
                ch.close();
                return;
            }
            ch.attr(PeerHandler.PEER_NAME).set(peerId.name());
            if (peer != null) {
                peer.in = ch;
                peer.lastHeardNanos = System.nanoTime();
            } else {
                Peer pendingPeer = new Peer(peerId, "");
                pendingPeer.in = ch;
                peersByName.put(peerId.name(), pendingPeer);
            }
        }
        ch.closeFuture().addListener(f -> {
            Peer peer = peersByName.get(peerId.name());
            if (peer != null && peer.in == ch && !partition.test(id.name(), peerId.name())) {
                declareDead(peer, "its connection to this node closed");
            }
        });
    }

    /** Closes {@code ch} if its peer may not join (see {@link #refusal}); returns whether it did. */
    private boolean refused(Channel ch, NodeId peerId) {
        if (partition.test(id.name(), peerId.name())) {
            ch.close(); // cut off: as if the connection could not be made
            return true;
        }
        String refusal = refusal(peerId);
        if (refusal != null) {
            LOG.log(Level.WARNING, "Node ''{0}'': {1}", id, refusal);
            ch.close();
        }
        return refusal != null;
    }

    private String refusal(NodeId peerId) {
        if (peerId.name().equals(id.name())) {
            return "refusing a peer with this node's own name '" + id + "'";
        }
        if (peerId.number() == id.number()) {
            return "node names '" + peerId + "' and '" + id + "' hash to the same node number; rename one";
        }
        Peer same = livePeers.get(peerId.number());
        if (same != null && !same.id.name().equals(peerId.name())) {
            return "node names '" + peerId + "' and '" + same.id + "' hash to the same node number; rename one";
        }
        return null;
    }

    private List<MembershipWire.Member> memberList() {
        List<MembershipWire.Member> members = new ArrayList<>();
        members.add(new MembershipWire.Member(id.name(), advertisedAddress));
        for (Peer peer : livePeers.values()) {
            members.add(new MembershipWire.Member(peer.id.name(), peer.address));
        }
        return members;
    }

    private void declareDead(Peer peer, String why) {
        synchronized (membershipLock) {
            if (peersByName.get(peer.id.name()) != peer) {
                return;
            }
            peersByName.remove(peer.id.name());
            livePeers.remove(peer.id.number(), peer);
            peer.early.forEach(Frame::release);
            peer.early.clear();
            // under the lock: a new incarnation of the node cannot register in between and lose its state
            groups.removeNode(peer.id.number());
            ackWaits.values().forEach(w -> w.done(peer.id.number()));
            failPending(n -> n == peer.id.number(), () -> new NodeUnreachableException(
                    "node '" + peer.id + "' died (" + why + ")"));
            deathsInProgress++;
        }
        closeQuietly(peer.out);
        closeQuietly(peer.in);
        try {
            // outside the membership lock (the memory takes page locks, which send under them)
            memory.nodeDied(peer.id.number());
        } finally {
            synchronized (membershipLock) {
                deathsInProgress--;
                membershipLock.notifyAll(); // awaitMembers sees the death once all of it is done
            }
        }
        if (!closed) {
            LOG.log(stopping ? Level.INFO : Level.WARNING, "Node ''{0}'': ''{1}'' is dead ({2})", id, peer.id, why);
            if (!peer.address.isEmpty()) {
                lostPeers.put(peer.address, System.nanoTime()); // a transient failure heals by itself
            }
        }
    }

    /** Fails the sends waiting on processes of the nodes {@code which} accepts. */
    private void failPending(java.util.function.IntPredicate which, java.util.function.Supplier<IpcException> error) {
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            switch (e.getValue()) {
                case Unicast u -> {
                    if (which.test(u.nodeNumber()) && pending.remove(e.getKey(), u)) {
                        u.reply().completeExceptionally(error.get());
                    }
                }
                case GroupPending g -> g.call().failNodes(which, error);
            }
        }
    }

    // ------------------------------------------------------------------ IPC

    /** Send (used by {@link KernelImpl}); the request id is registered before the frame leaves. */
    Object send(ProcessId sender, ProcessId to, Object message, Duration timeout) {
        MessageCodec<Object> codec = codecs.forMessage(message);
        long requestId = requestIds.incrementAndGet();
        CompletableFuture<Object> reply = new CompletableFuture<>();
        pending.put(requestId, new Unicast(to.nodeNumber(), to, reply));
        long clock = memory.tick();
        traced(MessageEvent.Kind.SEND, to.nodeNumber(), requestId, sender, to, message, clock);
        try {
            if (to.nodeNumber() == id.number()) {
                if (tracing) { // a local step needs no clock of its own unless someone watches
                    traced(MessageEvent.Kind.RECEIVE, id.number(), requestId, sender, to, message, memory.tick());
                }
                if (!processes.deliver(to.localId(), new Request(sender, requestId, message))) {
                    throw new NoSuchProcessException("no process " + to + " on node '" + id + "'");
                }
            } else {
                Peer peer = livePeers.get(to.nodeNumber());
                if (peer == null) {
                    throw new NodeUnreachableException("the node of process " + to + " is not a live member of cluster '"
                            + config.cluster() + "'");
                }
                requireBacklogBelowLimit(peer.out, to);
                ByteBuf payload = checkSize(IpcWire.send(peer.out.alloc(), clock, requestId, sender.value(), to.value(),
                        codec.id(), message, codec.sizeHint(message), codec::encode), message);
                peer.out.writeAndFlush(new Frame(FrameKind.SEND, 0, payload)).addListener(f -> {
                    if (!f.isSuccess()) {
                        completeExceptionally(requestId, to, new IpcException("could not send to " + to + ": "
                                + f.cause().getMessage()));
                    }
                });
            }
            return reply.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IpcTimeoutException("no reply from " + to + " within " + timeout.toMillis() + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IpcException ipc) {
                throw ipc;
            }
            throw new IpcException("send to " + to + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IpcException("send to " + to + " interrupted");
        } finally {
            pending.remove(requestId);
        }
    }

    /** Reply (used by {@link KernelImpl}). */
    void reply(ProcessId replier, Request request, Object message) {
        ProcessId sender = request.sender();
        long clock = memory.tick();
        traced(MessageEvent.Kind.REPLY, sender.nodeNumber(), request.requestId(), sender, replier, message, clock);
        if (sender.nodeNumber() == id.number()) {
            if (tracing) {
                traced(MessageEvent.Kind.REPLY_RECEIVED, id.number(), request.requestId(), sender, replier, message,
                        memory.tick());
            }
            complete(request.requestId(), replier, message);
            return;
        }
        Channel ch = channelTo(sender.nodeNumber());
        if (ch == null) {
            // normal when the sender's node left meanwhile (e.g. late replies to a group send at shutdown)
            LOG.log(Level.DEBUG, "Node ''{0}'': reply to {1} dropped, its node is not live", id, sender);
            return;
        }
        MessageCodec<Object> codec = codecs.forMessage(message);
        ch.writeAndFlush(new Frame(FrameKind.REPLY, 0, checkSize(IpcWire.reply(ch.alloc(), clock, request.requestId(),
                replier.value(), codec.id(), message, codec.sizeHint(message), codec::encode), message)));
    }

    /** Forward (used by {@link KernelImpl}): {@code to} will reply to the original sender. */
    void forward(Request request, ProcessId to) {
        if (to.isGroup()) {
            throw new IllegalArgumentException("forwarding to group " + to + " needs process groups, not available yet");
        }
        if (to.nodeNumber() == id.number()) {
            if (!processes.deliver(to.localId(), request)) {
                fail(request, to, FailCode.NO_SUCH_PROCESS, "no process " + to + " on node '" + id + "'");
            }
            return;
        }
        Peer peer = livePeers.get(to.nodeNumber());
        if (peer == null) {
            fail(request, to, FailCode.NODE_UNREACHABLE, "the node of process " + to + " is not a live member");
            return;
        }
        MessageCodec<Object> codec = codecs.forMessage(request.message());
        long clock = memory.tick();
        traced(MessageEvent.Kind.SEND, to.nodeNumber(), request.requestId(), request.sender(), to, request.message(),
                clock);
        peer.out.writeAndFlush(new Frame(FrameKind.SEND, 0, IpcWire.send(peer.out.alloc(), clock, request.requestId(),
                request.sender().value(), to.value(), codec.id(), request.message(), codec.sizeHint(request.message()), codec::encode)));
    }

    /** Tells the sender of {@code request} that it will get no reply. */
    void fail(Request request, ProcessId target, FailCode code, String reason) {
        ProcessId sender = request.sender();
        if (sender.nodeNumber() == id.number()) {
            completeExceptionally(request.requestId(), target, exception(code, reason));
            return;
        }
        Channel ch = channelTo(sender.nodeNumber());
        if (ch != null) {
            ch.writeAndFlush(new Frame(FrameKind.FAIL, 0, IpcWire.fail(ch.alloc(),
                    new IpcWire.Fail(request.requestId(), target.value(), code, reason))));
        }
    }

    // ------------------------------------------------------------------ process groups

    ProcessId createGroup(ProcessId creator, boolean localGroup) {
        ProcessId group = ProcessId.group(id.number(),
                groupIds.getAndUpdate(i -> i >= ProcessId.MAX_LOCAL_ID ? 1 : i + 1), localGroup);
        join(creator, group);
        return group;
    }

    Set<ProcessId> members(ProcessId group) {
        requireGroup(group);
        return groups.members(group);
    }

    void join(ProcessId member, ProcessId group) {
        requireGroup(group);
        if (group.isLocalGroup() && group.nodeNumber() != id.number()) {
            throw new IllegalArgumentException("local group " + group + " keeps its members on the node that created it; "
                    + member + " runs on node '" + id + "'");
        }
        update(GroupWire.Op.JOIN, java.util.Collections.singletonList(new ProcessId[] {group, member}));
    }

    void leave(ProcessId member, ProcessId group) {
        requireGroup(group);
        update(GroupWire.Op.LEAVE, java.util.Collections.singletonList(new ProcessId[] {group, member}));
    }

    /** Takes a process that exits out of all its groups. */
    void leaveAll(ProcessId member) {
        List<ProcessId[]> entries = new ArrayList<>();
        for (ProcessId g : groups.groupsOf(member)) {
            entries.add(new ProcessId[] {g, member});
        }
        if (!entries.isEmpty() && !closed) {
            update(GroupWire.Op.LEAVE, entries);
        }
    }

    private static void requireGroup(ProcessId group) {
        if (!group.isGroup()) {
            throw new IllegalArgumentException(group + " is a process id, not a group id");
        }
    }

    /**
     * Applies a join or leave of local members here, then on every live peer, and waits until all
     * of them acknowledged (or died).
     */
    private void update(GroupWire.Op op, List<ProcessId[]> entries) {
        long opId = opIds.incrementAndGet();
        AckWait wait;
        synchronized (groupLock) {
            boolean changed = false;
            List<GroupWire.Entry> wire = new ArrayList<>();
            for (ProcessId[] e : entries) {
                changed |= op == GroupWire.Op.JOIN ? groups.add(e[0], e[1]) : groups.remove(e[0], e[1]);
                wire.add(new GroupWire.Entry(e[0].value(), e[1].value()));
            }
            if (!changed) {
                return;
            }
            wait = new AckWait(livePeers.keySet());
            ackWaits.put(opId, wait);
            wait.retainLive(livePeers.keySet()); // a peer that died before the put is not waited for
            for (Peer peer : livePeers.values()) {
                peer.out.writeAndFlush(new Frame(FrameKind.GROUP_UPDATE, 0,
                        GroupWire.update(peer.out.alloc(), new GroupWire.Update(op, opId, wire))));
            }
        }
        try {
            if (!wait.await(config.failureTimeout().multipliedBy(5).toNanos())) {
                throw new IpcTimeoutException("group " + op.name().toLowerCase(java.util.Locale.ROOT)
                        + " not acknowledged by every live node within " + config.failureTimeout().multipliedBy(5).toMillis()
                        + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IpcException("group " + op.name().toLowerCase(java.util.Locale.ROOT) + " interrupted");
        } finally {
            ackWaits.remove(opId);
        }
    }

    /**
     * Group send: one GROUP_SEND per node that hosts members of the sender's view, local
     * delivery for members on this node; returns per {@code mode}.
     *
     * @param previous the request id of the sender's previous group send, discarded now (0: none)
     */
    GroupReplies sendGroup(ProcessId sender, ProcessId group, Object message, ReplyMode mode, Duration timeout,
            long previous, java.util.function.LongConsumer started) {
        requireGroup(group);
        if (previous != 0) {
            pending.remove(previous);
        }
        MessageCodec<Object> codec = codecs.forMessage(message);
        Set<ProcessId> targets = groups.members(group);
        GroupCall call = new GroupCall(targets, mode);
        long requestId = requestIds.incrementAndGet();
        if (mode.kind() != ReplyMode.Kind.NONE) {
            pending.put(requestId, new GroupPending(call));
            started.accept(requestId);
        }
        Map<Integer, List<ProcessId>> byNode = new java.util.HashMap<>();
        for (ProcessId m : targets) {
            byNode.computeIfAbsent(m.nodeNumber(), n -> new ArrayList<>()).add(m);
        }
        ByteBuf body = null;
        boolean remote = byNode.keySet().stream().anyMatch(n -> n != id.number());
        if (remote) {
            // encoded once, size-checked before anything is delivered, shared by every node's frame
            body = io.netty.buffer.PooledByteBufAllocator.DEFAULT.buffer(Math.max(0, codec.sizeHint(message)));
            try {
                codec.encode(message, body);
            } catch (RuntimeException e) {
                body.release();
                pending.remove(requestId);
                throw e;
            }
            int mostOnANode = byNode.values().stream().mapToInt(List::size).max().orElse(0);
            long largest = body.readableBytes() + 28L + 4L * mostOnANode;
            if (largest > config.maxMessageBytes()) {
                body.release();
                pending.remove(requestId);
                throw new IllegalArgumentException("a " + message.getClass().getSimpleName() + " group message of "
                        + largest + " encoded bytes exceeds the message limit of " + config.maxMessageBytes() + " bytes");
            }
        }
        long clock = memory.tick();
        try {
            for (Map.Entry<Integer, List<ProcessId>> e : byNode.entrySet()) {
                int[] localIds = e.getValue().stream().mapToInt(ProcessId::localId).toArray();
                traced(MessageEvent.Kind.GROUP_SEND, e.getKey(), requestId, sender, group, message, clock);
                if (e.getKey() == id.number()) {
                    if (tracing) {
                        traced(MessageEvent.Kind.RECEIVE, id.number(), requestId, sender, group, message,
                                memory.tick());
                    }
                    deliverToGroup(sender, requestId, group, localIds, message);
                    continue;
                }
                Peer peer = livePeers.get(e.getKey());
                if (peer == null) {
                    for (ProcessId m : e.getValue()) {
                        call.fail(m, new NodeUnreachableException("the node of member " + m + " is not a live member"));
                    }
                    continue;
                }
                ByteBuf payload = peer.out.alloc().compositeBuffer(2).addComponents(true,
                        GroupWire.groupSendHeader(peer.out.alloc(), clock, requestId, sender.value(), group.value(),
                                localIds,
                                codec.id()),
                        body.retainedDuplicate());
                List<ProcessId> onNode = e.getValue();
                peer.out.writeAndFlush(new Frame(FrameKind.GROUP_SEND, 0, payload)).addListener(f -> {
                    if (!f.isSuccess()) {
                        for (ProcessId m : onNode) {
                            call.fail(m, new IpcException("could not send to " + m + ": " + f.cause().getMessage()));
                        }
                    }
                });
            }
        } finally {
            if (body != null) {
                body.release();
            }
        }
        if (mode.kind() == ReplyMode.Kind.NONE) {
            return new GroupReplies(targets.size(), List.of(), Map.of(), true);
        }
        try {
            return call.await(timeout.toNanos(), group);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IpcException("group send to " + group + " interrupted");
        }
    }

    /** Forgets a group send: replies still coming are dropped (V semantics on the next send). */
    void discard(long requestId) {
        pending.remove(requestId);
    }

    /** The group call of request {@code requestId}, if it is still current. */
    GroupCall groupCall(long requestId) {
        return pending.get(requestId) instanceof GroupPending g ? g.call() : null;
    }

    /** Delivers a group message to the listed local processes that are still members. */
    private void deliverToGroup(ProcessId sender, long requestId, ProcessId group, int[] localIds, Object message) {
        for (int localId : localIds) {
            ProcessId member = ProcessId.process(id.number(), localId);
            Request request = new Request(sender, requestId, message);
            if (!groups.contains(group, member)) {
                fail(request, member, FailCode.NO_SUCH_PROCESS, member + " is no longer a member of " + group);
            } else if (!processes.deliver(localId, request)) {
                fail(request, member, FailCode.NO_SUCH_PROCESS, "member " + member + " of " + group + " has exited");
            }
        }
    }

    private void onGroupSend(ByteBuf payload) {
        GroupWire.GroupSend send = GroupWire.readGroupSend(payload);
        ProcessId sender = new ProcessId(send.sender());
        ProcessId group = new ProcessId(send.group());
        long clock = memory.receive(send.clock());
        MessageCodec<?> codec = codecs.forId(send.codec());
        Object message = null;
        String problem = null;
        if (codec == null) {
            problem = "node '" + id + "' has no codec with id " + send.codec();
        } else {
            try {
                message = codec.decode(payload);
            } catch (RuntimeException e) {
                problem = "cannot decode a " + codec.type().getSimpleName() + " for " + group + ": " + e.getMessage();
            }
        }
        if (problem != null) {
            for (int localId : send.members()) {
                fail(new Request(sender, send.requestId(), null), ProcessId.process(id.number(), localId),
                        FailCode.BAD_MESSAGE, problem);
            }
            return;
        }
        traced(MessageEvent.Kind.RECEIVE, sender.nodeNumber(), send.requestId(), sender, group, message, clock);
        deliverToGroup(sender, send.requestId(), group, send.members(), message);
    }

    private void onGroupUpdate(Channel ch, ByteBuf payload) {
        GroupWire.Update update = GroupWire.readUpdate(payload);
        Peer from = peerOf(ch);
        if (from == null) {
            throw new dev.iris.runtime.transport.FrameFormatException("group update from " + ch.remoteAddress()
                    + " before its node is known");
        }
        for (GroupWire.Entry e : update.entries()) {
            ProcessId group = new ProcessId(e.group());
            ProcessId member = new ProcessId(e.member());
            if (from == null || member.nodeNumber() != from.id.number() || member.isGroup()) {
                throw new dev.iris.runtime.transport.FrameFormatException("group update from " + ch.remoteAddress()
                        + " names member " + member + ", not a process of its own node");
            }
            if (!group.isGroup() || (group.isLocalGroup() && group.nodeNumber() != member.nodeNumber())) {
                throw new dev.iris.runtime.transport.FrameFormatException("group update from " + ch.remoteAddress()
                        + " names " + group + ", not a group its processes may join");
            }
        }
        if (update.op() == GroupWire.Op.STATE) {
            groups.removeNode(from.id.number());
        }
        for (GroupWire.Entry e : update.entries()) {
            ProcessId group = new ProcessId(e.group());
            ProcessId member = new ProcessId(e.member());
            if (update.op() == GroupWire.Op.LEAVE) {
                groups.remove(group, member);
            } else {
                groups.add(group, member);
            }
        }
        if (update.op() == GroupWire.Op.STATE) {
            synchronized (membershipLock) {
                // the current entry: this node's own connection may just have replaced the one 'from' was
                Peer current = peersByName.get(from.id.name());
                if (current != null) {
                    current.groupsKnown = true;
                }
                from.groupsKnown = true;
                membershipLock.notifyAll();
            }
        }
        if (update.opId() != 0) {
            // back on the connection the update came on: this node may not have dialed the peer yet
            ch.writeAndFlush(new Frame(FrameKind.GROUP_ACK, 0, GroupWire.ack(ch.alloc(), update.opId())));
        }
    }

    private void onGroupAck(Channel ch, ByteBuf payload) {
        long opId = GroupWire.readAck(payload);
        Peer from = peerOf(ch);
        AckWait wait = ackWaits.get(opId);
        if (wait != null && from != null) {
            wait.done(from.id.number());
        }
    }

    /**
     * The connection to send an answer (reply, fail) to node {@code nodeNumber} on: this node's
     * outbound connection, or, while that is not established yet, the peer's connection to us.
     */
    private Channel channelTo(int nodeNumber) {
        Peer peer = livePeers.get(nodeNumber);
        if (peer != null) {
            return peer.out;
        }
        for (Peer p : peersByName.values()) {
            if (p.id.number() == nodeNumber && p.in != null && p.in.isActive()) {
                return p.in;
            }
        }
        return null;
    }

    private Peer peerOf(Channel inbound) {
        String name = inbound.attr(PeerHandler.PEER_NAME).get();
        return name == null ? null : peersByName.get(name);
    }

    /** A reply arrived for request {@code requestId}. */
    private void complete(long requestId, ProcessId replier, Object message) {
        switch (pending.get(requestId)) {
            case null -> { } // timed out or discarded meanwhile
            case Unicast u -> {
                if (pending.remove(requestId, u)) {
                    u.reply().complete(message);
                }
            }
            case GroupPending g -> g.call().reply(replier, message);
        }
    }

    /** A failure arrived for request {@code requestId} and process {@code target}. */
    private void completeExceptionally(long requestId, ProcessId target, IpcException error) {
        switch (pending.get(requestId)) {
            case null -> { }
            case Unicast u -> {
                if (pending.remove(requestId, u)) {
                    u.reply().completeExceptionally(error);
                }
            }
            case GroupPending g -> g.call().fail(target, error);
        }
    }

    /** About how many bytes are queued on {@code ch} and not yet taken by the peer. */
    private static long queued(Channel ch) {
        return ch.isWritable() ? 0 : ch.bytesBeforeWritable() + LOW_WATER;
    }

    /**
     * Refuses to queue more for a peer that does not read: a bounded buffer per connection, so a slow
     * or hostile peer cannot make this node hold more than the message limit for it.
     */
    private void requireBacklogBelowLimit(Channel ch, ProcessId target) {
        long queued = queued(ch);
        if (queued > config.maxMessageBytes()) {
            throw new NodeUnreachableException("the node of " + target + " is not reading: " + queued
                    + " bytes are already queued for it (limit " + config.maxMessageBytes() + ")");
        }
    }

    /** Refuses (and releases) an encoded message above the message limit, before anything is sent. */
    private ByteBuf checkSize(ByteBuf payload, Object message) {
        if (payload.readableBytes() > config.maxMessageBytes()) {
            int size = payload.readableBytes();
            payload.release();
            throw new IllegalArgumentException("a " + message.getClass().getSimpleName() + " message of " + size
                    + " encoded bytes exceeds the message limit of " + config.maxMessageBytes() + " bytes");
        }
        return payload;
    }

    private static IpcException exception(FailCode code, String reason) {
        return switch (code) {
            case NO_SUCH_PROCESS, PROCESS_EXITED -> new NoSuchProcessException(reason);
            case NODE_UNREACHABLE -> new NodeUnreachableException(reason);
            case BAD_MESSAGE -> new IpcException(reason);
        };
    }

    // ------------------------------------------------------------------ inbound frames

    private void onSend(ByteBuf payload) {
        IpcWire.Send send = IpcWire.readSend(payload);
        ProcessId sender = new ProcessId(send.sender());
        ProcessId target = new ProcessId(send.target());
        long clock = memory.receive(send.clock());
        Request stub = new Request(sender, send.requestId(), null);
        if (target.nodeNumber() != id.number()) {
            fail(stub, target, FailCode.NODE_UNREACHABLE, "process " + target + " is not on node '" + id + "'");
            return;
        }
        MessageCodec<?> codec = codecs.forId(send.codec());
        if (codec == null) {
            fail(stub, target, FailCode.BAD_MESSAGE, "node '" + id + "' has no codec with id " + send.codec());
            return;
        }
        Object message;
        try {
            message = codec.decode(payload);
        } catch (RuntimeException e) {
            fail(stub, target, FailCode.BAD_MESSAGE, "cannot decode a " + codec.type().getSimpleName() + " for "
                    + target + ": " + e.getMessage());
            return;
        }
        traced(MessageEvent.Kind.RECEIVE, sender.nodeNumber(), send.requestId(), sender, target, message, clock);
        if (!processes.deliver(target.localId(), new Request(sender, send.requestId(), message))) {
            fail(stub, target, FailCode.NO_SUCH_PROCESS, "no process " + target + " on node '" + id + "'");
        }
    }

    private void onReply(Channel ch, ByteBuf payload) {
        IpcWire.Reply reply = IpcWire.readReply(payload);
        ProcessId replier = new ProcessId(reply.replier());
        long clock = memory.receive(reply.clock());
        Pending p = pending.get(reply.requestId());
        if (p == null) {
            return; // timed out or discarded meanwhile
        }
        Peer from = peerOf(ch);
        if (p instanceof GroupPending && (from == null || from.id.number() != replier.nodeNumber())) {
            throw new dev.iris.runtime.transport.FrameFormatException("reply from " + ch.remoteAddress()
                    + " claims to come from member " + replier + " of another node");
        }
        MessageCodec<?> codec = codecs.forId(reply.codec());
        if (codec == null) {
            completeExceptionally(reply.requestId(), replier, new IpcException("reply from " + replier
                    + " has codec id " + reply.codec() + ", unknown on node '" + id + "'"));
            return;
        }
        try {
            Object message = codec.decode(payload);
            traced(MessageEvent.Kind.REPLY_RECEIVED, replier.nodeNumber(), reply.requestId(), null, replier, message,
                    clock);
            complete(reply.requestId(), replier, message);
        } catch (RuntimeException e) {
            completeExceptionally(reply.requestId(), replier, new IpcException("cannot decode the reply from "
                    + replier + ": " + e.getMessage()));
        }
    }

    private void onFail(ByteBuf payload) {
        IpcWire.Fail fail = IpcWire.readFail(payload);
        completeExceptionally(fail.requestId(), new ProcessId(fail.target()), exception(fail.code(), fail.reason()));
    }

    private void onMembers(ByteBuf payload) {
        for (MembershipWire.Member member : MembershipWire.readMembers(payload)) {
            if (!member.name().equals(id.name()) && !isLive(member.name())) {
                try {
                    parse(member.address());
                } catch (IllegalArgumentException e) {
                    LOG.log(Level.WARNING, "Node ''{0}'': ignoring member ''{1}'' with a bad address: {2}", id,
                            member.name(), e.getMessage());
                    continue;
                }
                dial(member.address());
            }
        }
    }

    private boolean isLive(String name) {
        Peer peer = peersByName.get(name);
        return peer != null && peer.out != null;
    }

    /** The last handler of every connection: routes frames after the handshake. */
    private final class PeerHandler extends ChannelInboundHandlerAdapter {
        static final io.netty.util.AttributeKey<String> PEER_NAME = io.netty.util.AttributeKey.valueOf("iris.peer");
        private final boolean outbound;

        PeerHandler(boolean outbound) {
            this.outbound = outbound;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof Handshake hs) {
                if (outbound) {
                    outboundEstablished(ctx.channel(), hs);
                } else {
                    inboundEstablished(ctx.channel(), hs);
                }
            } else {
                ctx.fireUserEventTriggered(event);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof Frame frame)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            try {
                Peer peer = peerOf(ctx.channel());
                if (peer != null && partition.test(id.name(), peer.id.name())) {
                    return; // cut off: not even a heartbeat gets through
                }
                if (peer != null) {
                    peer.lastHeardNanos = System.nanoTime();
                }
                switch (frame.kind()) {
                    case HEARTBEAT -> { }
                    case MEMBERS -> onMembers(frame.payload());
                    case SEND -> onSend(frame.payload());
                    case REPLY -> onReply(ctx.channel(), frame.payload());
                    case FAIL -> onFail(frame.payload());
                    case GROUP_SEND -> onGroupSend(frame.payload());
                    case GROUP_UPDATE -> onGroupUpdate(ctx.channel(), frame.payload());
                    case GROUP_ACK -> onGroupAck(ctx.channel(), frame.payload());
                    case PAGE_REQUEST, PAGE, INVALIDATE, INVALIDATE_ACK, PAGE_FAIL, SYNC, DIFF, DIFF_ACK, REPLICA, REPLICA_ACK,
                            CENSUS, CENSUS_REPLY -> {
                        if (peer == null) {
                            throw new dev.iris.runtime.transport.FrameFormatException(frame.kind()
                                    + " frame before the peer is known");
                        }
                        memory.onFrame(peer.id.number(), frame.kind(), frame.payload());
                    }
                    default -> throw new dev.iris.runtime.transport.FrameFormatException(
                            "unexpected " + frame.kind() + " frame after the handshake");
                }
            } finally {
                frame.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(Level.WARNING, "Node ''{0}'': closing the connection with {1}: {2}", id,
                    ctx.channel().remoteAddress(), cause.getMessage());
            ctx.close();
        }
    }

    // ------------------------------------------------------------------ addresses

    /** {@code host:port} for TCP, {@code local:NAME} for the in-JVM transport. */
    static String format(SocketAddress address) {
        if (address instanceof LocalAddress la) {
            return "local:" + la.id();
        }
        InetSocketAddress inet = (InetSocketAddress) address;
        String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
        return host + ":" + inet.getPort();
    }

    /** The inverse of {@link #format}. */
    static SocketAddress parse(String address) {
        if (address.startsWith("local:")) {
            return new LocalAddress(address.substring("local:".length()));
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not host:port or local:NAME: '" + address + "'");
        }
        return new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
    }

    private static void closeQuietly(Channel ch) {
        if (ch != null) {
            ch.close();
        }
    }

    Codecs codecs() {
        return codecs;
    }

    /** Tells this node that its cluster is being stopped (see {@link EmbeddedCluster#close()}). */
    void stopping() {
        stopping = true;
    }

    /** The node as the shared memory sees it. */
    private final class Link implements PeerLink {
        @Override
        public NodeId self() {
            return id;
        }

        @Override
        public boolean isLive(int node) {
            return node == id.number() || livePeers.containsKey(node) || joining(node) != null;
        }

        @Override
        public boolean stopping() {
            return stopping || closed;
        }

        @Override
        public int[] peers() {
            return livePeers.keySet().stream().mapToInt(Integer::intValue).toArray();
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

        @Override
        public String nameOf(int node) {
            Peer peer = livePeers.get(node);
            return node == id.number() ? id.name() : peer != null ? peer.id.name() : "#" + Integer.toUnsignedString(node);
        }

        @Override
        public boolean send(int node, FrameKind kind, ByteBuf payload) {
            Peer peer = livePeers.get(node);
            if (peer == null) {
                synchronized (membershipLock) {
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
            peer.out.writeAndFlush(new Frame(kind, 0, payload));
            return true;
        }

        @Override
        public io.netty.buffer.ByteBufAllocator alloc() {
            return io.netty.buffer.ByteBufAllocator.DEFAULT;
        }

        @Override
        public Duration failureTimeout() {
            return config.failureTimeout();
        }

        @Override
        public java.util.concurrent.Executor executor() {
            return protocolLoop;
        }
    }

    @Override
    public String toString() {
        return "Node[" + id + " @ " + advertisedAddress + "]";
    }
}
