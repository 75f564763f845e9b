package dev.iris.ui.internal.views;

import dev.iris.core.ClusterRegistry;
import dev.iris.core.ClusterRegistry.Cluster;
import dev.iris.core.launching.IrisLaunching;
import dev.iris.core.monitor.ClusterMonitor;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.eclipse.debug.core.model.IDebugElement;
import org.eclipse.debug.core.model.IProcess;
import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.debug.ui.contexts.DebugContextEvent;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.ui.IWorkbenchWindow;

/**
 * The cluster the debug views show, the same in all of them: the one a person picked in a view,
 * else the newest watched cluster of the registry. UI thread only.
 */
final class DebugContext {
    private static ClusterMonitor picked;
    private static String node;
    private static final List<Consumer<ClusterMonitor>> LISTENERS = new CopyOnWriteArrayList<>();
    private static final List<Consumer<String>> NODE_LISTENERS = new CopyOnWriteArrayList<>();
    private static final List<Consumer<Long>> PAGE_LISTENERS = new CopyOnWriteArrayList<>();
    /** The windows whose Debug view this follows (a closed window goes with its context service). */
    private static final Set<IWorkbenchWindow> FOLLOWED = Collections.newSetFromMap(new WeakHashMap<>());

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

    /** The node selected last (in the Debug view, or a debug view), or null. */
    static String node() {
        return node;
    }

    /** Selects {@code node} of the shown cluster in every debug view. */
    static void selectNode(String selected) {
        if (Objects.equals(node, selected)) {
            return;
        }
        node = selected;
        NODE_LISTENERS.forEach(l -> l.accept(selected));
    }

    /**
     * Follows the Debug view of {@code window}, once per window for all the debug views (a listener
     * of each view's own would be one shared instance, which the first view closed would remove).
     */
    static void followDebugView(IWorkbenchWindow window) {
        if (FOLLOWED.add(window)) {
            DebugUITools.getDebugContextManager().getContextService(window).addDebugContextListener(event -> {
                if ((event.getFlags() & DebugContextEvent.ACTIVATED) != 0
                        && event.getContext() instanceof IStructuredSelection selection) {
                    debugSelection(selection.getFirstElement());
                }
            });
        }
    }

    /**
     * Follows the Debug view: selecting a node's process, debug target, thread or frame shows its
     * cluster and selects the node.
     */
    static void debugSelection(Object element) {
        IProcess process = null;
        if (element instanceof IProcess p) {
            process = p;
        } else if (element instanceof IDebugElement e) {
            process = e.getDebugTarget().getProcess();
        }
        if (process == null) {
            return;
        }
        String cluster = process.getAttribute(IrisLaunching.ATTR_PROCESS_CLUSTER);
        String selected = process.getAttribute(IrisLaunching.ATTR_PROCESS_NODE);
        if (cluster == null || selected == null) {
            return;
        }
        // the newest watched cluster of that name: the launch's own
        List<Cluster> named = watched().stream().filter(c -> c.name().equals(cluster)).toList();
        if (!named.isEmpty()) {
            pick(named.get(named.size() - 1).monitor());
            selectNode(selected);
        }
    }

    /** A person picked {@code page} of the shown cluster (a click in Page Ownership): the views that list pages show it. */
    static void selectPage(long page) {
        PAGE_LISTENERS.forEach(l -> l.accept(page));
    }

    static void addPageListener(Consumer<Long> listener) {
        PAGE_LISTENERS.add(listener);
    }

    static void removePageListener(Consumer<Long> listener) {
        PAGE_LISTENERS.remove(listener);
    }

    static void addNodeListener(Consumer<String> listener) {
        NODE_LISTENERS.add(listener);
    }

    static void removeNodeListener(Consumer<String> listener) {
        NODE_LISTENERS.remove(listener);
    }

    static void addListener(Consumer<ClusterMonitor> listener) {
        LISTENERS.add(listener);
    }

    static void removeListener(Consumer<ClusterMonitor> listener) {
        LISTENERS.remove(listener);
    }
}
