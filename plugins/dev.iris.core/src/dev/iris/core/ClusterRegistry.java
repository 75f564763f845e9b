package dev.iris.core;

import dev.iris.core.monitor.ClusterMonitor;
import dev.iris.runtime.transport.Handshake;
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
     * A cluster as the IDE sees it.
     *
     * @param monitor its nodes' monitors while the IDE watches it (and, closed, after it stopped),
     *                or {@code null}
     */
    public record Cluster(String name, List<String> nodes, State state, ClusterMonitor monitor) {
        /** Life-cycle of a cluster seen from the IDE. */
        public enum State {
            STARTING, RUNNING, STOPPED
        }

        public Cluster {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(state, "state");
            nodes = List.copyOf(nodes);
            if (name.isBlank() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > Handshake.MAX_NAME_BYTES) {
                throw new IllegalArgumentException("a cluster name has 1 to " + Handshake.MAX_NAME_BYTES
                        + " bytes and is not blank: '" + name + "'");
            }
        }

        /** A cluster the IDE does not watch. */
        public Cluster(String name, List<String> nodes, State state) {
            this(name, nodes, state, null);
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

    /** Adds a cluster, or replaces the one of the same name. */
    public void put(Cluster cluster) {
        Objects.requireNonNull(cluster, "cluster");
        synchronized (this) {
            int i = indexOf(cluster.name());
            if (i < 0) {
                clusters.add(cluster);
            } else {
                clusters.set(i, cluster);
            }
        }
        fire();
    }

    /** Removes the cluster of this name; returns whether there was one. */
    public boolean remove(String name) {
        boolean removed;
        synchronized (this) {
            int i = indexOf(name);
            removed = i >= 0;
            if (removed) {
                clusters.remove(i);
            }
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

    private int indexOf(String name) {
        for (int i = 0; i < clusters.size(); i++) {
            if (clusters.get(i).name().equals(name)) {
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
