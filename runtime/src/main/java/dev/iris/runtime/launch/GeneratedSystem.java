package dev.iris.runtime.launch;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.EmbeddedCluster;
import dev.iris.runtime.Node;
import dev.iris.runtime.NodeConfig;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.dsm.MemoryConfig;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A generated {@code <Name>System} class, used without compiling against it: the command line and
 * node bundles load a program's classes at run time. Its clusters ({@code ClusterSpec} constants),
 * its handler record ({@code Handlers}: one factory per process type) and its {@code codecs},
 * {@code memory} and {@code start} methods are reached by reflection.
 */
public final class GeneratedSystem {
    /** A node of a cluster: its name, its {@code host:port}, and the processes it runs. */
    public record NodeSpec(String name, String address, List<String> runs) {
    }

    private final Class<?> system;

    private GeneratedSystem(Class<?> system) {
        this.system = system;
    }

    /** The generated system class {@code system}. */
    public static GeneratedSystem of(Class<?> system) {
        return new GeneratedSystem(system);
    }

    /** The system class called {@code name}, loaded by {@code loader}. */
    public static GeneratedSystem load(String name, ClassLoader loader) {
        try {
            return of(Class.forName(name, true, loader));
        } catch (ClassNotFoundException e) {
            throw new LaunchException("there is no system class " + name);
        }
    }

    /** The system class. */
    public Class<?> type() {
        return system;
    }

    /** The clusters ({@code ClusterSpec}s), in the order the {@code .iris} file declares them. */
    public List<Object> clusters() {
        return List.copyOf((List<?>) invoke(() -> system.getField("CLUSTERS").get(null)));
    }

    /** Whether {@code type} looks like a generated system class (its nested records and clusters). */
    public static boolean isSystemClass(Class<?> type) {
        for (Class<?> nested : type.getDeclaredClasses()) {
            if (nested.getSimpleName().equals("Handlers") && nested.isRecord()) {
                try {
                    type.getField("CLUSTERS");
                    return true;
                } catch (NoSuchFieldException e) {
                    return false;
                }
            }
        }
        return false;
    }

    /**
     * The cluster called {@code name}, or when {@code name} is null the one called {@code local},
     * else the first.
     *
     * @throws LaunchException if there is no such cluster (the message lists the clusters)
     */
    public Object cluster(String name) {
        List<Object> clusters = clusters();
        List<String> names = clusters.stream().map(GeneratedSystem::name).toList();
        if (clusters.isEmpty()) {
            throw new LaunchException("the program declares no cluster");
        }
        String wanted = name != null ? name : names.contains("local") ? "local" : names.get(0);
        int index = names.indexOf(wanted);
        if (index < 0) {
            throw new LaunchException("the program has no cluster '" + wanted + "'; its clusters: "
                    + String.join(", ", names));
        }
        return clusters.get(index);
    }

    /**
     * {@code cluster} with {@code count} nodes: its first {@code count}, or more named
     * {@code node<i>} that repeat its placements in turn.
     */
    public Object rescale(Object cluster, int count) {
        return checkHomes(rescaled(cluster, count));
    }

    /** Refuses a cluster that lacks the home node of a shared object (its pages would belong to nobody). */
    private Object checkHomes(Object cluster) {
        List<String> names = nodes(cluster).stream().map(NodeSpec::name).toList();
        for (var region : memory(cluster).regions()) {
            if (region.home() != null && !names.contains(region.home())) {
                throw new LaunchException("shared object '" + region.name() + "' lives on node '" + region.home()
                        + "', which this cluster of " + names.size() + " nodes (" + String.join(", ", names)
                        + ") does not have");
            }
        }
        return cluster;
    }

    private Object rescaled(Object cluster, int count) {
        List<?> declared = (List<?>) call(cluster, "nodes");
        List<Object> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Object model = declared.get(i % declared.size());
            if (i < declared.size()) {
                nodes.add(model);
            } else {
                Constructor<?> node = model.getClass().getDeclaredConstructors()[0];
                String name = freeName(declared, i + 1);
                nodes.add(invoke(() -> node.newInstance(name, call(model, "address"), call(model, "runs"))));
            }
        }
        Constructor<?> spec = cluster.getClass().getDeclaredConstructors()[0];
        // components added since: backup (after the first four), persistent
        List<Object> components = new ArrayList<>(List.of(name(cluster), call(cluster, "pageSize"),
                call(cluster, "pageManager"), List.copyOf(nodes)));
        for (String added : List.of("backup", "persistent")) {
            if (components.size() < spec.getParameterCount()) {
                components.add(call(cluster, added));
            }
        }
        return invoke(() -> spec.newInstance(components.toArray()));
    }

    /** {@code node<i>}, or {@code node<i>-2}, ... if a declared node has that name. */
    private static String freeName(List<?> declared, int i) {
        List<Object> taken = declared.stream().map(n -> call(n, "name")).toList();
        String name = "node" + i;
        for (int k = 2; taken.contains(name); k++) {
            name = "node" + i + "-" + k;
        }
        return name;
    }

    /** A cluster's name. */
    public static String name(Object cluster) {
        return (String) call(cluster, "name");
    }

    /** A cluster's nodes. */
    public static List<NodeSpec> nodes(Object cluster) {
        List<NodeSpec> nodes = new ArrayList<>();
        for (Object node : (List<?>) call(cluster, "nodes")) {
            List<String> runs = new ArrayList<>();
            for (Object placement : (List<?>) call(node, "runs")) {
                runs.add(call(placement, "process") + "[" + call(placement, "count") + "]");
            }
            nodes.add(new NodeSpec((String) call(node, "name"), (String) call(node, "address"), List.copyOf(runs)));
        }
        return nodes;
    }

    /** The codecs of the system's messages. */
    public Codecs codecs() {
        return (Codecs) invoke(() -> system.getMethod("codecs").invoke(null));
    }

    /** The shared memory of {@code cluster}, the same on every node. */
    public MemoryConfig memory(Object cluster) {
        return (MemoryConfig) invoke(() -> system.getMethod("memory", cluster.getClass()).invoke(null, cluster));
    }

    /** The process types and the base class each one's handler extends ({@code Abstract<Process>}). */
    public List<Class<?>> handlerBases() {
        List<Class<?>> bases = new ArrayList<>();
        for (RecordComponent c : handlersType().getRecordComponents()) {
            ParameterizedType supplier = (ParameterizedType) c.getGenericType();
            bases.add((Class<?>) ((WildcardType) supplier.getActualTypeArguments()[0]).getUpperBounds()[0]);
        }
        return bases;
    }

    /**
     * The {@code Handlers} record made of the classes among {@code candidates} that extend each
     * process's base class (none: that process type has no handler and must not be placed).
     *
     * @throws LaunchException if a base has several implementations or one lacks a public no-argument constructor
     */
    public Object handlers(List<Class<?>> candidates) {
        Class<?> type = handlersType();
        List<Class<?>> bases = handlerBases();
        Object[] suppliers = new Object[bases.size()];
        Class<?>[] types = new Class<?>[bases.size()];
        for (int i = 0; i < bases.size(); i++) {
            Class<?> base = bases.get(i);
            types[i] = Supplier.class;
            List<Class<?>> impls = candidates.stream().filter(c -> base.isAssignableFrom(c)
                    && !Modifier.isAbstract(c.getModifiers())).toList();
            if (impls.size() > 1) {
                throw new LaunchException("several classes extend " + base.getSimpleName() + ": " + impls);
            }
            if (impls.size() == 1) {
                Constructor<?> constructor;
                try {
                    constructor = impls.get(0).getConstructor();
                } catch (NoSuchMethodException e) {
                    throw new LaunchException(impls.get(0).getName() + " needs a public constructor without arguments");
                }
                suppliers[i] = (Supplier<Object>) () -> invoke(constructor::newInstance);
            }
        }
        return invoke(() -> type.getDeclaredConstructor(types).newInstance(suppliers));
    }

    /** Starts the processes {@code cluster} places on {@code node}; waits until they started. */
    @SuppressWarnings("unchecked")
    public List<ProcessId> start(Node node, Object cluster, Object handlers) {
        return (List<ProcessId>) invoke(() -> system.getMethod("start", Node.class, cluster.getClass(),
                handlers.getClass()).invoke(null, node, cluster, handlers));
    }

    /**
     * Starts {@code cluster} in this JVM, each node with the configuration {@code configure} makes of
     * its default one, and then its processes; closes the cluster if they fail to start.
     */
    public EmbeddedCluster startEmbedded(Object cluster, Object handlers, UnaryOperator<NodeConfig> configure) {
        EmbeddedCluster embedded = EmbeddedCluster.start(name(cluster),
                nodes(cluster).stream().map(NodeSpec::name).toList(), codecs(), memory(cluster), configure);
        try {
            for (Node node : embedded.nodes()) {
                start(node, cluster, handlers);
            }
            return embedded;
        } catch (RuntimeException | Error e) {
            embedded.close(); // nothing of a cluster that did not start stays behind
            throw e;
        }
    }

    private Class<?> handlersType() {
        return invoke(() -> Class.forName(system.getName() + "$Handlers", true, system.getClassLoader()));
    }

    private static Object call(Object target, String accessor) {
        return invoke(() -> target.getClass().getMethod(accessor).invoke(target));
    }

    private interface Reflective<T> {
        T get() throws ReflectiveOperationException;
    }

    /** Runs reflective code; what the generated code throws comes out as a LaunchException with its message. */
    private static <T> T invoke(Reflective<T> code) {
        try {
            return code.get();
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof LaunchException l ? l
                    : new LaunchException(cause.getMessage() == null ? cause.toString() : cause.getMessage());
        } catch (ReflectiveOperationException e) {
            throw new LaunchException("the system class does not look generated by this version of Iris: " + e);
        }
    }
}
