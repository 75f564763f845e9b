package dev.iris.ui.internal.launching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.core.IrisProjects;
import dev.iris.core.launching.IrisLaunching;
import dev.iris.core.launching.IrisPrograms;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IncrementalProjectBuilder;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.internal.ui.launchConfigurations.LaunchConfigurationPresentationManager;
import org.eclipse.debug.ui.AbstractLaunchConfigurationTab;
import org.eclipse.debug.ui.ILaunchConfigurationDialog;
import org.eclipse.debug.ui.ILaunchConfigurationTab;
import org.eclipse.debug.ui.ILaunchConfigurationTabGroup;
import org.eclipse.jdt.core.JavaCore;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.Text;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * The Iris launch tabs on a configuration with no project yet, as Run > Run Configurations… opens
 * a new one: no exception, no programs, and an error message that asks for a project; and the
 * Program tab's search for a main class.
 */
class IrisLaunchTabsTest {
    private final Shell shell = new Shell(Display.getCurrent());

    @AfterEach
    void dispose() {
        shell.dispose();
    }

    /**
     * Run > Run Configurations... and Debug Configurations... find the Iris tabs: a tab group that
     * names modes serves only those (naming debug alone left Run Configurations with "No tab group
     * defined", found by trying the product).
     */
    @Test
    void runAndDebugConfigurationsBothHaveTheIrisTabs() throws CoreException {
        for (String mode : List.of(ILaunchManager.RUN_MODE, ILaunchManager.DEBUG_MODE)) {
            // what the dialog asks for when it opens a configuration of the type in the mode; without a
            // tab group for the mode it throws "No tab group defined for launch configuration type ..."
            ILaunchConfigurationTabGroup group = LaunchConfigurationPresentationManager.getDefault()
                    .getTabGroup(IrisLaunching.type(), mode);
            assertNotNull(group, mode);
        }
    }

    @Test
    void theProgramTabAsksForAProjectWhenTheConfigurationHasNone() throws Throwable {
        IrisProgramTab tab = new IrisProgramTab();
        openOnBlankConfigurations(tab, config -> {
            assertFalse(tab.isValid(config));
            assertEquals("Choose an open Iris project", tab.getErrorMessage());
            Combo system = (Combo) Arrays.stream(((Composite) tab.getControl()).getChildren())
                    .filter(Combo.class::isInstance).skip(1).findFirst().orElseThrow();
            assertEquals(0, system.getItemCount(), "no systems without a project");
            // and typing no project at all (the project combo's Modify) loads none either
            Combo project = (Combo) Arrays.stream(((Composite) tab.getControl()).getChildren())
                    .filter(Combo.class::isInstance).findFirst().orElseThrow();
            project.setText(" ");
            project.setText("");
            assertEquals(0, system.getItemCount());
            assertFalse(tab.isValid(config));
        });
    }

    @Test
    void theMainClassSearchFindsTheProjectsClassesWithAMainMethod() throws Throwable {
        IProject project = IrisProjects.create("main-search", null, IrisProjects.Example.BANK, null);
        try {
            project.build(IncrementalProjectBuilder.FULL_BUILD, null);
            assertEquals(List.of("demo.bank.Main"), IrisPrograms.mainTypes(JavaCore.create(project)),
                    "the example's Main, not its handlers nor the generated classes");
        } finally {
            project.delete(true, true, null);
        }
    }

    /**
     * The tabs, opened on a project's configuration as the dialog does, keep its project. Found in
     * the product: opening Run Configurations... emptied it. The dialog initializes the tabs from
     * its working copy twice (the group, then the active tab) and applies them to that same copy on
     * every update a tab asks for; filling the project list cleared the combo (GTK), whose Modify
     * asked for an update, and the empty project was applied before it was read back.
     */
    @Test
    void theTabsKeepTheProjectOfTheConfigurationTheyOpen() throws Throwable {
        onBankConfiguration("tabs-keep", (project, config) -> {
        IrisClusterTabGroup group = new IrisClusterTabGroup();
        group.createTabs(null, ILaunchManager.RUN_MODE);
        ILaunchConfigurationTab[] tabs = group.getTabs();
        ILaunchConfigurationDialog dialog = (ILaunchConfigurationDialog) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ILaunchConfigurationDialog.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("updateButtons")) {
                        for (ILaunchConfigurationTab tab : tabs) {
                            tab.performApply(config); // as LaunchConfigurationTabGroupViewer.refresh
                        }
                    }
                    return method.getReturnType() == boolean.class ? false
                            : method.getReturnType() == String.class ? ILaunchManager.RUN_MODE : null;
                });
        for (ILaunchConfigurationTab tab : tabs) {
            tab.setLaunchConfigurationDialog(dialog);
            tab.createControl(shell);
        }
        shell.open();
        for (int pass = 0; pass < 2; pass++) {
            for (ILaunchConfigurationTab tab : tabs) {
                tab.initializeFrom(config);
                assertEquals("tabs-keep", config.getAttribute(IrisLaunching.ATTR_PROJECT, ""), tab.getName());
            }
        }
        Combo combo = (Combo) Arrays.stream(((Composite) tabs[0].getControl()).getChildren())
                .filter(Combo.class::isInstance).findFirst().orElseThrow();
        assertEquals("tabs-keep", combo.getText());
        assertTrue(tabs[0].isValid(config), tabs[0].getErrorMessage());
        });
    }

    /**
     * The Program tab shows and applies whether processes run on the event loops and the data
     * directory, and refuses a data directory that is a file.
     */
    @Test
    void theProgramTabKeepsTheEventLoopOptionAndTheDataDirectory() throws Throwable {
        onBankConfiguration("tabs-data", (project, config) -> {
        config.setAttribute(IrisLaunching.ATTR_PROCESSES_ON_EVENT_LOOP, true);
        config.setAttribute(IrisLaunching.ATTR_DATA_DIRECTORY, "state/pages");
        IrisProgramTab tab = new IrisProgramTab();
        tab.setLaunchConfigurationDialog(quietDialog());
        tab.createControl(shell);
        tab.initializeFrom(config);
        Button loops = descendants(tab.getControl(), Button.class).stream()
                .filter(b -> b.getText().startsWith("On the nodes' event loops")).findFirst().orElseThrow();
        Text data = descendants(tab.getControl(), Text.class).stream()
                .filter(t -> t.getMessage().startsWith("iris-data/")).findFirst().orElseThrow();
        assertTrue(loops.getSelection());
        assertEquals("state/pages", data.getText());
        assertTrue(tab.isValid(config), tab.getErrorMessage());

        loops.setSelection(false);
        data.setText("  elsewhere ");
        ILaunchConfigurationWorkingCopy applied = config.copy("applied");
        tab.performApply(applied);
        assertFalse(applied.getAttribute(IrisLaunching.ATTR_PROCESSES_ON_EVENT_LOOP, true));
        assertEquals("elsewhere", applied.getAttribute(IrisLaunching.ATTR_DATA_DIRECTORY, ""));

        java.nio.file.Files.writeString(project.getLocation().toPath().resolve("a-file"), "not a directory");
        data.setText("a-file");
        assertFalse(tab.isValid(config));
        assertEquals("The data directory a-file is a file", tab.getErrorMessage());
        });
    }

    /**
     * The Program tab shows and applies a simulation's seed, and refuses one that is not a whole
     * number, or a simulation without all nodes in one JVM or without a main class.
     */
    @Test
    void theProgramTabKeepsTheSimulationSeedAndSaysWhatASimulationNeeds() throws Throwable {
        onBankConfiguration("tabs-seed", (project, config) -> {
        config.setAttribute(IrisLaunching.ATTR_SIMULATION_SEED, "7");
        config.setAttribute(IrisLaunching.ATTR_EMBEDDED, true);
        IrisProgramTab tab = new IrisProgramTab();
        tab.setLaunchConfigurationDialog(quietDialog());
        tab.createControl(shell);
        tab.initializeFrom(config);
        Text seed = descendants(tab.getControl(), Text.class).stream()
                .filter(t -> t.getMessage().startsWith("a seed:")).findFirst().orElseThrow();
        assertEquals("7", seed.getText());
        assertTrue(tab.isValid(config), tab.getErrorMessage()); // the new configuration has the bank's main class

        seed.setText(" 42 ");
        ILaunchConfigurationWorkingCopy applied = config.copy("applied");
        tab.performApply(applied);
        assertEquals("42", applied.getAttribute(IrisLaunching.ATTR_SIMULATION_SEED, ""));

        seed.setText("seven");
        assertFalse(tab.isValid(config));
        assertEquals("The simulation's seed must be a whole number, not 'seven'", tab.getErrorMessage());
        seed.setText("7");
        descendants(tab.getControl(), Button.class).stream().filter(b -> b.getText().startsWith("One JVM per node"))
                .findFirst().orElseThrow().setSelection(true);
        descendants(tab.getControl(), Button.class).stream().filter(b -> b.getText().startsWith("All nodes in one"))
                .findFirst().orElseThrow().setSelection(false);
        assertFalse(tab.isValid(config));
        assertTrue(tab.getErrorMessage().startsWith("A simulation runs all nodes in one JVM"), tab.getErrorMessage());
        });
    }

    /** Runs {@code test} on a new configuration of a new, built bank project called {@code name}, deleted after it. */
    private static void onBankConfiguration(String name, BankTest test) throws Throwable {
        IProject project = IrisProjects.create(name, null, IrisProjects.Example.BANK, null);
        try {
            project.build(IncrementalProjectBuilder.FULL_BUILD, null);
            IrisPrograms.Program program = IrisPrograms.of(project).get(0);
            test.run(project, IrisLaunching.newConfiguration(project, program, program.cluster(null).orElseThrow()));
        } finally {
            project.delete(true, true, null);
        }
    }

    /** A test of a configuration of a bank project. */
    private interface BankTest {
        void run(IProject project, ILaunchConfigurationWorkingCopy config) throws Throwable;
    }

    /** A Program tab on {@link #shell}, filled from {@code config}, whose dialog answers nothing. */
    private IrisProgramTab programTab(ILaunchConfigurationWorkingCopy config) {
        IrisProgramTab tab = new IrisProgramTab();
        tab.setLaunchConfigurationDialog(quietDialog());
        tab.createControl(shell);
        tab.initializeFrom(config);
        return tab;
    }

    /** A dialog that answers every question with nothing. */
    private ILaunchConfigurationDialog quietDialog() {
        return (ILaunchConfigurationDialog) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ILaunchConfigurationDialog.class}, (proxy, method, args) ->
                        method.getReturnType() == boolean.class ? false
                                : method.getReturnType() == String.class ? ILaunchManager.RUN_MODE : null);
    }

    /** The controls of {@code type} in {@code control}'s tree. */
    private static <T extends Control> List<T> descendants(Control control, Class<T> type) {
        List<T> found = new java.util.ArrayList<>();
        if (type.isInstance(control)) {
            found.add(type.cast(control));
        }
        if (control instanceof Composite composite) {
            for (Control child : composite.getChildren()) {
                found.addAll(descendants(child, type));
            }
        }
        return found;
    }

    @Test
    void theNodesTabShowsNoNodesWhenTheConfigurationHasNoProject() throws Throwable {
        IrisNodesTab tab = new IrisNodesTab();
        openOnBlankConfigurations(tab, config -> {
            Control table = Arrays.stream(((Composite) tab.getControl()).getChildren())
                    .filter(Table.class::isInstance).findFirst().orElseThrow();
            assertEquals(0, ((Table) table).getItemCount());
            assertEquals(null, tab.getErrorMessage());
        });
    }

    /**
     * Opens {@code tab} as the dialog does on a configuration with an empty project (the tab
     * group's defaults) and on one without the attribute, and checks it with {@code check} each time.
     */
    private void openOnBlankConfigurations(AbstractLaunchConfigurationTab tab,
            ThrowingConsumer<ILaunchConfigurationWorkingCopy> check) throws Throwable {
        tab.createControl(shell);
        ILaunchConfigurationWorkingCopy empty = IrisLaunching.type().newInstance(null, "blank");
        empty.setAttribute(IrisLaunching.ATTR_PROJECT, "");
        for (ILaunchConfigurationWorkingCopy config : List.of(empty, IrisLaunching.type().newInstance(null, "missing"))) {
            tab.initializeFrom(config);
            check.accept(config);
        }
    }
}
