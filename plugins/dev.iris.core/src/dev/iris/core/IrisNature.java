package dev.iris.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.core.resources.ICommand;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IProjectDescription;
import org.eclipse.core.resources.IProjectNature;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;

/**
 * The Iris project nature: marks a Java project whose {@code .iris} files Iris builds. Requires
 * the Java nature. Configuring it installs the Iris builder ahead of the Java builder, so that the
 * Java builder compiles what the Iris builder generated in the same build.
 */
public final class IrisNature implements IProjectNature {
    /** The nature id, as declared in plugin.xml. */
    public static final String ID = "dev.iris.core.irisNature";
    /** The id of the builder this nature installs. */
    public static final String BUILDER_ID = "dev.iris.core.irisBuilder";
    /** JDT's Java builder id, which the Iris builder runs before. */
    public static final String JAVA_BUILDER_ID = "org.eclipse.jdt.core.javabuilder";
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
    public void configure() throws CoreException {
        IProjectDescription description = project.getDescription();
        List<ICommand> commands = new ArrayList<>(Arrays.asList(description.getBuildSpec()));
        if (commands.stream().anyMatch(c -> c.getBuilderName().equals(BUILDER_ID))) {
            return;
        }
        ICommand iris = description.newCommand();
        iris.setBuilderName(BUILDER_ID);
        int java = 0;
        while (java < commands.size() && !commands.get(java).getBuilderName().equals(JAVA_BUILDER_ID)) {
            java++;
        }
        commands.add(java, iris);
        description.setBuildSpec(commands.toArray(ICommand[]::new));
        project.setDescription(description, null);
    }

    @Override
    public void deconfigure() throws CoreException {
        IProjectDescription description = project.getDescription();
        description.setBuildSpec(Arrays.stream(description.getBuildSpec())
                .filter(c -> !c.getBuilderName().equals(BUILDER_ID)).toArray(ICommand[]::new));
        project.setDescription(description, null);
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
