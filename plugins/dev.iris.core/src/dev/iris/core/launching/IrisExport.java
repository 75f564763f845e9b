package dev.iris.core.launching;

import dev.iris.core.IrisRuntimeContainer;
import dev.iris.dsl.export.NodeBundles;
import dev.iris.runtime.Node;
import dev.iris.runtime.launch.GeneratedSystem;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.core.resources.IMarker;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.jdt.core.IClasspathEntry;
import org.eclipse.jdt.core.IJavaProject;
import org.eclipse.jdt.core.JavaCore;

/**
 * Exports runnable node bundles of a project's cluster with the exporter of {@code iris export}
 * ({@link NodeBundles}): per node {@code bin/iris-node}, {@code lib/}, {@code conf/} with the
 * node's credentials, {@code .tar.gz} and {@code .zip}; a Dockerfile and a Kubernetes
 * StatefulSet; the cluster's authority in {@code out/authority/}. Runs in the caller's thread
 * (a job's): it reads the project's compiled classes, so build the project first.
 */
public final class IrisExport {
    /** Where a node bundle keeps a persistent cluster's pages unless told otherwise: {@code data/} in it. */
    public static final String DEFAULT_DATA_DIRECTORY = NodeBundles.DATA;

    private IrisExport() {
    }

    /** What is wrong with {@code dataDirectory} as the bundles' data directory, or null if nothing. */
    public static String dataDirectoryProblem(String dataDirectory) {
        try {
            NodeBundles.dataDirectory(dataDirectory);
            return null;
        } catch (IllegalArgumentException e) {
            return Character.toUpperCase(e.getMessage().charAt(0)) + e.getMessage().substring(1);
        }
    }

    /**
     * Writes the bundles of {@code cluster} of {@code program} into {@code out}; returns the node
     * bundle directories.
     *
     * @throws CoreException if the project has errors (nothing is written then), or the bundles
     *                       cannot be written
     */
    public static List<Path> export(IProject project, IrisPrograms.Program program, String cluster, Path out,
            IProgressMonitor monitor) throws CoreException {
        return export(project, program, cluster, out, NodeBundles.DATA, monitor);
    }

    /**
     * As {@link #export(IProject, IrisPrograms.Program, String, Path, IProgressMonitor)}, each node
     * keeping a persistent memory's pages in {@code dataDirectory} ({@link NodeBundles}).
     *
     * @throws CoreException as there, or if {@code dataDirectory} is blank or leaves the bundle
     */
    public static List<Path> export(IProject project, IrisPrograms.Program program, String cluster, Path out,
            String dataDirectory, IProgressMonitor monitor) throws CoreException {
        SubMonitor progress = SubMonitor.convert(monitor, "Exporting the node bundles of cluster " + cluster, 3);
        if (project.findMaxProblemSeverity(IMarker.PROBLEM, true, IResource.DEPTH_INFINITE) == IMarker.SEVERITY_ERROR) {
            throw new CoreException(Status.error("project " + project.getName()
                    + " has errors: fix them (see the Problems view) and export again; nothing was written"));
        }
        IJavaProject java = JavaCore.create(project);
        Path classes = project.getWorkspace().getRoot().getFolder(java.getOutputLocation()).getLocation().toPath();
        List<Path> runtime = new ArrayList<>();
        try {
            for (IClasspathEntry entry : IrisRuntimeContainer.create().getClasspathEntries()) {
                runtime.add(entry.getPath().toPath());
            }
        } catch (IOException e) {
            throw new CoreException(Status.error("cannot locate the Iris runtime: " + e.getMessage(), e));
        }
        progress.worked(1);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                Node.class.getClassLoader())) {
            GeneratedSystem system = GeneratedSystem.load(program.systemClass(), loader);
            Object spec = system.cluster(cluster);
            List<Class<?>> userClasses = new ArrayList<>();
            for (String name : IrisPrograms.userTypes(java)) {
                userClasses.add(loader.loadClass(name));
            }
            progress.worked(1);
            List<Path> bundles = NodeBundles.write(new NodeBundles.Program(classes, userClasses, runtime), system, spec,
                    out, dataDirectory);
            progress.worked(1);
            return bundles;
        } catch (IOException e) {
            throw new CoreException(Status.error("cannot write the node bundles into " + out + ": " + e.getMessage(), e));
        } catch (IllegalArgumentException e) {
            throw new CoreException(Status.error(e.getMessage(), e));
        } catch (ClassNotFoundException | RuntimeException e) {
            throw new CoreException(Status.error("cannot load the program's classes from " + classes
                    + " (build the project first): " + e.getMessage(), e));
        }
    }
}
