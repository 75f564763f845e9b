package dev.iris.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IProjectDescription;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs in an OSGi framework with a real workspace on disk. */
class IrisNatureTest {
    private final IProject project = ResourcesPlugin.getWorkspace().getRoot().getProject("nature-test");

    @AfterEach
    void deleteProject() throws CoreException {
        project.delete(true, true, null);
    }

    private void createJavaProject() throws CoreException {
        project.create(null);
        project.open(null);
        IProjectDescription description = project.getDescription();
        description.setNatureIds(new String[] {IrisNature.JAVA_NATURE_ID});
        project.setDescription(description, null);
    }

    @Test
    void addsTheNatureOnceToAJavaProject() throws CoreException {
        createJavaProject();
        assertFalse(IrisNature.isIrisProject(project));

        IrisNature.addTo(project, new NullProgressMonitor());
        IrisNature.addTo(project, new NullProgressMonitor());

        assertTrue(IrisNature.isIrisProject(project));
        assertArrayEquals(new String[] {IrisNature.JAVA_NATURE_ID, IrisNature.ID}, project.getDescription().getNatureIds());
        assertTrue(project.getNature(IrisNature.ID) instanceof IrisNature nature && nature.getProject() == project);
    }

    @Test
    void refusesAProjectWithoutTheJavaNature() throws CoreException {
        project.create(null);
        project.open(null);
        CoreException e = assertThrows(CoreException.class, () -> IrisNature.addTo(project, null));
        assertTrue(e.getStatus().toString().contains("javanature"), e.getStatus().toString());
        assertFalse(IrisNature.isIrisProject(project));
    }

    @Test
    void aClosedProjectIsNoIrisProject() throws CoreException {
        createJavaProject();
        IrisNature.addTo(project, null);
        project.close(null);
        assertFalse(IrisNature.isIrisProject(project));
    }
}
