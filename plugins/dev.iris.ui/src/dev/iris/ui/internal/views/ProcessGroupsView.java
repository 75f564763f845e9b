package dev.iris.ui.internal.views;

import dev.iris.core.monitor.ClusterMonitor;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.RegisteredName;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.ITreeContentProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.jface.viewers.TreeViewer;
import org.eclipse.osgi.util.NLS;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;

/**
 * The Process Groups view: the groups of the shown cluster (see {@link DebugContext}) with their
 * members, by node: a group's name where the program declares it, its flags (well-known with its
 * number, local) and id; under it each node with members, under that each member process with the
 * name it was spawned with; last, the names processes registered at run time (V's SetPid), each
 * with its holder and scope. The nodes report their group and name tables through their monitors;
 * the view follows every join, leave and registration (a node's change reaches it within a
 * refresh, about 0.4 s).
 */
public final class ProcessGroupsView extends MonitorView {
    /** The view id, as declared in plugin.xml. */
    public static final String ID = "dev.iris.ui.views.processGroups";

    /** A row of the tree. */
    record Row(String label, List<Row> children) {
    }

    private TreeViewer viewer;
    private Label status;
    private List<Row> rows = List.of();

    @Override
    public void createPartControl(Composite parent) {
        GridLayoutFactory.fillDefaults().spacing(0, 2).applyTo(parent);
        viewer = new TreeViewer(parent, SWT.V_SCROLL | SWT.H_SCROLL);
        viewer.setContentProvider(new ITreeContentProvider() {
            @Override
            public Object[] getElements(Object input) {
                return ((List<?>) input).toArray();
            }

            @Override
            public Object[] getChildren(Object parent) {
                return ((Row) parent).children().toArray();
            }

            @Override
            public Object getParent(Object element) {
                return null;
            }

            @Override
            public boolean hasChildren(Object element) {
                return !((Row) element).children().isEmpty();
            }
        });
        viewer.setLabelProvider(new LabelProvider() {
            @Override
            public String getText(Object element) {
                return ((Row) element).label();
            }
        });
        viewer.setAutoExpandLevel(3);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(viewer.getControl());
        status = new Label(parent, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).indent(4, 0).applyTo(status);
        startFollowing(viewer.getControl());
    }

    @Override
    void monitorChanged() {
        ClusterMonitor monitor = monitor();
        rows = monitor == null ? List.of() : rows(monitor);
        viewer.setInput(rows);
        viewer.expandAll();
        status.setText(monitor == null ? Messages.ProcessGroupsView_empty
                : NLS.bind(Messages.ProcessGroupsView_status, new Object[] {monitor.cluster(), rows.size(),
                    monitor.isRecording() ? Messages.ProcessGroupsView_recording
                            : monitor.isClosed() ? Messages.PageOwnershipView_stopped : Messages.ProcessGroupsView_live}));
    }

    /** The tree of {@code monitor}'s groups. */
    static List<Row> rows(ClusterMonitor monitor) {
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<ProcessId, Map<String, List<ProcessId>>> g : monitor.groups().entrySet()) {
            List<Row> nodes = new ArrayList<>();
            int members = 0;
            for (Map.Entry<String, List<ProcessId>> n : g.getValue().entrySet()) {
                List<Row> processes = n.getValue().stream().map(p -> new Row(
                        monitor.processName(p).orElse("?") + "  " + p, List.of())).toList();
                members += processes.size();
                nodes.add(new Row(n.getKey() + " (" + processes.size() + ")", processes));
            }
            rows.add(new Row(label(monitor, g.getKey()) + " \u2014 " + members + " member(s)", nodes));
        }
        List<RegisteredName> names = monitor.names();
        if (!names.isEmpty()) {
            rows.add(new Row(NLS.bind(Messages.ProcessGroupsView_names, names.size()), names.stream()
                    .map(n -> new Row(NLS.bind(Messages.ProcessGroupsView_name, new Object[] {n.name(),
                        monitor.processName(n.holder()).orElse("?"), n.holder(),
                        n.scope().name().toLowerCase(Locale.ROOT)}), List.of()))
                    .toList()));
        }
        return rows;
    }

    private static String label(ClusterMonitor monitor, ProcessId group) {
        String name = monitor.groupName(group).orElse(Messages.ProcessGroupsView_group);
        if (group.isWellKnownGroup()) {
            return NLS.bind(Messages.ProcessGroupsView_wellKnown, name, group.localId());
        }
        return NLS.bind(group.isLocalGroup() ? Messages.ProcessGroupsView_local : Messages.ProcessGroupsView_dynamic,
                name, group);
    }

    /** The rows shown, for tests. */
    List<Row> rows() {
        return rows;
    }

    String statusText() {
        return status.getText();
    }

    @Override
    public void setFocus() {
        viewer.getControl().setFocus();
    }

}
