package dev.iris.cli;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/** The generated {@code ClusterSpec}s of a system, read and rescaled by reflection. */
final class Clusters {
    private Clusters() {
    }

    /**
     * The cluster called {@code name} ({@code local}, else the first, when null), with {@code nodes}
     * nodes if given: the first N declared ones, or more that repeat the declared placements.
     */
    static Object choose(Class<?> system, String name, Integer nodes) throws ReflectiveOperationException {
        List<Object> clusters = new ArrayList<>();
        for (Field f : system.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType().getSimpleName().equals("ClusterSpec")) {
                clusters.add(f.get(null));
            }
        }
        List<String> names = new ArrayList<>();
        for (Object c : clusters) {
            names.add(name(c));
        }
        if (clusters.isEmpty()) {
            throw new UserError(2, "the program declares no cluster");
        }
        String wanted = name != null ? name : names.contains("local") ? "local" : names.get(0);
        int index = names.indexOf(wanted);
        if (index < 0) {
            throw new UserError(2, "the program has no cluster '" + wanted + "'; its clusters: " + String.join(", ", names));
        }
        Object cluster = clusters.get(index);
        return nodes == null ? cluster : rescale(cluster, nodes);
    }

    private static Object rescale(Object cluster, int count) throws ReflectiveOperationException {
        Class<?> type = cluster.getClass();
        List<?> declared = (List<?>) type.getMethod("nodes").invoke(cluster);
        List<Object> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Object model = declared.get(i % declared.size());
            if (i < declared.size()) {
                nodes.add(model);
            } else {
                Class<?> nodeType = model.getClass();
                nodes.add(nodeType.getDeclaredConstructors()[0].newInstance("node" + (i + 1),
                        nodeType.getMethod("address").invoke(model), nodeType.getMethod("runs").invoke(model)));
            }
        }
        return type.getDeclaredConstructors()[0].newInstance(name(cluster), type.getMethod("pageSize").invoke(cluster),
                type.getMethod("pageManager").invoke(cluster), List.copyOf(nodes));
    }

    static String name(Object cluster) throws ReflectiveOperationException {
        return (String) cluster.getClass().getMethod("name").invoke(cluster);
    }

    /** {@code 'local' (n1, n2)} for messages. */
    static String describe(Object cluster) throws ReflectiveOperationException {
        List<String> nodes = new ArrayList<>();
        for (Object node : (List<?>) cluster.getClass().getMethod("nodes").invoke(cluster)) {
            nodes.add((String) node.getClass().getMethod("name").invoke(node));
        }
        return "'" + name(cluster) + "' (" + String.join(", ", nodes) + ")";
    }
}
