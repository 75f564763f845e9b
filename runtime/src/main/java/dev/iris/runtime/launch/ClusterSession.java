package dev.iris.runtime.launch;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.EmbeddedCluster;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeConfig;
import dev.iris.runtime.PlannedFault;
import dev.iris.runtime.SimulatedCluster;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.monitor.MonitorServer;
import dev.iris.runtime.security.NodeCredentials;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The cluster a program's main class works with, and the nodes it drives the cluster from: what a
 * generated system's {@code open} returns, so that one main class runs in every kind of launch.
 * <ul>
 * <li><b>Embedded</b> (the default; {@code iris run}): every node of the cluster starts in this
 * JVM with its processes; {@link #nodes()} are those nodes.
 * <li><b>Joined</b>: when the environment variable {@value #CLIENT_ENV} names a client
 * configuration, the cluster already runs as node JVMs (an IDE "Iris Cluster" launch with one JVM
 * per node writes one). This JVM starts one client node that joins them over TCP, hosts no process
 * of the program and manages no page; {@link #nodes()} is that node alone. The configuration:
 * {@code iris.cluster}, {@code iris.node} (the client's name), {@code iris.seeds} (the nodes'
 * {@code host:port}, comma-separated), optionally {@code iris.bind} (default
 * {@code 127.0.0.1:0}), {@code iris.credentials} as for {@link NodeMain}, and {@code iris.monitor}
 * ({@code host:port}): where the client serves its monitor, as a node does (the IDE watches it,
 * and stops its time while a debugger holds a node); it prints {@code MONITOR <client> <host:port>}.
 * <li><b>Simulated</b>: when {@value #SIMULATE_ENV} is a seed (a whole number), every node of the
 * cluster starts in this JVM in a {@link SimulatedCluster} on that seed, with its processes; the
 * simulation runs on the thread that opens the session, while it waits on a node's time
 * ({@link Node#call}, {@link Node#await}). {@code iris test --simulate} runs a program so.
 * </ul>
 * The environment is the process's, with what a launcher in this JVM set for the thread that runs
 * the program ({@link #environment()}). In embedded and joined sessions, {@code IRIS_PROCESSES_ON_EVENT_LOOP=true} (or {@code iris.processesOnEventLoop=true} in
 * the client configuration) runs the processes of the nodes this JVM starts on their event loops,
 * as it does for a node bundle ({@link NodeMain}). Embedded nodes of a persistent shared memory keep
 * their pages in {@code iris-data/<cluster>/<node>} in the working directory, or under
 * {@code IRIS_DATA_DIR} ({@link #embedded}).
 * Closing the session closes the nodes it started; the nodes of a joined cluster keep running.
 */
public final class ClusterSession implements AutoCloseable {
    /** The environment variable that names a client configuration. */
    public static final String CLIENT_ENV = "IRIS_CLIENT";
    /** The environment variable whose seed runs the cluster in a simulation. */
    public static final String SIMULATE_ENV = "IRIS_SIMULATE";
    /**
     * The environment variable that names the faults a simulated session injects, comma-separated
     * ({@code kill}, {@code restart}, {@code partition}, {@code delay}; {@link SimulatedCluster.Fault}).
     */
    public static final String FAULTS_ENV = "IRIS_SIMULATE_FAULTS";
    /** What starts the line a simulated session prints on its standard output for each fault it injects. */
    public static final String FAULT_LINE = "iris: fault at ";
    /**
     * The environment variable that holds the faults a simulated session injects, each at its
     * moment ({@link PlannedFault#parse}), instead of drawing them as {@value #FAULTS_ENV} does.
     */
    public static final String FAULT_PLAN_ENV = "IRIS_SIMULATE_FAULT_PLAN";
    /**
     * What starts the line a simulated session that injected faults prints on its standard output as
     * it closes, followed by those faults as a plan ({@value #FAULT_PLAN_ENV} replays them).
     */
    public static final String FAULT_PLAN_LINE = "iris: fault plan: ";
    /** How often a simulated session injects a fault, on average, in simulated time. */
    public static final Duration FAULT_INTERVAL = Duration.ofSeconds(2);
    /** What a launcher in this JVM sets over the process's environment for the program it runs. */
    private static final InheritableThreadLocal<Map<String, String>> LAUNCH = new InheritableThreadLocal<>();
    /** How long a joining client waits to see every node of the cluster. */
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);
    /** How long a frame takes in a simulated session: from this ... */
    private static final Duration SIMULATED_LATENCY_MIN = Duration.ofNanos(50_000);
    /** ... to this, drawn from the seed. */
    private static final Duration SIMULATED_LATENCY_MAX = Duration.ofMillis(2);

    private final EmbeddedCluster embedded;
    private final SimulatedCluster simulated;
    private final Node client;
    private final MonitorServer monitor;

    private ClusterSession(EmbeddedCluster embedded, SimulatedCluster simulated, Node client, MonitorServer monitor) {
        this.embedded = embedded;
        this.simulated = simulated;
        this.client = client;
        this.monitor = monitor;
    }

    /** The process's environment, with what a launcher set for this thread over it ({@link #withEnvironment}). */
    public static Map<String, String> environment() {
        Map<String, String> set = LAUNCH.get();
        if (set == null) {
            return System.getenv();
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(set);
        return env;
    }

    /** Runs {@code program} with {@code settings} over the environment, in this thread and the threads it starts. */
    public static <T> T withEnvironment(Map<String, String> settings, Callable<T> program) throws Exception {
        Map<String, String> before = LAUNCH.get();
        LAUNCH.set(Map.copyOf(settings));
        try {
            return program.call();
        } finally {
            LAUNCH.set(before);
        }
    }

    /** The seed of {@value #SIMULATE_ENV} in {@code env}, or null. */
    private static Long seed(Map<String, String> env) {
        String seed = env.get(SIMULATE_ENV);
        if (seed == null || seed.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(seed.strip());
        } catch (NumberFormatException e) {
            throw new LaunchException(SIMULATE_ENV + " must be a seed (a whole number), not '" + seed + "'");
        }
    }

    /**
     * The faults {@value #FAULTS_ENV} in {@code env} names (none if it is unset).
     *
     * @throws LaunchException if it names something else, or is set without {@value #SIMULATE_ENV}
     */
    public static Set<SimulatedCluster.Fault> faults(Map<String, String> env) {
        Set<SimulatedCluster.Fault> faults;
        try {
            faults = faults(env.getOrDefault(FAULTS_ENV, ""));
        } catch (IllegalArgumentException e) {
            throw new LaunchException(FAULTS_ENV + ": " + e.getMessage());
        }
        if (!faults.isEmpty() && seed(env) == null) {
            throw new LaunchException(FAULTS_ENV + " is set, but " + SIMULATE_ENV + " is not: faults are injected "
                    + "into a simulation");
        }
        return faults;
    }

    /**
     * The faults {@value #FAULT_PLAN_ENV} in {@code env} holds, or null if it is unset.
     *
     * @throws LaunchException if it holds something else, or is set without {@value #SIMULATE_ENV} or
     *                         together with {@value #FAULTS_ENV}
     */
    static List<PlannedFault> plan(Map<String, String> env) {
        String text = env.get(FAULT_PLAN_ENV);
        if (text == null) {
            return null;
        }
        if (seed(env) == null) {
            throw new LaunchException(FAULT_PLAN_ENV + " is set, but " + SIMULATE_ENV + " is not: faults are injected "
                    + "into a simulation");
        }
        if (!env.getOrDefault(FAULTS_ENV, "").isBlank()) {
            throw new LaunchException(FAULT_PLAN_ENV + " and " + FAULTS_ENV + " are both set: a simulation injects "
                    + "the faults of a plan or draws them, not both");
        }
        try {
            return PlannedFault.parse(text);
        } catch (IllegalArgumentException e) {
            throw new LaunchException(FAULT_PLAN_ENV + ": " + e.getMessage());
        }
    }

    /**
     * The faults {@code names} names, comma-separated ({@code kill}, {@code restart},
     * {@code partition}, {@code delay}; blank for none).
     *
     * @throws IllegalArgumentException naming what is not a fault, and why
     */
    public static Set<SimulatedCluster.Fault> faults(String names) {
        Set<SimulatedCluster.Fault> faults = EnumSet.noneOf(SimulatedCluster.Fault.class);
        for (String fault : names.split(",")) {
            String f = fault.strip().toLowerCase(Locale.ROOT);
            if (f.isEmpty()) {
                continue;
            }
            if (f.equals("drop") || f.equals("duplicate")) {
                throw new IllegalArgumentException("'" + f + "' is not a fault of Iris's connections, which are TCP's "
                        + "and lose or repeat no frame; a connection that loses everything is 'partition'");
            }
            try {
                faults.add(SimulatedCluster.Fault.valueOf(f.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("no fault is called '" + f + "'; the faults are kill, restart, "
                        + "partition and delay");
            }
        }
        return faults;
    }

    /**
     * Opens cluster {@code cluster} (with nodes {@code nodeNames}): joins it when {@code env}
     * names a client configuration, else starts it embedded (or simulated) and calls
     * {@code startNode} for each node.
     *
     * @param startNode starts the program's processes on a node that this session started (if it
     *                  throws, the cluster is closed and the exception passed on)
     * @throws LaunchException if the client configuration is unreadable, incomplete, for another
     *                         cluster, or the client does not see every node within 60 s
     */
    public static ClusterSession open(String cluster, List<String> nodeNames, Codecs codecs, MemoryConfig memory,
            Consumer<Node> startNode, Map<String, String> env) throws InterruptedException {
        String conf = env.get(CLIENT_ENV);
        Long seed = seed(env);
        Set<SimulatedCluster.Fault> faults = faults(env);
        List<PlannedFault> plan = plan(env);
        if (seed != null && conf != null && !conf.isBlank()) {
            throw new LaunchException(SIMULATE_ENV + " and " + CLIENT_ENV + " are both set: a simulation runs every "
                    + "node in this JVM, it cannot join a cluster");
        }
        if (seed != null) {
            SimulatedCluster simulation = SimulatedCluster.start(cluster, nodeNames, codecs, seed,
                    SIMULATED_LATENCY_MIN, SIMULATED_LATENCY_MAX, config -> config.withMemory(
                            memory.managers().isEmpty() ? memory.withManagers(nodeNames) : memory));
            ClusterSession session = started(new ClusterSession(null, simulation, null, null), startNode);
            if (plan != null) {
                simulation.injectFaults(plan, fault -> System.out.println(FAULT_LINE + fault), startNode);
            } else if (!faults.isEmpty()) {
                simulation.injectFaults(faults, FAULT_INTERVAL, fault -> System.out.println(FAULT_LINE + fault),
                        startNode);
            }
            return session;
        }
        if (conf == null || conf.isBlank()) {
            return started(new ClusterSession(EmbeddedCluster.start(cluster, nodeNames, codecs, memory,
                    embedded(cluster, env)), null, null, null), startNode);
        }
        Path confFile = Path.of(conf.strip());
        Properties properties = NodeMain.read(confFile);
        ConsoleLogging.install(); // a client JVM of a launch logs as its node JVMs do: INFO is not an error
        Node client = join(confFile, properties, cluster, nodeNames.size(), codecs, memory,
                NodeMain.processesOnEventLoop(properties, env));
        String monitorAddress = properties.getProperty("iris.monitor", "").strip();
        try {
            MonitorServer monitor = monitorAddress.isEmpty() ? null
                    : MonitorServer.start(client, NodeMain.address(monitorAddress));
            if (monitor != null) {
                System.out.println("MONITOR " + client.id().name() + " " + monitor.address());
                System.out.flush();
            }
            return new ClusterSession(null, null, client, monitor);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** {@code session} once {@code startNode} started the program's processes on each of its nodes; else closed. */
    private static ClusterSession started(ClusterSession session, Consumer<Node> startNode) {
        try {
            session.nodes().forEach(startNode);
            return session;
        } catch (RuntimeException | Error e) {
            session.close(); // nothing of a cluster that did not start stays behind
            throw e;
        }
    }

    /**
     * How the embedded nodes of {@code cluster} that a launch starts in this JVM are configured from
     * the environment: their processes on their event loops or not, as for a node bundle
     * ({@code IRIS_PROCESSES_ON_EVENT_LOOP}), and their data directories (where a persistent shared
     * memory keeps its pages): {@code <root>/<node>}, the root being {@code IRIS_DATA_DIR}, else
     * {@code iris-data/<cluster>} in the working directory.
     *
     * @throws LaunchException if a setting is malformed
     */
    public static UnaryOperator<NodeConfig> embedded(String cluster, Map<String, String> env) {
        return embedded(cluster, new Properties(), env);
    }

    /** As {@link #embedded(String, Map)}, with {@code conf}'s settings where the environment has none. */
    static UnaryOperator<NodeConfig> embedded(String cluster, Properties conf, Map<String, String> env) {
        boolean onLoop = NodeMain.processesOnEventLoop(conf, env);
        Path root = NodeMain.dataDirectory(conf, env, Path.of(""), "iris-data/" + cluster);
        return config -> config.withProcessesOnEventLoop(onLoop).withDataDirectory(root.resolve(config.node()));
    }

    private static Node join(Path confFile, Properties conf, String cluster, int nodes, Codecs codecs,
            MemoryConfig memory, boolean processesOnEventLoop) throws InterruptedException {
        String configured = NodeMain.required(conf, "iris.cluster");
        if (!configured.equals(cluster)) {
            throw new LaunchException("the client configuration " + confFile + " (" + CLIENT_ENV + ") is for cluster '"
                    + configured + "', but the program opens cluster '" + cluster + "'");
        }
        String name = NodeMain.required(conf, "iris.node");
        List<SocketAddress> seeds = new ArrayList<>();
        for (String seed : NodeMain.required(conf, "iris.seeds").split(",")) {
            if (!seed.isBlank()) {
                seeds.add(NodeMain.address(seed.strip()));
            }
        }
        InetSocketAddress bind = NodeMain.address(conf.getProperty("iris.bind", "127.0.0.1:0").strip());
        NodeConfig config = NodeConfig.of(name, cluster, bind, seeds).withMemory(memory)
                .withProcessesOnEventLoop(processesOnEventLoop);
        NodeCredentials credentials = NodeMain.credentials(confFile, conf.getProperty("iris.credentials", "credentials"),
                name);
        if (credentials != null) {
            config = config.withCredentials(credentials);
        }
        Node client = Node.start(config, codecs);
        try {
            if (!client.awaitMembers(nodes + 1, JOIN_TIMEOUT)) {
                throw new LaunchException("client '" + name + "' sees only " + client.members() + " of cluster '"
                        + cluster + "' after " + JOIN_TIMEOUT.toSeconds() + " s; it expects its " + nodes
                        + " nodes at " + conf.getProperty("iris.seeds").strip());
            }
            return client;
        } catch (InterruptedException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** Whether this session joined a cluster that runs elsewhere (else it is embedded here). */
    public boolean joined() {
        return client != null;
    }

    /**
     * The nodes to drive the cluster from: every node of an embedded cluster, in the cluster's
     * order; the client node of a joined one.
     */
    public List<Node> nodes() {
        return joined() ? List.of(client) : simulated != null ? simulated.nodes() : embedded.nodes();
    }

    /** The simulation this session runs the cluster in, or null if it does not. */
    public SimulatedCluster simulated() {
        return simulated;
    }

    /** The embedded cluster; {@link IllegalStateException} if this session joined or simulates one. */
    public EmbeddedCluster embedded() {
        if (embedded == null) {
            throw new IllegalStateException("this session " + (joined() ? "joined its cluster" : "simulates its cluster")
                    + "; it embeds none");
        }
        return embedded;
    }

    @Override
    public void close() {
        if (joined()) {
            if (monitor != null) {
                monitor.leaving();
                monitor.close();
            }
            client.close();
        } else if (simulated != null) {
            simulated.close();
            if (!simulated.faults().isEmpty()) {
                System.out.println(FAULT_PLAN_LINE + PlannedFault.format(simulated.faultPlan()));
            }
        } else {
            embedded.close();
        }
    }
}
