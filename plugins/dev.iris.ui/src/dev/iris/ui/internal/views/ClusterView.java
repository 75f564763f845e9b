package dev.iris.ui.internal.views;

import dev.iris.core.ClusterRegistry;
import dev.iris.core.ClusterRegistry.Cluster;
import dev.iris.runtime.transport.Handshake;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.osgi.util.NLS;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.ui.part.ViewPart;

/**
 * The Cluster view: every cluster the IDE knows about (from {@link ClusterRegistry}) with its
 * nodes and state. Registry changes may come from any thread; the view coalesces them into one
 * refresh on the UI thread.
 */
public final class ClusterView extends ViewPart {
    private final ClusterRegistry registry;
    private final ClusterRegistry.Listener listener = r -> scheduleRefresh();
    private TableViewer viewer;
    private Label status;
    private volatile boolean refreshPending;
    private org.eclipse.swt.widgets.Display display;

    public ClusterView() {
        this(ClusterRegistry.getDefault());
    }

    ClusterView(ClusterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void createPartControl(Composite parent) {
        display = parent.getDisplay();
        GridLayoutFactory.fillDefaults().spacing(0, 2).applyTo(parent);
        viewer = new TableViewer(parent, SWT.FULL_SELECTION | SWT.MULTI | SWT.V_SCROLL | SWT.H_SCROLL);
        viewer.getTable().setHeaderVisible(true);
        viewer.getTable().setLinesVisible(true);
        viewer.setContentProvider(ArrayContentProvider.getInstance());
        column(Messages.ClusterView_column_cluster, 200, Cluster::name);
        column(Messages.ClusterView_column_nodes, 320, c -> String.join(", ", c.nodes()));
        column(Messages.ClusterView_column_state, 100, c -> c.state().name().toLowerCase(java.util.Locale.ROOT));
        GridDataFactory.fillDefaults().grab(true, true).applyTo(viewer.getControl());
        status = new Label(parent, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).indent(4, 0).applyTo(status);
        getSite().setSelectionProvider(viewer);
        registry.addListener(listener);
        refresh();
    }

    private void column(String title, int width, java.util.function.Function<Cluster, String> text) {
        TableViewerColumn column = new TableViewerColumn(viewer, SWT.LEFT);
        column.getColumn().setText(title);
        column.getColumn().setWidth(width);
        column.setLabelProvider(new ColumnLabelProvider() {
            @Override
            public String getText(Object element) {
                return text.apply((Cluster) element);
            }
        });
    }

    private void scheduleRefresh() {
        if (refreshPending || display == null || display.isDisposed()) {
            return;
        }
        refreshPending = true;
        display.asyncExec(() -> {
            refreshPending = false;
            refresh();
        });
    }

    private void refresh() {
        if (viewer == null || viewer.getControl().isDisposed()) {
            return;
        }
        var clusters = registry.clusters();
        viewer.setInput(clusters);
        status.setText(clusters.isEmpty() ? Messages.ClusterView_empty
                : NLS.bind(Messages.ClusterView_status, clusters.size(), Handshake.PROTOCOL));
    }

    /** The table, for tests. */
    TableViewer viewer() {
        return viewer;
    }

    /** The status line under the table, for tests. */
    String statusText() {
        return status.getText();
    }

    @Override
    public void setFocus() {
        viewer.getControl().setFocus();
    }

    @Override
    public void dispose() {
        registry.removeListener(listener);
        super.dispose();
    }
}
