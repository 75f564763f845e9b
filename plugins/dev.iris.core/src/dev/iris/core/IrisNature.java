package dev.iris.core;

import java.util.Arrays;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IProjectDescription;
import org.eclipse.core.resources.IProjectNature;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;

/**
 * The Iris project nature: marks a Java project whose {@code .iris} files Iris builds. Requires
 * the Java nature. The builder it will install comes with the IDE issue; today it only marks.
 */
public final class IrisNature implements IProjectNature {
    /** The nature id, as declared in plugin.xml. */
    public static final String ID = "dev.iris.core.irisNature";
    /** JDT's Java nature id, which this nature requires. */
    public static final String JAVA_NATURE_ID = "org.eclipse.jdt.core.javanature";

    private IProject project;

    /** Whether {@code project} is open and has the Iris nature. */
    public static boolean isIrisProject(IProject project) {
        try {
            return project.isOpen() && project.hasNature(ID);
        } catch (CoreException e) {
            return false;
        }
    }

    /**
     * Adds the Iris nature to an open project that already has the Java nature. Does nothing if
     * the nature is present. Runs in the caller's thread and may take the workspace lock.
     *
     * @throws CoreException if the project is closed, lacks the Java nature, or cannot be written
     */
    public static void addTo(IProject project, IProgressMonitor monitor) throws CoreException {
        IProjectDescription description = project.getDescription();
        String[] natures = description.getNatureIds();
        if (Arrays.asList(natures).contains(ID)) {
            return;
        }
        String[] more = Arrays.copyOf(natures, natures.length + 1);
        more[natures.length] = ID;
        description.setNatureIds(more);
        project.setDescription(description, monitor);
    }

    @Override
    public void configure() {
        // nothing to install yet: the Iris builder arrives with the IDE issue
    }

    @Override
    public void deconfigure() {
        // nothing installed by configure()
    }

    @Override
    public IProject getProject() {
        return project;
    }

    @Override
    public void setProject(IProject project) {
        this.project = project;
    }
}
