package dev.iris.runtime;

import dev.iris.runtime.internal.NodeTime;
import dev.iris.runtime.internal.VirtualThreads;
import dev.iris.runtime.internal.simulation.Network;
import dev.iris.runtime.internal.simulation.Scheduler;
import io.netty.channel.local.LocalAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The nodes of one cluster in a deterministic simulation: in this JVM, on the in-JVM transport,
 * with the real protocol classes, but on a simulated clock, with one thing running at a time
 * (a protocol step or a process until it blocks), and every choice (which ready process runs next,
 * how long each frame takes on its connection, the first numbers of ids) drawn from one seed. Two
 * runs with the same seed do the same steps in the same order at the same simulated times; time-outs,
 * heartbeats and failure detection run on the simulated clock, so a simulated minute of a quiet
 * cluster passes in a fraction of a second.
 *
 * <p>The simulation runs on the thread that {@linkplain #start starts} it, and only while that thread
 * is in one of its methods ({@link #call}, {@link #run}) or waits on a node's time ({@link
 * Node#call}, {@link Node#await}). That thread must not use a node's shared memory or send itself:
 * it would wait for the simulation that only it runs (use a process, {@link #call}). Processes must not wait outside the
 * runtime (sleep, or wait on a lock or a monitor of their own with a time-out, or start threads of
 * their own): the run would then depend on more than the seed, and the simulation fails with an error
 * that names the thread that woke a process. Needs what {@link
 * dev.iris.runtime.internal.VirtualThreads} needs (Java 24 or newer, and {@code --add-opens
 * java.base/java.lang=ALL-UNNAMED}). The in-JVM addresses are {@code sim:CLUSTER/NODE}: one
 * simulation of a cluster name at a time per JVM.
 *
 * <p>Not thread-safe: one thread starts, runs and closes it.
 */
public final class SimulatedCluster implements AutoCloseable {
    /** How long the cluster has to form its mesh, in simulated time. */
    private static final Duration MESH = Duration.ofSeconds(10);

    private final String name;
    private final long seed;
    private final Scheduler scheduler;
    private final Network network;
    private final List<Node> nodes = new ArrayList<>();
    /** Each node's configuration and codecs, to start it again ({@link #restart}). */
    private final List<NodeConfig> configs = new ArrayList<>();
    private Codecs codecs;

    private SimulatedCluster(String name, long seed, Duration minLatency, Duration maxLatency) {
        this.name = name;
        this.seed = seed;
        this.scheduler = new Scheduler(seed);
        this.network = scheduler.network(minLatency.toNanos(), maxLatency.toNanos());
    }

    /**
     * Starts one node per name (the first is every other node's seed node) and runs the
     * simulation until each sees all others. Each frame takes from {@code minLatency} to
     * {@code maxLatency} on its connection (drawn from the seed); {@code configure} may change each
     * node's configuration (its timing, a listener).
     *
     * @throws IpcException if the mesh does not form within 10 simulated seconds
     * @throws IllegalStateException if this JVM cannot run a simulation (see above)
     */
    public static SimulatedCluster start(String name, List<String> nodeNames, Codecs codecs, long seed,
            Duration minLatency, Duration maxLatency, UnaryOperator<NodeConfig> configure) {
        if (nodeNames.isEmpty()) {
            throw new IllegalArgumentException("the simulated cluster '" + name + "' needs at least one node");
        }
        if (VirtualThreads.unavailable() != null) {
            throw new IllegalStateException("a simulation needs " + VirtualThreads.unavailable());
        }
        SimulatedCluster cluster = new SimulatedCluster(name, seed, minLatency, maxLatency);
        try {
            SocketAddress first = null;
            for (String nodeName : nodeNames) {
                SocketAddress address = new LocalAddress("sim:" + name + "/" + nodeName);
                NodeConfig config = configure.apply(NodeConfig.of(nodeName, name, address,
                        first == null ? List.of() : List.of(first)).withConnectionHandler(
                                () -> cluster.network.connection(nodeName)));
                first = first == null ? address : first;
                cluster.codecs = codecs;
                cluster.configs.add(config);
                try {
                    cluster.nodes.add(Node.start(config, codecs, cluster.scheduler.loop(), cluster.environment()));
                } catch (IpcException e) {
                    throw new IpcException(e.getMessage() + " (one simulation of a cluster name runs at a time in a "
                            + "JVM: is another of '" + name + "' open?)");
                }
            }
            long until = cluster.scheduler.nanos() + MESH.toNanos();
            if (!cluster.scheduler.runUntil(cluster::meshed, until)) {
                throw new IpcException("the simulated cluster '" + name + "' (seed " + seed + ") did not form its "
                        + "mesh within " + MESH.toSeconds() + " simulated seconds: " + cluster.nodes.stream()
                                .map(n -> n.id().name() + " sees " + n.members().size()).toList());
            }
            return cluster;
        } catch (RuntimeException e) {
            try {
                cluster.close();
            } catch (RuntimeException failure) {
                e.addSuppressed(failure);
            }
            throw e;
        }
    }

    private NodeEnvironment environment() {
        return new NodeEnvironment(new NodeTime(scheduler), scheduler.ids(), scheduler::newThread, scheduler::nanos,
                scheduler::await);
    }

    private boolean meshed() {
        for (Node node : nodes) {
            if (node.members().size() < nodes.size()) {
                return false;
            }
        }
        return true;
    }

    /** The seed the simulation runs on. */
    public long seed() {
        return seed;
    }

    /** The nodes, in the order they were started. */
    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** Node {@code i}, counting from 0. */
    public Node node(int i) {
        return nodes.get(i);
    }

    /** The simulated time since the simulation began. */
    public Duration elapsed() {
        return Duration.ofNanos(scheduler.nanos());
    }

    /** How many steps the simulation ran. */
    public long steps() {
        return scheduler.steps();
    }

    /** Runs the simulation for {@code time} of simulated time. */
    public void run(Duration time) {
        long until = scheduler.nanos() + time.toNanos();
        scheduler.runUntil(() -> scheduler.nanos() >= until, until);
    }

    /**
     * Runs {@code body} as a process on node {@code node} and runs the simulation until it returns.
     *
     * @throws Exception           what {@code body} threw
     * @throws IpcTimeoutException if it has not returned within {@code timeout} of simulated time
     */
    public <T> T call(int node, String process, Duration timeout, ProcessFunction<T> body) throws Exception {
        return nodes.get(node).call(process, timeout, body); // its wait, on the simulation's time, runs the simulation
    }

    /**
     * Cuts the network between {@code side} and the other nodes, both ways, from now on: frames
     * on their way are lost too, and each side's failure detector declares the other dead after
     * its failure timeout (the majority goes on; a minority without it stops, as it would).
     */
    public void partition(Collection<String> side) {
        for (Node a : nodes) {
            for (Node b : nodes) {
                if (side.contains(a.id().name()) && !side.contains(b.id().name())) {
                    network.cut(a.id().name(), b.id().name());
                    network.cut(b.id().name(), a.id().name());
                }
            }
        }
    }

    /** Ends every cut: what is sent from now on arrives (a declared death stands: a node joins again). */
    public void heal() {
        network.heal();
    }

    /**
     * Node {@code node} crashes: it is cut off from the others, and closed (its processes are
     * interrupted, and what it says on the way out is lost). The others find it dead with their failure
     * detector, as when a machine loses its power.
     */
    public void crash(String node) {
        Node dead = node(node);
        partition(List.of(node));
        dead.stopping();
        dead.close();
    }

    /**
     * Starts node {@code node}, which {@linkplain #crash crashed}, again: a new incarnation with
     * none of its processes, cut off from nobody, that joins the others through the first node as
     * at the start. Its new id numbers are drawn from the seed too.
     *
     * @return the new node (it replaces the old one in {@link #nodes()})
     * @throws IllegalStateException if the node has not crashed (or been closed)
     */
    public Node restart(String node) {
        int i = nodes.indexOf(node(node));
        if (!nodes.get(i).closed()) {
            throw new IllegalStateException("node '" + node + "' of the simulated cluster '" + name + "' runs: crash it "
                    + "first");
        }
        network.reconnect(node);
        Node again = Node.start(configs.get(i), codecs, scheduler.loop(), environment());
        nodes.set(i, again);
        return again;
    }

    /** The node called {@code nodeName}. */
    public Node node(String nodeName) {
        return nodes.stream().filter(n -> n.id().name().equals(nodeName)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("the simulated cluster '" + name + "' has no node '" + nodeName + "'"));
    }

    /** Closes the nodes, running the simulation while they leave, and then its event loop. */
    @Override
    public void close() {
        nodes.forEach(Node::stopping);
        RuntimeException failed = null;
        for (Node node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) { // the other nodes close all the same: their addresses are freed
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        network.close();
        scheduler.close();
        if (failed != null) {
            throw failed;
        }
    }

    @Override
    public String toString() {
        return "SimulatedCluster[" + name + ", seed " + seed + ", " + elapsed().toMillis() + " simulated ms]";
    }
}
