package dev.iris.runtime;

import dev.iris.runtime.dsm.ClusterPageTable;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.PageInfo;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalIoHandler;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * N nodes of one cluster inside this JVM, over the in-JVM transport (Netty's local channels:
 * the same frames and protocol as TCP, without sockets). The embedded default of
 * {@code iris run}, and the fixture of fast multi-node tests.
 *
 * <p>All nodes share one event loop. With two, Netty's in-JVM channel now and then left a frame
 * undelivered when the two ends of a connection were on different loops (an invalidation's
 * acknowledgement never arrived, and the write fault waiting for it timed out: about one run in
 * seventy of {@code SequentialConsistencyTest} over this transport; none in 600 with one loop).
 * One loop also means that a handler that holds it holds every node.
 *
 * <p>Thread-safe. Closing the cluster closes its nodes and their shared event loop.
 */
public final class EmbeddedCluster implements AutoCloseable {
    private final String name;
    private final Codecs codecs;
    private final MemoryConfig memory;
    private final UnaryOperator<NodeConfig> configure;
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private final int instance = INSTANCES.incrementAndGet();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory()); // see above
    private final List<Node> nodes = new ArrayList<>();

    private EmbeddedCluster(String name, Codecs codecs, MemoryConfig memory, UnaryOperator<NodeConfig> configure) {
        this.name = name;
        this.codecs = codecs;
        this.memory = memory;
        this.configure = configure;
    }

    /**
     * Starts {@code size} nodes named {@code node1..nodeN} and waits until each sees all others.
     *
     * @throws IpcException if the mesh does not form within 10 s
     */
    public static EmbeddedCluster start(String name, int size, Codecs codecs) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            names.add("node" + i);
        }
        return start(name, names, codecs);
    }

    /**
     * Starts one node per name (the first is every other node's seed) and waits until each sees
     * all others.
     *
     * @throws IpcException if the mesh does not form within 10 s
     */
    public static EmbeddedCluster start(String name, List<String> nodeNames, Codecs codecs) {
        return start(name, nodeNames, codecs, MemoryConfig.NONE);
    }

    /**
     * Starts one node per name with a shared memory (whose managers are all these nodes unless it
     * names some) and waits until each sees all others.
     *
     * @throws IpcException if the mesh does not form within 10 s
     */
    public static EmbeddedCluster start(String name, List<String> nodeNames, Codecs codecs, MemoryConfig memory) {
        return start(name, nodeNames, codecs, memory, UnaryOperator.identity());
    }

    /**
     * Starts one node per name as {@link #start(String, List, Codecs, MemoryConfig)} does, each with
     * the configuration {@code configure} makes of its default one (other timing, listeners, a
     * connection handler); so are nodes {@linkplain #addNode added} later.
     *
     * @throws IpcException if the mesh does not form within 10 s
     */
    public static EmbeddedCluster start(String name, List<String> nodeNames, Codecs codecs, MemoryConfig memory,
            UnaryOperator<NodeConfig> configure) {
        EmbeddedCluster cluster = new EmbeddedCluster(name, codecs,
                memory.managers().isEmpty() ? memory.withManagers(nodeNames) : memory, configure);
        try {
            for (String nodeName : nodeNames) {
                cluster.addNode(nodeName);
            }
            cluster.awaitMesh(Duration.ofSeconds(10));
            return cluster;
        } catch (RuntimeException | InterruptedException e) {
            cluster.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof IpcException ipc ? ipc : new IpcException("embedded cluster did not start: " + e);
        }
    }

    /** Starts one more node that joins at run time through the first node; does not wait for the mesh. */
    public synchronized Node addNode(String nodeName) {
        List<SocketAddress> seeds = nodes.isEmpty() ? List.of() : List.of(Node.parse(nodes.get(0).address()));
        // in-JVM addresses are global to the JVM: unique per cluster, so two clusters of one name can coexist
        NodeConfig config = configure.apply(NodeConfig.of(nodeName, name,
                new LocalAddress(name + "#" + instance + "/" + nodeName), seeds).withMemory(memory));
        Node node = Node.start(config, codecs, group);
        nodes.add(node);
        return node;
    }

    /** Blocks until every node sees every other node. */
    public void awaitMesh(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Node node : nodes()) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            if (!node.awaitMembers(nodes().size(), left)) {
                throw new IpcException("node '" + node.id() + "' sees " + node.members() + " after " + timeout.toMillis()
                        + " ms, expected " + nodes().size() + " members");
            }
        }
    }

    /** The nodes, in the order they were started. */
    public synchronized List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** The node called {@code nodeName}; throws {@link IllegalArgumentException} if there is none. */
    public Node node(String nodeName) {
        for (Node node : nodes()) {
            if (node.id().name().equals(nodeName)) {
                return node;
            }
        }
        throw new IllegalArgumentException("cluster '" + name + "' has no node '" + nodeName + "'");
    }

    /** The page table of the cluster's shared memory, merged from every node's snapshot. */
    public ClusterPageTable pageTable() {
        Map<String, List<PageInfo>> snapshots = new LinkedHashMap<>();
        for (Node node : nodes()) {
            snapshots.put(node.id().name(), node.memory().snapshot());
        }
        return ClusterPageTable.of(snapshots);
    }

    /** Node {@code i}, counting from 0. */
    public Node node(int i) {
        return nodes().get(i);
    }

    @Override
    public void close() {
        nodes().forEach(Node::stopping);
        for (Node node : nodes()) {
            node.close();
        }
        // a quiet period: closes the nodes' channels scheduled on each other's loops run before the
        // loops stop (with none, a local channel's close could find its peer's loop gone)
        group.shutdownGracefully(100, 2_000, TimeUnit.MILLISECONDS).awaitUninterruptibly();
    }
}
