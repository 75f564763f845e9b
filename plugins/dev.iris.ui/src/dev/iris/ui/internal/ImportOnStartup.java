package dev.iris.ui.internal;

import dev.iris.core.ProjectImport;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.resources.WorkspaceJob;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.ui.IStartup;

/**
 * Imports the program directories named by the system property {@code iris.import} (separated by
 * the path separator) when the workbench starts, in a workspace job: {@code iris ide} passes the
 * examples of the repository. Projects already in the workspace are left alone. The job's family
 * is this class.
 */
public final class ImportOnStartup implements IStartup {
    /** The system property with the directories to import. */
    public static final String PROPERTY = "iris.import";

    @Override
    public void earlyStartup() {
        String value = System.getProperty(PROPERTY, "");
        List<Path> directories = new ArrayList<>();
        for (String entry : value.split(File.pathSeparator)) {
            if (!entry.isBlank() && new File(entry).isDirectory()) {
                directories.add(Path.of(entry));
            }
        }
        if (directories.isEmpty()) {
            return;
        }
        WorkspaceJob job = new WorkspaceJob("Importing Iris programs") {
            @Override
            public IStatus runInWorkspace(IProgressMonitor monitor) throws CoreException {
                ProjectImport.importProjects(directories, monitor);
                return Status.OK_STATUS;
            }

            @Override
            public boolean belongsTo(Object family) {
                return family == ImportOnStartup.class;
            }
        };
        job.setRule(ResourcesPlugin.getWorkspace().getRoot());
        job.schedule();
    }
}
