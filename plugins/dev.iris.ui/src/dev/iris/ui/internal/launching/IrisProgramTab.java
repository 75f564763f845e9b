package dev.iris.ui.internal.launching;

import dev.iris.core.IrisNature;
import dev.iris.core.launching.IrisLaunching;
import dev.iris.core.launching.IrisPrograms;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.ui.AbstractLaunchConfigurationTab;
import org.eclipse.jdt.core.JavaCore;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.jface.window.Window;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.dialogs.ElementListSelectionDialog;

/**
 * The Program tab: project, system, cluster, how to run it (one JVM per node, or all nodes in one
 * JVM), and the main class that drives the cluster: embedded, it runs the whole cluster in its JVM;
 * with a JVM per node, it runs in a JVM of its own as a client node that joins them. Also whether
 * processes run on their nodes' event loops, where a persistent cluster keeps its pages, and the
 * seed of a deterministic simulation.
 */
public final class IrisProgramTab extends AbstractLaunchConfigurationTab {
    private Combo project;
    private Combo system;
    private Combo cluster;
    private Button separate;
    private Button embedded;
    private Text main;
    private Button suspendAll;
    private Button freePorts;
    private Button onEventLoop;
    private Text dataDirectory;
    private Text seed;
    /** initializeFrom is filling the widgets. */
    private boolean filling;
    private List<IrisPrograms.Program> programs = List.of();

    @Override
    public void createControl(Composite parent) {
        Composite c = new Composite(parent, SWT.NONE);
        GridLayoutFactory.swtDefaults().numColumns(2).applyTo(c);
        project = combo(c, "Project:");
        system = combo(c, "System:");
        cluster = combo(c, "Cluster:");
        new Label(c, SWT.NONE).setText("Run:");
        Composite modes = new Composite(c, SWT.NONE);
        GridLayoutFactory.fillDefaults().applyTo(modes);
        separate = new Button(modes, SWT.RADIO);
        separate.setText("One JVM per node, over TCP (each node a debug target)");
        freePorts = new Button(modes, SWT.CHECK);
        freePorts.setText("on free ports, not the declared ones");
        freePorts.setToolTipText("Each node listens on a port the system picks, and the nodes start one after the "
                + "other: the launch runs beside another one, or beside whatever holds the declared ports.");
        GridDataFactory.fillDefaults().indent(20, 0).applyTo(freePorts);
        embedded = new Button(modes, SWT.RADIO);
        embedded.setText("All nodes in one JVM (embedded)");
        new Label(c, SWT.NONE).setText("Main class:");
        Composite mainRow = new Composite(c, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(2).applyTo(mainRow);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(mainRow);
        main = new Text(mainRow, SWT.BORDER);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(main);
        main.setMessage("none: the nodes run their processes only");
        main.setToolTipText("Embedded, the main class runs with the whole cluster in its JVM. With a JVM per node, "
                + "it runs in a JVM of its own as a client node that joins them (the generated open method).");
        Button search = new Button(mainRow, SWT.PUSH);
        search.setText("Search...");
        search.addListener(SWT.Selection, e -> searchMain());
        project.addListener(SWT.Modify, e -> {
            loadPrograms();
            changed();
        });
        system.addListener(SWT.Modify, e -> {
            loadClusters();
            changed();
        });
        cluster.addListener(SWT.Modify, e -> changed());
        separate.addListener(SWT.Selection, e -> {
            freePorts.setEnabled(separate.getSelection());
            changed();
        });
        freePorts.addListener(SWT.Selection, e -> changed());
        embedded.addListener(SWT.Selection, e -> changed());
        main.addListener(SWT.Modify, e -> changed());
        new Label(c, SWT.NONE).setText("Simulate:");
        seed = new Text(c, SWT.BORDER);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(seed);
        seed.setMessage("a seed: all nodes in one JVM on a simulated clock (Java 24 or newer)");
        seed.setToolTipText("With a seed, the main class runs the cluster in a deterministic simulation: every choice "
                + "(which process runs next, how long each frame takes) comes from the seed, so the same seed is the "
                + "same run, and in Debug mode a breakpoint stops at the same step every time. Empty: a real run.");
        seed.addListener(SWT.Modify, e -> changed());
        new Label(c, SWT.NONE).setText("Processes:");
        onEventLoop = new Button(c, SWT.CHECK);
        onEventLoop.setText("On the nodes' event loops (Java 24 or newer; not while debugging)");
        onEventLoop.setToolTipText("A blocking send or page fault then wakes no other thread: about the cost of the "
                + "wire. A process must not compute for long between blocking calls (one that holds the loop for a "
                + "fifth of a heartbeat is moved off it, with a warning), and a breakpoint stops its node's I/O.");
        onEventLoop.addListener(SWT.Selection, e -> changed());
        new Label(c, SWT.NONE).setText("Data directory:");
        Composite dataRow = new Composite(c, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(2).applyTo(dataRow);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(dataRow);
        dataDirectory = new Text(dataRow, SWT.BORDER);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(dataDirectory);
        dataDirectory.setMessage("iris-data/<cluster> in the working directory");
        dataDirectory.setToolTipText("Where a persistent cluster's nodes keep their pages, a directory per node; "
                + "relative to the working directory. Launched again from it, the cluster finds every write.");
        dataDirectory.addListener(SWT.Modify, e -> changed());
        Button browse = new Button(dataRow, SWT.PUSH);
        browse.setText("Browse...");
        browse.addListener(SWT.Selection, e -> {
            DirectoryDialog dialog = new DirectoryDialog(getShell());
            dialog.setMessage("Where the nodes of a persistent cluster keep their pages");
            String chosen = dialog.open();
            if (chosen != null) {
                dataDirectory.setText(chosen);
            }
        });
        new Label(c, SWT.NONE).setText("Debug:");
        suspendAll = new Button(c, SWT.CHECK);
        suspendAll.setText("Suspend every JVM when one stops at a breakpoint");
        suspendAll.setToolTipText("A breakpoint hit in one JVM of the launch suspends the others; resuming it "
                + "resumes them all. Without it only the thread that hit it stops, and the cluster's time stands.");
        suspendAll.addListener(SWT.Selection, e -> changed());
        setControl(c);
    }

    private static Combo combo(Composite parent, String label) {
        new Label(parent, SWT.NONE).setText(label);
        Combo combo = new Combo(parent, SWT.DROP_DOWN);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(combo);
        return combo;
    }

    private void changed() {
        if (filling) {
            return; // the combos' Modify while initializeFrom fills them: nothing a person changed
        }
        setDirty(true);
        updateLaunchConfigurationDialog();
    }

    /** Lets a person choose among the project's classes with a main method, as JDT's Main tab does. */
    private void searchMain() {
        IProject p = IrisLaunching.openProject(project.getText()).orElse(null);
        if (p == null) {
            setErrorMessage("Choose an open Iris project");
            updateLaunchConfigurationDialog();
            return;
        }
        List<String> types;
        try {
            types = IrisPrograms.mainTypes(JavaCore.create(p));
        } catch (CoreException e) {
            setErrorMessage(e.getMessage());
            updateLaunchConfigurationDialog();
            return;
        }
        ElementListSelectionDialog dialog = new ElementListSelectionDialog(getShell(), new LabelProvider());
        dialog.setTitle("Select Main Type");
        dialog.setMessage(types.isEmpty() ? "Project " + p.getName() + " has no class with a main method"
                : "Choose the class whose main method runs the cluster (? = any character, * = any string):");
        dialog.setElements(types.toArray());
        if (dialog.open() == Window.OK) {
            main.setText((String) dialog.getFirstResult());
        }
    }

    private void loadPrograms() {
        programs = IrisLaunching.openProject(project.getText()).map(IrisPrograms::of).orElse(List.of());
        String keep = system.getText();
        system.setItems(programs.stream().map(IrisPrograms.Program::systemClass).toArray(String[]::new));
        system.setText(keep);
    }

    private void loadClusters() {
        String keep = cluster.getText();
        cluster.setItems(programs.stream().filter(p -> p.systemClass().equals(system.getText())).findFirst()
                .map(p -> p.clusters().stream().map(IrisPrograms.Cluster::name).toArray(String[]::new))
                .orElse(new String[0]));
        cluster.setText(keep);
    }

    @Override
    public void setDefaults(ILaunchConfigurationWorkingCopy configuration) {
        configuration.setAttribute(IrisLaunching.ATTR_EMBEDDED, false);
        configuration.setAttribute(DebugPlugin.ATTR_PROCESS_FACTORY_ID, IrisLaunching.PROCESS_FACTORY_ID);
    }

    /**
     * Fills the tab from {@code configuration}, read first: the dialog passes its working copy and
     * applies the tabs to it on every update a tab asks for, and filling the combos fires their
     * Modify (on GTK, setting a combo's items clears its text), so the tab asks for none meanwhile.
     */
    @Override
    public void initializeFrom(ILaunchConfiguration configuration) {
        String projectName;
        String systemClass;
        String clusterName;
        boolean inOne;
        boolean onFreePorts;
        String mainClass;
        boolean suspendEvery;
        boolean loops;
        String data;
        String simulated;
        try {
            projectName = configuration.getAttribute(IrisLaunching.ATTR_PROJECT, "");
            systemClass = configuration.getAttribute(IrisLaunching.ATTR_SYSTEM, "");
            clusterName = configuration.getAttribute(IrisLaunching.ATTR_CLUSTER, "");
            inOne = configuration.getAttribute(IrisLaunching.ATTR_EMBEDDED, false);
            onFreePorts = configuration.getAttribute(IrisLaunching.ATTR_FREE_PORTS, false);
            mainClass = configuration.getAttribute(IrisLaunching.ATTR_MAIN, "");
            suspendEvery = configuration.getAttribute(IrisLaunching.ATTR_SUSPEND_ALL, false);
            loops = configuration.getAttribute(IrisLaunching.ATTR_PROCESSES_ON_EVENT_LOOP, false);
            data = configuration.getAttribute(IrisLaunching.ATTR_DATA_DIRECTORY, "");
            simulated = configuration.getAttribute(IrisLaunching.ATTR_SIMULATION_SEED, "");
        } catch (CoreException e) {
            setErrorMessage(e.getMessage()); // shown empty rather than as the configuration shown before
            projectName = "";
            systemClass = "";
            clusterName = "";
            inOne = false;
            onFreePorts = false;
            mainClass = "";
            suspendEvery = false;
            loops = false;
            data = "";
            simulated = "";
        }
        filling = true;
        try {
            project.setItems(Arrays.stream(ResourcesPlugin.getWorkspace().getRoot().getProjects())
                    .filter(IrisNature::isIrisProject).map(IProject::getName).toArray(String[]::new));
            project.setText(projectName);
            system.setText(systemClass);
            cluster.setText(clusterName);
            embedded.setSelection(inOne);
            separate.setSelection(!inOne);
            freePorts.setSelection(onFreePorts);
            freePorts.setEnabled(!inOne);
            main.setText(mainClass);
            suspendAll.setSelection(suspendEvery);
            onEventLoop.setSelection(loops);
            dataDirectory.setText(data);
            seed.setText(simulated);
        } finally {
            filling = false;
        }
    }

    @Override
    public void performApply(ILaunchConfigurationWorkingCopy configuration) {
        configuration.setAttribute(IrisLaunching.ATTR_PROJECT, project.getText().strip());
        configuration.setAttribute(IrisLaunching.ATTR_SYSTEM, system.getText().strip());
        configuration.setAttribute(IrisLaunching.ATTR_CLUSTER, cluster.getText().strip());
        configuration.setAttribute(IrisLaunching.ATTR_EMBEDDED, embedded.getSelection());
        configuration.setAttribute(IrisLaunching.ATTR_FREE_PORTS, freePorts.getSelection());
        configuration.setAttribute(IrisLaunching.ATTR_MAIN, main.getText().strip());
        configuration.setAttribute(IrisLaunching.ATTR_SUSPEND_ALL, suspendAll.getSelection());
        configuration.setAttribute(IrisLaunching.ATTR_PROCESSES_ON_EVENT_LOOP, onEventLoop.getSelection());
        configuration.setAttribute(IrisLaunching.ATTR_DATA_DIRECTORY, dataDirectory.getText().strip());
        configuration.setAttribute(IrisLaunching.ATTR_SIMULATION_SEED, seed.getText().strip());
        configuration.setAttribute(DebugPlugin.ATTR_PROCESS_FACTORY_ID, IrisLaunching.PROCESS_FACTORY_ID);
    }

    @Override
    public boolean isValid(ILaunchConfiguration configuration) {
        setErrorMessage(null);
        IProject p = IrisLaunching.openProject(project.getText()).filter(IrisNature::isIrisProject).orElse(null);
        if (p == null) {
            setErrorMessage("Choose an open Iris project");
            return false;
        }
        IrisPrograms.Program program = programs.stream().filter(x -> x.systemClass().equals(system.getText().strip()))
                .findFirst().orElse(null);
        if (program == null) {
            setErrorMessage("Choose a system of project " + p.getName());
            return false;
        }
        if (program.cluster(cluster.getText().strip()).isEmpty()) {
            setErrorMessage("Choose a cluster of " + program.system());
            return false;
        }
        String simulated = seed.getText().strip();
        if (!simulated.isEmpty()) {
            try {
                Long.parseLong(simulated);
            } catch (NumberFormatException e) {
                setErrorMessage("The simulation's seed must be a whole number, not '" + simulated + "'");
                return false;
            }
            if (!embedded.getSelection() || main.getText().isBlank()) {
                setErrorMessage("A simulation runs all nodes in one JVM, driven by the main class: choose 'All nodes "
                        + "in one JVM' and a main class");
                return false;
            }
        }
        String data = dataDirectory.getText().strip();
        if (!data.isEmpty()) {
            try {
                if (p.getLocation() != null && Files.isRegularFile(p.getLocation().toPath().resolve(data))) {
                    setErrorMessage("The data directory " + data + " is a file");
                    return false;
                }
            } catch (InvalidPathException e) {
                setErrorMessage("The data directory " + data + " is not a path: " + e.getReason());
                return false;
            }
        }
        return true;
    }

    @Override
    public String getName() {
        return "Program";
    }
}
