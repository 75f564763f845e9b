package dev.iris.dsl.generator;

import dev.iris.dsl.iris.Cluster;
import dev.iris.dsl.iris.Field;
import dev.iris.dsl.iris.Group;
import dev.iris.dsl.iris.Heap;
import dev.iris.dsl.iris.IrisSystem;
import dev.iris.dsl.iris.Message;
import dev.iris.dsl.iris.Node;
import dev.iris.dsl.iris.ObjectType;
import dev.iris.dsl.iris.Placement;
import dev.iris.dsl.iris.Process;
import dev.iris.dsl.iris.SharedObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.xtext.EcoreUtil2;

/**
 * {@code <Name>System}: what a node needs to run the system. Group ids, the codecs of all
 * messages, one description per cluster, and {@code start} methods that spawn the processes a
 * node hosts (or a whole cluster in this JVM) from the user's process classes.
 */
final class SystemTemplate {
    private final JavaNames names;

    SystemTemplate(JavaNames names) {
        this.names = names;
    }

    String generate() {
        var system = names.system();
        String cls = names.systemClass();
        StringBuilder groups = new StringBuilder();
        for (Group g : EcoreUtil2.typeSelect(system.getElements(), Group.class)) {
            String constant = names.groupConstant(g);
            if (g.isLocal()) {
                groups.append("""
                            /** Local group {@code %s} on {@code node} (every node has its own). */
                            public static ProcessId %s(NodeId node) {
                                return ProcessId.group(node.number(), %d, true);
                            }

                        """.formatted(g.getName(), constant, names.groupNumber(g)));
            } else {
                groups.append("""
                            /** Group {@code %s}%s. */
                            public static final ProcessId %s = ProcessId.wellKnownGroup(%d);

                        """.formatted(g.getName(), g.isWellKnown() ? " (well-known id " + g.getWellKnownId() + ")"
                        : " (id assigned by the generator)", constant, names.groupNumber(g)));
            }
        }
        // a node decodes every message of this system and of the systems it takes names from
        List<String> codecs = new ArrayList<>();
        for (IrisSystem s : withImported(system)) {
            for (Message m : EcoreUtil2.typeSelect(s.getElements(), Message.class)) {
                codecs.add(names.messageClass(m) + ".CODEC");
            }
        }
        List<Process> processes = EcoreUtil2.typeSelect(system.getElements(), Process.class);
        List<String> factories = new ArrayList<>();
        List<String> spawns = new ArrayList<>();
        for (Process p : processes) {
            String field = JavaNames.field(JavaNames.lowerFirst(p.getName()));
            factories.add("java.util.function.Supplier<? extends Abstract" + p.getName() + "> " + field);
            spawns.add("""
                                    case %s -> {
                                        if (handlers.%s() == null) {
                                            throw new IllegalArgumentException("no handler class given for process %s");
                                        }
                                        var process = handlers.%s().get();
                                        ready.add(process.ready());
                                        body = process;
                                    }""".formatted(JavaNames.literal(p.getName()), field, p.getName(), field)
                    .indent(12).stripTrailing()); // inside the switch of start(), indented with it
        }
        // a region per shared object of this system, and per one of another system that a process uses
        Set<SharedObject> shared = new LinkedHashSet<>(EcoreUtil2.typeSelect(system.getElements(), SharedObject.class));
        processes.forEach(p -> shared.addAll(p.getUses()));
        List<String> regions = new ArrayList<>(shared.stream().map(o -> names.qualified(o, o.getName()) + ".region()")
                .toList());
        // the heap object types of this system and those its objects and shared objects refer to, and their heaps
        Set<ObjectType> types = new LinkedHashSet<>(EcoreUtil2.typeSelect(system.getElements(), ObjectType.class));
        Deque<List<Field>> todo = new ArrayDeque<>();
        shared.forEach(o -> todo.add(o.getFields()));
        types.forEach(t -> todo.add(t.getFields()));
        while (!todo.isEmpty()) {
            for (Field f : todo.removeFirst()) {
                if (MemoryLayout.isReference(f) && types.add(MemoryLayout.target(f))) {
                    todo.add(MemoryLayout.target(f).getFields());
                }
            }
        }
        Set<Heap> heaps = new LinkedHashSet<>(EcoreUtil2.typeSelect(system.getElements(), Heap.class));
        types.forEach(t -> heaps.add(t.getHeap()));
        for (Heap heap : heaps) {
            regions.add("MemoryConfig.Region.heap(" + JavaNames.literal(heap.getName()) + ", " + bytes(heap)
                    + ", Consistency." + heap.getConsistency().name() + ")");
        }
        StringBuilder clusters = new StringBuilder();
        List<String> clusterConstants = new ArrayList<>();
        for (Cluster c : EcoreUtil2.typeSelect(system.getElements(), Cluster.class)) {
            clusterConstants.add(c.getName().toUpperCase(java.util.Locale.ROOT));
            List<String> nodes = new ArrayList<>();
            for (Node n : c.getNodes()) {
                List<String> runs = new ArrayList<>();
                for (Placement p : n.getPlacements()) {
                    if (p.getProcess() != null && !p.getProcess().eIsProxy()) {
                        int count = p.isCounted() ? p.getCount()
                                : p.getProcess().isCounted() ? p.getProcess().getInstances() : 1;
                        runs.add("new Placement(" + JavaNames.literal(p.getProcess().getName()) + ", " + count + ")");
                    }
                }
                nodes.add("new NodeSpec(" + JavaNames.literal(n.getName()) + ", " + JavaNames.literal(n.getAddress())
                        + ", List.of(" + String.join(", ", runs) + "))");
            }
            clusters.append("""
                        /** Cluster {@code %s}. */
                        public static final ClusterSpec %s = new ClusterSpec(%s, %d, %s, List.of(
                                %s), %s, %s);

                    """.formatted(c.getName(), c.getName().toUpperCase(java.util.Locale.ROOT), JavaNames.literal(c.getName()),
                    c.isPageSizeSet() ? c.getPageSize() : 4096, JavaNames.literal(c.getManager().getLiteral()),
                    String.join(",\n                ", nodes), c.isBackup(), c.isPersistent()));
        }
        clusters.append("""
                    /** Every cluster, in the order the file declares them. */
                    public static final List<ClusterSpec> CLUSTERS = List.of(%s);

                """.formatted(String.join(", ", clusterConstants)));
        return """
                // Generated by Iris from %s. Do not edit.
                package %s;

                import dev.iris.runtime.Codecs;
                import dev.iris.runtime.EmbeddedCluster;
                import dev.iris.runtime.Node;
                import dev.iris.runtime.NodeId;
                import dev.iris.runtime.ProcessBody;
                import dev.iris.runtime.ProcessId;
                import dev.iris.runtime.dsm.Consistency;
                import dev.iris.runtime.dsm.MemoryConfig;
                import dev.iris.runtime.dsm.PageManagement;
                import dev.iris.runtime.launch.ClusterSession;
                import java.time.Duration;
                import java.util.ArrayList;
                import java.util.List;
                import java.util.concurrent.CompletableFuture;
                import java.util.concurrent.ExecutionException;
                import java.util.concurrent.TimeoutException;

                /** System {@code %s}: its groups, codecs and clusters, and how to start its processes. */
                public final class %s {
                    private %s() {
                    }

                %s    /** The codecs of every message of the system, plus the runtime's. */
                    public static Codecs codecs() {
                        return Codecs.of(%s);
                    }

                    /** How many instances of a process a node runs. */
                    public record Placement(String process, int count) {
                    }

                    /** A node of a cluster: its name, its {@code host:port} and the processes it runs. */
                    public record NodeSpec(String name, String address, List<Placement> runs) {
                    }

                    /**
                     * A cluster of the system; {@code backup}: every page keeps a backup copy on another node;
                     * {@code persistent}: the shared memory outlives the nodes, kept in their data directories.
                     */
                    public record ClusterSpec(String name, int pageSize, String pageManager, List<NodeSpec> nodes,
                            boolean backup, boolean persistent) {
                        /** The node called {@code name}; {@link IllegalArgumentException} if there is none. */
                        public NodeSpec node(String name) {
                            for (NodeSpec node : nodes) {
                                if (node.name().equals(name)) {
                                    return node;
                                }
                            }
                            throw new IllegalArgumentException("cluster '" + this.name + "' has no node '" + name + "'");
                        }
                    }

                %s%s
                    /** The user's class for each process type: a factory per process, called once per instance. */
                    public record Handlers(%s) {
                    }

                    /**
                     * Starts the processes that {@code cluster} places on {@code node} and waits until each has
                     * joined its groups and run its {@code onStart} (on the node's time: in a simulation, running it);
                     * returns their ids.
                     *
                     * @throws IllegalStateException if a process fails to start within 30 s
                     */
                    public static List<ProcessId> start(Node node, ClusterSpec cluster, Handlers handlers) {
                %s
                    }

                    /**
                     * Starts every node of {@code cluster} in this JVM (in-JVM transport) with its processes:
                     * the embedded default of {@code iris run}. The environment configures the nodes as
                     * {@link ClusterSession#embedded} says (a persistent cluster's data directories).
                     */
                    public static EmbeddedCluster startEmbedded(ClusterSpec cluster, Handlers handlers) {
                        return startProcesses(EmbeddedCluster.start(cluster.name(),
                                cluster.nodes().stream().map(NodeSpec::name).toList(), codecs(), memory(cluster),
                                ClusterSession.embedded(cluster.name(), ClusterSession.environment())), cluster, handlers);
                    }

                    /**
                     * The cluster a main class works with, in every kind of launch: {@code cluster} started in
                     * this JVM as {@link #startEmbedded} does, or, where the environment variable
                     * {@code IRIS_CLIENT} names a client configuration (an IDE launch with a JVM per node writes
                     * one), a client node joined to the cluster's running node JVMs, or, where {@code IRIS_SIMULATE}
                     * is a seed ({@code iris test --simulate}), the cluster in a simulation. Drive the cluster from
                     * {@link ClusterSession#nodes()}.
                     *
                     * @throws InterruptedException if interrupted while the client joins
                     */
                    public static ClusterSession open(ClusterSpec cluster, Handlers handlers) throws InterruptedException {
                        return ClusterSession.open(cluster.name(), cluster.nodes().stream().map(NodeSpec::name).toList(),
                                codecs(), memory(cluster), node -> start(node, cluster, handlers),
                                ClusterSession.environment());
                    }

                    /** Starts the processes of every node of {@code embedded}; closes it if one fails to start. */
                    private static EmbeddedCluster startProcesses(EmbeddedCluster embedded, ClusterSpec cluster,
                            Handlers handlers) {
                        try {
                            for (NodeSpec node : cluster.nodes()) {
                                start(embedded.node(node.name()), cluster, handlers);
                            }
                        } catch (RuntimeException | Error e) {
                            embedded.close(); // nothing of a cluster that did not start stays behind
                            throw e;
                        }
                        return embedded;
                    }
                }
                """.formatted(names.system().eResource() == null ? "an .iris file"
                : names.system().eResource().getURI().lastSegment(), names.javaPackage(), system.getName(), cls, cls,
                groups, String.join(", ", codecs), clusters, memory(regions, heaps.isEmpty() ? List.of()
                        : types.stream().map(t -> names.qualified(t, t.getName()) + ".TYPE").toList()),
                String.join(", ", factories), startBody(spawns));
    }

    /** {@code memory(cluster)}: the regions, and the heap types when there are heaps. */
    private static String memory(List<String> regions, List<String> types) {
        if (types.isEmpty() && regions.stream().noneMatch(r -> r.startsWith("MemoryConfig.Region.heap("))) {
            return """
                        /**
                         * The shared memory of {@code cluster}: a region per shared object, the cluster's page size,
                         * page manager, backup copies and persistence, every node a manager. Every node of the cluster
                         * must use it.
                         */
                        public static MemoryConfig memory(ClusterSpec cluster) {
                            return MemoryConfig.of(List.of(%s)).withPageSize(cluster.pageSize())
                                    .withManagement(PageManagement.valueOf(cluster.pageManager().toUpperCase(java.util.Locale.ROOT)))
                                    .withManagers(cluster.nodes().stream().map(NodeSpec::name).toList())
                                    .withBackup(cluster.backup())
                                    .withPersistent(cluster.persistent());
                        }
                    """.formatted(String.join(", ", regions));
        }
        return """
                    /**
                     * The shared memory of {@code cluster}: a region per shared object and per heap, the types of
                     * the heaps' objects, the cluster's page size, page manager, backup copies and persistence,
                     * every node a manager. Every node of the cluster must use it.
                     */
                    public static MemoryConfig memory(ClusterSpec cluster) {
                        return MemoryConfig.of(List.of(
                                        %s))
                                .withPageSize(cluster.pageSize())
                                .withManagement(PageManagement.valueOf(cluster.pageManager().toUpperCase(java.util.Locale.ROOT)))
                                .withManagers(cluster.nodes().stream().map(NodeSpec::name).toList())
                                .withBackup(cluster.backup())
                                .withPersistent(cluster.persistent())
                                .withHeapTypes(List.of(%s));
                    }
                """.formatted(String.join(",\n                        ", regions), String.join(", ", types));
    }

    /** The bytes of a heap as a Java expression: {@code 64L * 1024 * 1024} for 64 MiB. */
    private static String bytes(Heap heap) {
        return heap.getSize() + "L" + switch (heap.getUnit()) {
            case BYTES -> "";
            case KIB -> " * 1024";
            case MIB -> " * 1024 * 1024";
            case GIB -> " * 1024 * 1024 * 1024";
        };
    }

    /** The body of {@code start}: the processes of each placement; in a system without processes, none. */
    private static String startBody(List<String> spawns) {
        String body = spawns.isEmpty() ? """
                if (!cluster.node(node.id().name()).runs().isEmpty()) {
                    throw new IllegalArgumentException("no processes to place on node '" + node.id() + "'");
                }
                return List.of();
                """ : """
                List<ProcessId> started = new ArrayList<>();
                List<CompletableFuture<Void>> ready = new ArrayList<>();
                for (Placement placement : cluster.node(node.id().name()).runs()) {
                    for (int i = 0; i < placement.count(); i++) {
                        ProcessBody body;
                        switch (placement.process()) {
                %s
                            default -> throw new IllegalArgumentException("unknown process " + placement.process());
                        }
                        started.add(node.spawn(placement.process() + "#" + (i + 1), body));
                    }
                }
                try {
                    node.await(CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)), Duration.ofSeconds(30));
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a process on node '" + node.id() + "' failed to start: "
                            + e.getCause(), e.getCause());
                } catch (TimeoutException e) {
                    throw new IllegalStateException("the processes on node '" + node.id()
                            + "' did not start within 30 s");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting node '" + node.id() + "'");
                }
                return started;
                """.formatted(String.join("\n", spawns));
        return body.indent(8).stripTrailing();
    }

    /** {@code system} and every system whose declarations it refers to, directly or through them. */
    private static Set<IrisSystem> withImported(IrisSystem system) {
        Set<IrisSystem> systems = new LinkedHashSet<>();
        Deque<IrisSystem> todo = new ArrayDeque<>(List.of(system));
        while (!todo.isEmpty()) {
            IrisSystem next = todo.removeFirst();
            if (systems.add(next)) {
                next.eAllContents().forEachRemaining(o -> o.eCrossReferences().forEach(target -> {
                    IrisSystem owner = EcoreUtil2.getContainerOfType(target, IrisSystem.class);
                    if (owner != null && !systems.contains(owner)) {
                        todo.addLast(owner);
                    }
                }));
            }
        }
        return systems;
    }
}
