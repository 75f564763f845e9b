package dev.iris.ui.internal.launching;

import dev.iris.core.IrisNature;
import dev.iris.core.launching.IrisLaunching;
import dev.iris.core.launching.IrisPrograms;
import java.util.List;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.runtime.Adapters;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.Status;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.debug.ui.ILaunchShortcut;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.viewers.ISelection;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.IEditorPart;

/**
 * Run As / Debug As > Iris Cluster on a {@code .iris} file, an Iris project or the Iris editor:
 * launches the program's {@code local} cluster (else its first), reusing the configuration made
 * for it before.
 */
public final class IrisLaunchShortcut implements ILaunchShortcut {
    @Override
    public void launch(ISelection selection, String mode) {
        if (selection instanceof IStructuredSelection s && !s.isEmpty()) {
            IResource resource = Adapters.adapt(s.getFirstElement(), IResource.class);
            if (resource != null) {
                launch(resource.getProject(), mode);
            }
        }
    }

    @Override
    public void launch(IEditorPart editor, String mode) {
        IResource resource = Adapters.adapt(editor.getEditorInput(), IResource.class);
        if (resource != null) {
            launch(resource.getProject(), mode);
        }
    }

    /** Launches the project's first program's default cluster in {@code mode}. */
    static void launch(IProject project, String mode) {
        try {
            ILaunchConfiguration configuration = configuration(project);
            DebugUITools.launch(configuration, mode);
        } catch (CoreException e) {
            MessageDialog.openError(Display.getCurrent().getActiveShell(), "Iris Cluster", e.getMessage());
        }
    }

    /**
     * The configuration of {@code project}'s first program and its default cluster: an existing
     * one, else a new, saved one.
     *
     * @throws CoreException if the project is no Iris project or declares no system with a cluster
     */
    public static ILaunchConfiguration configuration(IProject project) throws CoreException {
        if (!IrisNature.isIrisProject(project)) {
            throw new CoreException(Status.error(project.getName() + " is not an Iris project"));
        }
        List<IrisPrograms.Program> programs = IrisPrograms.of(project);
        for (IrisPrograms.Program program : programs) {
            var cluster = program.cluster(null);
            if (cluster.isEmpty()) {
                continue;
            }
            for (ILaunchConfiguration existing : DebugPlugin.getDefault().getLaunchManager()
                    .getLaunchConfigurations(IrisLaunching.type())) {
                if (project.getName().equals(existing.getAttribute(IrisLaunching.ATTR_PROJECT, ""))
                        && program.systemClass().equals(existing.getAttribute(IrisLaunching.ATTR_SYSTEM, ""))
                        && cluster.get().name().equals(existing.getAttribute(IrisLaunching.ATTR_CLUSTER, ""))) {
                    return existing;
                }
            }
            return IrisLaunching.newConfiguration(project, program, cluster.get()).doSave();
        }
        throw new CoreException(Status.error(
                "project " + project.getName() + " declares no system with a cluster to launch"));
    }
}
