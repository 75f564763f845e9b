package dev.iris.ui.internal.views;

import dev.iris.core.ClusterRegistry;
import dev.iris.core.ClusterRegistry.Cluster;
import dev.iris.core.monitor.ClusterMonitor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The cluster the debug views show, the same in all of them: the one a person picked in a view,
 * else the newest watched cluster of the registry. UI thread only.
 */
final class DebugContext {
    private static ClusterMonitor picked;
    private static final List<Consumer<ClusterMonitor>> LISTENERS = new CopyOnWriteArrayList<>();

    private DebugContext() {
    }

    /** The watched clusters of the registry, oldest first. */
    static List<Cluster> watched() {
        return ClusterRegistry.getDefault().clusters().stream().filter(c -> c.monitor() != null).toList();
    }

    /**
     * The monitor to show: the picked one while the registry has it and no newer run replaced a
     * stopped pick; else the newest watched cluster's; null if none.
     */
    static ClusterMonitor current() {
        List<Cluster> watched = watched();
        ClusterMonitor newest = watched.isEmpty() ? null : watched.get(watched.size() - 1).monitor();
        boolean pickedThere = watched.stream().anyMatch(c -> c.monitor() == picked);
        if (!pickedThere || (picked.isClosed() && newest != null && !newest.isClosed())) {
            picked = null;
        }
        return picked != null ? picked : newest;
    }

    /** A person picked {@code monitor} in a view: every view shows it. */
    static void pick(ClusterMonitor monitor) {
        if (monitor != picked) {
            picked = monitor;
            LISTENERS.forEach(l -> l.accept(monitor));
        }
    }

    static void addListener(Consumer<ClusterMonitor> listener) {
        LISTENERS.add(listener);
    }

    static void removeListener(Consumer<ClusterMonitor> listener) {
        LISTENERS.remove(listener);
    }
}
