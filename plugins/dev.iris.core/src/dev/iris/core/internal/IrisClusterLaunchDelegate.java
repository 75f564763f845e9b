package dev.iris.core.internal;

import dev.iris.core.ClusterRegistry;
import dev.iris.core.launching.IrisLaunching;
import dev.iris.core.launching.IrisPrograms;
import dev.iris.core.monitor.ClusterMonitor;
import dev.iris.dsl.compiler.IrisCompiler;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.launch.ClusterSession;
import dev.iris.runtime.launch.EmbeddedMain;
import dev.iris.runtime.launch.MonitoredMain;
import dev.iris.runtime.launch.NodeMain;
import dev.iris.runtime.security.ClusterAuthority;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.debug.core.DebugEvent;
import org.eclipse.debug.core.DebugException;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.IDebugEventSetListener;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.core.model.IDebugElement;
import org.eclipse.debug.core.model.IDebugTarget;
import org.eclipse.debug.core.model.IProcess;
import org.eclipse.debug.core.model.IThread;
import org.eclipse.jdt.core.IJavaProject;
import org.eclipse.jdt.launching.AbstractJavaLaunchConfigurationDelegate;
import org.eclipse.jdt.launching.ExecutionArguments;
import org.eclipse.jdt.launching.IVMInstall;
import org.eclipse.jdt.launching.IVMInstall2;
import org.eclipse.jdt.launching.IVMRunner;
import org.eclipse.jdt.launching.VMRunnerConfiguration;

/**
 * Launches an "Iris Cluster" configuration: per node a JVM running {@link NodeMain} with a
 * generated {@code node.properties} and credentials issued for this launch (in Debug mode each is
 * a Java debug target), and the configured main class in a JVM of its own as client node
 * {@value #CLIENT} ({@link ClusterSession}: {@code IRIS_CLIENT} names its configuration); or one
 * JVM with all nodes embedded ({@link EmbeddedMain}, or the configured main class). All JVMs
 * belong to one launch: one entry in the Debug view with a process and console per JVM, and
 * Terminate stops them all.
 */
public final class IrisClusterLaunchDelegate extends AbstractJavaLaunchConfigurationDelegate {
    @Override
    public void launch(ILaunchConfiguration configuration, String mode, ILaunch launch, IProgressMonitor monitor)
            throws CoreException {
        SubMonitor progress = SubMonitor.convert(monitor, "Launching " + configuration.getName(), 10);
        IJavaProject project = verifyJavaProject(configuration);
        IVMRunner runner = getVMRunner(configuration, mode);
        String systemClass = configuration.getAttribute(IrisLaunching.ATTR_SYSTEM, "");
        IrisPrograms.Program program = IrisPrograms.of(project.getProject()).stream()
                .filter(p -> p.systemClass().equals(systemClass)).findFirst()
                .orElseThrow(() -> error("project '" + project.getElementName() + "' has no Iris system whose class is '"
                        + systemClass + "'"));
        String clusterName = configuration.getAttribute(IrisLaunching.ATTR_CLUSTER, "");
        IrisPrograms.Cluster cluster = program.cluster(clusterName).orElseThrow(() -> error("system " + program.system()
                + " has no cluster '" + clusterName + "'; its clusters: "
                + program.clusters().stream().map(IrisPrograms.Cluster::name).collect(Collectors.joining(", "))));
        List<IrisPrograms.Node> nodes = selectedNodes(configuration, cluster);
        Path dir = IrisLaunching.launchDirectory(configuration);
        String[] classpath = getClasspath(configuration);
        String handlers = String.join(",", IrisPrograms.userTypes(project));
        ExecutionArguments arguments = new ExecutionArguments(getVMArguments(configuration, mode),
                getProgramArguments(configuration));
        setDefaultSourceLocator(launch, configuration);
        progress.worked(1);
        boolean embedded = configuration.getAttribute(IrisLaunching.ATTR_EMBEDDED, false);
        String main = configuration.getAttribute(IrisLaunching.ATTR_MAIN, "").strip();
        checkSimulation(configuration, embedded, main);
        ClusterAuthority authority = IrisLaunching.authority(project.getProject(), cluster.name());
        // every monitor binds a free port and its JVM prints where (MONITOR <node> <host:port>)
        List<String> watched = new ArrayList<>((embedded ? cluster.nodes() : nodes).stream()
                .map(IrisPrograms.Node::name).toList());
        if (!embedded && !main.isBlank()) {
            watched.add(CLIENT); // the main's client node serves a monitor too: its time must stop with the others'
        }
        ClusterMonitor clusterMonitor = watch(cluster, program, watched, authority);
        try {
            IrisCompiler.deleteTree(dir);
            if (embedded) {
                Path conf = write(dir.resolve("embedded.properties"), program, cluster, null, null, List.of(), handlers,
                        null);
                // MonitoredMain serves a monitor for every node the program starts, with its credentials
                Path credentials = dir.resolve("monitor-credentials");
                List<String> args = new ArrayList<>(List.of("--credentials", credentials.toString()));
                for (IrisPrograms.Node node : cluster.nodes()) {
                    authority.issue(node.name()).write(credentials.resolve(node.name()));
                    args.addAll(List.of("--monitor", node.name() + "=127.0.0.1:0"));
                }
                args.addAll(List.of("--", main.isBlank() ? EmbeddedMain.class.getName() : main));
                args.addAll(main.isBlank() ? List.of(conf.toString()) : List.of(arguments.getProgramArgumentsArray()));
                run(runner, configuration, launch, MonitoredMain.class.getName(), args.toArray(String[]::new),
                        classpath, arguments, environment(configuration, cluster.name(), null, null),
                        cluster.name() + " — all nodes in one JVM", cluster.name(), null, clusterMonitor,
                        new HashMap<>(), progress.split(9));
            } else {
                SubMonitor each = progress.split(9).setWorkRemaining(nodes.size() + 1);
                boolean freePorts = configuration.getAttribute(IrisLaunching.ATTR_FREE_PORTS, false);
                boolean debug = ILaunchManager.DEBUG_MODE.equals(mode);
                // with free ports, the first node starts alone and the others together, told where it listens
                List<String> seeds = new ArrayList<>(freePorts ? List.of()
                        : cluster.nodes().stream().map(IrisPrograms.Node::address).toList());
                Map<IProcess, String> starting = new LinkedHashMap<>();
                Map<IProcess, MonitorAnnouncements> outputs = new HashMap<>();
                for (IrisPrograms.Node node : nodes) {
                    String host = node.address().substring(0, node.address().lastIndexOf(':'));
                    String bind = freePorts ? host + ":0" : node.address();
                    Path conf = write(dir.resolve(node.name()).resolve("node.properties"), program, cluster, node,
                            bind, seeds, handlers, host + ":0");
                    authority.issue(node.name()).write(conf.resolveSibling("credentials"));
                    for (IProcess process : run(runner, configuration, launch, NodeMain.class.getName(),
                            new String[] {conf.toString()}, classpath, arguments,
                            environment(configuration, cluster.name(), node.name(), null),
                            node.name() + " — " + (freePorts ? host + " (a free port)" : node.address()),
                            cluster.name(), node.name(), clusterMonitor, outputs, each.split(1))) {
                        starting.put(process, node.name());
                        if (freePorts && seeds.isEmpty()) {
                            seeds.add(NodeReady.await(process, node.name(), outputs.get(process), !debug, progress));
                        }
                    }
                }
                // every node up before the main class's client joins them; one that cannot start fails the launch
                List<String> addresses = new ArrayList<>();
                for (Map.Entry<IProcess, String> node : starting.entrySet()) {
                    String address = NodeReady.await(node.getKey(), node.getValue(), outputs.get(node.getKey()), !debug,
                            progress);
                    if (freePorts) {
                        addresses.add(address);
                        node.getKey().setAttribute(IProcess.ATTR_PROCESS_LABEL, node.getValue() + " — " + address
                                + " [" + configuration.getName() + "]");
                    }
                }
                if (freePorts) {
                    seeds = addresses; // the client is told of every node
                }
                if (!main.isBlank()) {
                    // the program's main class joins the node JVMs as a client node and drives them
                    Path conf = writeClient(dir.resolve(CLIENT).resolve("client.properties"), cluster, seeds);
                    authority.issue(CLIENT).write(conf.resolveSibling("credentials"));
                    run(runner, configuration, launch, main, arguments.getProgramArgumentsArray(), classpath,
                            arguments, environment(configuration, cluster.name(), null, conf), CLIENT + " — " + main,
                            cluster.name(), null,
                            clusterMonitor, outputs, each.split(1));
                }
            }
        } catch (IOException e) {
            clusterMonitor.close();
            terminate(launch);
            throw new CoreException(Status.error("cannot write the launch's configuration into " + dir + ": "
                    + e.getMessage(), e));
        } catch (CoreException | RuntimeException e) {
            clusterMonitor.close();
            terminate(launch); // nothing of a launch that failed keeps running
            throw e;
        }
        register(launch, project.getElementName(), cluster, nodes, clusterMonitor,
                configuration.getAttribute(IrisLaunching.ATTR_SUSPEND_ALL, false));
    }

    /**
     * Refuses a simulated launch ({@link IrisLaunching#ATTR_SIMULATION_SEED}) that cannot run: a
     * seed that is not a whole number, nodes in JVMs of their own, no main class, a JRE older than
     * Java 24.
     */
    private void checkSimulation(ILaunchConfiguration configuration, boolean embedded, String main)
            throws CoreException {
        String seed = simulationSeed(configuration);
        if (seed.isEmpty()) {
            return;
        }
        try {
            Long.parseLong(seed);
        } catch (NumberFormatException e) {
            throw error("the simulation's seed must be a whole number, not '" + seed + "'");
        }
        if (!embedded) {
            throw error("a simulation runs all nodes in one JVM: choose 'All nodes in one JVM' on the Program tab");
        }
        if (main.isEmpty()) {
            throw error("a simulation runs the program's main class, which opens the cluster: name it on the "
                    + "Program tab");
        }
        IVMInstall jre = getVMInstall(configuration);
        String version = jre instanceof IVMInstall2 v ? v.getJavaVersion() : null;
        if (version != null && javaFeature(version) < 24) {
            throw error("a simulation needs Java 24 or newer; the launch's JRE, " + jre.getName() + ", is Java "
                    + version + " (choose another on the JRE tab)");
        }
    }

    /** The feature release of a {@code java.version} ({@code 25.0.1}: 25; {@code 1.8.0_292}: 8); 0 if unreadable. */
    private static int javaFeature(String version) {
        String[] parts = version.split("[^0-9]+");
        try {
            int first = Integer.parseInt(parts[0]);
            return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The seed of a simulated launch, or empty. */
    private static String simulationSeed(ILaunchConfiguration configuration) throws CoreException {
        return configuration.getAttribute(IrisLaunching.ATTR_SIMULATION_SEED, "").strip();
    }

    private static void terminate(ILaunch launch) {
        try {
            if (launch.canTerminate()) {
                launch.terminate();
            }
        } catch (DebugException e) {
            // what did not stop has ended meanwhile, or says so in its console
        }
    }

    /** The node name of the main class's JVM in a launch with a JVM per node. */
    private static final String CLIENT = "client";
    /** The environment variable of a JVM's data directory ({@code NodeMain}, {@link ClusterSession#embedded}). */
    private static final String DATA_DIR = "IRIS_DATA_DIR";
    /** The environment variable that puts a JVM's processes on its nodes' event loops. */
    private static final String ON_EVENT_LOOP = "IRIS_PROCESSES_ON_EVENT_LOOP";
    /** The JVM option processes on an event loop need. */
    private static final String ADD_OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED";

    /** The name the IDE's monitor connections go by (their certificate's subject). */
    private static final String IDE_CLIENT = "iris-ide";

    /**
     * Watches the monitors of the launched {@code nodes} (where each listens is learnt from its JVM's
     * output), naming the cluster's well-known groups as the program does.
     */
    private static ClusterMonitor watch(IrisPrograms.Cluster cluster, IrisPrograms.Program program,
            List<String> nodes, ClusterAuthority authority) {
        List<ClusterMonitor.Target> targets = nodes.stream().map(n -> new ClusterMonitor.Target(n, null)).toList();
        ClusterMonitor monitor = ClusterMonitor.start(cluster.name(), targets, authority.issue(IDE_CLIENT));
        Map<ProcessId, String> groups = new HashMap<>();
        program.wellKnownGroups().forEach((number, name) -> groups.put(ProcessId.wellKnownGroup(number), name));
        monitor.nameGroups(groups);
        return monitor;
    }

    private static CoreException error(String message) {
        return new CoreException(Status.error(message));
    }

    /** The configured nodes (all if none are configured); fails on names the cluster lacks. */
    private static List<IrisPrograms.Node> selectedNodes(ILaunchConfiguration configuration, IrisPrograms.Cluster cluster)
            throws CoreException {
        List<String> names = configuration.getAttribute(IrisLaunching.ATTR_NODES, List.of());
        if (names.isEmpty()) {
            return cluster.nodes();
        }
        List<IrisPrograms.Node> nodes = new ArrayList<>();
        for (String name : names) {
            nodes.add(cluster.node(name).orElseThrow(() -> error("cluster " + cluster.name() + " has no node '" + name
                    + "'; its nodes: " + cluster.nodes().stream().map(IrisPrograms.Node::name)
                            .collect(Collectors.joining(", ")))));
        }
        return nodes;
    }

    /** A node's configuration ({@code node} null: the embedded cluster's), listening on {@code bind}, seeded with {@code seeds}. */
    private static Path write(Path file, IrisPrograms.Program program, IrisPrograms.Cluster cluster,
            IrisPrograms.Node node, String bind, List<String> seeds, String handlers, String monitor)
            throws IOException {
        Properties conf = new Properties();
        conf.setProperty("iris.system", program.systemClass());
        conf.setProperty("iris.cluster", cluster.name());
        conf.setProperty("iris.handlers", handlers);
        if (node != null) {
            conf.setProperty("iris.node", node.name());
            conf.setProperty("iris.bind", bind);
            conf.setProperty("iris.seeds", String.join(",", seeds));
            conf.setProperty("iris.monitor", monitor);
        }
        Files.createDirectories(file.getParent());
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            conf.store(out, "written by the Iris IDE for launch configuration " + file.getParent().getFileName());
        }
        return file;
    }

    /** The configuration of the client node that joins {@code cluster}'s nodes at {@code seeds} ({@link ClusterSession}). */
    private static Path writeClient(Path file, IrisPrograms.Cluster cluster, List<String> seeds) throws IOException {
        Properties conf = new Properties();
        conf.setProperty("iris.cluster", cluster.name());
        conf.setProperty("iris.node", CLIENT);
        conf.setProperty("iris.monitor", "127.0.0.1:0");
        conf.setProperty("iris.seeds", String.join(",", seeds));
        Files.createDirectories(file.getParent());
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            conf.store(out, "written by the Iris IDE: the main class joins the cluster's node JVMs as this client");
        }
        return file;
    }

    /**
     * The environment of a JVM of the launch: the configuration's (the Environment tab's), and
     * <ul>
     * <li>{@code IRIS_DATA_DIR}, where a persistent cluster keeps its pages: the data directory of
     * the Program tab, else the configuration's {@code IRIS_DATA_DIR}, else {@code iris-data/<cluster>}
     * in the working directory; all nodes in one JVM get it as the root of a directory per node
     * ({@link ClusterSession#embedded}), and the JVM of node {@code node} its own directory under it,
     * so that the nodes keep their pages when the launch switches between the two;
     * <li>{@code IRIS_PROCESSES_ON_EVENT_LOOP=true} when the Program tab says so;
     * <li>{@code IRIS_SIMULATE} with the seed of a simulated launch;
     * <li>{@code IRIS_CLIENT} naming {@code client}, the main class's client configuration, if that
     * is not null.
     * </ul>
     */
    private String[] environment(ILaunchConfiguration configuration, String cluster, String node, Path client)
            throws CoreException {
        List<String> env = new ArrayList<>();
        String[] configured = getEnvironment(configuration);
        if (configured == null) {
            DebugPlugin.getDefault().getLaunchManager().getNativeEnvironmentCasePreserved()
                    .forEach((k, v) -> env.add(k + "=" + v));
        } else {
            env.addAll(List.of(configured));
        }
        String root = configuration.getAttribute(IrisLaunching.ATTR_DATA_DIRECTORY, "").strip();
        if (root.isEmpty()) {
            root = env.stream().filter(e -> e.startsWith(DATA_DIR + "=")).map(e -> e.substring(DATA_DIR.length() + 1))
                    .map(String::strip).filter(r -> !r.isEmpty()).reduce((a, b) -> b).orElse("iris-data/" + cluster);
        }
        File workingDirectory = verifyWorkingDirectory(configuration); // default: the project's folder
        Path data;
        try {
            data = (workingDirectory == null ? Path.of("") : workingDirectory.toPath()).resolve(root);
        } catch (InvalidPathException e) {
            throw new CoreException(Status.error("the data directory " + root + " is not a path: " + e.getReason()));
        }
        set(env, DATA_DIR, (node == null ? data : data.resolve(node)).toAbsolutePath().normalize().toString());
        if (configuration.getAttribute(IrisLaunching.ATTR_PROCESSES_ON_EVENT_LOOP, false)) {
            set(env, ON_EVENT_LOOP, "true");
        }
        if (!simulationSeed(configuration).isEmpty()) {
            set(env, ClusterSession.SIMULATE_ENV, simulationSeed(configuration));
        }
        if (client != null) {
            set(env, ClusterSession.CLIENT_ENV, client.toString());
        }
        return env.toArray(String[]::new);
    }

    /** Sets {@code name} to {@code value} in {@code env}. */
    private static void set(List<String> env, String name, String value) {
        env.removeIf(e -> e.startsWith(name + "="));
        env.add(name + "=" + value);
    }


    /**
     * Starts one JVM in {@code launch}, labels its processes {@code label} (through
     * {@link NodeProcessFactory}: the Debug view) and their consoles {@code label [configuration]},
     * marks them as {@code clusterName}'s and {@code node}'s (null: no node of its own), tells
     * {@code monitor} where the JVM's node monitors listen as it prints them (into {@code outputs},
     * what each new process's output said), and returns the new processes.
     */
    private List<IProcess> run(IVMRunner runner, ILaunchConfiguration configuration, ILaunch launch, String main,
            String[] args, String[] classpath, ExecutionArguments arguments, String[] environment, String label,
            String clusterName, String node, ClusterMonitor monitor, Map<IProcess, MonitorAnnouncements> outputs,
            IProgressMonitor progress) throws CoreException {
        VMRunnerConfiguration vm = new VMRunnerConfiguration(main, classpath);
        vm.setProgramArguments(args);
        List<String> vmArguments = new ArrayList<>(List.of(arguments.getVMArgumentsArray()));
        if (configuration.getAttribute(IrisLaunching.ATTR_PROCESSES_ON_EVENT_LOOP, false)
                || !simulationSeed(configuration).isEmpty()) {
            vmArguments.add(ADD_OPENS); // what carrying processes on an event loop or a simulation needs
        }
        vm.setVMArguments(vmArguments.toArray(String[]::new));
        vm.setEnvironment(environment);
        vm.setVMSpecificAttributesMap(getVMSpecificAttributesMap(configuration));
        File workingDirectory = verifyWorkingDirectory(configuration); // default: the project's folder
        vm.setWorkingDirectory(workingDirectory == null ? null : workingDirectory.getAbsolutePath());
        int before = launch.getProcesses().length;
        launch.setAttribute(NodeProcessFactory.LABEL, label);
        try {
            runner.run(vm, launch, progress);
        } finally {
            launch.setAttribute(NodeProcessFactory.LABEL, null);
        }
        List<IProcess> started = List.of(launch.getProcesses()).subList(before, launch.getProcesses().length);
        for (IProcess process : started) {
            process.setAttribute(IProcess.ATTR_PROCESS_LABEL, label + " [" + configuration.getName() + "]");
            process.setAttribute(IrisLaunching.ATTR_PROCESS_CLUSTER, clusterName);
            if (node != null) {
                process.setAttribute(IrisLaunching.ATTR_PROCESS_NODE, node);
            }
            outputs.put(process, MonitorAnnouncements.follow(process, monitor, node));
        }
        return started;
    }

    /**
     * Suspends every running JVM of {@code launch} but {@code stopped}, as PTP's parallel debugger
     * suspends a process set; returns those it suspended.
     */
    private static List<IDebugTarget> suspendOthers(ILaunch launch, IDebugTarget stopped) {
        List<IDebugTarget> suspended = new ArrayList<>();
        for (IDebugTarget target : launch.getDebugTargets()) {
            if (target != stopped && target.canSuspend()) {
                try {
                    target.suspend();
                    suspended.add(target);
                } catch (DebugException e) {
                    // it ended meanwhile: nothing to suspend
                }
            }
        }
        return suspended;
    }

    private static void resume(List<IDebugTarget> targets) {
        for (IDebugTarget target : targets) {
            if (target.canResume()) {
                try {
                    target.resume();
                } catch (DebugException e) {
                    // it ended meanwhile
                }
            }
        }
    }

    /** Whether the debugger holds a thread of one of {@code launch}'s JVMs (or a whole JVM) suspended. */
    private static boolean holdsAThread(ILaunch launch) {
        for (IDebugTarget target : launch.getDebugTargets()) {
            if (target.isTerminated()) {
                continue;
            }
            if (target.isSuspended()) {
                return true;
            }
            try {
                for (IThread thread : target.getThreads()) {
                    if (thread.isSuspended()) {
                        return true;
                    }
                }
            } catch (DebugException e) {
                // the target went away meanwhile: it holds nothing
            }
        }
        return false;
    }

    /**
     * Shows the cluster in the IDE's registry (Cluster view) while the launch runs, and stops the
     * time of every watched JVM while the debugger holds one of them (debug time).
     */
    private static void register(ILaunch launch, String project, IrisPrograms.Cluster cluster,
            List<IrisPrograms.Node> nodes, ClusterMonitor monitor, boolean suspendAll) {
        List<String> names = nodes.stream().map(IrisPrograms.Node::name).toList();
        ClusterRegistry registry = ClusterRegistry.getDefault();
        registry.put(new ClusterRegistry.Cluster(cluster.name(), project, names, ClusterRegistry.Cluster.State.RUNNING,
                monitor));
        DebugPlugin.getDefault().addDebugEventListener(new IDebugEventSetListener() {
            /** The JVMs this launch suspended because another one stopped at a breakpoint. */
            private final Set<IDebugTarget> heldByIris = new HashSet<>();

            @Override
            public void handleDebugEvents(DebugEvent[] events) {
                for (DebugEvent event : events) {
                    if (suspendAll && event.getSource() instanceof IDebugElement e && e.getLaunch() == launch) {
                        if (event.getKind() == DebugEvent.SUSPEND && event.getDetail() == DebugEvent.BREAKPOINT) {
                            heldByIris.addAll(suspendOthers(launch, e.getDebugTarget()));
                        } else if (event.getKind() == DebugEvent.RESUME
                                && event.getDetail() == DebugEvent.CLIENT_REQUEST && !heldByIris.isEmpty()) {
                            // a person resumed a thread or JVM of the launch: what was held for it goes on too
                            List<IDebugTarget> others = List.copyOf(heldByIris);
                            heldByIris.clear();
                            resume(others);
                        }
                    }
                    if ((event.getKind() == DebugEvent.SUSPEND || event.getKind() == DebugEvent.RESUME)
                            && monitor != null && event.getSource() instanceof IDebugElement e
                            && e.getLaunch() == launch) {
                        boolean held = holdsAThread(launch);
                        if (held != monitor.timePaused()) {
                            monitor.pauseTime(held); // debug time: nothing times out while a node is held
                        }
                    }
                    if (event.getKind() == DebugEvent.TERMINATE && launch.isTerminated()) {
                        DebugPlugin.getDefault().removeDebugEventListener(this);
                        if (monitor != null) {
                            monitor.close();
                        }
                        registry.put(new ClusterRegistry.Cluster(cluster.name(), project, names,
                                ClusterRegistry.Cluster.State.STOPPED, monitor));
                        return;
                    }
                }
            }
        });
    }
}
