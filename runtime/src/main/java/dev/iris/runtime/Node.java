package dev.iris.runtime;

import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.internal.LamportClock;
import dev.iris.runtime.internal.PeerLink;
import dev.iris.runtime.internal.dsm.Dsm;
import dev.iris.runtime.transport.FragmentAssembler;
import dev.iris.runtime.transport.FragmentEncoder;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameDecoder;
import dev.iris.runtime.transport.FrameEncoder;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.Handshake;
import dev.iris.runtime.transport.HandshakeHandler;
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
import java.util.function.Consumer;

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
    private static final int LOW_WATER = Ipc.LOW_WATER;
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
    private final ProcessTable processes;
    private final LamportClock clock = new LamportClock();
    private final Tracer tracer;
    private final Ipc ipc;
    private final Groups groups;
    private final Object membershipLock = new Object();
    /** Peers declared dead whose death the shared memory is still processing (guarded by membershipLock). */
    private int deathsInProgress;
    private final Dsm memory;
    /**
     * The event loop of every connection this node makes (so that a group send's frames go out in one
     * task, and the answers to its requests come back on it), which also runs the memory's deferred
     * work, in order.
     */
    private final io.netty.channel.EventLoop protocolLoop;
    private volatile Channel server;
    private volatile String advertisedAddress;
    private volatile boolean closed;
    /** The whole cluster is being stopped on purpose: peers that go are not a failure worth a warning. */
    private volatile boolean stopping;
    private ScheduledFuture<?> ticker;

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
        PeerTable peerTable = new PeerTable();
        this.tracer = new Tracer(id, peerTable);
        this.ipc = new Ipc(id, config, codecs, clock, peerTable, processes, tracer);
        this.groups = new Groups(id, config, codecs, clock, peerTable, processes, ipc, tracer, this::groupsKnown);
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
    public void addMessageListener(Consumer<MessageEvent> listener) {
        tracer.add(listener);
    }

    public void removeMessageListener(Consumer<MessageEvent> listener) {
        tracer.remove(listener);
    }

    /** This node's Send/Receive/Reply/Forward (used by {@link KernelImpl} and {@link ProcessTable}). */
    Ipc ipc() {
        return ipc;
    }

    /** This node's process groups (used by {@link KernelImpl}). */
    Groups groupsProtocol() {
        return groups;
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
        ipc.failPending(n -> true, () -> new NodeUnreachableException("node '" + id + "' is shutting down"));
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
        Bootstrap bootstrap = new Bootstrap().group(protocolLoop).channel(socketChannelClass())
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
                        + Ipc.queued(peer.out) + " bytes queued)");
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
        groups.admit(ch, () -> {
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
        });
        ch.flush();
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
            groups.nodeDied(peer.id.number());
            ipc.failPending(n -> n == peer.id.number(), () -> new NodeUnreachableException(
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


    private Peer peerOf(Channel ch) {
        String name = ch.attr(PeerHandler.PEER_NAME).get();
        return name == null ? null : peersByName.get(name);
    }

    /** The live peers as the request protocols see them. */
    private final class PeerTable implements Peers {
        @Override
        public Peer live(int node) {
            return livePeers.get(node);
        }

        @Override
        public java.util.Collection<Peer> live() {
            return livePeers.values();
        }

        @Override
        public Peer of(Channel ch) {
            return peerOf(ch);
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
            if (node == id.number()) {
                return id.name();
            }
            Peer peer = livePeers.get(node);
            return peer != null ? peer.id.name() : "node #" + node;
        }
    }

    /** A peer's group memberships arrived: group sends from here address its members from now on. */
    private void groupsKnown(Peer from) {
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

    /** Takes a process that exits out of all its groups (unless the node is closing). */
    void leaveAll(ProcessId member) {
        if (!closed) {
            groups.leaveAll(member);
        }
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
                    case SEND -> ipc.onSend(ctx.channel(), frame.payload());
                    case REPLY -> ipc.onReply(ctx.channel(), frame.payload());
                    case FAIL -> ipc.onFail(frame.payload());
                    case GROUP_SEND -> groups.onGroupSend(ctx.channel(), frame.payload());
                    case GROUP_UPDATE -> groups.onGroupUpdate(ctx.channel(), frame.payload());
                    case GROUP_ACK -> groups.onGroupAck(ctx.channel(), frame.payload());
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
        public LamportClock clock() {
            return clock;
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
