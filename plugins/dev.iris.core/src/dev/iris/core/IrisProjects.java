package dev.iris.core;

import dev.iris.core.internal.IrisBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.eclipse.core.resources.IContainer;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IFolder;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IProjectDescription;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.IWorkspace;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IPath;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.jdt.core.IClasspathEntry;
import org.eclipse.jdt.core.IJavaProject;
import org.eclipse.jdt.core.JavaCore;
import org.eclipse.jdt.launching.JavaRuntime;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * Creates Iris projects: Java projects with the Iris nature (and so its builder), the
 * {@link IrisRuntimeContainer Iris runtime} on the classpath, {@code src/main/java} and
 * {@code src-gen} as source folders, Java 21, and the files of an example program, laid out as
 * the examples of the Iris distribution are ({@code src/main/iris}, {@code src/main/java}).
 */
public final class IrisProjects {
    /** The example programs a new project can start from. */
    public enum Example {
        /** A replicated name service on process groups (two name servers, a client). */
        NAMES("names", "Name service: a well-known process group, group sends with all and first reply"),
        /** A bank on distributed shared memory (locks, atomics, optimistic transactions). */
        BANK("bank", "Bank: accounts in distributed shared memory, locks, atomics and transactions");

        private final String directory;
        private final String description;

        Example(String directory, String description) {
            this.directory = directory;
            this.description = description;
        }

        /** One line that says what the example shows. */
        public String description() {
            return description;
        }
    }

    /** The source folder of the user's Java code. */
    public static final String SRC = "src/main/java";
    /** The folder of the {@code .iris} files. */
    public static final String IRIS_SRC = "src/main/iris";

    private IrisProjects() {
    }

    /**
     * Creates and opens project {@code name} in the default location (or at {@code location} if
     * not null) with the files of {@code example}. Takes the workspace lock; run it in a job or a
     * wizard's runnable, not on the UI thread. The project builds on the next (auto)build.
     *
     * @throws CoreException if the project exists already or cannot be written
     */
    public static IProject create(String name, IPath location, Example example, IProgressMonitor monitor)
            throws CoreException {
        IWorkspace workspace = ResourcesPlugin.getWorkspace();
        IProject project = workspace.getRoot().getProject(name);
        if (project.exists()) {
            throw new CoreException(Status.error("a project named '" + name + "' exists already"));
        }
        SubMonitor progress = SubMonitor.convert(monitor, "Creating Iris project " + name, 5);
        workspace.run(m -> {
            SubMonitor steps = SubMonitor.convert(m, 5);
            IProjectDescription description = workspace.newProjectDescription(name);
            description.setLocation(location);
            project.create(description, steps.split(1));
            project.open(steps.split(1));
            copyExample(project, example, steps.split(1));
            configure(project, steps.split(2));
        }, workspace.getRoot(), IWorkspace.AVOID_UPDATE, progress.split(5));
        return project;
    }

    /**
     * Makes the open {@code project}, whose program is in {@link #IRIS_SRC} and {@link #SRC}, an Iris
     * project: the Java and Iris natures, UTF-8 (the encoding the Iris compiler and javac read),
     * Java 21, and a class path of its sources, {@code src-gen}, the JRE and the Iris runtime. Takes
     * the workspace lock.
     */
    public static void configure(IProject project, IProgressMonitor monitor) throws CoreException {
        SubMonitor steps = SubMonitor.convert(monitor, 3);
        IProjectDescription description = project.getDescription();
        description.setNatureIds(new String[] {JavaCore.NATURE_ID, IrisNature.ID});
        project.setDescription(description, steps.split(1));
        project.setDefaultCharset(StandardCharsets.UTF_8.name(), steps.split(1));
        IJavaProject java = JavaCore.create(project);
        Map<String, String> options = java.getOptions(false);
        JavaCore.setComplianceOptions("21", options);
        options.put(JavaCore.COMPILER_RELEASE, JavaCore.ENABLED);
        java.setOptions(options);
        folder(project.getFolder(SRC));
        folder(project.getFolder(IrisBuilder.SRC_GEN));
        java.setRawClasspath(new IClasspathEntry[] {
            JavaCore.newSourceEntry(project.getFolder(SRC).getFullPath()),
            JavaCore.newSourceEntry(project.getFolder(IrisBuilder.SRC_GEN).getFullPath()),
            JavaRuntime.getDefaultJREContainerEntry(),
            IrisRuntimeContainer.entry()
        }, project.getFolder("bin").getFullPath(), steps.split(1));
    }

    /** Copies the example's files ({@code src/main/...}) from this bundle into the project. */
    private static void copyExample(IProject project, Example example, IProgressMonitor monitor) throws CoreException {
        Bundle bundle = FrameworkUtil.getBundle(IrisProjects.class);
        String base = "templates/" + example.directory + "/";
        Enumeration<URL> found = bundle.findEntries(base, "*", true);
        List<URL> entries = found == null ? List.of()
                : Collections.list(found).stream().filter(u -> !u.getPath().endsWith("/")).toList();
        if (entries.isEmpty()) {
            throw new CoreException(Status.error("the example '" + example.directory + "' is missing from " + bundle));
        }
        SubMonitor progress = SubMonitor.convert(monitor, entries.size());
        for (URL url : entries) {
            String path = url.getPath().substring(url.getPath().indexOf(base) + base.length());
            IFile file = project.getFile(path);
            folder(file.getParent());
            try (InputStream in = url.openStream()) {
                file.create(in, IResource.FORCE, progress.split(1));
            } catch (IOException e) {
                throw new CoreException(Status.error("cannot copy " + url + ": " + e.getMessage(), e));
            }
        }
    }

    private static void folder(IContainer container) throws CoreException {
        List<IFolder> missing = new ArrayList<>();
        for (IContainer c = container; c instanceof IFolder f && !f.exists(); c = c.getParent()) {
            missing.add(0, f);
        }
        for (IFolder f : missing) {
            f.create(true, true, null);
        }
    }
}
