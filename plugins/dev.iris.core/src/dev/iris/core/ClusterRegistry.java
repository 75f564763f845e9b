package dev.iris.core;

import dev.iris.core.monitor.ClusterMonitor;
import dev.iris.runtime.transport.Handshake;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The clusters the IDE knows about: launched from the IDE or attached to by address. Views show
 * them; launches and attach actions add and remove them.
 *
 * <p>Threading: all methods are thread-safe. Listeners are called in the thread that made the
 * change, after it was made; UI listeners must move to the UI thread themselves.
 */
public final class ClusterRegistry {
    /**
     * A cluster as the IDE sees it; clusters of the same name in different projects (each example's
     * {@code local}) are different clusters.
     *
     * @param project the workspace project a launch started it from, or "" (attached, a recording)
     * @param monitor its nodes' monitors while the IDE watches it (and, closed, after it stopped),
     *                or {@code null}
     */
    public record Cluster(String name, String project, List<String> nodes, State state, ClusterMonitor monitor) {
        /** Life-cycle of a cluster seen from the IDE. */
        public enum State {
            STARTING, RUNNING, STOPPED
        }

        public Cluster {
            Objects.requireNonNull(name, "name");
            project = project == null ? "" : project;
            Objects.requireNonNull(state, "state");
            nodes = List.copyOf(nodes);
            if (name.isBlank() || name.getBytes(StandardCharsets.UTF_8).length > Handshake.MAX_NAME_BYTES) {
                throw new IllegalArgumentException("a cluster name has 1 to " + Handshake.MAX_NAME_BYTES
                        + " bytes and is not blank: '" + name + "'");
            }
        }

        /** A cluster of no project. */
        public Cluster(String name, List<String> nodes, State state, ClusterMonitor monitor) {
            this(name, "", nodes, state, monitor);
        }

        /** A cluster of no project that the IDE does not watch. */
        public Cluster(String name, List<String> nodes, State state) {
            this(name, "", nodes, state, null);
        }

        /** How views name it: {@code local (bank)} for a project's cluster, else its name. */
        public String label() {
            return project.isEmpty() ? name : name + " (" + project + ")";
        }
    }

    /** Told about every change. */
    @FunctionalInterface
    public interface Listener {
        void clustersChanged(ClusterRegistry registry);
    }

    private static final ClusterRegistry DEFAULT = new ClusterRegistry();

    private final List<Cluster> clusters = new ArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** The IDE-wide registry. */
    public static ClusterRegistry getDefault() {
        return DEFAULT;
    }

    /** A snapshot of the known clusters, in the order they were added. */
    public synchronized List<Cluster> clusters() {
        return List.copyOf(clusters);
    }

    /** Adds a cluster, or replaces the one of the same name and project. */
    public void put(Cluster cluster) {
        Objects.requireNonNull(cluster, "cluster");
        synchronized (this) {
            int i = indexOf(cluster.name(), cluster.project());
            if (i < 0) {
                clusters.add(cluster);
            } else {
                clusters.set(i, cluster);
            }
        }
        fire();
    }

    /** Removes the clusters of this name (of any project); returns whether there was one. */
    public boolean remove(String name) {
        boolean removed;
        synchronized (this) {
            removed = clusters.removeIf(c -> c.name().equals(name));
        }
        if (removed) {
            fire();
        }
        return removed;
    }

    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    private int indexOf(String name, String project) {
        for (int i = 0; i < clusters.size(); i++) {
            if (clusters.get(i).name().equals(name) && clusters.get(i).project().equals(project)) {
                return i;
            }
        }
        return -1;
    }

    private void fire() {
        for (Listener listener : listeners) {
            listener.clustersChanged(this);
        }
    }
}
