package dev.iris.runtime.monitor;

import dev.iris.runtime.IpcException;
import dev.iris.runtime.MessageEvent;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeConfig;
import dev.iris.runtime.NodeId;
import dev.iris.runtime.NodeListener;
import dev.iris.runtime.dsm.Durability;
import dev.iris.runtime.dsm.HeapCensus;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.internal.Log;
import dev.iris.runtime.security.NodeCredentials;
import dev.iris.runtime.transport.FragmentAssembler;
import dev.iris.runtime.transport.FragmentEncoder;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameDecoder;
import dev.iris.runtime.transport.FrameEncoder;
import dev.iris.runtime.transport.FrameFormatException;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.Handshake;
import dev.iris.runtime.transport.HandshakeHandler;
import dev.iris.runtime.transport.Tls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A node's monitor endpoint: a TCP port (beside the node's own) where a debugger such as the Iris
 * IDE or {@link MonitorClient} watches the node: its {@link MonitorMessage.State} and
 * {@link MonitorMessage.Pages} when it connects, then every memory event and each change of
 * state, and a census of its heaps after each collection it runs. Frames are
 * {@link FrameKind#MONITOR} ({@link MonitorWire}); a client sends its handshake, then commands: to
 * stop or restart the node's time (debug time: the IDE stops it while a debugger holds a node of
 * the launch), and to take a census of the node's heaps, which every client gets. The time stands
 * while any client that stopped it is connected and has not restarted it; a client that goes away restarts what it stopped. Anything
 * else a client sends closes its connection.
 *
 * <p>Security: a node with credentials ({@link NodeConfig#credentials()}) serves the monitor over
 * mutual TLS with its cluster's authority as the only trust anchor, and the client's handshake must
 * name its certificate's subject, exactly as between nodes: a client without a certificate of the
 * cluster is refused, and logged, before any of its frames is decoded. A node without credentials
 * serves anyone who knows the cluster name, and says so in its log.
 *
 * <p>Cost: nothing is listened to while no client is connected. A client that reads slower than
 * events come loses events rather than making the node buffer them: once its connection holds
 * {@value #HIGH_WATER} bytes the node drops its events, and when it has caught up it gets the
 * node's whole page table again, which replaces what it knew.
 */
public final class MonitorServer implements AutoCloseable {
    private static final System.Logger LOG = Log.of(MonitorServer.class);
    private static final int LOW_WATER = 1 << 20;
    private static final int HIGH_WATER = 4 << 20;
    private static final long STATE_POLL_MILLIS = 200;
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final Node node;
    private final EventLoopGroup group;
    private final Tls tls;
    /** The connected clients; its monitor guards adding the first and removing the last, with the listeners. */
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final Consumer<MemoryEvent> listener = this::broadcast;
    private final Consumer<MessageEvent> messages = e -> broadcast(new MonitorMessage.Message(e));
    private final Consumer<HeapCensus> censuses = c -> broadcast(new MonitorMessage.Heap(nodeName(), c));
    /** Whether a census a client asked for is being taken: one at a time. */
    private final AtomicBoolean counting = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    /** The sessions that hold the node's time stopped (guarded by itself). */
    private final Set<Session> holdingTime = new HashSet<>();
    private volatile MonitorMessage.State lastState;
    private volatile MonitorMessage.Durable lastDurable;
    private Channel server;
    private ScheduledFuture<?> poll;

    private MonitorServer(Node node, NodeCredentials credentials) {
        this.node = node;
        this.tls = credentials == null ? null : new Tls(credentials);
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    /**
     * A listener that serves the monitor of each started node named in {@code addresses} there, and
     * stops it as the node closes: for nodes a program starts itself (all nodes in one JVM; see
     * {@code dev.iris.runtime.launch.MonitoredMain}). A node's credentials come from
     * {@code credentials/<node>} when {@code credentials} is given, else from its configuration. A
     * monitor that cannot start is logged; the node runs on. {@code served} learns each monitor's
     * node and the address it listens on (port 0 in {@code addresses} picks a free one).
     */
    public static NodeListener listener(Map<String, InetSocketAddress> addresses, Path credentials,
            BiConsumer<String, String> served) {
        Map<String, InetSocketAddress> where = Map.copyOf(addresses);
        Map<Node, MonitorServer> running = new ConcurrentHashMap<>();
        return new NodeListener() {
            @Override
            public void started(Node node) {
                InetSocketAddress bind = where.get(node.id().name());
                if (bind == null) {
                    return;
                }
                try {
                    NodeCredentials own = credentials == null ? node.config().credentials()
                            : NodeCredentials.read(credentials.resolve(node.id().name()));
                    MonitorServer monitor = new MonitorServer(node, own);
                    try {
                        monitor.bind(bind);
                    } catch (RuntimeException e) {
                        monitor.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                        throw e;
                    }
                    running.put(node, monitor);
                    served.accept(node.id().name(), monitor.address());
                } catch (RuntimeException | IOException e) {
                    LOG.log(Level.ERROR, "Node ''{0}'': no monitor on {1}: {2}", node.id(), bind, e.getMessage());
                }
            }

            @Override
            public void closing(Node node) {
                MonitorServer monitor = running.remove(node);
                if (monitor != null) {
                    monitor.leaving();
                    monitor.close();
                }
            }
        };
    }

    /**
     * Serves {@code node}'s monitor on {@code bind} (port 0 picks a free one; see {@link #address()}).
     *
     * @throws IpcException if the address cannot be bound
     */
    public static MonitorServer start(Node node, InetSocketAddress bind) {
        MonitorServer monitor = new MonitorServer(node, node.config().credentials());
        try {
            monitor.bind(bind);
        } catch (RuntimeException e) {
            monitor.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        return monitor;
    }

    private void bind(SocketAddress bind) {
        NodeConfig config = node.config();
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW_WATER, HIGH_WATER))
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.handler(ch, false));
                        }
                        ch.pipeline().addLast(new FrameDecoder(config.maxFrameBytes()),
                                new FrameEncoder(config.maxFrameBytes()),
                                new FragmentEncoder(config.maxFrameBytes(), config.maxMessageBytes()),
                                new HandshakeHandler(new Handshake(config.cluster(), Handshake.PROTOCOL,
                                        node.id().name()), HANDSHAKE_TIMEOUT_MILLIS),
                                new FragmentAssembler(config.maxMessageBytes()),
                                new Session());
                    }
                });
        ChannelFuture bound = bootstrap.bind(bind).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IpcException("node '" + node.id() + "' cannot serve its monitor on " + bind + ": "
                    + bound.cause().getMessage());
        }
        server = bound.channel();
        poll = group.next().scheduleAtFixedRate(this::pollState, STATE_POLL_MILLIS, STATE_POLL_MILLIS,
                TimeUnit.MILLISECONDS);
        if (tls == null) {
            LOG.log(Level.WARNING, "Node ''{0}'' serves its monitor on {1} without credentials: anyone who knows the "
                    + "cluster name can watch it", node.id(), address());
        } else {
            LOG.log(Level.INFO, "Node ''{0}'' serves its monitor on {1} (mutual TLS)", node.id(), address());
        }
    }

    /** Where the monitor listens, as {@code host:port}. */
    public String address() {
        InetSocketAddress a = (InetSocketAddress) server.localAddress();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** The port the monitor listens on. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The clients connected now. */
    public int clients() {
        return sessions.size();
    }

    /** Events not sent to a client because it did not keep up, summed over clients. */
    public long droppedEvents() {
        return dropped.get();
    }

    /**
     * Tells every client that the node is being closed on purpose ({@link MonitorMessage.Leaving}),
     * as the last thing it sends them: call {@link #close} next.
     */
    public void leaving() {
        if (poll != null) {
            poll.cancel(false); // no state after it
        }
        broadcast(new MonitorMessage.Leaving(node.id().name()));
    }

    /** Disconnects every client and stops listening. */
    @Override
    public void close() {
        if (poll != null) {
            poll.cancel(false);
        }
        stopListening();
        if (server != null) {
            server.close().awaitUninterruptibly();
        }
        sessions.forEach(s -> s.ch.close());
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private MonitorMessage.State state() {
        return state(node);
    }

    /** Stops hearing of the node's events: its listeners are registered once, while any client is connected. */
    private void stopListening() {
        node.memory().removeListener(listener);
        node.removeMessageListener(messages);
        node.memory().heap().removeCensusListener(censuses);
    }

    private String nodeName() {
        return node.id().name();
    }

    private MonitorMessage.Pages pages() {
        return pages(node);
    }

    /** {@code node}'s state now. */
    static MonitorMessage.State state(Node node) {
        return new MonitorMessage.State(node.id().name(), node.address(),
                node.members().stream().map(NodeId::name).toList(), node.processes(), node.groups(), node.left(),
                node.names());
    }

    /** {@code node}'s page table now. */
    static MonitorMessage.Pages pages(Node node) {
        return new MonitorMessage.Pages(node.id().name(), node.memory().snapshot());
    }

    private void broadcast(MemoryEvent event) {
        broadcast(new MonitorMessage.Memory(event));
    }

    private void broadcast(MonitorMessage message) {
        for (Session s : sessions) {
            s.send(message);
        }
    }

    private void pollState() {
        if (sessions.isEmpty()) {
            return;
        }
        MonitorMessage.State state = state();
        if (!state.equals(lastState)) {
            lastState = state;
            sessions.forEach(s -> s.send(state));
        }
        MonitorMessage.Durable durable = durable();
        if (durable != null && !durable.equals(lastDurable)) {
            // the memory opening gives pages their owners without a memory event: the page table is sent again
            boolean opened = durable.durability().phase() != Durability.Phase.WAITING && (lastDurable == null
                    || lastDurable.durability().phase() == Durability.Phase.WAITING);
            lastDurable = durable;
            MonitorMessage.Pages pages = opened ? pages() : null;
            sessions.forEach(s -> {
                s.send(durable);
                if (pages != null) {
                    s.send(pages);
                }
            });
        }
    }

    /** Where the node's persistent memory stands, or null if it is not persistent. */
    private MonitorMessage.Durable durable() {
        return node.memory().durability().map(d -> new MonitorMessage.Durable(node.id().name(), d)).orElse(null);
    }

    /** Sends a client the node's state, page table and durable state, as a client that connects gets them. */
    private void sendAll(Session s) {
        s.send(state());
        s.send(pages());
        MonitorMessage.Durable durable = durable();
        if (durable != null) {
            s.send(durable);
        }
    }

    /**
     * Takes a census of the node's heaps on a thread of its own (it reads pages, which may fault) and
     * sends it to every client; a request that comes while one is being taken is answered by it.
     */
    private void census(Session asking) {
        if (!counting.compareAndSet(false, true)) {
            return; // the census under way goes to every client when it is done
        }
        Thread.ofVirtual().name("iris-monitor-census").start(() -> {
            try {
                censuses.accept(node.memory().heap().census(HeapCensus.MAX_BLOCKS));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Node ''{0}'': no census of the heaps for monitor client ''{1}'': {2}",
                        node.id(), asking.client, e.getMessage());
            } finally {
                counting.set(false);
            }
        });
    }

    /** How many connected clients hold the node's time stopped. */
    public int holdingTime() {
        synchronized (holdingTime) {
            return holdingTime.size();
        }
    }

    /** One client's connection, from its accepted handshake on. */
    private final class Session extends ChannelInboundHandlerAdapter {
        private Channel ch;
        private String client;
        private final AtomicBoolean lagging = new AtomicBoolean();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (!(event instanceof Handshake client)) {
                ctx.fireUserEventTriggered(event);
                return;
            }
            ch = ctx.channel();
            this.client = client.node();
            LOG.log(Level.INFO, "Node ''{0}'': monitor client ''{1}'' connected from {2}", node.id(), client.node(),
                    ch.remoteAddress());
            // on this channel's loop: every event another thread sends from now on is queued after these
            synchronized (sessions) {
                if (sessions.isEmpty()) {
                    node.memory().addListener(listener);
                    node.addMessageListener(messages);
                    node.memory().heap().addCensusListener(censuses);
                }
                sessions.add(this);
            }
            sendAll(this);
        }

        void send(MonitorMessage message) {
            if (!ch.isWritable()) {
                if (message instanceof MonitorMessage.Memory || message instanceof MonitorMessage.Message) {
                    dropped.incrementAndGet();
                }
                lagging.set(true);
                return;
            }
            for (var payload : MonitorWire.encode(ch.alloc(), message)) {
                ch.write(new Frame(FrameKind.MONITOR, 0, payload));
            }
            ch.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && lagging.compareAndSet(true, false)) {
                sendAll(this); // replaces what the client knew: it missed events
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!(msg instanceof Frame frame) || frame.kind() != FrameKind.MONITOR) {
                    throw new FrameFormatException("a monitor client sends nothing but commands");
                }
                switch (MonitorWire.decodeCommand(frame.payload())) {
                    case PAUSE_TIME -> holdTime(true);
                    case RESUME_TIME -> holdTime(false);
                    case CENSUS -> census(this);
                }
            } catch (FrameFormatException e) {
                LOG.log(Level.WARNING, "Node ''{0}'': closing the monitor connection from {1}: {2}", node.id(),
                        ctx.channel().remoteAddress(), e.getMessage());
                ctx.close();
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        /** Makes this session hold the node's time stopped, or stop holding it. */
        void holdTime(boolean hold) {
            synchronized (holdingTime) {
                boolean stood = !holdingTime.isEmpty();
                if (hold ? !holdingTime.add(this) : !holdingTime.remove(this)) {
                    return;
                }
                if (stood == holdingTime.isEmpty()) { // the first holder came, or the last one went
                    if (hold) {
                        node.pauseTime();
                    } else {
                        node.resumeTime();
                    }
                    LOG.log(Level.INFO, "Node ''{0}'': {1} by monitor client ''{2}'' (debug time)", node.id(),
                            hold ? "time stopped" : "time runs again", client);
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            holdTime(false);
            synchronized (sessions) {
                if (sessions.remove(this) && sessions.isEmpty()) {
                    stopListening();
                }
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(Level.WARNING, "Node ''{0}'': closing the monitor connection from {1}: {2}", node.id(),
                    ctx.channel().remoteAddress(), cause.getMessage());
            ctx.close();
        }
    }
}
