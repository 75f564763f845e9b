package dev.iris.ui.internal.launching;

import org.eclipse.debug.ui.AbstractLaunchConfigurationTabGroup;
import org.eclipse.debug.ui.CommonTab;
import org.eclipse.debug.ui.EnvironmentTab;
import org.eclipse.debug.ui.ILaunchConfigurationDialog;
import org.eclipse.debug.ui.ILaunchConfigurationTab;
import org.eclipse.debug.ui.sourcelookup.SourceLookupTab;
import org.eclipse.jdt.debug.ui.launchConfigurations.JavaArgumentsTab;
import org.eclipse.jdt.debug.ui.launchConfigurations.JavaJRETab;

/** The tabs of an "Iris Cluster" configuration: program and cluster, nodes, JVM arguments, JRE, ... */
public final class IrisClusterTabGroup extends AbstractLaunchConfigurationTabGroup {
    @Override
    public void createTabs(ILaunchConfigurationDialog dialog, String mode) {
        setTabs(new ILaunchConfigurationTab[] {
            new IrisProgramTab(),
            new IrisNodesTab(),
            new JavaArgumentsTab(),
            new JavaJRETab(),
            new EnvironmentTab(),
            new SourceLookupTab(),
            new CommonTab()
        });
    }
}
