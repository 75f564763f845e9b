package dev.iris.runtime;

import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.internal.LamportClock;
import dev.iris.runtime.internal.Log;
import dev.iris.runtime.internal.LoopCarriers;
import dev.iris.runtime.internal.LoopDeadline;
import dev.iris.runtime.internal.NodeTime;
import dev.iris.runtime.internal.PeerLink;
import dev.iris.runtime.internal.dsm.Dsm;
import dev.iris.runtime.transport.FrameKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * One Iris node: a member of a cluster that hosts processes and talks to the other members over
 * Netty, by TCP between JVMs or by the in-JVM transport ({@link LocalAddress}).
 *
 * <p>Membership: a node dials its seeds and every member it learns of (full mesh, one connection
 * from each node to each other). A peer is live once this node's connection to it completed the
 * handshake. It is declared dead when either connection closes or nothing was heard from it for
 * {@link NodeConfig#failureTimeout()}; then every send waiting on one of its processes fails with
 * {@link NodeUnreachableException}. A restarted node rejoins by dialing its seeds again. See
 * {@code doc/design/membership.md}.
 *
 * <p>Threading: all public methods are thread-safe. Protocol work runs on Netty event loops and
 * never blocks; each process runs on its own virtual thread (its request handler may run on an
 * event loop instead: {@link Kernel#serve}).
 *
 * <p>The node is a front over one class per protocol: {@link Wiring} (Netty: event loops,
 * pipeline, connections), {@link Membership} (peers, heartbeats, failure detection), {@link Ipc}
 * (Send/Receive/Reply/Forward), {@link Groups} (process groups), the shared memory ({@link Dsm}),
 * sharing one {@link LamportClock}; frames are routed to them by kind ({@link Router}).
 */
public final class Node implements AutoCloseable {
    private static final System.Logger LOG = Log.of(Node.class);
    /** The listeners of every node this JVM starts, registered by launchers ({@link NodeListener#everyNode}). */
    static final List<NodeListener> EVERY_NODE = new CopyOnWriteArrayList<>();

    private final NodeConfig config;
    private final NodeId id;
    private final Codecs codecs;
    private final Wiring wiring;
    private final Membership membership;
    /** Carries the processes' threads on the event loop, if so configured; else null. */
    private final LoopCarriers carriers;
    private final ProcessTable processes;
    private final LamportClock clock = new LamportClock();
    /** What time-outs and failure detection run on; it stands in debug time ({@link #pauseTime}). */
    private final NodeTime time;
    /** Randomness, the threads of the node's own work, and the stamps of events. */
    private final NodeEnvironment env;
    private final Tracer tracer;
    private final Ipc ipc;
    private final Segments segments;
    private final Groups groups;
    private final Names names;
    private final Dsm memory;
    /** The memory as processes and callers see it (a simulation watches it). */
    private final SharedMemory memoryView;
    private volatile Channel server;
    private volatile String advertisedAddress;
    private volatile boolean closed;
    private ScheduledFuture<?> ticker;

    private Node(NodeConfig config, Codecs codecs, Wiring wiring, NodeEnvironment env) {
        this.config = config;
        this.time = env.time();
        this.env = env;
        this.id = NodeId.of(config.node());
        this.codecs = codecs;
        this.wiring = wiring;
        this.membership = new Membership(id, config, wiring, time, () -> advertisedAddress);
        this.carriers = env.threads() == null && config.processesOnEventLoop()
                ? new LoopCarriers(config.node(), wiring.protocolLoop, config.heartbeatInterval().toNanos() / 5) : null;
        this.processes = new ProcessTable(new Host(), time, env.threads() != null ? env.threads()
                : carriers == null ? null : carriers::newThread, env.random());
        this.tracer = new Tracer(id, membership, env.eventNanos());
        this.segments = new Segments(id, config, membership, tracer, clock);
        this.ipc = new Ipc(id, config, codecs, clock, time, membership, processes, tracer, segments,
                wiring.protocolLoop, env.random());
        this.groups = new Groups(id, config, codecs, clock, membership, processes, ipc, segments, tracer,
                wiring.protocolLoop,
                membership::groupsKnown, env.random());
        // a group join waits up to five failure timeouts for its acknowledgements: so may the server's start
        this.names = new Names(id, clock, groups, ipc, processes::spawn, config.failureTimeout().multipliedBy(5));
        this.memory = new Dsm(new Link(), config.memory(), config.dataDirectory(), env.disk());
        this.memoryView = env.memoryView().apply(config.node(), memory);
        membership.listener(new Membership.Listener() {
            @Override
            public void admitting(Channel ch, Runnable register) {
                groups.admit(ch, register);
            }

            @Override
            public void joined(Peer peer) {
                memory.nodeJoined(peer.id.number());
            }

            @Override
            public void left(Peer peer, String why) {
                groups.nodeDied(peer.id.number());
                Supplier<IpcException> gone = () -> new NodeUnreachableException(
                        "node '" + peer.id + "' " + (peer.leaving ? "left the cluster (" : "died (") + why + ")");
                ipc.failPending(n -> n == peer.id.number(), gone);
                segments.failMoves(n -> n == peer.id.number(), gone);
            }

            @Override
            public void died(Peer peer) {
                memory.nodeDied(peer.id.number());
            }

            @Override
            public long stalledSince() {
                // a handler that holds an event loop for a fifth of a heartbeat moves to its process's thread
                return processes.watchInline(config.heartbeatInterval().toNanos() / 5);
            }
        });
    }

    /**
     * Starts a node: binds its address, then dials its seeds (retrying those not up yet every
     * heartbeat interval). Returns once bound; use {@link #awaitMembers} to wait for peers.
     *
     * @throws IpcException if the address cannot be bound (for example, the port is in use)
     */
    public static Node start(NodeConfig config, Codecs codecs) {
        return start(config, codecs, NodeEnvironment.jvm());
    }

    /** Starts a node in {@code env} (a test's, with a disk of its own under the page log). */
    static Node start(NodeConfig config, Codecs codecs, NodeEnvironment env) {
        return start(config, codecs, Wiring.of(config, env.waiter()), env);
    }

    /** Starts a node on a shared event loop group (of the matching transport); see {@link EmbeddedCluster}. */
    static Node start(NodeConfig config, Codecs codecs, EventLoopGroup group) {
        return start(config, codecs, group, NodeEnvironment.jvm());
    }

    /** Starts a node on a shared event loop group, in {@code env} (a simulation's); see {@link SimulatedCluster}. */
    static Node start(NodeConfig config, Codecs codecs, EventLoopGroup group, NodeEnvironment env) {
        return start(config, codecs, Wiring.shared(config, group, env.waiter()), env);
    }

    private static Node start(NodeConfig config, Codecs codecs, Wiring wiring, NodeEnvironment env) {
        Node node = null;
        try {
            node = new Node(config, codecs, wiring, env);
            node.bind();
        } catch (RuntimeException e) {
            if (node != null) {
                node.memory.close(); // its page log, if it opened one
            }
            wiring.abandon();
            throw e;
        }
        return node;
    }

    private void bind() {
        server = wiring.bind(outbound -> new Router(id, outbound, membership, ipc, segments, groups, memory));
        advertisedAddress = Wiring.format(server.localAddress());
        long tick = config.heartbeatInterval().toNanos();
        ticker = wiring.protocolLoop.scheduleAtFixedRate(membership::tick, 0, tick, TimeUnit.NANOSECONDS);
        LOG.log(Level.INFO, "Node ''{0}'' of cluster ''{1}'' listening on {2}", id, config.cluster(), advertisedAddress);
        tell(NodeListener::started);
    }

    // ------------------------------------------------------------------ public API

    /** The transport this node uses: {@code local} (in-JVM), {@code epoll} or {@code nio} (TCP). */
    public String transport() {
        return wiring.transport();
    }

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
        return membership.members();
    }

    /**
     * The nodes this node saw leave the cluster on purpose (closed, not dead) that have not joined
     * again, by name (the most recent few hundred).
     */
    public List<String> left() {
        return membership.left();
    }

    /**
     * Blocks until this node sees {@code count} members (itself included) and knows the group
     * memberships of each, so that a group send from here reaches every member they host.
     *
     * @return whether it did within {@code timeout}, on the node's time (which stands while a
     *         debugger holds it, and is the simulated clock in a simulation)
     */
    public boolean awaitMembers(int count, Duration timeout) throws InterruptedException {
        return membership.awaitMembers(count, timeout);
    }

    /** The configuration this node was started with. */
    public NodeConfig config() {
        return config;
    }

    /** This node's live processes, with the names they were spawned with. */
    public Map<ProcessId, String> processes() {
        return processes.names();
    }

    /** The names this node's processes registered at run time ({@link Kernel#register}), by name. */
    public List<RegisteredName> names() {
        return names.registered();
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

    /** This node's view of the cluster's shared memory ({@link NodeConfig#memory()}). */
    public SharedMemory memory() {
        return memoryView;
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
     * Stops this node's time, the one its time-outs (sends, group sends, receives, page faults, locks,
     * barriers, {@link #call}) and its failure detection run on, until {@link #resumeTime}: debug
     * time. The IDE pauses every node of a launch while a debugger holds one of them at a breakpoint,
     * so that a program held there for minutes goes on correctly when resumed. Requests still travel
     * and are answered meanwhile; nothing times out and no peer is found dead for its silence.
     * Nothing happens if the time already stands.
     */
    public void pauseTime() {
        time.pause();
    }

    /** Lets this node's time run again from where it stood (see {@link #pauseTime}). */
    public void resumeTime() {
        time.resume();
    }

    /** Whether this node's time stands ({@link #pauseTime}). */
    public boolean timePaused() {
        return time.paused();
    }

    /**
     * Waits for {@code future} on this node's time, which stands in debug time; in a {@link
     * SimulatedCluster}, on the thread that runs it, the simulation runs meanwhile.
     *
     * @return its value
     * @throws ExecutionException   what it failed with
     * @throws TimeoutException     if it is not done within {@code timeout}
     * @throws InterruptedException if the waiting thread was interrupted
     */
    public <T> T await(CompletableFuture<T> future, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        return time.get(future, time.nanos() + timeout.toNanos());
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
            return time.get(result, time.nanos() + timeout.toNanos());
        } catch (TimeoutException e) {
            throw new IpcTimeoutException("process '" + name + "' on node '" + id + "' did not finish within "
                    + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
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
        tell(NodeListener::closing);
        closed = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
        if (server != null) {
            wiring.await(server.close(), Long.MAX_VALUE);
        }
        membership.close();
        Supplier<IpcException> closing = () -> new NodeUnreachableException("node '" + id + "' is shutting down");
        ipc.failPending(n -> true, closing);
        segments.failMoves(n -> true, closing);
        memory.close();
        if (carriers != null) {
            carriers.close(); // what the processes do from here on runs on shared carriers: the loops stop
        }
        processes.interruptAll();
        wiring.shutdown();
        LOG.log(Level.INFO, "Node ''{0}'' closed", id);
    }

    @Override
    public String toString() {
        return "Node[" + id + " @ " + advertisedAddress + "]";
    }

    /** Tells this node's listeners and every node's listeners. */
    private void tell(BiConsumer<NodeListener, Node> event) {
        for (List<NodeListener> listeners : List.of(config.listeners(), EVERY_NODE)) {
            for (NodeListener listener : listeners) {
                try {
                    event.accept(listener, this);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Node ''" + id + "'': a node listener failed", e);
                }
            }
        }
    }

    // ------------------------------------------------------------------ for the runtime's own classes

    Codecs codecs() {
        return codecs;
    }

    /** Whether this node was closed. */
    boolean closed() {
        return closed;
    }

    /** The shared memory itself, for the runtime's own checks. */
    Dsm dsm() {
        return memory;
    }

    /** Tells this node that its cluster is being stopped (see {@link EmbeddedCluster#close()}). */
    void stopping() {
        membership.clusterStopping();
    }

    /** {@code host:port} for TCP, {@code local:NAME} for the in-JVM transport. */
    static String format(SocketAddress address) {
        return Wiring.format(address);
    }

    /** The inverse of {@link #format}. */
    static SocketAddress parse(String address) {
        return Wiring.parse(address);
    }

    /** The node as its processes see it. */
    private final class Host implements ProcessTable.Host {
        @Override
        public NodeId id() {
            return id;
        }

        @Override
        public Ipc ipc() {
            return ipc;
        }

        @Override
        public Groups groups() {
            return groups;
        }

        @Override
        public SharedMemory memory() {
            return memoryView;
        }

        @Override
        public Executor inboundLoop() {
            return wiring.inboundLoop;
        }

        @Override
        public Names names() {
            return names;
        }

        @Override
        public Segments segments() {
            return segments;
        }

        @Override
        public void leaveAll(ProcessId member) {
            if (!closed) {
                groups.leaveAll(member);
            }
        }
    }

    /** The node as the shared memory sees it. */
    private final class Link implements PeerLink {
        @Override
        public NodeId self() {
            return id;
        }

        @Override
        public boolean isLive(int node) {
            return node == id.number() || membership.liveOrJoining(node);
        }

        @Override
        public boolean stopping() {
            return membership.stopping() || closed;
        }

        @Override
        public int[] peers() {
            return membership.live().stream().mapToInt(p -> p.id.number()).toArray();
        }

        @Override
        public String nameOf(int node) {
            Peer peer = membership.live(node);
            return node == id.number() ? id.name() : peer != null ? peer.id.name() : "#" + Integer.toUnsignedString(node);
        }

        @Override
        public boolean send(int node, FrameKind kind, ByteBuf payload) {
            return membership.send(node, kind, payload);
        }

        @Override
        public boolean send(int node, FrameKind kind, ByteBuf payload, LoopDeadline deadline) {
            return membership.send(node, kind, payload, deadline);
        }

        @Override
        public boolean sendUnordered(int node, FrameKind kind, ByteBuf payload) {
            return membership.sendUnordered(node, kind, payload);
        }


        @Override
        public LamportClock clock() {
            return clock;
        }

        @Override
        public NodeTime time() {
            return time;
        }

        @Override
        public RandomGenerator random() {
            return env.random();
        }

        @Override
        public long eventNanos() {
            return env.eventNanos().getAsLong();
        }

        @Override
        public ByteBufAllocator alloc() {
            return ByteBufAllocator.DEFAULT;
        }

        @Override
        public Duration failureTimeout() {
            return config.failureTimeout();
        }

        @Override
        public Executor executor() {
            return wiring.protocolLoop;
        }

        @Override
        public Thread newThread(String name, Runnable body) {
            return env.threads() != null ? env.threads().apply(name, body) : Thread.ofVirtual().name(name).unstarted(body);
        }

        @Override
        public ExecutorService blockingIo(String name, int threads) {
            return env.blockingIo().apply(name, threads);
        }

        @Override
        public void schedule(Runnable task, long delayNanos) {
            try {
                wiring.protocolLoop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                LOG.log(Level.DEBUG, "Node ''{0}'': its event loop stopped; work for later dropped", id);
            }
        }
    }
}
