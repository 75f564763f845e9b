package dev.iris.ui.internal.launching;

import dev.iris.core.launching.IrisLaunching;
import dev.iris.core.launching.IrisPrograms;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.ui.AbstractLaunchConfigurationTab;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;

/**
 * The Nodes tab: the cluster's nodes with their addresses and processes; the checked ones are
 * started (all by default). Leave some out to start them elsewhere, e.g. from a terminal.
 */
public final class IrisNodesTab extends AbstractLaunchConfigurationTab {
    private Table table;

    @Override
    public void createControl(Composite parent) {
        Composite c = new Composite(parent, SWT.NONE);
        GridLayoutFactory.swtDefaults().applyTo(c);
        new Label(c, SWT.WRAP).setText("The nodes to start (one JVM each; embedded runs start them all):");
        table = new Table(c, SWT.CHECK | SWT.BORDER | SWT.FULL_SELECTION);
        table.setHeaderVisible(true);
        for (String title : new String[] {"Node", "Address", "Runs"}) {
            new TableColumn(table, SWT.NONE).setText(title);
        }
        GridDataFactory.fillDefaults().grab(true, true).applyTo(table);
        table.addListener(SWT.Selection, e -> {
            setDirty(true);
            updateLaunchConfigurationDialog();
        });
        setControl(c);
    }

    @Override
    public void setDefaults(ILaunchConfigurationWorkingCopy configuration) {
        configuration.setAttribute(IrisLaunching.ATTR_NODES, List.<String>of());
    }

    @Override
    public void initializeFrom(ILaunchConfiguration configuration) {
        table.removeAll();
        try {
            IProject project = IrisLaunching.openProject(configuration.getAttribute(IrisLaunching.ATTR_PROJECT, ""))
                    .orElse(null);
            String system = configuration.getAttribute(IrisLaunching.ATTR_SYSTEM, "");
            List<String> chosen = configuration.getAttribute(IrisLaunching.ATTR_NODES, List.of());
            if (project == null) {
                return;
            }
            IrisPrograms.of(project).stream().filter(p -> p.systemClass().equals(system)).findFirst()
                    .flatMap(p -> p.cluster(clusterName(configuration))).ifPresent(cluster -> {
                        for (IrisPrograms.Node node : cluster.nodes()) {
                            TableItem item = new TableItem(table, SWT.NONE);
                            item.setText(new String[] {node.name(), node.address(), String.join(", ", node.runs())});
                            item.setChecked(chosen.isEmpty() || chosen.contains(node.name()));
                        }
                    });
            for (TableColumn column : table.getColumns()) {
                column.pack();
            }
        } catch (CoreException e) {
            setErrorMessage(e.getMessage());
        }
    }

    private static String clusterName(ILaunchConfiguration configuration) {
        try {
            return configuration.getAttribute(IrisLaunching.ATTR_CLUSTER, "");
        } catch (CoreException e) {
            return "";
        }
    }

    @Override
    public void performApply(ILaunchConfigurationWorkingCopy configuration) {
        List<String> chosen = new ArrayList<>();
        boolean all = true;
        for (TableItem item : table.getItems()) {
            if (item.getChecked()) {
                chosen.add(item.getText(0));
            } else {
                all = false;
            }
        }
        configuration.setAttribute(IrisLaunching.ATTR_NODES, all ? List.of() : chosen);
    }

    @Override
    public boolean isValid(ILaunchConfiguration configuration) {
        boolean any = table.getItemCount() == 0 || Arrays.stream(table.getItems()).anyMatch(TableItem::getChecked);
        setErrorMessage(any ? null : "Check at least one node");
        return any;
    }

    @Override
    public String getName() {
        return "Nodes";
    }
}
