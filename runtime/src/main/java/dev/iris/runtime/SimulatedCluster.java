package dev.iris.runtime;

import dev.iris.runtime.internal.Log;
import dev.iris.runtime.internal.NodeTime;
import dev.iris.runtime.internal.VirtualThreads;
import dev.iris.runtime.internal.simulation.Network;
import dev.iris.runtime.internal.simulation.Scheduler;
import dev.iris.runtime.internal.simulation.SimulatedIo;
import dev.iris.runtime.internal.store.PageLog;
import io.netty.channel.local.LocalAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

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
 * that names the thread that woke a process. A deadlock on distributed locks (processes that each
 * wait for a lock another of them holds, for 10 simulated seconds) fails the run too, naming the
 * processes and the locks. A persistent shared memory's page logs are written as steps of the
 * simulation, each node's in its configured data directory, or, if it has none, in a directory of
 * its own under a temporary one that the close deletes (a node {@linkplain #restart started again}
 * finds its log there). Needs what {@link
 * dev.iris.runtime.internal.VirtualThreads} needs (Java 24 or newer, and {@code --add-opens
 * java.base/java.lang=ALL-UNNAMED}). The in-JVM addresses are {@code sim:CLUSTER/NODE}: one
 * simulation of a cluster name at a time per JVM.
 *
 * <p>Not thread-safe: one thread starts, runs and closes it.
 */
public final class SimulatedCluster implements AutoCloseable {
    /** How long the cluster has to form its mesh, in simulated time. */
    private static final Duration MESH = Duration.ofSeconds(10);
    /** How long a cycle of processes waiting for each other's locks lasts before it is reported. */
    private static final Duration DEADLOCK = Duration.ofSeconds(10);

    private final String name;
    private final long seed;
    private final Scheduler scheduler;
    private final Network network;
    private final List<Node> nodes = new ArrayList<>();
    /** Each node's configuration and codecs, to start it again ({@link #restart}). */
    private final List<NodeConfig> configs = new ArrayList<>();
    private Codecs codecs;
    /** The thread that injects faults ({@link #injectFaults}), or null. */
    private Thread injecting;
    private final List<String> faults = new ArrayList<>();
    /** The faults injected so far, as a plan that replays them ({@link #faultPlan}). */
    private final List<PlannedFault> plan = new ArrayList<>();
    /** The nodes the injected faults crashed and did not restart yet (a node closed otherwise stays closed). */
    private final List<String> crashedByFaults = new ArrayList<>();
    private boolean closing;

    /** A fault that a simulation injects by itself, drawn from its seed ({@link #injectFaults}). */
    public enum Fault {
        /**
         * A node {@linkplain #crash crashes}: never the first (a node that starts again joins
         * through it), and never so many that the live nodes are not a majority.
         */
        KILL,
        /** A node that an injected fault crashed {@linkplain #restart starts again}. */
        RESTART,
        /**
         * Some live nodes, not the first, are cut off from the other live nodes, both ways, for 0.5
         * to 5 simulated seconds, so few that the first node's side keeps a majority of all nodes;
         * then those cuts heal (each side may have declared the other dead meanwhile, as after a
         * real partition).
         */
        PARTITION,
        /** For 0.5 to 5 simulated seconds every frame takes up to ten times the longest latency longer. */
        DELAY
    }

    /** The shortest and longest a partition or a delay lasts. */
    private static final long FAULT_MIN_NANOS = 500_000_000L;
    private static final long FAULT_MAX_NANOS = 5_000_000_000L;

    private final long maxLatencyNanos;
    /** Iris's own check that no read of sequentially consistent memory is stale. */
    private final StaleReads staleReads;
    /** The data directories of the nodes of a persistent memory that were given none, deleted at the close; or null. */
    private Path data;

    private SimulatedCluster(String name, long seed, Duration minLatency, Duration maxLatency) {
        this.name = name;
        this.seed = seed;
        this.scheduler = new Scheduler(seed);
        this.network = scheduler.network(minLatency.toNanos(), maxLatency.toNanos());
        this.maxLatencyNanos = maxLatency.toNanos();
        this.staleReads = new StaleReads(scheduler::steps);
        Deadlocks deadlocks = new Deadlocks(() -> nodes, scheduler::nanos, DEADLOCK);
        scheduler.checkWhenIdle(() -> closing ? null : deadlocks.get()); // processes interrupted by a close end as they may
        scheduler.checkWhenIdle(staleReads);
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
                if (config.memory().persistent() && config.dataDirectory() == null) {
                    config = config.withDataDirectory(cluster.data().resolve(nodeName));
                }
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

    /** Where the nodes of a persistent memory given no data directory keep their logs, made at the first call. */
    private Path data() {
        if (data == null) {
            try {
                data = Files.createTempDirectory("iris-simulation-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make the data directories of the simulation's persistent memory", e);
            }
        }
        return data;
    }

    private NodeEnvironment environment() {
        return new NodeEnvironment(new NodeTime(scheduler), scheduler.ids(), scheduler::newThread, scheduler::nanos,
                scheduler::await, PageLog.Disk.REAL, (name, threads) -> new SimulatedIo(name, scheduler::newThread),
                staleReads::view);
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
     * on their way wait too, until {@link #heal}, as over TCP, and each side's failure detector
     * declares the other dead after its failure timeout, closing its connections and losing what
     * they held (the majority goes on; a minority without it stops, as it would).
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

    /**
     * Ends every cut: what was held on the way arrives, and what is sent from now on (a declared
     * death stands: a node joins again).
     */
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
        if (closing) {
            throw new IllegalStateException("the simulated cluster '" + name + "' is closing");
        }
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

    /**
     * From now on, injects faults of {@code kinds} by itself, one every {@code meanInterval} of
     * simulated time on average (the intervals, the kinds, the nodes and the durations drawn from
     * the seed, so a seed injects the same faults at the same times again), until the simulation
     * closes. A fault that cannot happen then (a restart with no node down) is skipped. Each fault
     * is told to {@code log} as it happens, with its simulated time, and kept in {@link #faults()};
     * a node that starts again is given to {@code restarted}, which may start its processes (it
     * runs as a process of the simulation).
     *
     * @throws IllegalStateException    if faults are injected already
     * @throws IllegalArgumentException if {@code kinds} is empty or the interval is not positive
     */
    public void injectFaults(Set<Fault> kinds, Duration meanInterval, Consumer<String> log,
            Consumer<Node> restarted) {
        if (kinds.isEmpty() || meanInterval.isNegative() || meanInterval.isZero()) {
            throw new IllegalArgumentException("faults to inject: some kinds (not " + kinds + ") and a positive mean "
                    + "interval (not " + meanInterval + ")");
        }
        List<Fault> chosen = List.copyOf(EnumSet.copyOf(kinds)); // in a fixed order, whatever the set
        RandomGenerator random = scheduler.faults();
        long meanNanos = meanInterval.toNanos();
        startInjecting(() -> {
            while (true) {
                // exponential, so faults come at random; StrictMath: the same on every platform
                sleep((long) (-StrictMath.log(1 - random.nextDouble()) * meanNanos));
                List<Fault> possible = chosen.stream().filter(this::possible).toList();
                if (!possible.isEmpty()) {
                    return choose(possible.get(random.nextInt(possible.size())), random);
                }
            }
        }, log, restarted);
    }

    /**
     * From now on, injects the faults of {@code plan} (what {@link #faultPlan()} gave for an earlier
     * run, perhaps with some left out), each at its moment, or as soon after it as the fault before
     * has ended (a partition lasts); one that cannot happen then (the kill of a node that is down,
     * or one that would leave no majority up; the restart of a node no fault crashed) is skipped and
     * told as such. So a run of the same seed with the same plan is the same run, and a run with
     * fewer of its faults tells whether those were needed for a failure.
     *
     * @throws IllegalStateException if faults are injected already
     */
    public void injectFaults(List<PlannedFault> plan, Consumer<String> log, Consumer<Node> restarted) {
        Iterator<PlannedFault> planned = plan.stream().sorted(Comparator.comparingLong(PlannedFault::atNanos))
                .iterator();
        startInjecting(() -> {
            while (planned.hasNext()) {
                PlannedFault f = planned.next();
                sleep(Math.max(0, f.atNanos() - scheduler.nanos()));
                if (possible(f)) {
                    return f;
                }
                told(log, "skipped " + f + ": it cannot happen now");
            }
            return null;
        }, log, restarted);
    }

    /** The next fault to inject, once its moment has come (the injecting thread); null: none is left. */
    private interface FaultSource {
        PlannedFault next() throws InterruptedException;
    }

    /**
     * Starts the injecting thread: it injects the faults of {@code source} until there are none or
     * the simulation closes. A fault that fails (a node that does not start again, say) is told as
     * such, and injecting goes on.
     */
    private void startInjecting(FaultSource source, Consumer<String> log, Consumer<Node> restarted) {
        if (injecting != null) {
            throw new IllegalStateException("the simulated cluster '" + name + "' injects faults already");
        }
        injecting = scheduler.newEnvironmentThread("iris-faults", () -> {
            try {
                for (PlannedFault f = source.next(); f != null; f = source.next()) {
                    try {
                        apply(f, log, restarted);
                    } catch (RuntimeException e) {
                        told(log, "could not inject " + f + ": " + e);
                    }
                }
            } catch (InterruptedException e) {
                // the simulation closes
            }
        });
        injecting.start();
    }

    /** The faults injected so far, each as {@code "<simulated seconds> s: <what>"}. */
    public List<String> faults() {
        return List.copyOf(faults);
    }

    /** The faults injected so far, as a plan that {@link #injectFaults(List, Consumer, Consumer)} replays. */
    public List<PlannedFault> faultPlan() {
        return List.copyOf(plan);
    }

    private boolean possible(Fault kind) {
        return switch (kind) {
            case KILL -> !killable().isEmpty();
            case RESTART -> !crashedByFaults.isEmpty();
            case PARTITION -> largestSide() >= 1;
            case DELAY -> true;
        };
    }

    private List<Node> live() {
        return nodes.stream().filter(n -> !n.closed()).toList();
    }

    /** A majority of all the nodes: so many stay up, and together, through any fault. */
    private int majority() {
        return nodes.size() / 2 + 1;
    }

    /** The nodes a crash may take: not the first, and only while one more down leaves a majority up. */
    private List<Node> killable() {
        return live().size() - 1 >= majority() ? cuttable() : List.of();
    }

    /** The live nodes but the first: those a crash or a partition's side is drawn from. */
    private List<Node> cuttable() {
        return live().stream().filter(n -> n != nodes.get(0)).toList();
    }

    /** The most nodes a partition may cut off: the first node's side keeps a majority of all nodes. */
    private int largestSide() {
        return Math.min(cuttable().size(), live().size() - majority());
    }

    /** Whether planned fault {@code f} can happen now. */
    private boolean possible(PlannedFault f) {
        return switch (f.kind()) {
            case KILL -> killable().stream().anyMatch(n -> n.id().name().equals(f.nodes().get(0)));
            case RESTART -> crashedByFaults.contains(f.nodes().get(0));
            case PARTITION -> cuttable().stream().map(n -> n.id().name()).toList().containsAll(f.nodes())
                    && f.nodes().size() <= largestSide();
            case DELAY -> true;
        };
    }

    /** A fault of {@code kind}, which can happen now, with its node, side or duration drawn from {@code random}. */
    private PlannedFault choose(Fault kind, RandomGenerator random) {
        long now = scheduler.nanos();
        return switch (kind) {
            case KILL -> {
                List<Node> candidates = killable();
                yield new PlannedFault(now, kind, List.of(candidates.get(random.nextInt(candidates.size())).id().name()), 0);
            }
            case RESTART -> {
                List<String> down = List.copyOf(crashedByFaults);
                yield new PlannedFault(now, kind, List.of(down.get(random.nextInt(down.size()))), 0);
            }
            case PARTITION -> {
                List<Node> candidates = new ArrayList<>(cuttable());
                int size = 1 + random.nextInt(largestSide());
                List<String> side = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    side.add(candidates.remove(random.nextInt(candidates.size())).id().name());
                }
                yield new PlannedFault(now, kind, side, random.nextLong(FAULT_MIN_NANOS, FAULT_MAX_NANOS + 1));
            }
            case DELAY -> new PlannedFault(now, kind, List.of(), random.nextLong(FAULT_MIN_NANOS, FAULT_MAX_NANOS + 1));
        };
    }

    /** Injects {@code f}, which can happen now; a partition returns once it healed. */
    private void apply(PlannedFault f, Consumer<String> log, Consumer<Node> restarted) throws InterruptedException {
        plan.add(new PlannedFault(scheduler.nanos(), f.kind(), f.nodes(), f.lastingNanos()));
        switch (f.kind()) {
            case KILL -> {
                String victim = f.nodes().get(0);
                told(log, "crashed " + victim);
                crashedByFaults.add(victim);
                crash(victim);
            }
            case RESTART -> {
                String again = f.nodes().get(0);
                crashedByFaults.remove(again);
                Node node = restart(again);
                told(log, "restarted " + again);
                restarted.accept(node);
            }
            case PARTITION -> {
                List<String> side = f.nodes();
                List<String> rest = live().stream().map(n -> n.id().name()).filter(n -> !side.contains(n)).toList();
                told(log, "cut " + String.join(", ", side) + " off from " + String.join(", ", rest) + " for "
                        + seconds(f.lastingNanos()));
                cut(side, rest, true);
                try {
                    sleep(f.lastingNanos());
                } finally {
                    cut(side, rest, false);
                }
                told(log, "healed the cut of " + String.join(", ", side));
            }
            case DELAY -> {
                long by = 10 * maxLatencyNanos;
                told(log, "slowed every frame by up to " + seconds(by) + " for " + seconds(f.lastingNanos()));
                network.slow(scheduler.nanos() + f.lastingNanos(), by);
            }
        }
    }

    /** Cuts (or heals) the connections between {@code side} and {@code rest}, both ways. */
    private void cut(List<String> side, List<String> rest, boolean cut) {
        for (String a : side) {
            for (String b : rest) {
                if (cut) {
                    network.cut(a, b);
                    network.cut(b, a);
                } else {
                    network.uncut(a, b);
                    network.uncut(b, a);
                }
            }
        }
    }

    private void told(Consumer<String> log, String what) {
        String line = seconds(scheduler.nanos()) + ": " + what;
        faults.add(line);
        Log.later(() -> log.accept(line));
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }

    /** Waits {@code nanos} of simulated time (the injecting thread); interrupted once the simulation closes. */
    private void sleep(long nanos) throws InterruptedException {
        long until = scheduler.nanos() + nanos;
        while (true) {
            if (closing || Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (scheduler.nanos() >= until) {
                return;
            }
            scheduler.park(this, until - scheduler.nanos());
        }
    }

    /** The node called {@code nodeName}. */
    public Node node(String nodeName) {
        return nodes.stream().filter(n -> n.id().name().equals(nodeName)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("the simulated cluster '" + name + "' has no node '" + nodeName + "'"));
    }

    /** Closes the nodes, running the simulation while they leave, and then its event loop. */
    @Override
    public void close() {
        closing = true;
        RuntimeException failed = null;
        if (injecting != null) { // first: it may be starting a node again
            injecting.interrupt();
            try {
                scheduler.runUntil(() -> injecting.getState() == Thread.State.TERMINATED,
                        scheduler.nanos() + MESH.toNanos());
            } catch (RuntimeException e) { // the nodes close all the same
                failed = e;
            }
        }
        nodes.forEach(Node::stopping);
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
        try {
            scheduler.close();
        } catch (RuntimeException e) {
            if (failed == null) {
                failed = e;
            } else {
                failed.addSuppressed(e);
            }
        }
        if (data != null) {
            try (Stream<Path> files = Files.walk(data)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            } catch (IOException e) {
                RuntimeException left = new UncheckedIOException("the simulation's data directories were left in " + data,
                        e);
                if (failed == null) {
                    failed = left;
                } else {
                    failed.addSuppressed(left);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    @Override
    public String toString() {
        return "SimulatedCluster[" + name + ", seed " + seed + ", " + elapsed().toMillis() + " simulated ms]";
    }
}
