package dev.iris.runtime.launch;

import dev.iris.runtime.IpcException;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeConfig;
import dev.iris.runtime.internal.LoopCarriers;
import dev.iris.runtime.monitor.MonitorServer;
import dev.iris.runtime.security.NodeCredentials;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What an exported node bundle's launcher runs: {@code NodeMain CONF}, CONF being the bundle's
 * {@code conf/node.properties}. Starts this node of the cluster over TCP with the cluster's shared
 * memory, then the processes the cluster places on it; prints {@code READY <node> <host:port>} and
 * runs until the JVM is stopped (SIGTERM or SIGINT close the node: its peers see it leave).
 *
 * <p>The configuration ({@code iris.system}, {@code iris.cluster}, {@code iris.node},
 * {@code iris.bind}, {@code iris.seeds}, {@code iris.handlers}) can be overridden by the
 * environment: {@code IRIS_NODE}, {@code IRIS_BIND} ({@code host:port}) and {@code IRIS_SEEDS}
 * (comma-separated {@code host:port}). {@code iris.monitor} or {@code IRIS_MONITOR} ({@code host:port})
 * serves the node's monitor there ({@link MonitorServer}, over the same credentials) and prints
 * {@code MONITOR <node> <host:port>}. With {@code IRIS_NODE_ORDINAL_FROM_HOSTNAME=true} the node is
 * the cluster's n-th, n being the number after the last '-' of the host name (a StatefulSet pod).
 * {@code iris.dataDirectory} or {@code IRIS_DATA_DIR} is where the node keeps its data (the log of a
 * persistent shared memory's pages; default {@code data} in the bundle, a relative path being
 * relative to the bundle). {@code iris.processesOnEventLoop=true} or {@code IRIS_PROCESSES_ON_EVENT_LOOP=true} runs the node's
 * processes on its event loop ({@link NodeConfig#processesOnEventLoop}: Java 24 or newer, and the
 * launcher's {@code --add-opens java.base/java.lang=ALL-UNNAMED}).
 *
 * <p>The node proves it belongs with the credentials in {@code credentials/<node>/} or
 * {@code credentials/} beside CONF ({@code iris.credentials} names another directory); it refuses
 * to start without them unless {@code iris.credentials=none} says to run unauthenticated.
 *
 * <p>Log records below WARNING go to standard output, the rest to standard error, one line each
 * (unless {@code java.util.logging.config.file} configures logging otherwise).
 */
public final class NodeMain {
    private NodeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ConsoleLogging.install();
        try {
            run(args, System.getenv());
        } catch (LaunchException | IpcException | IllegalArgumentException e) {
            System.err.println("iris-node: " + e.getMessage());
            System.exit(e instanceof LaunchException l && l.getMessage().startsWith("usage") ? 2 : 1);
        }
        park();
    }

    static Node run(String[] args, Map<String, String> env) {
        if (args.length != 1) {
            throw new LaunchException("usage: NodeMain CONF (a node bundle's conf/node.properties)");
        }
        return start(Path.of(args[0]), env, NodeMain.class.getClassLoader());
    }

    /**
     * Starts the node that configuration {@code confFile} describes, with the program's classes
     * from {@code loader}; returns it (running) once its processes started and READY is printed.
     *
     * @throws LaunchException if the configuration is missing, incomplete or names unknown classes
     * @throws dev.iris.runtime.IpcException if the address cannot be bound (port in use)
     */
    public static Node start(Path confFile, Map<String, String> env, ClassLoader loader) {
        Properties conf = read(confFile);
        GeneratedSystem system = GeneratedSystem.load(required(conf, "iris.system"), loader);
        Object cluster = system.cluster(required(conf, "iris.cluster"));
        String node = env.getOrDefault("IRIS_NODE", conf.getProperty("iris.node"));
        if (!env.containsKey("IRIS_NODE") && "true".equals(env.get("IRIS_NODE_ORDINAL_FROM_HOSTNAME"))) {
            String host = env.getOrDefault("HOSTNAME", "");
            List<GeneratedSystem.NodeSpec> nodes = GeneratedSystem.nodes(cluster);
            try {
                node = nodes.get(Integer.parseInt(host.substring(host.lastIndexOf('-') + 1))).name();
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                throw new LaunchException("host name '" + host + "' does not end in the ordinal of one of the cluster's "
                        + nodes.size() + " nodes; set IRIS_NODE");
            }
        }
        if (node == null) {
            throw new LaunchException("no node name: set iris.node or IRIS_NODE");
        }
        String bind = env.containsKey("IRIS_BIND") ? env.get("IRIS_BIND") : required(conf, "iris.bind");
        String seeds = env.getOrDefault("IRIS_SEEDS", conf.getProperty("iris.seeds", ""));
        List<SocketAddress> seedAddresses = new ArrayList<>();
        for (String seed : seeds.split(",")) {
            if (!seed.isBlank() && !seed.strip().equals(bind)) {
                seedAddresses.add(address(seed.strip()));
            }
        }
        List<Class<?>> handlers = handlerClasses(conf, loader);
        NodeConfig config = NodeConfig.of(node, GeneratedSystem.name(cluster), address(bind), seedAddresses)
                .withMemory(system.memory(cluster)).withProcessesOnEventLoop(processesOnEventLoop(conf, env))
                .withDataDirectory(dataDirectory(conf, env, bundleDirectory(confFile), "data"));
        NodeCredentials credentials = credentials(confFile, conf.getProperty("iris.credentials", "credentials"), node);
        if (credentials != null) {
            config = config.withCredentials(credentials);
        }
        Node started = Node.start(config, system.codecs());
        String monitorAddress = env.getOrDefault("IRIS_MONITOR", conf.getProperty("iris.monitor", "")).strip();
        MonitorServer monitor;
        try {
            monitor = monitorAddress.isEmpty() ? null : MonitorServer.start(started, address(monitorAddress));
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (monitor != null) {
                monitor.leaving(); // stopped on purpose (SIGTERM): the IDE shows it left, not dead
                monitor.close();
            }
            started.close();
        }, "iris-node-stop"));
        system.start(started, cluster, system.handlers(handlers));
        if (monitor != null) {
            System.out.println("MONITOR " + node + " " + monitor.address());
        }
        System.out.println("READY " + node + " " + started.address());
        System.out.flush();
        return started;
    }

    /** The classes {@code iris.handlers} names (comma-separated), loaded by {@code loader}. */
    static List<Class<?>> handlerClasses(Properties conf, ClassLoader loader) {
        List<Class<?>> handlers = new ArrayList<>();
        for (String name : conf.getProperty("iris.handlers", "").split(",")) {
            if (!name.isBlank()) {
                try {
                    handlers.add(Class.forName(name.strip(), true, loader));
                } catch (ClassNotFoundException e) {
                    throw new LaunchException("the handler class " + name.strip() + " is not on the class path");
                }
            }
        }
        return handlers;
    }

    /** Reads a configuration file. */
    static Properties read(Path confFile) {
        Properties conf = new Properties();
        try (Reader in = Files.newBufferedReader(confFile, StandardCharsets.UTF_8)) {
            conf.load(in);
        } catch (IOException e) {
            throw new LaunchException("cannot read the configuration " + confFile + ": " + e.getMessage());
        }
        return conf;
    }

    /** The node's credentials, null for {@code none}; the error says where they were looked for. */
    static NodeCredentials credentials(Path confFile, String setting, String node) {
        if (setting.equals("none")) {
            System.Logger log = System.getLogger(NodeMain.class.getName());
            log.log(System.Logger.Level.WARNING, "Node ''{0}'' runs without credentials (iris.credentials=none): "
                    + "any peer that knows the cluster name can join", node);
            return null;
        }
        Path base = confFile.toAbsolutePath().resolveSibling(setting);
        for (Path dir : List.of(base.resolve(node), base)) {
            if (NodeCredentials.present(dir)) {
                try {
                    NodeCredentials c = NodeCredentials.read(dir);
                    if (!c.node().equals(node)) {
                        throw new LaunchException("the credentials in " + dir + " are for node '" + c.node()
                                + "', not for '" + node + "'");
                    }
                    return c;
                } catch (IOException e) {
                    throw new LaunchException("cannot read the credentials: " + e.getMessage());
                }
            }
        }
        throw new LaunchException("no credentials for node '" + node + "' in " + base.resolve(node) + " or " + base
                + " (ca.pem, node.pem, node-key.pem, as iris export writes them; iris.credentials=none runs "
                + "without authentication)");
    }

    /**
     * Whether a launch runs its nodes' processes on their event loops
     * ({@link NodeConfig#processesOnEventLoop}): the environment variable
     * {@code IRIS_PROCESSES_ON_EVENT_LOOP}, else {@code iris.processesOnEventLoop} in {@code conf}; true
     * or false (the default).
     *
     * @throws LaunchException if the value is neither, or if it is true and this JVM cannot carry
     *                         processes on an event loop (the message says what it lacks)
     */
    public static boolean processesOnEventLoop(Properties conf, Map<String, String> env) {
        boolean inEnv = env.containsKey("IRIS_PROCESSES_ON_EVENT_LOOP");
        String key = inEnv ? "IRIS_PROCESSES_ON_EVENT_LOOP" : "iris.processesOnEventLoop";
        String value = (inEnv ? env.get(key) : conf.getProperty(key, "false")).strip();
        boolean on = switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new LaunchException(key + " must be true or false, not '" + value + "'");
        };
        if (on && LoopCarriers.unavailable() != null) {
            throw new LaunchException(key + "=true: processes on the event loop need " + LoopCarriers.unavailable());
        }
        return on;
    }

    /**
     * Where a launch's node keeps its data ({@link NodeConfig#dataDirectory}): the environment
     * variable {@code IRIS_DATA_DIR}, else {@code iris.dataDirectory} in {@code conf}, else
     * {@code fallback}; a relative path is relative to {@code base}.
     */
    static Path dataDirectory(Properties conf, Map<String, String> env, Path base, String fallback) {
        String value = env.getOrDefault("IRIS_DATA_DIR", "").strip();
        if (value.isEmpty()) {
            value = conf.getProperty("iris.dataDirectory", fallback).strip();
        }
        return base.resolve(value).normalize();
    }

    /** The bundle a configuration file belongs to: the directory above its {@code conf/}. */
    private static Path bundleDirectory(Path confFile) {
        Path conf = confFile.toAbsolutePath().getParent();
        return conf.getParent() != null ? conf.getParent() : conf;
    }

    static String required(Properties conf, String key) {
        String value = conf.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new LaunchException("the configuration has no " + key);
        }
        return value.strip();
    }

    /** {@code host:port}. */
    static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new LaunchException("not host:port: '" + hostPort + "'");
        }
        try {
            return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new LaunchException("not host:port: '" + hostPort + "'");
        }
    }

    /** Keeps the JVM alive after {@link #run} (the node's threads are daemons or event loops). */
    static void park() throws InterruptedException {
        Thread.currentThread().join();
    }
}
