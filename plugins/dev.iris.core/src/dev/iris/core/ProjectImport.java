package dev.iris.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IProjectDescription;
import org.eclipse.core.resources.IWorkspace;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IPath;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.SubMonitor;

/**
 * Brings program directories into the workspace as projects that stay where they are (the
 * workspace links to them; nothing is copied). A directory with an Eclipse {@code .project} keeps
 * its name and natures; any other becomes a project named after the directory: an Iris project
 * ({@link IrisProjects#configure}) if it has an Iris program in {@code src/main/iris}, else a plain
 * one. A project of that name already in the workspace is left alone, so importing again changes
 * nothing.
 */
public final class ProjectImport {
    private ProjectImport() {
    }

    /**
     * Imports {@code directories}; returns the projects that were created (not those already there).
     *
     * @throws CoreException if a project cannot be created or opened
     */
    public static List<IProject> importProjects(List<Path> directories, IProgressMonitor monitor) throws CoreException {
        SubMonitor progress = SubMonitor.convert(monitor, "Importing programs", directories.size());
        IWorkspace workspace = ResourcesPlugin.getWorkspace();
        List<IProject> created = new ArrayList<>();
        for (Path directory : directories) {
            Path dir = directory.toAbsolutePath().normalize();
            progress.subTask(dir.getFileName().toString());
            IProjectDescription description;
            Path dotProject = dir.resolve(".project");
            if (Files.isRegularFile(dotProject)) {
                description = workspace.loadProjectDescription(IPath.fromOSString(dotProject.toString()));
            } else {
                description = workspace.newProjectDescription(dir.getFileName().toString());
            }
            description.setLocation(IPath.fromOSString(dir.toString()));
            IProject project = workspace.getRoot().getProject(description.getName());
            SubMonitor step = progress.split(1).setWorkRemaining(3);
            if (!project.exists()) {
                boolean program = !Files.isRegularFile(dotProject)
                        && Files.isDirectory(dir.resolve(IrisProjects.IRIS_SRC));
                project.create(description, step.split(1));
                project.open(step.split(1));
                if (program) {
                    IrisProjects.configure(project, step.split(1));
                }
                created.add(project);
            }
        }
        return created;
    }
}
