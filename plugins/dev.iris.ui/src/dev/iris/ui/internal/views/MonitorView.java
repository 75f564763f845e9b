package dev.iris.ui.internal.views;

import dev.iris.core.ClusterRegistry;
import dev.iris.core.monitor.ClusterMonitor;
import java.util.function.Consumer;
import org.eclipse.swt.widgets.Control;
import org.eclipse.ui.part.ViewPart;

/**
 * A debug view that shows the cluster of the {@link DebugContext}: it follows the registry and the
 * cluster picked in any view, listens to that cluster's monitor, and redraws on the UI thread each
 * time the monitor publishes.
 */
abstract class MonitorView extends ViewPart {
    private final ClusterRegistry.Listener registryListener = r -> runOnUi(this::follow);
    private final Consumer<ClusterMonitor> pickListener = m -> follow();
    private final Runnable monitorListener = () -> runOnUi(this::monitorChanged);
    private final Consumer<String> nodeListener = this::nodeSelected;
    private final Consumer<Long> pageListener = this::pageSelected;
    private Control control;
    private ClusterMonitor monitor;

    /** Starts following; call once the view's controls exist ({@code control} tells when they are gone). */
    final void startFollowing(Control control) {
        this.control = control;
        ClusterRegistry.getDefault().addListener(registryListener);
        DebugContext.addListener(pickListener);
        DebugContext.addNodeListener(nodeListener);
        DebugContext.addPageListener(pageListener);
        DebugContext.followDebugView(getSite().getWorkbenchWindow());
        follow();
        if (DebugContext.node() != null) {
            nodeSelected(DebugContext.node()); // selected before this view opened
        }
    }

    /**
     * A node was selected (in the Debug view or a debug view), or had been when this view opened;
     * show it selected.
     */
    void nodeSelected(String node) {
    }

    /** A person picked a page of the shown cluster in another debug view (a click in Page Ownership). */
    void pageSelected(long page) {
    }

    /** The monitor shown, or null. */
    final ClusterMonitor monitor() {
        return monitor;
    }

    /** Runs {@code r} on the UI thread later, unless the view is gone by then. */
    final void runOnUi(Runnable r) {
        if (control != null && !control.isDisposed()) {
            control.getDisplay().asyncExec(() -> {
                if (!control.isDisposed()) {
                    r.run();
                }
            });
        }
    }

    /** Shows the current cluster of the debug context. */
    private void follow() {
        ClusterMonitor next = DebugContext.current();
        if (next != monitor) {
            if (monitor != null) {
                monitor.removeListener(monitorListener);
            }
            monitor = next;
            if (monitor != null) {
                monitor.addListener(monitorListener);
            }
            monitorSwapped();
        }
        clustersChanged();
        monitorChanged();
    }

    /** Another cluster is shown now (before {@link #monitorChanged()}). */
    void monitorSwapped() {
    }

    /** The registry's clusters changed. */
    void clustersChanged() {
    }

    /** The shown monitor published something new, or another one is shown: redraw. */
    abstract void monitorChanged();

    @Override
    public void dispose() {
        ClusterRegistry.getDefault().removeListener(registryListener);
        DebugContext.removeListener(pickListener);
        DebugContext.removeNodeListener(nodeListener);
        DebugContext.removePageListener(pageListener);
        if (monitor != null) {
            monitor.removeListener(monitorListener);
        }
        super.dispose();
    }
}
