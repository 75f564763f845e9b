package dev.iris.ui.internal.views;

import dev.iris.core.ClusterRegistry;
import dev.iris.core.ClusterRegistry.Cluster;
import dev.iris.core.launching.IrisLaunching;
import dev.iris.core.monitor.ClusterMonitor;
import dev.iris.core.monitor.PageOwnership;
import dev.iris.runtime.IpcException;
import dev.iris.runtime.dsm.Durability;
import dev.iris.runtime.monitor.MonitorMessage;
import dev.iris.runtime.security.NodeCredentials;
import dev.iris.runtime.transport.Handshake;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.dialogs.ErrorDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.OwnerDrawLabelProvider;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.osgi.util.NLS;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.TableItem;

/**
 * The Cluster view: every cluster the IDE knows about (from {@link ClusterRegistry}) with its
 * nodes and state; below, the nodes of the shown cluster (see {@link DebugContext}) with their
 * address, state (alive, suspected, dead), processes, pages owned and memory events a second.
 * Actions: kill the selected node's JVM (fault injection) and record the cluster to a trace file.
 * Changes come from any thread; the view refreshes on the UI thread.
 */
public final class ClusterView extends MonitorView {
    /** One node of the shown cluster; {@code durability} null unless its memory is persistent. */
    record NodeRow(String node, String address, String state, int processes, int pagesOwned, long eventsPerSecond,
            Durability durability) {
        /** What the Pages on disk column says. */
        String disk() {
            if (durability == null) {
                return "";
            }
            return switch (durability.phase()) {
                case WAITING -> NLS.bind(Messages.ClusterView_disk_waiting, durability.heard(), durability.managers());
                case OPEN -> NLS.bind(Messages.ClusterView_disk_open, durability.synced());
                case CLOSED -> NLS.bind(Messages.ClusterView_disk_closed, durability.problem());
            };
        }
    }

    private TableViewer viewer;
    private TableViewer nodes;
    private Label status;
    private Action kill;
    private Action record;
    private final Map<String, long[]> lastCounts = new HashMap<>(); // node -> {count, nanos, rate}

    @Override
    public void createPartControl(Composite parent) {
        GridLayoutFactory.fillDefaults().spacing(0, 2).applyTo(parent);
        viewer = table(parent, 2);
        column(viewer, Messages.ClusterView_column_cluster, 200, c -> ((Cluster) c).label());
        column(viewer, Messages.ClusterView_column_nodes, 320, c -> String.join(", ", ((Cluster) c).nodes()));
        column(viewer, Messages.ClusterView_column_state, 100, c -> ((Cluster) c).state().name()
                .toLowerCase(Locale.ROOT));
        viewer.addSelectionChangedListener(e -> {
            if (e.getStructuredSelection().getFirstElement() instanceof Cluster c && c.monitor() != null) {
                DebugContext.pick(c.monitor());
            }
        });
        nodes = table(parent, 3);
        column(nodes, Messages.ClusterView_column_node, 120, r -> ((NodeRow) r).node());
        column(nodes, Messages.ClusterView_column_address, 160, r -> ((NodeRow) r).address());
        column(nodes, Messages.ClusterView_column_state, 90, r -> ((NodeRow) r).state());
        column(nodes, Messages.ClusterView_column_processes, 90, r -> String.valueOf(((NodeRow) r).processes()));
        column(nodes, Messages.ClusterView_column_pages, 100, r -> String.valueOf(((NodeRow) r).pagesOwned()));
        column(nodes, Messages.ClusterView_column_events, 130, r -> String.valueOf(((NodeRow) r).eventsPerSecond()));
        diskColumn(nodes);
        nodes.addSelectionChangedListener(e -> {
            updateActions();
            if (e.getStructuredSelection().getFirstElement() instanceof NodeRow row) {
                DebugContext.selectNode(row.node()); // the other debug views follow
            }
        });
        status = new Label(parent, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).indent(4, 0).applyTo(status);
        getSite().setSelectionProvider(viewer);
        kill = new Action(Messages.ClusterView_kill) {
            @Override
            public void run() {
                killSelected();
            }
        };
        record = new Action(Messages.ClusterView_record, Action.AS_CHECK_BOX) {
            @Override
            public void run() {
                toggleRecording(null);
            }
        };
        var toolBar = getViewSite().getActionBars().getToolBarManager();
        toolBar.add(new Action(Messages.ClusterView_attach) {
            @Override
            public void run() {
                AttachClusterDialog dialog = new AttachClusterDialog(getSite().getShell());
                if (dialog.open() == AttachClusterDialog.OK) {
                    attach(dialog.target());
                }
            }
        });
        toolBar.add(kill);
        toolBar.add(record);
        startFollowing(viewer.getControl());
    }

    private static TableViewer table(Composite parent, int weight) {
        TableViewer table = new TableViewer(parent, SWT.FULL_SELECTION | SWT.V_SCROLL | SWT.H_SCROLL);
        table.getTable().setHeaderVisible(true);
        table.getTable().setLinesVisible(true);
        table.setContentProvider(ArrayContentProvider.getInstance());
        GridDataFactory.fillDefaults().grab(true, true).hint(SWT.DEFAULT, 30 * weight).applyTo(table.getControl());
        return table;
    }

    private static void column(TableViewer table, String title, int width, Function<Object, String> text) {
        Tables.column(table, title, width, SWT.LEFT, text);
    }

    /**
     * The Pages on disk column: how far each node's page log is on its disk, or, while its
     * persistent memory waits for the other managers' logs, a bar of those heard from.
     */
    private static void diskColumn(TableViewer table) {
        TableViewerColumn column = new TableViewerColumn(table, SWT.LEFT);
        column.getColumn().setText(Messages.ClusterView_column_disk);
        column.getColumn().setWidth(260);
        column.setLabelProvider(new OwnerDrawLabelProvider() {
            @Override
            protected void measure(Event event, Object element) {
                event.width = event.gc.textExtent(((NodeRow) element).disk()).x + 8;
            }

            @Override
            protected void erase(Event event, Object element) {
                event.detail &= ~SWT.FOREGROUND; // the background and the selection stay native; paint draws the rest
            }

            @Override
            protected void paint(Event event, Object element) {
                NodeRow row = (NodeRow) element;
                Rectangle cell = ((TableItem) event.item).getBounds(event.index);
                boolean selected = (event.detail & SWT.SELECTED) != 0;
                Durability d = row.durability();
                Color before = event.gc.getBackground();
                Color foreground = event.gc.getForeground();
                if (d != null && d.phase() == Durability.Phase.WAITING && d.managers() > 0) {
                    event.gc.setBackground(event.display.getSystemColor(selected ? SWT.COLOR_LIST_SELECTION_TEXT
                            : SWT.COLOR_LIST_SELECTION));
                    event.gc.setAlpha(90);
                    event.gc.fillRectangle(cell.x + 1, cell.y + 1, (cell.width - 2) * d.heard() / d.managers(),
                            cell.height - 2);
                    event.gc.setAlpha(255);
                    event.gc.setAdvanced(false); // back to the plain GC (alpha made it advanced on some platforms)
                    event.gc.setBackground(before);
                }
                if (selected) {
                    event.gc.setForeground(event.display.getSystemColor(SWT.COLOR_LIST_SELECTION_TEXT));
                }
                String text = row.disk();
                Point size = event.gc.textExtent(text);
                event.gc.drawText(text, cell.x + 4, cell.y + (cell.height - size.y) / 2, true);
                event.gc.setForeground(foreground);
            }
        });
    }

    @Override
    void clustersChanged() {
        var clusters = ClusterRegistry.getDefault().clusters();
        viewer.setInput(clusters);
        status.setText(clusters.isEmpty() ? Messages.ClusterView_empty
                : NLS.bind(Messages.ClusterView_status, clusters.size(), Handshake.PROTOCOL));
    }

    @Override
    void monitorChanged() {
        // the node selected last in any debug view, which may have come before its row
        String selected = DebugContext.node() != null ? DebugContext.node() : selectedNode();
        nodes.setInput(rows());
        if (selected != null) {
            reselect(selected);
        }
        updateActions();
    }

    private void reselect(String node) {
        for (Object element : ((List<?>) nodes.getInput())) {
            if (((NodeRow) element).node().equals(node)) {
                nodes.setSelection(new StructuredSelection(element), true);
            }
        }
    }

    /** The nodes of the shown cluster, now. */
    List<NodeRow> rows() {
        ClusterMonitor monitor = monitor();
        if (monitor == null) {
            return List.of();
        }
        PageOwnership.Picture picture = monitor.picture();
        int[] owned = picture.owned();
        Map<String, MonitorMessage.State> states = monitor.states();
        Map<String, Long> counts = monitor.eventCounts();
        Map<String, Durability> durabilities = monitor.durabilities();
        long now = System.nanoTime();
        List<NodeRow> rows = new ArrayList<>();
        for (String node : monitor.watched()) {
            MonitorMessage.State state = states.get(node);
            int k = picture.nodes().indexOf(node);
            long count = counts.getOrDefault(node, 0L);
            long[] last = lastCounts.get(node);
            long rate = last == null ? 0 : last[2];
            if (last == null || now - last[1] >= 1_000_000_000L) {
                rate = last == null ? 0 : (count - last[0]) * 1_000_000_000L / Math.max(1, now - last[1]);
                lastCounts.put(node, new long[] {count, now, rate});
            }
            ClusterMonitor.NodeState nodeState = monitor.nodeState(node);
            String alive = monitor.isRecording() ? Messages.ClusterView_recorded
                    : monitor.isClosed() ? Messages.ClusterView_stopped
                    : nodeState.name().toLowerCase(Locale.ROOT);
            // a node that left or died runs no process any more, whatever it last reported
            boolean gone = !monitor.isRecording() && !monitor.isClosed()
                    && (nodeState == ClusterMonitor.NodeState.LEFT || nodeState == ClusterMonitor.NodeState.DEAD);
            rows.add(new NodeRow(node, state == null ? "" : state.address(), alive,
                    state == null || gone ? 0 : state.processes().size(), k < 0 ? 0 : owned[k], rate,
                    durabilities.get(node)));
        }
        return rows;
    }

    @Override
    void nodeSelected(String node) {
        reselect(node);
    }

    /** The node selected in the nodes table, or null. */
    String selectedNode() {
        return nodes.getStructuredSelection().getFirstElement() instanceof NodeRow row ? row.node() : null;
    }

    private void updateActions() {
        ClusterMonitor monitor = monitor();
        boolean live = monitor != null && !monitor.isClosed();
        kill.setEnabled(live && nodes.getStructuredSelection().getFirstElement() instanceof NodeRow row
                && IrisLaunching.nodeProcess(monitor.cluster(), row.node()).isPresent());
        record.setEnabled(live);
        record.setChecked(live && monitor.isRecordingToFile());
    }

    /** Kills the JVM of the selected node. */
    private void killSelected() {
        ClusterMonitor monitor = monitor();
        if (monitor != null && ((IStructuredSelection) nodes.getSelection()).getFirstElement() instanceof NodeRow row) {
            kill(monitor.cluster(), row.node());
        }
    }

    /** Kills {@code node}'s JVM, as the Kill Node action does. */
    void kill(String cluster, String node) {
        try {
            IrisLaunching.kill(cluster, node);
        } catch (CoreException e) {
            ErrorDialog.openError(getSite().getShell(), Messages.ClusterView_kill, null,
                    e.getStatus());
        }
    }

    /**
     * Starts recording the shown cluster into {@code file} (asking where if null), or stops and
     * says where it went; returns the file while recording, else null.
     */
    Path toggleRecording(Path file) {
        ClusterMonitor monitor = monitor();
        if (monitor == null) {
            return null;
        }
        try {
            if (monitor.isRecordingToFile()) {
                Path done = monitor.stopRecording();
                status.setText(NLS.bind(Messages.ClusterView_recorded_to, done));
                return null;
            }
            Path target = file;
            if (target == null) {
                FileDialog dialog = new FileDialog(
                        getSite().getShell(), SWT.SAVE);
                dialog.setFilterExtensions(new String[] {"*.iristrace"});
                dialog.setFileName(monitor.cluster() + ".iristrace");
                String chosen = dialog.open();
                if (chosen == null) {
                    return null;
                }
                target = Path.of(chosen);
            }
            monitor.startRecording(target);
            status.setText(NLS.bind(Messages.ClusterView_recording_to, target));
            return target;
        } catch (IOException e) {
            status.setText(e.getMessage());
            return null;
        } finally {
            updateActions();
        }
    }

    /**
     * Attaches to a running cluster in a job: connects to its monitors, adds it to the registry as
     * running and shows it; a failure is the job's error, saying which monitor and why.
     */
    Job attach(AttachClusterDialog.Target target) {
        Job job = Job.create(
                NLS.bind(Messages.ClusterView_attaching, target.cluster()), progress -> {
                    try {
                        var credentials = target.credentials() == null ? null
                                : NodeCredentials.read(target.credentials());
                        ClusterMonitor monitor = ClusterMonitor.attach(target.cluster(), target.monitors(),
                                credentials);
                        ClusterRegistry.getDefault().put(new Cluster(target.cluster(), monitor.watched(),
                                Cluster.State.RUNNING, monitor));
                        runOnUi(() -> DebugContext.pick(monitor));
                        return Status.OK_STATUS;
                    } catch (IOException | IpcException e) {
                        return Status.error(NLS.bind(Messages.ClusterView_attachFailed,
                                target.cluster(), e.getMessage()), e);
                    }
                });
        job.setUser(true);
        job.schedule();
        return job;
    }

    /** The clusters table, for tests. */
    TableViewer viewer() {
        return viewer;
    }

    /** The status line, for tests. */
    String statusText() {
        return status.getText();
    }

    @Override
    public void setFocus() {
        viewer.getControl().setFocus();
    }
}
