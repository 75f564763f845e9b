package dev.iris.ui.internal.launching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.iris.core.IrisProjects;
import dev.iris.core.launching.IrisLaunching;
import dev.iris.core.launching.IrisPrograms;
import java.util.Arrays;
import java.util.List;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IncrementalProjectBuilder;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.internal.ui.launchConfigurations.LaunchConfigurationPresentationManager;
import org.eclipse.debug.ui.AbstractLaunchConfigurationTab;
import org.eclipse.debug.ui.ILaunchConfigurationTabGroup;
import org.eclipse.jdt.core.JavaCore;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
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
